"""uvicorn servers for the bench: subprocesses on localhost, with uvloop and httptools asked for explicitly,
pinned to the server's core when they run one worker; and what /proc says about a process."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.loadgen import SERVER_CPU, pinned

PROJECT = Path(__file__).resolve().parent.parent


def serve(target: list[str], env: dict[str, str], port: int, *, workers: int = 1) -> subprocess.Popen[bytes]:
    """uvicorn serving `target`; with one worker pinned to SERVER_CPU (taskset execs uvicorn: the pid is
    uvicorn's), with more unpinned (the operating system places them)."""
    if answers(port):
        raise RuntimeError(f"something already serves port {port} (a server left from an earlier run?)")
    command = [*(pinned(SERVER_CPU) if workers == 1 else []), sys.executable, "-m", "uvicorn", *target]
    command += ["--loop", "uvloop", "--http", "httptools", "--workers", str(workers), "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, cwd=PROJECT, env=env)
    for _ in range(400):
        if answers(port):
            return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"server on port {port} did not start")


def free_ports(count: int) -> list[int]:
    """Distinct ports nothing listens on now (other work on this machine runs servers too)."""
    with contextlib.ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def answers(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.2)
    except httpx.HTTPError:
        return False
    return True


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(30)


def cpu_ms(pid: int) -> float:
    """CPU time the process used so far (user + system): work done, less sensitive to a busy machine than latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def core_ticks(cpu: str) -> tuple[int, int]:
    """Busy and total clock ticks of one core so far (/proc/stat): how busy it was, whoever kept it busy."""
    for line in Path("/proc/stat").read_text().splitlines():
        name, *fields = line.split()
        if name == f"cpu{cpu}":
            ticks = [int(field) for field in fields[:8]]
            return sum(ticks) - ticks[3] - ticks[4], sum(ticks)
    raise RuntimeError(f"no cpu{cpu} in /proc/stat")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")
