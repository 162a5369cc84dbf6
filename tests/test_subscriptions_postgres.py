"""Live events across server processes and across a dropped PostgreSQL connection (PostgreSQL only)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from tortoise import connections

from core.events import LISTENER_NAME
from settings import PROJECT_DIR
from tests.helpers import emailed_code, session_cookie
from tests.live_server import free_port, graphql_socket, uvicorn_server
from tests.test_subscriptions import CONFIRM, HOLDER_EMAIL, SUBSCRIPTION, request_cancellation

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only")


@pytest.fixture
def real_time(clock) -> None:
    """A second process runs on the real clock: sessions must be valid for it too."""
    clock.set(datetime.now(UTC))


@pytest.fixture
def second_process(settings, real_time) -> Iterator[int]:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "ENVIRONMENT": "test",
        "PUBLIC_BASE_URL": settings.public_base_url,
        "SMTP_URL": settings.smtp_url,
        "SECRET_KEY": settings.secret_key,
        "RUN_WORKERS": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app:main_app", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_DIR,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError("the second server did not start")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def listeners_connected(count: int) -> None:
    """Wait (bounded) until `count` server processes LISTEN for events."""
    for _ in range(100):
        rows = await connections.get("default").execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", [LISTENER_NAME]
        )
        if rows[0]["n"] >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} event listeners connected")


async def test_change_through_one_process_reaches_subscribers_on_another(second_process, client, factory) -> None:
    account = await factory.account()
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    async with graphql_socket(second_process, cookie=session_cookie(client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(SUBSCRIPTION)
        await listeners_connected(2)
        cancellation_id = await request_cancellation(client, service)
        event = (await socket.next_data())["cancellationStatusChanged"]
        assert event["cancellation"] == {
            "id": cancellation_id,
            "status": "AWAITING_CONFIRMATION",
            "reason": "Ya no lo uso",
        }


async def test_listener_reconnects_and_resends_current_state(app, runtime, client, factory, smtp_sink) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    cancellation_id = await request_cancellation(client, service)
    async with uvicorn_server(app) as port, graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        assert (await socket.next_data())["cancellationStatusChanged"]["cancellation"][
            "status"
        ] == "AWAITING_CONFIRMATION"
        await connections.get("default").execute_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()",
            [LISTENER_NAME],
        )
        resent = (await socket.next_data(seconds=10))["cancellationStatusChanged"]
        assert resent["cancellation"]["id"] == cancellation_id
        await asyncio.wait_for(runtime.events.connected.wait(), timeout=10)
        confirmed = await client.data(
            CONFIRM, {"i": {"cancellationId": cancellation_id, "code": await emailed_code(smtp_sink, HOLDER_EMAIL)}}
        )
        assert confirmed["serviceCancellationConfirm"]["errors"] == []
        assert (await socket.next_data())["cancellationStatusChanged"]["cancellation"]["status"] == "SCHEDULED"
