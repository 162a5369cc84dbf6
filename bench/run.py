"""`make bench`: the dashboard through the full app against a raw Starlette baseline, fan-out to
1,000 subscribers, memory per idle WebSocket, SQL per dashboard, and the sign-in cost.

Servers run as uvicorn subprocesses on localhost; the load comes from this process, bounded
in count and time. Results are printed and written to BENCHMARKS.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
import websockets
from websockets.typing import Subprotocol

# Run as a script (`make bench`), the project's own packages are not importable yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise.transactions import in_transaction

from core.db import close_database, open_database
from core.mail import queue_mail
from core.migrations import upgrade
from core.runtime import Runtime
from core.security import Secrets
from domain import staff
from models import Cancellation
from models.enums import CancellationStatus, EmailCategory, ServiceKind
from settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "Bench-Colibri-Patagonia-77"
CONCURRENCY = 16
SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
MAX_REQUESTS = 20_000
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "1000"))
FAN_OUT_ROUNDS = 5
SIGN_IN = "mutation($l: String!, $p: String!) { signIn(input: {login: $l, password: $p}) { errors { code } } }"
SUBSCRIBE = {
    "id": "1",
    "type": "subscribe",
    "payload": {"query": "subscription { cancellationStatusChanged { cancellation { status } } }"},
}
REQUEST = """mutation($s: ID!) { serviceCancellationRequest(input: {serviceId: $s, reason: "bench",
  acknowledgeDataDeletion: true}) { errors { code } } }"""
DASHBOARD = """{ viewer { account { clientNumber holder { firstName email }
  services(first: 50) { totalCount edges { node { id name status nextDueDate
    cancellation { id status effectiveBy } } } }
  contacts(first: 20) { totalCount edges { node { id email permissions } } }
  mail(first: 20) { totalCount edges { node { id subject category recipients queuedAt service { id name } } } } } } }"""


@dataclass
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


async def seed(settings: Settings) -> str:
    """An account with 50 services (each with a cancellation), 20 contacts and 40 archived mails."""
    await upgrade(settings)
    await open_database(settings)
    try:
        runtime = Runtime.build(settings)
        account = await staff.create_account(
            runtime, "9000", PASSWORD, staff.NewHolder(first_name="Juan", last_name="Pérez", email="juan@example.com")
        )
        for n in range(50):
            service = await staff.create_service(
                runtime,
                account,
                f"Hosting {n}",
                ServiceKind.HOSTING,
                domain=f"sitio{n}.com.ar",
                recurring_amount=Decimal("1500"),
            )
            await Cancellation.create(
                account=account,
                service=service,
                status=CancellationStatus.WITHDRAWN,
                reason="bench",
                requested_at=runtime.clock.now(),
                requested_by="Juan Pérez",
                attempts_left=5,
            )
            if n < 40:
                async with in_transaction():
                    await queue_mail(
                        runtime,
                        account_id=account.id,
                        template="pin_set",
                        category=EmailCategory.PRODUCTS,
                        service_id=service.id,
                    )
        for n in range(20):
            await staff.create_contact(
                runtime,
                account,
                "Ana",
                f"Gómez {n}",
                f"ana{n}@example.com",
                permissions=["SERVICES"],
                email_categories=["PRODUCTS"],
            )
        return account.client_number
    finally:
        await close_database()


def start(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", *args, "--port", str(port), "--log-level", "warning", "--no-access-log"],
        cwd=PROJECT,
        env=env,
    )
    for _ in range(200):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.2)
            return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"server on port {port} did not start")


async def load(send: Callable[[], Awaitable[object]]) -> Load:
    """CONCURRENCY workers calling `send()` for SECONDS (at most MAX_REQUESTS); latencies in ms."""
    latencies: list[float] = []
    deadline = time.perf_counter() + SECONDS

    async def worker() -> None:
        while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
            started = time.perf_counter()
            await send()
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100)
    return Load(len(latencies), elapsed, cuts[49], cuts[98])


def cpu_ms(pid: int) -> float:
    """CPU time the process used so far (user + system): work done, less sensitive to a busy machine than latency."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def dashboard_run(full_port: int, raw_port: int, client_number: str) -> tuple[Load, Load, str]:
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{full_port}", limits=limits) as full:
        signed = await full.post("/graphql", json={"query": SIGN_IN, "variables": {"l": client_number, "p": PASSWORD}})
        assert signed.json()["data"]["signIn"]["errors"] == [], signed.text
        cookie = full.cookies["cp_session"]
        body = {"query": DASHBOARD}

        async def via_graphql() -> None:
            response = await full.post("/graphql", json=body)
            assert response.status_code == 200

        raw_url = f"http://127.0.0.1:{raw_port}"
        async with httpx.AsyncClient(base_url=raw_url, cookies={"cp_session": cookie}, limits=limits) as raw:

            async def via_raw() -> None:
                response = await raw.get("/dashboard")
                assert response.status_code == 200

            same = (await full.post("/graphql", json=body)).json() == (await raw.get("/dashboard")).json()
            for send in (via_graphql, via_raw):  # warm up both
                for _ in range(50):
                    await send()
            return await load(via_graphql), await load(via_raw), "same JSON" if same else "JSON differs"


async def pong(ws: websockets.ClientConnection) -> None:
    """A socket handles its messages in order: its pong means its subscribe message was handled."""
    await ws.send(json.dumps({"type": "ping"}))
    while json.loads(await ws.recv())["type"] != "pong":
        pass


async def settled(pid: int) -> None:
    """Until the server is idle (its subscriptions set up, their first queries done), at most 60 s."""
    for _ in range(240):
        used = cpu_ms(pid)
        await asyncio.sleep(0.25)
        if cpu_ms(pid) - used < 10:
            return


async def fan_out(port: int, pid: int, client_number: str) -> tuple[float, float, float, int]:
    """Latency until every subscriber has one change, the server's CPU time for it (medians of FAN_OUT_ROUNDS
    changes, so that one full garbage collection does not decide the figure), and RSS per idle connection."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        await http.post("/graphql", json={"query": SIGN_IN, "variables": {"l": client_number, "p": PASSWORD}})
        cookie = http.cookies["cp_session"]
        query = f"{{ viewer {{ account {{ services(first: {FAN_OUT_ROUNDS}) {{ edges {{ node {{ id }} }} }} }} }} }}"
        services = (await http.post("/graphql", json={"query": query})).json()
        service_ids = [edge["node"]["id"] for edge in services["data"]["viewer"]["account"]["services"]["edges"]]
        before = rss_kib(pid)
        sockets = []
        for _ in range(SUBSCRIBERS):
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/graphql",
                subprotocols=[Subprotocol("graphql-transport-ws")],
                additional_headers={"Cookie": f"cp_session={cookie}"},
                ping_interval=None,
            )
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await ws.recv()
            await ws.send(json.dumps(SUBSCRIBE))
            sockets.append(ws)
        await asyncio.gather(*(pong(ws) for ws in sockets))
        await settled(pid)
        await asyncio.sleep(1)
        per_connection = (rss_kib(pid) - before) / SUBSCRIBERS

        async def first_message(ws: websockets.ClientConnection) -> float:
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "next":
                    return time.perf_counter()

        latencies, cpu = [], []
        for service_id in service_ids:
            waiting = [asyncio.create_task(first_message(ws)) for ws in sockets]
            started, cpu_before = time.perf_counter(), cpu_ms(pid)
            answer = (await http.post("/graphql", json={"query": REQUEST, "variables": {"s": service_id}})).json()
            assert answer["data"]["serviceCancellationRequest"]["errors"] == [], answer
            arrivals = await asyncio.wait_for(asyncio.gather(*waiting), timeout=60)
            latencies.append((max(arrivals) - started) * 1000)
            cpu.append(cpu_ms(pid) - cpu_before)
        for ws in sockets:
            await ws.close()
        return statistics.median(latencies), statistics.median(cpu), per_connection, len(arrivals)


async def database_url(dialect: str, tmp: Path) -> tuple[str, str | None]:
    if dialect == "sqlite":
        return f"sqlite://{tmp / 'bench.sqlite3'}", None
    name = f"cp_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect("postgres://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return f"postgres://postgres@127.0.0.1:5432/{name}", name


async def drop(name: str) -> None:
    admin = await asyncpg.connect("postgres://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def run_dialect(dialect: str, *, fan_out_only: bool = False) -> list[str]:
    with tempfile.TemporaryDirectory() as tmp:
        url, pg_name = asyncio.run(database_url(dialect, Path(tmp)))
        try:
            settings = Settings().with_(database_url=url)
            client_number = asyncio.run(seed(settings))
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
            full = start(["--factory", "app:main_app"], env, 8701)
            raw = start(["bench.raw_app:app"], env, 8702)
            try:
                if not fan_out_only:
                    graphql, baseline, same = asyncio.run(dashboard_run(8701, 8702, client_number))
                latency, cpu, per_connection, delivered = asyncio.run(fan_out(8701, full.pid, client_number))
            finally:
                full.terminate()
                raw.terminate()
                full.wait(10)
                raw.wait(10)
        finally:
            if pg_name:
                asyncio.run(drop(pg_name))
    fan_out_row = (
        f"| {dialect} | fan-out to {delivered} subscribers | | | {latency:.0f} | until the last one got the change "
        f"(median of {FAN_OUT_ROUNDS} changes; {cpu:.0f} ms of server CPU); "
        f"{per_connection:.1f} KiB RSS per idle subscribed socket |"
    )
    if fan_out_only:
        return [fan_out_row]
    ratio = graphql.rps / baseline.rps
    return [
        f"| {dialect} | full app (GraphQL) | {graphql.rps:.0f} | {graphql.p50_ms:.1f} | {graphql.p99_ms:.1f} "
        f"| {ratio:.0%} of raw ({same}) |",
        f"| {dialect} | raw Starlette | {baseline.rps:.0f} | {baseline.p50_ms:.1f} | {baseline.p99_ms:.1f} "
        "| baseline |",
        fan_out_row,
    ]


def sign_in_cost() -> str:
    secrets = Secrets(Settings())
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        secrets._hasher.hash(PASSWORD)
        timings.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    return f"Sign-in cost: {secrets.parameters}, {median:.0f} ms per hash on this machine (median of 5)."


def main() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if len(sys.argv) == 3 and sys.argv[1] in ("--dialect", "--fan-out"):
        # --fan-out DIALECT: only the subscriber fan-out, printed and not written to BENCHMARKS.md.
        print(json.dumps(run_dialect(sys.argv[2], fan_out_only=sys.argv[1] == "--fan-out")))
        return
    rows = ["| database | target | requests/s | p50 ms | p99 ms | figure |", "| --- | --- | --- | --- | --- | --- |"]
    dialects = ["sqlite"] + (["postgres"] if os.environ.get("BENCH_POSTGRES", "1") == "1" else [])
    for dialect in dialects:
        # One process per dialect: Tortoise keeps per-process state of the database it was opened on.
        command = [sys.executable, __file__, "--dialect", dialect]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows += json.loads(done.stdout.strip().splitlines()[-1])
    sync_section: list[str] = []
    if "postgres" in dialects:
        command = [sys.executable, str(PROJECT / "bench" / "sync.py"), "--json"]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        sync_section = [
            "Bulk sync from billing (`bench/sync.py`, PostgreSQL): servicesSync's domain function in batches of 1,000,"
            " each pass over the same 10,000 services; the floor is bare asyncpg inserting the same rows in one"
            " transaction, in the same run.",
            "",
            "| pass | records/s | seconds | figure |",
            "| --- | --- | --- | --- |",
            *json.loads(done.stdout.strip().splitlines()[-1]),
            "",
        ]
    report = "\n".join(
        [
            "# Benchmarks",
            "",
            f"`make bench` on {os.cpu_count()} cores: the dashboard query (viewer, holder, 50 services with their "
            "cancellations, 20 contacts, the last 20 mails) through the full app and through a raw Starlette "
            "endpoint reading the same rows with the same ORM and database, "
            f"{CONCURRENCY} concurrent clients for {SECONDS:.0f} s each, uvicorn with one worker. "
            "The ratio is the figure; absolute numbers depend on the machine.",
            "",
            *rows,
            "",
            "SQL queries per dashboard request: constant "
            "(tests/test_query_count.py checks that 5 and 50 services cost the same).",
            "",
            sign_in_cost(),
            "",
            *sync_section,
        ]
    )
    print(report)
    (PROJECT / "BENCHMARKS.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
