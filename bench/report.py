"""BENCHMARKS.md from one bench run. Everything above HISTORY_MARKER is rewritten; everything from it on is
hand-written (the per-change before/after table) and kept as it is."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

HISTORY_MARKER = "<!-- history: kept by bench/run.py -->"
FIRST_HISTORY = f"""{HISTORY_MARKER}

## Before and after (hand-written; bench/run.py keeps this part)

One row per change, from `make bench` runs on this machine: the dashboard as a share of the bare-driver floor and
`{{ __typename }}` as a share of the raw endpoint, measured in the same run.

| change | dashboard, SQLite | dashboard, PostgreSQL | `{{ __typename }}` | notes |
| --- | --- | --- | --- | --- |
| before issue 24 (the issue's own measurement) | ≈5% of floor | ≈3-4% of floor | 9% of raw | |
"""
LABELS = {
    "full": "full app: dashboard (GraphQL POST)",
    "floor": "bare-driver floor: same reads, same bytes, no ORM",
    "orm": "ORM baseline: same reads with Tortoise, no GraphQL",
    "static": "no-database endpoint: the same bytes",
    "full_typename": "full app: `{ __typename }`",
    "raw_typename": "raw Starlette: the same typename bytes",
}
DRIVERS = {"sqlite": "aiosqlite", "postgres": "asyncpg"}


@dataclass
class Measured:
    results: list[dict[str, Any]]
    profiles: dict[str, dict[str, Any]]
    sync_rows: list[str]
    sign_in: str
    seconds: float
    rounds: int
    connections: tuple[int, int]
    memory_seconds: int
    pinned: bool
    revision: str


def row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def load_cells(load: dict[str, Any]) -> tuple[str, str, str]:
    return f"{load['requests_per_second']:,.0f}", f"{load['p50_ms']:.1f}", f"{load['p99_ms']:.1f}"


def cpu_cells(load: dict[str, Any]) -> tuple[str, str, str]:
    return f"{load['server_cpu']:.0%}", f"{load['core_busy']:.0%}", f"{load['client_cpu']:.0%}"


def share(result: dict[str, Any], name: str, base: str) -> str:
    """`name` as a share of `base`: the median of the rounds' ratios (each round ran them seconds apart), and each
    round's."""
    ratios = [ours / theirs for ours, theirs in zip(result["rounds"][name], result["rounds"][base], strict=True)]
    each = ", ".join(f"{ratio:.1%}" for ratio in ratios)
    return f"{statistics.median(ratios):.1%}" + (f" (rounds: {each})" if len(ratios) > 1 else "")


def figure(name: str, loads: dict[str, dict[str, Any]], result: dict[str, Any]) -> str:
    if name == "floor":
        same = "byte-identical" if result["floor_bytes_identical"] else "same JSON, different bytes"
        return f"the floor ({same} to the app's)"
    if name in ("full", "orm"):
        return f"{share(result, name, 'floor')} of floor"
    if name == "static":
        times = loads["static"]["requests_per_second"] / loads["floor"]["requests_per_second"]
        short = "" if times >= 10 else " (under 10x in this run: see the CPU columns)"
        return f"{times:.1f}x floor{short}"
    if name == "full_typename":
        return f"{share(result, name, 'raw_typename')} of raw typename"
    return "the typename baseline"


def dialect_table(result: dict[str, Any]) -> list[str]:
    loads = result["loads"]
    lines = [
        f"### {result['dialect']} ({DRIVERS[result['dialect']]} for the floor)",
        "",
        "The machine's load average (1 min) was {:.1f} before these runs and {:.1f} after them.".format(
            *result["load_average"]
        ),
        "",
        row("target", "requests/s", "p50 ms", "p99 ms", "server CPU", "its core busy", "wrk CPU", "figure"),
        row(*["---"] * 8),
    ]
    lines += [
        row(LABELS[name], *load_cells(loads[name]), *cpu_cells(loads[name]), figure(name, loads, result))
        for name in LABELS
    ]
    return [*lines, ""]


def method(measured: Measured) -> str:
    first = measured.results[0]
    server = first["server"]
    pinning = (
        "uvicorn (one worker) pinned to CPU 0 and wrk to CPU 1 with `taskset`"
        if measured.pinned
        else "no pinning (taskset or a second core missing)"
    )
    return (
        f"`make bench` on {os.cpu_count()} cores, {measured.revision}. "
        f"Load: `wrk -t1 -c{measured.connections[0]} --latency` "
        "(bench/wrk/post.lua posts the GraphQL body, with the session cookie for the dashboard) for "
        f"{measured.seconds:.0f} s per target after a warm-up of the same load; {pinning}. The targets a ratio "
        f"compares (app, floor and ORM baseline; app and raw typename) run in {measured.rounds} rounds, one after "
        "another and every other round in reverse order, so that a ratio's runs are seconds apart while the "
        "machine's speed drifts: the figure is the median of the rounds' ratios (each round's in brackets), a "
        "target's row its median run. Every target gets the "
        "app's own request (the same POST, body and cookie) and the floors answer it without reading the body, so a "
        "ratio compares the servers' work alone, receiving the request included. "
        "uvicorn runs with `--loop uvloop --http httptools` "
        f"(uvloop {version('uvloop')}, httptools {version('httptools')}, both pinned in requirements.lock; "
        f"the floor's process reports loop `{server['loop']}` and HTTP `{', '.join(server['http'])}`). "
        "The dashboard query (bench/dashboard.py: viewer, holder, 50 services with recurring amount and "
        f"cancellation, 20 contacts, the last 20 mails) answers {first['bytes']:,} bytes of JSON. The bare-driver "
        "floor (bench/floor_app.py) authenticates the session cookie as core/authn.py does and reads the same rows "
        "with the bare driver in the app's 6 statements (session with account and holder, services with their count, "
        "their cancellations, contacts with their count, mails with their services and count, recipients), returning "
        "the app's bytes; the no-database "
        "endpoint returns those bytes captured once and shows how far the server and wrk go with no work (it must "
        "reach 10x the floor for the floor to be measured, not the load generator). Server CPU and wrk CPU are each "
        "process's CPU time over the run's wall time (of one core): a server near 100% is bound by its core, wrk "
        'well under it is not the limit; "its core busy" is how busy the server\'s core was, whoever used it (well '
        "above the server's share: other work on the machine took the core from it). "
        "Ratios are the figures: absolute numbers depend on the machine, which "
        "other work shares (PostgreSQL's own processes are not pinned)."
    )


def more_connections(measured: Measured) -> list[str]:
    lines = [
        f"### The dashboard at {measured.connections[1]} connections",
        "",
        row("database", "requests/s", "p50 ms", "p99 ms"),
        row(*["---"] * 4),
    ]
    lines += [row(result["dialect"], *load_cells(result["loads"]["full_64"])) for result in measured.results]
    return [*lines, ""]


def two_workers(measured: Measured) -> list[str]:
    found = [result for result in measured.results if "full_2_workers" in result["loads"]]
    if not found:
        return []
    loads = found[0]["loads"]
    gain = loads["full_2_workers"]["requests_per_second"] / loads["full"]["requests_per_second"]
    return [
        "### Two uvicorn workers on PostgreSQL",
        "",
        "The server is not pinned here (two workers on two cores, sharing them with wrk).",
        "",
        row("workers", "requests/s", "p50 ms", "p99 ms", "figure"),
        row(*["---"] * 5),
        row(1, *load_cells(loads["full"]), "pinned to CPU 0"),
        row(2, *load_cells(loads["full_2_workers"]), f"{gain:.2f}x one worker"),
        "",
    ]


def memory(measured: Measured) -> list[str]:
    found = [result["memory"] for result in measured.results if "memory" in result]
    if not found:
        return ["### Memory per process", "", "Not measured in this run (BENCH_MEMORY_SECONDS=0).", ""]
    samples = dict(found[0]["samples"])
    last = max(samples)
    points = [("start", 0), ("minute 2", 120), (f"end ({last / 60:.1f} min)", last)]
    shown = ", ".join(f"{label} {samples[at] / 1024:.0f} MiB" for label, at in points if at in samples)
    curve = " ".join(f"{kib / 1024:.0f}" for _, kib in sorted(samples.items()))
    rate = found[0]["load"]["requests_per_second"]
    return [
        "### Memory per process",
        "",
        f"RSS of a fresh one-worker app process (PostgreSQL) under {measured.memory_seconds} s of dashboard load "
        f"({measured.connections[0]} connections, {rate:,.0f} requests/s over the run): {shown}. "
        f"Every 30 s, MiB: {curve}.",
        "",
    ]


def top_costs(measured: Measured) -> list[str]:
    lines = [
        "### Top costs (bench/profile.py)",
        "",
        "The dashboard in process under cProfile (200 runs through the ASGI app, after a warm-up), top 10 by own "
        "time. cProfile slows Python code several times over: the shares matter, not the absolute µs.",
        "",
    ]
    for dialect, profile in measured.profiles.items():
        calls = ", ".join(f"{name} {count:.0f}" for name, count in profile["calls"].items())
        lines += [
            f"{dialect}: {profile['total_us'] / 1000:.1f} ms profiled per request. Calls per request: {calls}.",
            "",
            row("function", "calls/request", "own µs/request", "cumulative µs/request"),
            row(*["---"] * 4),
        ]
        lines += [
            row(
                f"`{cost['function']}`",
                f"{cost['calls_per_request']:.0f}",
                f"{cost['own_us']:.0f}",
                f"{cost['cumulative_us']:.0f}",
            )
            for cost in profile["top"]
        ]
        lines.append("")
    return lines


def fan_out(measured: Measured) -> list[str]:
    lines = [
        "### Subscription fan-out",
        "",
        row("database", "subscribers", "until the last got the change, ms", "server CPU ms", "KiB per idle socket"),
        row(*["---"] * 5),
    ]
    for result in measured.results:
        found = result["fan_out"]
        lines.append(
            row(
                result["dialect"],
                found["delivered"],
                f"{found['latency_ms']:.0f}",
                f"{found['cpu_ms']:.0f}",
                f"{found['kib_per_socket']:.1f}",
            )
        )
    return [*lines, "", "Medians of 5 changes (one full garbage collection does not decide the figure).", ""]


def sync(measured: Measured) -> list[str]:
    if not measured.sync_rows:
        return []
    return [
        "### Bulk sync from billing",
        "",
        "`bench/sync.py`, PostgreSQL: servicesSync's domain function in batches of 1,000, each pass over the same "
        "10,000 services; the floor is bare asyncpg inserting the same rows in one transaction, in the same run.",
        "",
        "| pass | records/s | seconds | figure |",
        "| --- | --- | --- | --- |",
        *measured.sync_rows,
        "",
    ]


def history(path: Path) -> str:
    """The hand-written part of the current BENCHMARKS.md, or its first version."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    return current[current.index(HISTORY_MARKER) :] if HISTORY_MARKER in current else FIRST_HISTORY


def write_report(path: Path, measured: Measured) -> str:
    generated = [
        "# Benchmarks",
        "",
        method(measured),
        "",
        *[line for result in measured.results for line in dialect_table(result)],
        *more_connections(measured),
        *two_workers(measured),
        *memory(measured),
        *top_costs(measured),
        *fan_out(measured),
        "SQL queries per dashboard request: constant "
        "(tests/test_query_count.py checks that 5 and 50 services cost the same).",
        "",
        measured.sign_in,
        "",
        *sync(measured),
    ]
    report = "\n".join(generated) + "\n" + history(path)
    path.write_text(report, encoding="utf-8")
    return report
