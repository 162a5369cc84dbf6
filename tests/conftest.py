"""The test harness: the real app (lifespan included) on SQLite, or on PostgreSQL when
TEST_DATABASE_URL names a server, and a real SMTP server on localhost.

Each test starts from empty tables (truncated, not re-created), a frozen clock and fresh
rate limits; requests go through the ASGI app as real GraphQL documents.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from asyncpg.exceptions import DeadlockDetectedError
from playwright.async_api import Browser, async_playwright
from starlette.applications import Starlette
from tortoise import Tortoise, connections
from tortoise.exceptions import OperationalError
from tortoise.models import Model

from app import create_app
from core import workers
from core.clock import FrozenClock
from core.mail_delivery import deliver_forever
from core.runtime import Runtime
from domain.staff_keys import create_key
from models import Account
from models.enums import StaffScope
from settings import Settings
from staff_app import create_staff_app
from tests.helpers import Factory, GraphQLClient, throwaway_postgres_database
from tests.live_server import free_port, uvicorn_process, uvicorn_server
from tests.smtp import SmtpSink

START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
BASE_URL = "http://testserver.local"
STAFF_URL = "http://staff.internal"
# The browser tests serve the app on this port; its origin may use cookie sessions.
BROWSER_PORT = free_port()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOLDER = "titular@example.net"  # the signed-in holder of the `holder` fixture


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite://{Path(tmp) / 'test.sqlite3'}"
        return
    async with throwaway_postgres_database(server, "cp_test") as url:
        yield url


@pytest.fixture(scope="session")
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture(scope="session")
def settings(database_url: str, smtp_sink: SmtpSink) -> Settings:
    return Settings().with_(
        database_url=database_url,
        environment="test",
        public_base_url=BASE_URL,
        smtp_url=f"smtp://127.0.0.1:{smtp_sink.port}",
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        worker_poll_seconds=0.05,
        # Passkeys need a domain, not an IP address: their panel tests open http://localhost:BROWSER_PORT.
        allowed_origins=(f"http://127.0.0.1:{BROWSER_PORT}", f"http://localhost:{BROWSER_PORT}"),
        webauthn_rp_id="localhost",
        webauthn_origins=(f"http://localhost:{BROWSER_PORT}",),
    )


@pytest.fixture(scope="session")
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[Starlette]:
    """The app with its lifespan, and mail delivery running once the tables exist.

    Tests run the cancellation worker's passes themselves (`complete_due`), so what they
    assert about it does not race a background copy."""
    application = create_app(settings.with_(run_workers=False), clock=clock)
    async with LifespanManager(application):
        await Tortoise.generate_schemas()
        async with workers.running(application.state.runtime, [deliver_forever]):
            yield application


@pytest.fixture(scope="session")
def runtime(app: Starlette) -> Runtime:
    return app.state.runtime


@pytest.fixture(autouse=True)
async def clean_state(app: Starlette, runtime: Runtime, clock: FrozenClock, smtp_sink: SmtpSink) -> None:
    """Empty tables, the clock back at START, no rate-limit history, no received mail."""
    table_models = [model for model in Tortoise.apps["models"].values() if model._meta.db_table != "aerich"]
    for attempt in range(5):
        try:
            await empty(table_models, runtime.settings.dialect)
            break
        except (OperationalError, DeadlockDetectedError):  # the mail worker may deadlock with TRUNCATE: again
            if attempt == 4:
                raise
            await asyncio.sleep(0.05)
    clock.set(START)
    await runtime.limiter.reset()
    smtp_sink.clear()


async def empty(table_models: list[type[Model]], dialect: str) -> None:
    """Every row of the models' tables gone; on PostgreSQL in one TRUNCATE, which also restarts the ids."""
    if dialect == "postgres":
        tables = ", ".join(model._meta.db_table for model in table_models)
        await connections.get("default").execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        return
    for model in table_models:
        await model.all().delete()


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        yield GraphQLClient(http)


@pytest.fixture
async def other_client(app: Starlette) -> AsyncIterator[GraphQLClient]:
    """A second browser, with its own cookies."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL) as http:
        yield GraphQLClient(http)


@pytest.fixture
async def port(app: Starlette) -> AsyncIterator[int]:
    """The app on a real uvicorn server on localhost (for WebSocket and third-party clients)."""
    async with uvicorn_server(app) as bound:
        yield bound


@pytest.fixture(scope="session")
def staff_app(app: Starlette) -> Starlette:
    """The staff API sharing the public app's runtime, as `cli.py serve` runs it with STAFF_BIND."""
    return create_staff_app(app.state.runtime.settings, runtime=app.state.runtime)


StaffClients = Callable[..., Awaitable[GraphQLClient]]


@pytest.fixture
async def staff(staff_app: Starlette, runtime: Runtime) -> AsyncIterator[StaffClients]:
    """`await staff(StaffScope.ACCOUNTS, ...)`: a client of the staff API with a new key of those scopes (all of
    them when none is named)."""
    opened: list[httpx.AsyncClient] = []

    async def make(*scopes: StaffScope, name: str = "billing") -> GraphQLClient:
        created = await create_key(runtime, name, list(scopes) or list(StaffScope))
        http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=staff_app),
            base_url=STAFF_URL,
            headers={"authorization": f"Bearer {created.secret}"},
        )
        opened.append(http)
        return GraphQLClient(http)

    yield make
    for http in opened:
        await http.aclose()


@pytest.fixture
def factory(runtime: Runtime) -> Factory:
    return Factory(runtime)


@pytest.fixture
async def holder(factory: Factory, client: GraphQLClient) -> Account:
    """An account whose holder (HOLDER) is signed in on `client`."""
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    return account


@pytest.fixture
def real_time(clock: FrozenClock) -> None:
    """A second process runs on the real clock: sessions must be valid for it too."""
    clock.set(datetime.now(UTC))


@pytest.fixture
def second_process(settings: Settings, real_time: None) -> Iterator[int]:
    """The app in a second uvicorn process on the same database; its port."""
    with uvicorn_process(settings) as port:
        yield port


def chromium() -> str:
    """Debian's Chromium, installed here if missing (playwright's own download cannot run here)."""
    found = shutil.which("chromium")
    if found is None and os.geteuid() == 0:
        subprocess.run(["apt-get", "update", "-qq"], check=True, timeout=600, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, timeout=900, capture_output=True)
        found = shutil.which("chromium")
    if found is None:
        pytest.skip("Chromium is not installed and cannot be installed without root")
    return found


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium, one per test module."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        yield launched
        await launched.close()
