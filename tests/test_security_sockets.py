"""A socket has no more rights than the same request over HTTP now: every operation and every delivered
event is authorised against the current session, token and contact (real uvicorn, real WebSockets)."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
import websockets
from starlette.applications import Starlette

import models
from core import ws
from core.apq import sha256
from core.authn import REQUESTS_PER_TOKEN
from core.events import CHANNEL
from core.ids import to_global_id
from core.runtime import Runtime
from core.sockets import CLOSE_FORBIDDEN, CLOSE_TOO_MANY, CLOSE_UNAUTHENTICATED, LiveConnections, LiveSocket
from tests.helpers import PASSWORD, GraphQLClient, counting_queries, emailed_code, session_cookie
from tests.live_server import GraphQLSocket, graphql_socket, listeners_connected
from tests.test_subscriptions import CONFIRM, SUBSCRIPTION, request_cancellation

CREATE_TOKEN = """mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) {
  apiToken { id } token errors { code message } } }"""
REVOKE_TOKEN = "mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { errors { code } } }"
HOLDER_VERSION = "{ viewer { account { holder { version } } } }"
HOLDER_UPDATE = "mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) { errors { code } } }"
CONTACT_CREATE = "mutation($i: ContactCreateInput!) { contactCreate(input: $i) { errors { code } } }"
CONTACT_UPDATE = "mutation($i: ContactUpdateInput!) { contactUpdate(input: $i) { errors { code } } }"
CONTACT_DELETE = "mutation($i: ContactDeleteInput!) { contactDelete(input: $i) { errors { code } } }"
PERMISSIONS = "{ viewer { permissions } }"
on_postgres = pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only")


@pytest.fixture
def live(app: Starlette) -> LiveConnections:
    """This process's live sockets (the test runs their sweep instead of waiting for the timer)."""
    return app.state.graphql.live


async def run(
    socket: GraphQLSocket, query: str, variables: dict[str, Any] | None = None, op_id: str = "op"
) -> dict[str, Any]:
    """A query or mutation over the socket: its one result (data and errors, as over HTTP)."""
    await socket.subscribe(query, variables, op_id=op_id)
    message = await socket.receive()
    if message["type"] == "next":
        assert await socket.receive() == {"id": op_id, "type": "complete"}
    return message


async def permissions_over(socket: GraphQLSocket, op_id: str = "op") -> list[str]:
    return (await run(socket, PERMISSIONS, op_id=op_id))["payload"]["data"]["viewer"]["permissions"]


async def update_contact(client: GraphQLClient, contact: models.Contact, **fields: Any) -> None:
    """contactUpdate by `client` with the contact's current version; it must succeed."""
    version = (await models.Contact.get(id=contact.id)).version
    variables = {"i": {"id": contact_id(contact), "expectedVersion": version, **fields}}
    assert (await client.data(CONTACT_UPDATE, variables))["contactUpdate"]["errors"] == []


def error_code(message: dict[str, Any]) -> str:
    errors = message["payload"]["errors"] if message["type"] == "next" else message["payload"]
    return errors[0]["extensions"]["code"]


async def messages_until_closed(socket: GraphQLSocket) -> tuple[list[dict[str, Any]], int | None]:
    """Every message the server sends until it closes the socket, and the close code."""
    received: list[dict[str, Any]] = []
    try:
        while True:
            message = json.loads(await asyncio.wait_for(socket.connection.recv(), 5))
            if message["type"] != "ping":
                received.append(message)
    except websockets.ConnectionClosed as closed:
        return received, closed.rcvd.code if closed.rcvd else None


def contact_id(contact: models.Contact) -> str:
    return to_global_id("Contact", contact.id)


async def until(condition: Callable[[], bool]) -> None:
    """Wait (bounded) until the server has done what `condition` checks."""
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the server did not get there")


async def new_token(client: GraphQLClient, **fields: Any) -> tuple[str, str]:
    """A token created through the API by the signed-in `client`: (its id, its secret)."""
    variables = {"i": {"name": "ERP", "permissions": ["SERVICES"], **fields}}
    created = (await client.data(CREATE_TOKEN, variables))["apiTokenCreate"]
    assert created["errors"] == [], created
    return created["apiToken"]["id"], created["token"]


async def token_socket(stack: AsyncExitStack, port: int, token: str) -> GraphQLSocket:
    socket = await stack.enter_async_context(graphql_socket(port))
    assert (await socket.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
    return socket


async def test_removed_permissions_apply_to_the_next_operation_on_an_open_socket(
    port, client, other_client, factory
) -> None:
    account = await factory.account()
    service = await factory.service(account)
    contact = await factory.contact(account, "ana.socket@example.com", permissions=["SERVICES", "PROFILE", "CONTACTS"])
    await client.sign_in(account.client_number)
    await other_client.sign_in("ana.socket@example.com")
    new_contact = {"i": {"firstName": "Eva", "lastName": "Ruiz", "email": "eva@example.com", "active": False}}
    async with graphql_socket(port, cookie=session_cookie(other_client)) as socket:
        await socket.init()
        version = (await run(socket, HOLDER_VERSION))["payload"]["data"]["viewer"]["account"]["holder"]["version"]
        allowed = await run(socket, HOLDER_UPDATE, {"i": {"expectedVersion": version, "phone": "+54 11 5555-0000"}})
        assert allowed["payload"]["data"]["holderUpdate"]["errors"] == []
        await update_contact(client, contact, permissions=["SERVICES"])
        denied = await run(socket, HOLDER_UPDATE, {"i": {"expectedVersion": version + 1, "phone": "+54 11 5555-1111"}})
        assert error_code(denied) == "FORBIDDEN"
        assert error_code(await run(socket, CONTACT_CREATE, new_contact)) == "FORBIDDEN"
        assert not await models.Contact.exists(email="eva@example.com")
        assert await permissions_over(socket) == ["SERVICES"]
        # Still allowed to follow its services: the narrowed socket keeps receiving events ...
        await socket.subscribe(SUBSCRIPTION, op_id="live")
        await request_cancellation(client, service)
        event = (await socket.next_data())["cancellationStatusChanged"]
        assert event["cancellation"]["status"] == "AWAITING_CONFIRMATION"
        # ... until SERVICES goes too: then the socket closes before any later event reaches it.
        await update_contact(client, contact, permissions=[])
        received, code = await messages_until_closed(socket)
        assert received == []
        assert code == CLOSE_FORBIDDEN


async def test_an_idle_session_closes_its_sockets_on_the_next_sweep(
    port, client, factory, clock, runtime, live
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    idle = timedelta(minutes=runtime.settings.session_idle_minutes)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        clock.advance(idle - timedelta(minutes=1))
        assert await live.sweep() == 0
        clock.advance(timedelta(minutes=2))
        assert await live.sweep() == 1
        assert await socket.closed_with() == CLOSE_UNAUTHENTICATED


async def test_operations_on_a_socket_are_uses_of_its_session(port, client, factory, clock, runtime, live) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    idle = timedelta(minutes=runtime.settings.session_idle_minutes)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        clock.advance(idle - timedelta(minutes=10))
        assert await permissions_over(socket)
        clock.advance(idle - timedelta(minutes=10))  # longer than idle since sign-in, not since that operation
        assert await live.sweep() == 0
        assert await permissions_over(socket)
        clock.advance(idle + timedelta(minutes=1))
        assert await live.sweep() == 1
        assert await socket.closed_with() == CLOSE_UNAUTHENTICATED


async def test_an_expired_session_gets_no_event_before_the_sweep(port, client, other_client, factory, clock) -> None:
    account = await factory.account()
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        await socket.subscribe(SUBSCRIPTION)
        clock.advance(timedelta(hours=13))  # past the session's absolute lifetime
        await other_client.sign_in(account.client_number)
        await request_cancellation(other_client, service)
        received, code = await messages_until_closed(socket)
        assert received == []
        assert code == CLOSE_UNAUTHENTICATED


async def test_an_expired_token_closes_its_sockets(port, client, factory, clock, live) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    _, token = await new_token(client, expiresAt=(clock.now() + timedelta(minutes=30)).isoformat())
    async with AsyncExitStack() as stack:
        socket = await token_socket(stack, port, token)
        clock.advance(timedelta(minutes=29))
        assert await live.sweep() == 0
        clock.advance(timedelta(minutes=2))
        assert await live.sweep() == 1
        assert await socket.closed_with() == CLOSE_UNAUTHENTICATED


async def test_a_revoked_token_closes_its_sockets(port, client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    token_id, token = await new_token(client)
    async with AsyncExitStack() as stack:
        socket = await token_socket(stack, port, token)
        await socket.subscribe(SUBSCRIPTION)
        assert (await client.data(REVOKE_TOKEN, {"i": {"id": token_id}}))["apiTokenRevoke"]["errors"] == []
        assert await socket.closed_with() == CLOSE_FORBIDDEN


@pytest.mark.parametrize("change", ["deactivate", "delete"])
async def test_a_contacts_token_sockets_close_when_the_contact_goes(
    port, client, other_client, factory, change
) -> None:
    """The contact has no open session: its tokens' sockets still close."""
    account = await factory.account()
    contact = await factory.contact(account, "erp.owner@example.com", permissions=["SERVICES", "SECURITY"])
    await other_client.sign_in("erp.owner@example.com")
    _, token = await new_token(other_client)
    await other_client.data("mutation { signOut { errors { code } } }")
    await client.sign_in(account.client_number)
    async with AsyncExitStack() as stack:
        socket = await token_socket(stack, port, token)
        await socket.subscribe(SUBSCRIPTION)
        if change == "deactivate":
            await update_contact(client, contact, active=False)
        else:
            deleted = await client.data(CONTACT_DELETE, {"i": {"id": contact_id(contact)}})
            assert deleted["contactDelete"]["errors"] == []
        assert await socket.closed_with() == CLOSE_FORBIDDEN


@pytest.mark.parametrize("cap", ["ws_max_per_session", "ws_max_per_token", "ws_max_per_ip"])
async def test_connections_over_a_cap_are_refused_with_4429(
    port, client, factory, runtime, live, monkeypatch, cap
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    _, token = await new_token(client)
    monkeypatch.setattr(runtime, "settings", runtime.settings.with_(**{cap: 2}))
    credential: dict[str, Any] = {"authorization": f"Bearer {token}"} if cap == "ws_max_per_token" else {}
    async with AsyncExitStack() as stack:
        for _ in range(2):
            socket = await stack.enter_async_context(graphql_socket(port, cookie=session_cookie(client)))
            assert (await socket.init(credential))["type"] == "connection_ack"
        if cap == "ws_max_per_ip":  # another person on the same address: the IP cap, not the session's
            _, other_token = await new_token(client)
            credential = {"authorization": f"Bearer {other_token}"}
        async with graphql_socket(port, cookie=session_cookie(client)) as refused:
            await refused.send({"type": "connection_init", "payload": credential})
            assert await refused.closed_with() == CLOSE_TOO_MANY
        await stack.aclose()
        await until(lambda: live.count() == 0 and not live._connected)
        async with graphql_socket(port, cookie=session_cookie(client)) as socket:
            assert (await socket.init(credential))["type"] == "connection_ack"


async def test_socket_operations_count_against_the_tokens_request_limit(
    port, client, other_client, factory, runtime
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    _, token = await new_token(client)
    stored = await models.ApiToken.get(account_id=account.id)
    async with AsyncExitStack() as stack:
        socket = await token_socket(stack, port, token)
        limit = int(REQUESTS_PER_TOKEN.split("/")[0])
        for _ in range(limit - 1):
            await runtime.limiter.hit(REQUESTS_PER_TOKEN, "api-token", str(stored.id))
        assert await permissions_over(socket) == ["SERVICES"]
        refused = await run(socket, PERMISSIONS, op_id="second")
        assert refused["type"] == "error"
        assert error_code(refused) == "RATE_LIMITED"
        assert refused["payload"][0]["extensions"]["retryAfter"] >= 1
        # The socket's operations used up the limit HTTP requests share, and the socket stays open.
        response = await other_client.post(PERMISSIONS, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 429
        await runtime.limiter.reset()
        assert await permissions_over(socket, op_id="third") == ["SERVICES"]


async def test_creating_a_token_needs_a_recent_sign_in(client, factory, clock) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await new_token(client)
    clock.advance(timedelta(minutes=6))
    refused = (await client.data(CREATE_TOKEN, {"i": {"name": "ERP", "permissions": ["SERVICES"]}}))["apiTokenCreate"]
    assert refused["token"] is None
    assert [e["code"] for e in refused["errors"]] == ["STEP_UP_REQUIRED"]
    assert refused["errors"][0]["message"]
    assert await models.ApiToken.filter(account_id=account.id).count() == 1
    reauthenticate = "mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { errors { code } } }"
    proved = await client.data(reauthenticate, {"i": {"password": PASSWORD}})
    assert proved["reauthenticate"]["errors"] == []
    await new_token(client)


async def test_events_carry_ids_and_states_only(runtime, client, factory, smtp_sink) -> None:
    account = await factory.account(email="ids.only@example.net")
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    payloads: list[str] = []
    listener = await listen(runtime, payloads)
    try:
        async with runtime.events.subscribe(account.id) as queue:
            cancellation_id = await request_cancellation(client, service)
            code_hash = (await models.Cancellation.get(service_id=service.id)).code_hash
            assert code_hash
            code = await emailed_code(smtp_sink, "ids.only@example.net")
            confirmed = await client.data(CONFIRM, {"i": {"cancellationId": cancellation_id, "code": code}})
            assert confirmed["serviceCancellationConfirm"]["errors"] == []
            frames = [await asyncio.wait_for(queue.get(), 5) for _ in range(2)]
            if listener is not None:
                await until(lambda: len(payloads) >= 2)
    finally:
        if listener is not None:
            await listener.close()
    stored = await models.Cancellation.get(service_id=service.id)
    assert [frame.kind for frame in frames] == ["cancellation", "cancellation"]
    for frame in frames:
        assert set(frame.event) == {"kind", "account_id", "cancellation_id", "service_id"}
        assert frame.event["cancellation_id"] == stored.id
    if listener is not None:  # on PostgreSQL, what anyone LISTENing on the channel reads
        assert all(code_hash not in payload and code not in payload for payload in payloads)
        assert all(len(payload.encode()) < 8000 for payload in payloads)


async def listen(runtime: Runtime, payloads: list[str]) -> asyncpg.Connection | None:
    if runtime.settings.dialect != "postgres":
        return None
    connection = await asyncpg.connect(runtime.settings.database_url.replace("postgres://", "postgresql://", 1))
    await connection.add_listener(CHANNEL, lambda _c, _p, _ch, payload: payloads.append(payload))
    return connection


@on_postgres
async def test_revoking_a_token_in_one_process_closes_its_socket_in_another(
    second_process,
    client,
    factory,
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    token_id, token = await new_token(client)
    async with AsyncExitStack() as stack:
        socket = await token_socket(stack, second_process, token)
        await socket.subscribe(SUBSCRIPTION)
        await listeners_connected(2)
        assert (await client.data(REVOKE_TOKEN, {"i": {"id": token_id}}))["apiTokenRevoke"]["errors"] == []
        assert await socket.closed_with() == CLOSE_FORBIDDEN


async def test_access_changed_while_a_socket_authenticates_is_not_missed(
    port, client, other_client, factory, live, monkeypatch
) -> None:
    """The change commits after the socket read its access and before it was registered for access events."""
    account = await factory.account()
    contact = await factory.contact(account, "en.carrera@example.com", permissions=["SERVICES"])
    await client.sign_in(account.client_number)
    await other_client.sign_in("en.carrera@example.com")
    real_access_for = ws.access_for

    async def access_then_change(*args: Any, **kwargs: Any) -> Any:
        access = await real_access_for(*args, **kwargs)
        seen = live.access_events
        await update_contact(client, contact, permissions=[])
        await until(lambda: live.access_events > seen)  # delivered (by NOTIFY on PostgreSQL)
        return access

    monkeypatch.setattr(ws, "access_for", access_then_change)
    async with graphql_socket(port, cookie=session_cookie(other_client)) as socket:
        await socket.send({"type": "connection_init", "payload": {}})
        received, code = await messages_until_closed(socket)
        assert received == []
        assert code == CLOSE_FORBIDDEN


def mail_worker(query: str) -> bool:
    """The mail delivery worker's statements (it runs beside the test): its tables and the addresses' state."""
    return any(table in query for table in ("mail_", "outbox_message", "address_deliverability"))


async def test_an_event_costs_the_same_queries_for_one_or_many_subscribers(port, client, factory) -> None:
    """Events carry ids; the rows are loaded once per event and process, and access is checked without a query."""
    account = await factory.account()
    services = [await factory.service(account, f"Hosting {n}") for n in range(3)]
    await client.sign_in(account.client_number)
    await request_cancellation(client, services[2])  # open: every subscription's first message shows it
    statements = []
    for round_, (service, subscribers) in enumerate(zip(services, (1, 3), strict=False)):
        async with AsyncExitStack() as stack:
            cookie = session_cookie(client)
            sockets = [await stack.enter_async_context(graphql_socket(port, cookie=cookie)) for _ in range(subscribers)]
            for socket in sockets:
                await socket.init()
                await socket.subscribe(SUBSCRIPTION)
                for _ in range(1 + round_):  # the current state (each open request) was read: subscribed by now
                    assert (await socket.next_data())["cancellationStatusChanged"]["cancellation"]["status"]
            with counting_queries() as seen:
                await request_cancellation(client, service)
                for socket in sockets:
                    assert (await socket.next_data())["cancellationStatusChanged"]["service"]["status"]
            statements.append(len([query for query in seen if not mail_worker(query)]))
    assert statements[0] == statements[1]


# ---- the second review of the sockets: a peer can neither hold up nor slip past the access checks ----


def live_sockets(live: LiveConnections, account: models.Account) -> list[LiveSocket]:
    return list(live._by_account.get(account.id, ()))


async def test_a_peer_that_never_reads_holds_up_no_one(port, live, client, other_client, factory) -> None:
    """Closing a socket waits on its peer; it happens beside the event dispatch, never inside it."""
    attacker, victim = await factory.account(), await factory.account()
    service = await factory.service(victim)
    await client.sign_in(attacker.client_number)
    await other_client.sign_in(victim.client_number)
    stuck = asyncio.Event()

    async def never_done(*args: Any, **kwargs: Any) -> None:
        await stuck.wait()  # what uvicorn's close does while a client does not read

    async with AsyncExitStack() as stack:
        stalled = await stack.enter_async_context(graphql_socket(port, cookie=session_cookie(client)))
        await stalled.init()
        watcher = await stack.enter_async_context(graphql_socket(port, cookie=session_cookie(other_client)))
        await watcher.init()
        await watcher.subscribe(SUBSCRIPTION)
        [held] = live_sockets(live, attacker)
        held.websocket.close = never_done
        signed_out = await asyncio.wait_for(client.data("mutation { signOut { __typename } }"), 10)
        assert signed_out
        await until(lambda: held.closed)  # on PostgreSQL the access event arrives by NOTIFY, after the commit
        await request_cancellation(other_client, service)
        event = (await watcher.next_data())["cancellationStatusChanged"]
        assert event["cancellation"]["status"] == "AWAITING_CONFIRMATION"
        stuck.set()


async def test_a_socket_whose_check_fails_is_closed_and_the_others_are_still_checked(
    port, live, client, other_client, factory
) -> None:
    account = await factory.account()
    service = await factory.service(account)
    contact = await factory.contact(account, "dos.sockets@example.com", permissions=["SERVICES"])
    await client.sign_in(account.client_number)
    await other_client.sign_in("dos.sockets@example.com")
    async with AsyncExitStack() as stack:
        sockets = []
        for _ in range(2):
            socket = await stack.enter_async_context(graphql_socket(port, cookie=session_cookie(other_client)))
            await socket.init()
            await socket.subscribe(SUBSCRIPTION)
            sockets.append(socket)
        first, second = live_sockets(live, account)

        async def broken(*args: Any, **kwargs: Any) -> bool:
            raise ConnectionResetError("the peer vanished mid-check")

        first.recheck = broken
        await update_contact(client, contact, permissions=["MAIL"])
        await until(lambda: first.closed and second.closed)
        await request_cancellation(client, service)
        for socket in sockets:
            received, code = await messages_until_closed(socket)
            assert received == []
            assert code == CLOSE_FORBIDDEN


async def test_after_the_listener_resyncs_no_cached_access_is_trusted(
    port, live, client, factory, runtime, clock
) -> None:
    """Access events sent while a PostgreSQL listener was away are lost: every socket is checked again."""
    account = await factory.account()
    first, second = await factory.service(account), await factory.service(account, "Dominio Extra")
    await client.sign_in(account.client_number)
    await request_cancellation(client, first)
    _, token = await new_token(client)
    async with AsyncExitStack() as stack:
        socket = await token_socket(stack, port, token)
        await socket.subscribe(SUBSCRIPTION)
        assert (await socket.next_data())["cancellationStatusChanged"]["service"]["status"] == "ACTIVE"
        # A revocation whose event this process never received:
        await models.ApiToken.filter(account_id=account.id).update(revoked_at=clock.now())
        await runtime.events.dispatch({"kind": "resync", "account_id": 0})
        await request_cancellation(client, second)
        received, code = await messages_until_closed(socket)
        assert [m for m in received if m.get("type") == "next"] == []
        assert code == CLOSE_UNAUTHENTICATED


async def test_persisted_queries_only_holds_over_websocket_too(port, app, client, factory, monkeypatch) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    persisted = app.state.graphql.persisted
    monkeypatch.setattr(persisted, "only_known", True)
    monkeypatch.setattr(persisted, "known", {})
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        await socket.init()
        refused = await run(socket, PERMISSIONS)
        assert refused["type"] == "error"
        assert error_code(refused) == "PERSISTED_QUERY_NOT_ALLOWED"
        monkeypatch.setattr(persisted, "known", {sha256(PERMISSIONS): PERMISSIONS})
        allowed = await run(socket, PERMISSIONS)
        assert allowed["payload"]["data"]["viewer"]["permissions"]


async def test_sockets_that_never_say_who_they_are_count_against_the_address_cap(
    port, client, factory, runtime, live, monkeypatch
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    monkeypatch.setattr(runtime, "settings", runtime.settings.with_(ws_max_per_ip=3))
    async with AsyncExitStack() as stack:
        for _ in range(3):  # open, and never a connection_init
            await stack.enter_async_context(graphql_socket(port))
        async with graphql_socket(port, cookie=session_cookie(client)) as refused:
            await refused.send({"type": "connection_init", "payload": {}})
            assert await refused.closed_with() == CLOSE_TOO_MANY
    await until(lambda: not live._connected)
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
