"""Live cancellation status: a real WebSocket client against a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
import websockets

import models
from core import events
from core.ids import to_global_id
from core.ws import MAX_SUBSCRIPTIONS_PER_CONNECTION, PanelTransportWSHandler
from tests.helpers import PASSWORD, emailed_code, session_cookie
from tests.live_server import graphql_socket, uvicorn_server

HOLDER_EMAIL = "vivo@example.net"
SUBSCRIPTION = """subscription($serviceId: ID) { cancellationStatusChanged(serviceId: $serviceId) {
  cancellation { id status reason } service { id status } } }"""
REQUEST = """mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) {
  cancellation { id status } errors { code message } } }"""
CONFIRM = """mutation($i: ServiceCancellationConfirmInput!) { serviceCancellationConfirm(input: $i) {
  cancellation { id status } errors { code message } } }"""
WITHDRAW = """mutation($i: ServiceCancellationWithdrawInput!) { serviceCancellationWithdraw(input: $i) {
  cancellation { id status } errors { code message } } }"""


async def request_cancellation(client, service: models.Service) -> str:
    data = await client.data(
        REQUEST,
        {
            "i": {
                "serviceId": to_global_id("Service", service.id),
                "reason": "Ya no lo uso",
                "acknowledgeDataDeletion": True,
            }
        },
    )
    payload = data["serviceCancellationRequest"]
    assert payload["errors"] == [], payload
    return payload["cancellation"]["id"]


async def test_signed_out_sockets_are_closed_with_4401(port) -> None:
    async with graphql_socket(port) as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        assert await socket.closed_with() == 4401


async def test_contact_without_services_is_closed_with_4403(port, client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "sin.servicios@example.com", permissions=["MAIL"])
    await client.sign_in("sin.servicios@example.com")
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        assert await socket.closed_with() == 4403


async def test_disallowed_origin_is_refused(port, client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    with pytest.raises(Exception, match="403"):
        async with graphql_socket(port, cookie=session_cookie(client), origin="https://evil.example"):
            pass


async def test_current_state_first_then_each_committed_change(port, client, factory, smtp_sink) -> None:
    account = await factory.account(email=HOLDER_EMAIL)
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    cancellation_id = await request_cancellation(client, service)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(SUBSCRIPTION)
        first = (await socket.next_data())["cancellationStatusChanged"]
        assert first["cancellation"] == {
            "id": cancellation_id,
            "status": "AWAITING_CONFIRMATION",
            "reason": "Ya no lo uso",
        }
        confirmed = await client.data(
            CONFIRM, {"i": {"cancellationId": cancellation_id, "code": await emailed_code(smtp_sink, HOLDER_EMAIL)}}
        )
        assert confirmed["serviceCancellationConfirm"]["errors"] == []
        second = (await socket.next_data())["cancellationStatusChanged"]
        assert second["cancellation"]["status"] == "SCHEDULED"
        assert second["service"]["status"] == "CANCELLATION_PENDING"
        await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}})
        third = (await socket.next_data())["cancellationStatusChanged"]
        assert third["cancellation"]["status"] == "WITHDRAWN"
        assert third["service"]["status"] == "ACTIVE"


async def test_each_event_reads_the_service_afresh(port, client, factory) -> None:
    """An event's Service.cancellation is the service's state at that event, not the previous event's."""
    account = await factory.account(email=HOLDER_EMAIL)
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    cancellation_id = await request_cancellation(client, service)
    nested = """subscription { cancellationStatusChanged {
      cancellation { status } service { cancellation { status } } } }"""
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(nested)
        first = (await socket.next_data())["cancellationStatusChanged"]
        assert first["service"]["cancellation"]["status"] == "AWAITING_CONFIRMATION"
        await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}})
        second = (await socket.next_data())["cancellationStatusChanged"]
        assert second["cancellation"]["status"] == "WITHDRAWN"
        assert second["service"]["cancellation"]["status"] == "WITHDRAWN"


async def test_new_request_reaches_a_subscriber_of_that_service(port, client, factory) -> None:
    account = await factory.account()
    service = await factory.service(account)
    other_service = await factory.service(account, "Dominio extra")
    await client.sign_in(account.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION, {"serviceId": to_global_id("Service", service.id)})
        await request_cancellation(client, other_service)
        await request_cancellation(client, service)
        event = (await socket.next_data())["cancellationStatusChanged"]
        assert event["service"]["id"] == to_global_id("Service", service.id)
        assert event["cancellation"]["status"] == "AWAITING_CONFIRMATION"


async def test_another_accounts_service_is_like_a_missing_one(port, client, factory) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    their_service = await factory.service(theirs)
    await client.sign_in(mine.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        for op_id, service_id in (
            ("1", to_global_id("Service", their_service.id)),
            ("2", to_global_id("Service", 999999)),
        ):
            await socket.subscribe(SUBSCRIPTION, {"serviceId": service_id}, op_id=op_id)
            message = await socket.receive()
            assert message["type"] == "next"
            [error] = message["payload"]["errors"]
            assert (error["extensions"]["code"], error["message"]) == (
                "NOT_FOUND",
                "El servicio no existe o no le pertenece.",
            )
            assert (await socket.receive()) == {"id": op_id, "type": "complete"}


async def test_other_accounts_events_are_never_sent(port, client, other_client, factory) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    my_service = await factory.service(mine)
    their_service = await factory.service(theirs)
    await client.sign_in(mine.client_number)
    await other_client.sign_in(theirs.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        await request_cancellation(other_client, their_service)
        await request_cancellation(client, my_service)
        event = (await socket.next_data())["cancellationStatusChanged"]
        assert event["service"]["id"] == to_global_id("Service", my_service.id)


async def test_sign_out_closes_the_sessions_sockets(port, client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        await client.data("mutation { signOut { errors { code } } }")
        assert await socket.closed_with() == 4403


async def test_revoking_a_session_closes_its_sockets(port, client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await other_client.sign_in(account.client_number)
    session_id = (await other_client.data("{ viewer { session { id } } }"))["viewer"]["session"]["id"]
    async with graphql_socket(port, cookie=session_cookie(other_client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        revoked = await client.data(
            "mutation($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { code } } }",
            {"i": {"sessionId": session_id}},
        )
        assert revoked["sessionRevoke"]["errors"] == []
        assert await socket.closed_with() == 4403


async def test_contact_losing_services_is_disconnected(port, client, other_client, factory) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "ana.live@example.com", permissions=["SERVICES"])
    await client.sign_in(account.client_number)
    await other_client.sign_in("ana.live@example.com")
    async with graphql_socket(port, cookie=session_cookie(other_client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        updated = await client.data(
            """mutation($i: ContactUpdateInput!) { contactUpdate(input: $i) { errors { code message } } }""",
            {
                "i": {
                    "id": to_global_id("Contact", contact.id),
                    "expectedVersion": contact.version,
                    "permissions": ["MAIL"],
                }
            },
        )
        assert updated["contactUpdate"]["errors"] == []
        assert await socket.closed_with() == 4403


async def test_rolled_back_changes_are_never_published(runtime, factory) -> None:
    account = await factory.account()

    async def publish_then_roll_back() -> None:
        async with runtime.events.transaction():
            events.publish("cancellation", account.id, note="uncommitted")
            raise RuntimeError("roll back")

    async with runtime.events.subscribe(account.id) as queue:
        with pytest.raises(RuntimeError):
            await publish_then_roll_back()
        async with runtime.events.transaction():
            events.publish("cancellation", account.id, note="committed")
        frame = await asyncio.wait_for(queue.get(), timeout=5)
        assert frame.event["note"] == "committed"


async def test_partner_token_in_connection_init(port, runtime, factory) -> None:
    account = await factory.account()
    token = runtime.secrets.new_token()
    await models.ApiToken.create(
        account=account,
        name="ERP",
        permissions=["SERVICES"],
        token_hash=runtime.secrets.digest(token),
        created_at=runtime.clock.now(),
    )
    async with graphql_socket(port) as socket:
        assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
    async with graphql_socket(port) as socket:
        await socket.send({"type": "connection_init", "payload": {"authorization": "Bearer not-a-token"}})
        assert await socket.closed_with() == 4401


async def test_connection_init_must_come_in_time(app, client, factory) -> None:
    view = app.state.graphql
    original = view.connection_init_wait_timeout
    view.connection_init_wait_timeout = timedelta(milliseconds=100)
    try:
        async with uvicorn_server(app) as port, graphql_socket(port) as socket:
            assert await socket.closed_with() == 4408
    finally:
        view.connection_init_wait_timeout = original


async def test_server_sends_keep_alive_pings(port, client, factory, monkeypatch) -> None:
    monkeypatch.setattr(PanelTransportWSHandler, "keep_alive_seconds", 0.05)
    account = await factory.account()
    await client.sign_in(account.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        message = json.loads(await asyncio.wait_for(socket.connection.recv(), 5))
        assert message == {"type": "ping"}


async def test_subscriptions_per_connection_are_limited(port, client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        for op_id in range(MAX_SUBSCRIPTIONS_PER_CONNECTION + 1):
            await socket.subscribe(SUBSCRIPTION, op_id=str(op_id))
        message = await socket.receive()
        assert message["type"] == "error"
        assert message["id"] == str(MAX_SUBSCRIPTIONS_PER_CONNECTION)
        assert "limit" in message["payload"][0]["message"].lower()


async def test_legacy_graphql_ws_protocol_is_refused(port) -> None:
    async with websockets.connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-ws"]) as legacy:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(legacy.recv(), 5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4406


async def test_password_change_closes_the_persons_sockets(port, client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        change = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code } } }"
        changed = await client.data(
            change, {"i": {"currentPassword": PASSWORD, "newPassword": "Yerba-Guayaba-Cordillera-88"}}
        )
        assert changed["passwordChange"]["errors"] == []
        assert await socket.closed_with() == 4403
