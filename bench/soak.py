"""`make soak`: ten minutes (SOAK_SECONDS) of mixed load through the production topology (tests/topology.py: nginx,
two `cli.py serve`, one `cli.py worker`, PostgreSQL, Redis), the resident memory of each process sampled every
30 seconds. It passes with no 5xx answer (the clients' and nginx's log), no ERROR log line and no process's RSS
grown by more than 5% between minute 2 and the end (a fifth of the run and its end, for a shorter SOAK_SECONDS).
Writes the figures and the curve into RELIABILITY.md (between its soak markers); exit status 1 when it failed.

Beside the requests answered per second, each window reports the CPU time spent per request by the panel's processes
and by PostgreSQL's backends of the soak's database: on a shared machine the rate follows everyone's load, while the
cost of a request grows only if the work does (with the history the load piles up, for example).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg

from tests.load import SERVICES_PER_ACCOUNT, SETTINGS, Load, Tally
from tests.topology import Process, Topology, topology, unavailable

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
SAMPLE_EVERY = 30.0
MAX_GROWTH = 0.05
ACCOUNTS, SUBSCRIBERS_PER_ACCOUNT, READERS = 3, 2, 3
RELIABILITY = Path(__file__).resolve().parent.parent / "RELIABILITY.md"
BEGIN, END = "<!-- soak:begin -->", "<!-- soak:end -->"


TICKS = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


def cpu_seconds(pid: int) -> float | None:
    """User and system time of a process so far; None once it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class CpuTally:
    """CPU seconds spent by a changing set of processes, each counted from when it was first seen (a process that
    ends between two samples loses only its last window)."""

    last: dict[int, float] = field(default_factory=dict)
    total: float = 0.0

    def add(self, pids: list[int]) -> float:
        for pid in pids:
            now = cpu_seconds(pid)
            if now is not None:
                self.total += now - self.last.get(pid, 0.0)
                self.last[pid] = now
        return self.total


async def backends(database_url: str) -> list[int]:
    """PostgreSQL's server processes of the soak's database."""
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    finally:
        await connection.close()
    return [int(row["pid"]) for row in rows]


@dataclass
class Curve:
    """RSS samples (KiB) of each process, at seconds since the load began."""

    processes: list[Process]
    tally: Tally
    database_url: str
    at: list[float] = field(default_factory=list)
    rss: dict[str, list[int]] = field(default_factory=dict)
    requests: list[int] = field(default_factory=list)  # answered so far, at each sample
    panel_cpu: list[float] = field(default_factory=list)  # CPU seconds so far, at each sample
    postgres_cpu: list[float] = field(default_factory=list)
    _panel: CpuTally = field(default_factory=CpuTally)
    _postgres: CpuTally = field(default_factory=CpuTally)

    async def sample(self, seconds: float) -> None:
        self.at.append(seconds)
        self.requests.append(self.tally.requests)
        for process in self.processes:
            self.rss.setdefault(process.name, []).append(rss_kib(process.pid))
        self.panel_cpu.append(self._panel.add([process.pid for process in self.processes]))
        self.postgres_cpu.append(self._postgres.add(await backends(self.database_url)))

    def rate(self, index: int) -> float:
        """Requests answered per second since the sample before `index` (> 0)."""
        return (self.requests[index] - self.requests[index - 1]) / (self.at[index] - self.at[index - 1])

    def cost(self, cpu: list[float], index: int) -> float:
        """CPU milliseconds per request answered since the sample before `index` (> 0)."""
        return 1000 * (cpu[index] - cpu[index - 1]) / max(1, self.requests[index] - self.requests[index - 1])

    def growth(self, name: str) -> float:
        """From the sample at a fifth of the run (minute 2 of 10) to the last."""
        baseline = next(index for index, at in enumerate(self.at) if at >= SECONDS / 5)
        first, last = self.rss[name][baseline], self.rss[name][-1]
        return (last - first) / first


async def sampling(curve: Curve, began: float, until: float) -> None:
    while (now := time.monotonic()) < until:
        await curve.sample(now - began)
        await asyncio.sleep(min(SAMPLE_EVERY, until - now))
    await curve.sample(time.monotonic() - began)


async def soak(found: Topology) -> tuple[Load, Curve, list[str]]:
    load = Load(found)
    await load.start(ACCOUNTS, SUBSCRIBERS_PER_ACCOUNT, READERS)
    processes = [process for process in found.processes() if process.name in ("app1", "app2", "worker")]
    curve = Curve(processes, load.tally, found.database_url)
    began = time.monotonic()
    until = began + SECONDS
    await asyncio.gather(load.run(until), sampling(curve, began, until))
    await load.stop()
    nginx_5xx = [line for line in found.nginx_log("access") if re.search(r'HTTP/1\.1" 5\d\d ', line)]
    return load, curve, nginx_5xx


def report(load: Load, curve: Curve, nginx_5xx: list[str], errors: list[str]) -> tuple[str, bool]:
    growth = {name: curve.growth(name) for name in curve.rss}
    passed = not load.tally.server_errors() and not nginx_5xx and not errors
    passed = passed and all(value <= MAX_GROWTH for value in growth.values())
    names = list(curve.rss)
    rows = [
        f"| {at:.0f} | "
        + (
            f"{curve.rate(index):.1f} | {curve.cost(curve.panel_cpu, index):.1f} | "
            f"{curve.cost(curve.postgres_cpu, index):.1f} | "
            if index
            else " |  |  | "
        )
        + " | ".join(f"{curve.rss[name][index] / 1024:.1f}" for name in names)
        + " |"
        for index, at in enumerate(curve.at)
    ]
    text = "\n".join(
        [
            f"{SECONDS:.0f} seconds of mixed load through nginx (`make soak`, {time.strftime('%Y-%m-%d')}):"
            f" {load.tally.requests} HTTP requests ({load.tally.requests / SECONDS:.1f}/s), {len(load.changes)}"
            f" cancellation changes followed by {len(load.subscribers)} subscribers ({len(load.missed(1.0))} missed);"
            f" {len(load.tally.server_errors())} 5xx answers to the clients, {len(nginx_5xx)} in nginx's log,"
            f" {len(load.tally.failures)} failed requests in all, {len(errors)} ERROR log lines."
            f" **{'Passed' if passed else 'Failed'}.**",
            "",
            "RSS growth from a fifth of the run (minute 2 of 10) to its end: "
            + ", ".join(f"{name} {value:+.1%}" for name, value in growth.items())
            + f" (at most {MAX_GROWTH:+.0%}).",
            "",
            "| seconds | requests/s | panel CPU ms/request | PostgreSQL CPU ms/request | "
            + " | ".join(f"{name} RSS (MiB)" for name in names)
            + " |",
            "| ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in names) + " |",
            *rows,
        ]
    )
    return text, passed


def write(text: str) -> None:
    document = RELIABILITY.read_text(encoding="utf-8")
    before, rest = document.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    RELIABILITY.write_text(f"{before}{BEGIN}\n{text}\n{END}{after}", encoding="utf-8")


def main() -> int:
    if (reason := unavailable()) is not None:
        print(f"soak: {reason}", file=sys.stderr)
        return 1
    with topology(accounts=ACCOUNTS, services=SERVICES_PER_ACCOUNT, settings=SETTINGS) as found:
        load, curve, nginx_5xx = asyncio.run(soak(found))
        text, passed = report(load, curve, nginx_5xx, found.error_lines())
    print(text)
    write(text)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
