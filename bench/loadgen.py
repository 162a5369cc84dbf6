"""The load generator: wrk, on its own core, against servers pinned to another (taskset), and the parsing of
its --latency report. A Python client would be the bottleneck long before the no-database endpoint is."""

from __future__ import annotations

import dataclasses
import os
import re
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POST_SCRIPT = Path(__file__).resolve().parent / "wrk" / "post.lua"
SERVER_CPU, LOAD_CPU = "0", "1"
# Latencies beyond wrk's default 2 s would be dropped as timeouts instead of counted.
TIMEOUT = "60s"
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    # wrk's CPU time over the run's wall time: near 1.0 would mean the load generator is the limit.
    client_cpu: float | None = None
    # The one-worker server's CPU time over the wall time: near 1.0 means the server's core is the limit.
    server_cpu: float | None = None
    # How busy the server's core was over the run, whoever kept it busy: well above server_cpu means other work
    # on the machine took the core from the server.
    core_busy: float | None = None


def ensure_wrk() -> None:
    """wrk from Debian's package, installed when missing if this process may (root), else a clear stop."""
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise SystemExit("make bench needs wrk: install it (sudo apt-get install -y wrk) and run it again")
    if subprocess.run(["apt-get", "install", "-y", "wrk"], check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True)


def can_pin() -> bool:
    return shutil.which("taskset") is not None and len(os.sched_getaffinity(0)) >= 2


def pinned(cpu: str) -> list[str]:
    """The command prefix that keeps a process on one core (nothing where it cannot be done)."""
    return ["taskset", "-c", cpu] if can_pin() else []


def wrk_command(
    url: str, *, connections: int, seconds: float, body: str | None = None, cookie: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """wrk with one thread on LOAD_CPU for `seconds`: a GET, or a POST of the JSON `body` (bench/wrk/post.lua);
    the command and its environment."""
    command = [*pinned(LOAD_CPU), "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    command += ["--latency", "--timeout", TIMEOUT]
    env = dict(os.environ)
    if body is not None:
        command += ["-s", str(POST_SCRIPT)]
        env |= {"WRK_BODY": body, "WRK_COOKIE": cookie or ""}
    elif cookie:
        command += ["-H", f"Cookie: {cookie}"]
    return [*command, url], env


def wrk(url: str, *, connections: int, seconds: float, body: str | None = None, cookie: str | None = None) -> Load:
    command, env = wrk_command(url, connections=connections, seconds=seconds, body=body, cookie=cookie)
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    after, wall = resource.getrusage(resource.RUSAGE_CHILDREN), time.monotonic() - started
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return dataclasses.replace(parse(done.stdout), client_cpu=cpu / wall)


def parse(report: str) -> Load:
    """Requests/s, p50 and p99 from `wrk --latency`; refuses a run with error responses or socket errors."""
    for failure in (r"Non-2xx or 3xx responses: (\d+)", r"Socket errors: .*"):
        found = re.search(failure, report)
        if found:
            raise RuntimeError(f"wrk reported {found.group(0)}:\n{report}")
    latency = {
        percentile: float(value) * UNITS_MS[unit]
        for percentile, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", report, re.MULTILINE)
    }
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", report, re.MULTILINE)
    total = re.search(r"^\s+(\d+) requests in", report, re.MULTILINE)
    if rate is None or total is None or set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk report:\n{report}")
    return Load(float(rate.group(1)), latency["50"], latency["99"], int(total.group(1)))
