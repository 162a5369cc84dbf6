"""Where the dashboard's time goes, in process (no network, no load generator): the app built on a seeded
database, signed in and warmed up, then the dashboard query (or `{ __typename }`) N times through the ASGI app under
cProfile. Prints the top functions by cumulative and by own time, and how many times graphql-core and the
resolvers run per request.

    .venv/bin/python bench/profile.py [--dialect sqlite|postgres] [--runs 200] [--query dashboard|typename] [--json]

--json prints only the top 10 by own time (µs per request) and the calls per request, for bench/run.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path

# Run as a script, this file's directory comes first on the path and this file would shadow the standard
# library's `profile`, which cProfile imports: the project's root takes its place (with -m, the current one).
sys.path.remove(sys.path[0])
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cProfile
import pstats
import sysconfig

import httpx
from asgi_lifespan import LifespanManager

from app import create_app
from bench.dashboard import DASHBOARD, PASSWORD, SIGN_IN, TYPENAME, seed
from bench.databases import DIALECTS, throwaway
from settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
WARM_UP = 30
# Shortened to paths under these roots (third-party packages, the project, the standard library).
ROOTS = (str(Path(httpx.__file__).resolve().parent.parent), str(PROJECT), sysconfig.get_paths()["stdlib"])


@dataclass
class Cost:
    function: str
    calls_per_request: float
    own_us: float
    cumulative_us: float


def label(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    for root in ROOTS:
        if filename.startswith(root + "/"):
            filename = filename[len(root) + 1 :]
            break
    return f"{filename}:{line}({name})" if line else name


QUERIES = {"dashboard": DASHBOARD, "typename": TYPENAME}


async def profile_query(dialect: str, query: str, runs: int) -> cProfile.Profile:
    async with throwaway(dialect) as url:
        settings = Settings().with_(database_url=url, run_workers=False, log_level="WARNING")
        client_number = await seed(settings)
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            LifespanManager(app),
            httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client,
        ):
            signed = await client.post(
                "/graphql", json={"query": SIGN_IN, "variables": {"l": client_number, "p": PASSWORD}}
            )
            assert signed.json()["data"]["signIn"]["errors"] == [], signed.text
            body = {"query": QUERIES[query]}
            for _ in range(WARM_UP):
                response = await client.post("/graphql", json=body)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(runs):
                response = await client.post("/graphql", json=body)
            profiler.disable()
            data = response.json()["data"]
            assert data == {"__typename": "Query"} or len(data["viewer"]["account"]["services"]["edges"]) == 50, data
            return profiler


def costs(stats: pstats.Stats, runs: int) -> list[Cost]:
    table = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table in this undocumented attribute
    return [
        Cost(label(key), calls / runs, own * 1e6 / runs, cumulative * 1e6 / runs)
        for key, (_primitive, calls, own, cumulative, _callers) in table.items()
    ]


def calls_per_request(all_costs: list[Cost]) -> dict[str, float]:
    """Each function named execute_field or complete_value (graphql-core's, and any executor overriding them),
    Strawberry's resolver call (every field goes through it) and the project's own functions in schema/ (resolvers
    and their helpers): calls per request. Coroutines count once per resumption under cProfile, so async
    functions count more than once."""
    counts = {
        cost.function: cost.calls_per_request
        for cost in all_costs
        if cost.function.endswith(("(execute_field)", "(complete_value)"))
    }
    groups = {
        "Strawberry resolver calls": ("strawberry/types/field.py", "(get_result)"),
        "schema/ functions": ("schema/", ""),
    }
    for group, (prefix, suffix) in groups.items():
        counts[group] = sum(
            cost.calls_per_request
            for cost in all_costs
            if cost.function.startswith(prefix) and cost.function.endswith(suffix)
        )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dialect", choices=DIALECTS, default="sqlite")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--query", choices=QUERIES, default="dashboard")
    parser.add_argument("--json", action="store_true", help="only the top 10 by own time, as JSON")
    args = parser.parse_args()
    profiler = asyncio.run(profile_query(args.dialect, args.query, args.runs))
    stats = pstats.Stats(profiler)
    all_costs = costs(stats, args.runs)
    by_own = sorted(all_costs, key=lambda cost: cost.own_us, reverse=True)
    total_us = sum(cost.own_us for cost in all_costs)
    if args.json:
        top = [cost.__dict__ for cost in by_own[:10]]
        print(json.dumps({"total_us": total_us, "top": top, "calls": calls_per_request(all_costs)}))
        return
    print(
        f"{args.dialect}: {args.runs} x {args.query}, {total_us / 1000:.2f} ms profiled per request "
        "(the app, the in-process client and the event loop's waits)"
    )
    for title, key in (("cumulative", "cumulative_us"), ("own time (tottime)", "own_us")):
        print(f"\nTop 25 by {title}, µs per request:")
        print(f"{'calls/req':>10} {'own µs':>9} {'cum µs':>9}  function")
        for cost in sorted(all_costs, key=lambda cost: getattr(cost, key), reverse=True)[:25]:
            print(f"{cost.calls_per_request:10.1f} {cost.own_us:9.0f} {cost.cumulative_us:9.0f}  {cost.function}")
    print("\nCalls per request:")
    for name, count in calls_per_request(all_costs).items():
        print(f"{count:10.1f}  {name}")


if __name__ == "__main__":
    main()
