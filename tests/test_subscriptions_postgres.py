"""Live events across server processes and across a dropped PostgreSQL connection (PostgreSQL only)."""

from __future__ import annotations

import asyncio
import os

import pytest
from tortoise import connections

from core.events import LISTENER_NAME
from tests.helpers import emailed_code, session_cookie
from tests.live_server import graphql_socket, listeners_connected, uvicorn_server
from tests.test_subscriptions import CONFIRM, HOLDER_EMAIL, SUBSCRIPTION, request_cancellation

pytestmark = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only")


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
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = $1 AND pid <> pg_backend_pid()",
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
