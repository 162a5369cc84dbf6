"""`make bench`: the dashboard through the full app against the bare-driver floor (bench/floor_app.py: same reads,
same bytes, no ORM, no GraphQL) and the ORM baseline (bench/raw_app.py), the no-database endpoint and
`{ __typename }`, on SQLite and PostgreSQL; p99 at 64 connections, two workers on PostgreSQL, memory under
BENCH_MEMORY_SECONDS of load, the top costs in process (bench/profile.py), subscription fan-out, the sign-in cost
and the bulk sync (bench/sync.py). Results are printed and written to BENCHMARKS.md (bench/report.py).

Servers are uvicorn subprocesses on localhost (uvloop, httptools; one worker pinned to CPU 0), the load is wrk
pinned to CPU 1; the targets a ratio compares run in BENCH_ROUNDS rounds (3) back to back. Short runs while
developing: BENCH_SECONDS=3 BENCH_ROUNDS=1 BENCH_MEMORY_SECONDS=0 BENCH_SUBSCRIBERS=100 BENCH_REPORT=/tmp/bench.md
(BENCHMARKS.md is left alone).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson

# Run as a script (`make bench`), the project's own packages are not importable yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dashboard import DASHBOARD, PASSWORD, SIGN_IN, TYPENAME, seed
from bench.databases import create, drop
from bench.fanout import SUBSCRIBERS, fan_out
from bench.loadgen import SERVER_CPU, Load, can_pin, ensure_wrk, parse, wrk, wrk_command
from bench.report import Measured, write_report
from bench.servers import core_ticks, cpu_ms, free_ports, rss_kib, serve, stop
from core.security import Secrets
from settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
MEMORY_SECONDS = int(os.environ.get("BENCH_MEMORY_SECONDS", "600"))
MEMORY_SAMPLE_SECONDS = 30
# Rounds of the targets a ratio compares: the machine's speed drifts over a run, and a ratio of two runs minutes
# apart carried that drift (the SQLite floor once ran 60% faster than two runs before, the app 51%).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
# Where the report goes: BENCHMARKS.md unless a development run names another file.
REPORT = Path(os.environ.get("BENCH_REPORT", str(PROJECT / "BENCHMARKS.md")))
CONNECTIONS, MANY_CONNECTIONS = 32, 64
FULL_PORT, FLOOR_PORT, ORM_PORT = free_ports(3)
FULL, FLOOR, ORM = (f"http://127.0.0.1:{port}" for port in (FULL_PORT, FLOOR_PORT, ORM_PORT))
APP = ["--factory", "app:main_app"]
APP_CODE = ["app.py", "settings.py", "core", "domain", "models", "schema"]
DASHBOARD_BODY = json.dumps({"query": DASHBOARD})
TYPENAME_BODY = json.dumps({"query": TYPENAME})


def measured(
    url: str, *, server: int | None = None, connections: int = CONNECTIONS, body: str | None = None, cookie: str = ""
) -> Load:
    """wrk against `url` after a short warm-up of the same load; with the `server` process's CPU share and how busy
    its core was."""
    wrk(url, connections=connections, seconds=min(2.0, SECONDS), body=body, cookie=cookie)
    cpu_before, core_before, started = (cpu_ms(server) if server else 0.0), core_ticks(SERVER_CPU), time.monotonic()
    load = wrk(url, connections=connections, seconds=SECONDS, body=body, cookie=cookie)
    if server is None:
        return load
    busy, total = (after - before for after, before in zip(core_ticks(SERVER_CPU), core_before, strict=True))
    server_cpu = (cpu_ms(server) - cpu_before) / 1000 / (time.monotonic() - started)
    return dataclasses.replace(load, server_cpu=server_cpu, core_busy=busy / total)


def in_rounds(targets: dict[str, Callable[[], Load]]) -> tuple[dict[str, Load], dict[str, list[float]]]:
    """Every target ROUNDS times, round after round (every other round in reverse order), so that the runs a ratio
    compares are seconds apart: each target's median run, and every run's requests/s for the rounds' ratios."""
    runs: dict[str, list[Load]] = {name: [] for name in targets}
    for number in range(ROUNDS):
        for name in list(targets) if number % 2 == 0 else reversed(targets):
            runs[name].append(targets[name]())
    median = {
        name: sorted(loads, key=lambda load: load.requests_per_second)[len(loads) // 2] for name, loads in runs.items()
    }
    return median, {name: [load.requests_per_second for load in loads] for name, loads in runs.items()}


def signed_in(client_number: str) -> str:
    """The holder's session cookie (Cookie header value), from the full app's signIn."""
    variables = {"l": client_number, "p": PASSWORD}
    signed = httpx.post(f"{FULL}/graphql", json={"query": SIGN_IN, "variables": variables})
    assert signed.json()["data"]["signIn"]["errors"] == [], signed.text
    return f"cp_session={signed.cookies['cp_session']}"


def same_answers(cookie: str) -> dict[str, Any]:
    """Every dashboard target returns the full app's JSON (the floor the same bytes, or the bench says not);
    the no-database endpoint is given those bytes; the typename endpoints answer alike."""
    headers = {"Cookie": cookie}
    app = httpx.post(f"{FULL}/graphql", json={"query": DASHBOARD}, headers=headers).content
    assert len(orjson.loads(app)["data"]["viewer"]["account"]["services"]["edges"]) == 50, app[:300]
    floor = httpx.post(f"{FLOOR}/dashboard", content=DASHBOARD_BODY, headers=headers).content
    assert orjson.loads(floor) == orjson.loads(app), "the floor's dashboard differs from the app's"
    orm = httpx.post(f"{ORM}/dashboard", content=DASHBOARD_BODY, headers=headers).content
    assert orjson.loads(orm) == orjson.loads(app), "the ORM baseline's dashboard differs from the app's"
    httpx.post(f"{FLOOR}/capture", content=app).raise_for_status()
    assert httpx.post(f"{FLOOR}/static-dashboard", content=DASHBOARD_BODY).content == app
    typename = httpx.post(f"{FULL}/graphql", json={"query": TYPENAME}).content
    assert typename == httpx.post(f"{FLOOR}/typename", content=TYPENAME_BODY).content, typename
    return {
        "bytes": len(app),
        "floor_bytes_identical": floor == app,
        "server": httpx.get(f"{FLOOR}/server").json(),
    }


def memory_curve(env: dict[str, str], cookie: str) -> dict[str, Any]:
    """A fresh one-worker app under MEMORY_SECONDS of dashboard load: its RSS every MEMORY_SAMPLE_SECONDS."""
    app = serve(APP, env, FULL_PORT)
    try:
        httpx.post(f"{FULL}/graphql", json={"query": DASHBOARD}, headers={"Cookie": cookie}).raise_for_status()
        command, wrk_env = wrk_command(
            f"{FULL}/graphql", connections=CONNECTIONS, seconds=MEMORY_SECONDS, body=DASHBOARD_BODY, cookie=cookie
        )
        started = time.monotonic()
        load = subprocess.Popen(command, env=wrk_env, stdout=subprocess.PIPE, text=True)
        samples = []
        for at in [*range(0, MEMORY_SECONDS, MEMORY_SAMPLE_SECONDS), MEMORY_SECONDS]:
            time.sleep(max(0.0, started + at - time.monotonic()))
            samples.append((at, rss_kib(app.pid)))
        output, _ = load.communicate(timeout=120)
        return {"samples": samples, "load": dataclasses.asdict(parse(output))}
    finally:
        stop(app)


def run_dialect(dialect: str) -> dict[str, Any]:
    """Every HTTP figure of one database; one process per dialect (Tortoise keeps per-process state)."""
    with tempfile.TemporaryDirectory() as tmp:
        url = asyncio.run(create(dialect, Path(tmp)))
        try:
            return measure(dialect, url, asyncio.run(seed(Settings().with_(database_url=url))))
        finally:
            asyncio.run(drop(url))


def measure(dialect: str, url: str, client_number: str) -> dict[str, Any]:
    # The fan-out's subscribers all come from this one session and address, and its changes all email the
    # holder: socket caps and mail budgets raised to fit them.
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RUN_WORKERS": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(PROJECT),
        "WS_MAX_PER_SESSION": str(SUBSCRIBERS),
        "WS_MAX_PER_IP": str(SUBSCRIBERS),
        "SECURITY_MAIL_PER_RECIPIENT_HOUR": "1000",
        "CUSTOMER_MAIL_PER_ACCOUNT_HOUR": "1000",
    }
    full = serve(APP, env, FULL_PORT)
    floor = serve(["bench.floor_app:app"], env, FLOOR_PORT)
    orm = serve(["bench.raw_app:app"], env, ORM_PORT)
    try:
        cookie = signed_in(client_number)
        result = {"dialect": dialect, "load_average": [os.getloadavg()[0]], **same_answers(cookie)}
        dashboards, result["rounds"] = in_rounds(
            {
                "full": lambda: measured(f"{FULL}/graphql", server=full.pid, body=DASHBOARD_BODY, cookie=cookie),
                "floor": lambda: measured(f"{FLOOR}/dashboard", server=floor.pid, body=DASHBOARD_BODY, cookie=cookie),
                "orm": lambda: measured(f"{ORM}/dashboard", server=orm.pid, body=DASHBOARD_BODY, cookie=cookie),
            }
        )
        typenames, typename_rounds = in_rounds(
            {
                "full_typename": lambda: measured(f"{FULL}/graphql", server=full.pid, body=TYPENAME_BODY),
                "raw_typename": lambda: measured(f"{FLOOR}/typename", server=floor.pid, body=TYPENAME_BODY),
            }
        )
        result["rounds"].update(typename_rounds)
        loads = {
            **dashboards,
            "static": measured(f"{FLOOR}/static-dashboard", server=floor.pid, body=DASHBOARD_BODY, cookie=cookie),
            **typenames,
            "full_64": measured(
                f"{FULL}/graphql", server=full.pid, connections=MANY_CONNECTIONS, body=DASHBOARD_BODY, cookie=cookie
            ),
        }
        result["load_average"].append(os.getloadavg()[0])
        stop(orm, floor)
        if dialect == "postgres":
            stop(full)
            full = serve(APP, env, FULL_PORT, workers=2)
            loads["full_2_workers"] = measured(f"{FULL}/graphql", body=DASHBOARD_BODY, cookie=cookie)
            stop(full)
            full = serve(APP, env, FULL_PORT)
        result["fan_out"] = dataclasses.asdict(asyncio.run(fan_out(FULL_PORT, full.pid, client_number)))
    finally:
        stop(*(process for process in (full, floor, orm) if process.returncode is None))
    result["loads"] = {name: dataclasses.asdict(load) for name, load in loads.items()}
    if dialect == "postgres" and MEMORY_SECONDS > 0:
        result["memory"] = memory_curve(env, cookie)
    return result


def sign_in_cost() -> str:
    secrets = Secrets(Settings())
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        secrets._hasher.hash(PASSWORD)
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    return f"Sign-in cost: {secrets.parameters}, {median:.0f} ms per hash on this machine (median of 5)."


def revision() -> str:
    """The code measured: the commit, and whether the app's code differed from it."""
    git = ["git", "-C", str(PROJECT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--", *APP_CODE], capture_output=True, text=True, check=True
    ).stdout.strip()
    return f"commit {head.stdout.strip()}" + (" with uncommitted changes to the app's code" if changed else "")


def last_json_line(command: list[str]) -> Any:
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if len(sys.argv) == 3 and sys.argv[1] == "--dialect":
        print(json.dumps(run_dialect(sys.argv[2])))
        return
    ensure_wrk()
    measured_code = revision()
    dialects = ["sqlite"] + (["postgres"] if os.environ.get("BENCH_POSTGRES", "1") == "1" else [])
    results = [last_json_line([sys.executable, __file__, "--dialect", dialect]) for dialect in dialects]
    profiles = {
        dialect: last_json_line([sys.executable, str(PROJECT / "bench" / "profile.py"), "--json", "--dialect", dialect])
        for dialect in dialects
    }
    sync = [sys.executable, str(PROJECT / "bench" / "sync.py"), "--json"]
    sync_rows = last_json_line(sync) if "postgres" in dialects else []
    measured_run = Measured(
        results=results,
        profiles=profiles,
        sync_rows=sync_rows,
        sign_in=sign_in_cost(),
        seconds=SECONDS,
        rounds=ROUNDS,
        connections=(CONNECTIONS, MANY_CONNECTIONS),
        memory_seconds=MEMORY_SECONDS,
        pinned=can_pin(),
        revision=measured_code,
    )
    print(write_report(REPORT, measured_run))


if __name__ == "__main__":
    main()
