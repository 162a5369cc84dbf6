"""Real third-party clients against the app on a real uvicorn server.

From test-tools/ (node, pinned by package-lock.json): graphql-http's GraphQL-over-HTTP audit, graphql-ws's
client through a whole cancellation, Apollo Client's persisted-queries link. From Python: gql over HTTP
(schema by introspection, the dashboard by cookie and by token) and over graphql-transport-ws.
Without node or test-tools/node_modules the node tests skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.websockets import WebsocketsTransport
from starlette.applications import Starlette

import models
from app import create_app
from bench.run import DASHBOARD
from core.ids import to_global_id
from core.runtime import Runtime
from domain.cancellation_completion import complete_due
from settings import PROJECT_DIR, Settings
from tests.helpers import GraphQLClient, emailed_code, session_cookie
from tests.live_server import uvicorn_server

TEST_TOOLS = PROJECT_DIR / "test-tools"
# A node script that has not finished by then is hung, not slow: the test fails with its output.
SCRIPT_DEADLINE_SECONDS = 120
HOLDER = "clientes.reales@example.net"
# With introspection off, `__type(name:)` is a validation failure, so the audits that send it cannot pass:
# 28B9 (MUST answer it without errors as application/json), 2EA1 (SHOULD answer it 200 as
# application/graphql-response+json, where a validation failure rightly answers 400), and the notices
# D6D5 and 6A70 (MAY: the same by GET). graphql-http's own reference server with graphql-js's
# NoSchemaIntrospectionCustomRule gives exactly these; with introspection on, nothing.
INTROSPECTION_OFF_AUDITS = {"28B9": "error", "2EA1": "warn", "D6D5": "notice", "6A70": "notice"}
REQUEST = """mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) {
  cancellation { id } errors { code message } } }"""
CONFIRM = """mutation($i: ServiceCancellationConfirmInput!) { serviceCancellationConfirm(input: $i) {
  errors { code message } } }"""
WITHDRAW = """mutation($i: ServiceCancellationWithdrawInput!) { serviceCancellationWithdraw(input: $i) {
  errors { code message } } }"""


def node() -> str:
    """The node executable, once test-tools/ is installed; else skip (fail in CI, where it is required)."""
    executable = shutil.which("node")
    if executable is None:
        missing = "node is not installed"
    elif not (TEST_TOOLS / "node_modules").is_dir():
        missing = "test-tools/node_modules is missing (run .ci/install-test-tools)"
    else:
        return executable
    if os.environ.get("CI") == "true":
        pytest.fail(f"{missing}: the real-client tests are required in CI")
    pytest.skip(f"{missing}: real-client tests skipped")


class NodeScript:
    """A test-tools script running beside the server (same event loop), read line by line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def line(self) -> str:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), SCRIPT_DEADLINE_SECONDS)
        assert raw, f"the script ended early: {await self.errors()}"
        return raw.decode().rstrip("\n")

    async def finish(self) -> list[str]:
        """The rest of its output, once it exited successfully."""
        stdout, stderr = await asyncio.wait_for(self.process.communicate(), SCRIPT_DEADLINE_SECONDS)
        assert self.process.returncode == 0, stderr.decode()
        return stdout.decode().splitlines()

    async def errors(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()


@asynccontextmanager
async def node_script(name: str, *args: str, env: dict[str, str] | None = None) -> AsyncIterator[NodeScript]:
    process = await asyncio.create_subprocess_exec(
        node(),
        str(TEST_TOOLS / name),
        *args,
        cwd=TEST_TOOLS,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield NodeScript(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def run_script(name: str, *args: str, env: dict[str, str] | None = None) -> Any:
    """The JSON a script printed, once it exited successfully."""
    async with node_script(name, *args, env=env) as script:
        return json.loads("\n".join(await script.finish()))


def mode(settings: Settings, environment: str) -> Starlette:
    """The app as it runs in `environment`, on the test database (its lifespan is not needed)."""
    production = environment == "production"
    return create_app(
        settings.with_(
            environment=environment,
            secret_key="p" * 40,
            graphiql=not production,
            introspection=not production,
            run_workers=False,
        )
    )


async def audit(app: Starlette) -> dict[str, dict[str, Any]]:
    async with uvicorn_server(app) as bound:
        results = await run_script("audit.mjs", f"http://127.0.0.1:{bound}/graphql")
    return {result["id"]: result for result in results}


def not_ok(results: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The status of each audit that did not pass: error (MUST), warn (SHOULD) or notice (MAY)."""
    return {id_: result["status"] for id_, result in results.items() if result["status"] != "ok"}


async def partner_token(runtime: Runtime, account: models.Account, permissions: list[str]) -> str:
    """A partner API token, as apiTokenCreate stores it (hashed)."""
    token = runtime.secrets.new_token()
    await models.ApiToken.create(
        account=account,
        name="Integración",
        permissions=permissions,
        token_hash=runtime.secrets.digest(token),
        created_at=runtime.clock.now(),
    )
    return token


async def request_cancellation(client: GraphQLClient, service: models.Service) -> str:
    data = await client.data(
        REQUEST,
        {
            "i": {
                "serviceId": to_global_id("Service", service.id),
                "reason": "Migramos",
                "acknowledgeDataDeletion": True,
            }
        },
    )
    assert data["serviceCancellationRequest"]["errors"] == [], data
    return data["serviceCancellationRequest"]["cancellation"]["id"]


def event(cancellation_id: str, status: str, service: models.Service, service_status: str) -> dict[str, Any]:
    return {
        "data": {
            "cancellationStatusChanged": {
                "cancellation": {"id": cancellation_id, "status": status},
                "service": {"id": to_global_id("Service", service.id), "status": service_status},
            }
        }
    }


# graphql-http's audit


async def test_graphql_http_audit_musts_hold_in_development(settings) -> None:
    results = await audit(mode(settings, "development"))
    assert len(results) == 61  # every audit of graphql-http 1.23.1 ran
    assert {id_: status for id_, status in not_ok(results).items() if status == "error"} == {}


async def test_graphql_http_audit_passes_in_development(settings) -> None:
    assert not_ok(await audit(mode(settings, "development"))) == {}


async def test_graphql_http_audit_in_production_fails_only_where_introspection_is_off(settings) -> None:
    results = await audit(mode(settings, "production"))
    assert not_ok(results) == INTROSPECTION_OFF_AUDITS


# graphql-ws


async def test_graphql_ws_client_sees_a_whole_cancellation_in_order(
    port, client, factory, smtp_sink, runtime, clock
) -> None:
    account = await factory.account(email=HOLDER)
    other = await factory.service(account, "Dominio extra")
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    open_one = await request_cancellation(client, other)  # sent first, as the current state
    socket_url = f"ws://127.0.0.1:{port}/graphql"
    async with node_script("ws_lifecycle.mjs", socket_url, env={"CP_COOKIE": session_cookie(client)}) as script:
        current = json.loads(await script.line())
        assert await script.line() == "ready"
        cancellation_id = await request_cancellation(client, service)
        code = await emailed_code(smtp_sink, HOLDER, count=2)
        confirmed = await client.data(CONFIRM, {"i": {"cancellationId": cancellation_id, "code": code}})
        assert confirmed["serviceCancellationConfirm"]["errors"] == []
        await models.Cancellation.filter(service_id=service.id).update(complete_after=clock.now())
        assert await complete_due(runtime) == 1
        live = [json.loads(line) for line in await script.finish()]
    assert current == event(open_one, "AWAITING_CONFIRMATION", other, "ACTIVE")
    assert live == [
        event(cancellation_id, "AWAITING_CONFIRMATION", service, "ACTIVE"),
        event(cancellation_id, "SCHEDULED", service, "CANCELLATION_PENDING"),
        event(cancellation_id, "COMPLETED", service, "CANCELLED"),
    ]


# Apollo Client's automatic persisted queries


async def test_apollo_persisted_queries_link_by_post_and_get(port, factory, runtime) -> None:
    account = await factory.account()
    await factory.service(account)
    await factory.service(account, "Dominio extra")
    token = await partner_token(runtime, account, ["SERVICES"])
    shapes = await run_script("apq.mjs", f"http://127.0.0.1:{port}/graphql", env={"CP_TOKEN": token})
    hashed = {"query": False, "hash": True}
    full = {"method": "POST", "query": True, "hash": True}
    assert shapes["POST"]["requests"] == [[{"method": "POST", **hashed}, full], [{"method": "POST", **hashed}]]
    assert shapes["GET"]["requests"] == [[{"method": "GET", **hashed}, full], [{"method": "GET", **hashed}]]
    for method in ("POST", "GET"):
        for data in shapes[method]["results"]:
            assert data["viewer"]["account"]["clientNumber"] == account.client_number
            assert data["viewer"]["account"]["services"]["totalCount"] == 2


# gql (Python)


async def test_gql_fetches_the_schema_by_introspection(port) -> None:
    transport = AIOHTTPTransport(url=f"http://127.0.0.1:{port}/graphql")
    async with Client(transport=transport, fetch_schema_from_transport=True) as session:
        assert session.client.schema is not None
        assert session.client.schema.get_type("CancellationEvent") is not None


async def test_gql_dashboard_by_cookie_and_by_token_is_the_same(port, client, factory, runtime) -> None:
    account = await factory.account()
    await factory.service(account)
    await factory.contact(account, "ana.gql@example.com", permissions=["SERVICES"])
    await client.sign_in(account.client_number)
    token = await partner_token(runtime, account, ["PROFILE", "CONTACTS", "SERVICES", "MAIL"])
    url = f"http://127.0.0.1:{port}/graphql"
    answers = []
    for headers in ({"Cookie": session_cookie(client)}, {"Authorization": f"Bearer {token}"}):
        async with Client(transport=AIOHTTPTransport(url=url, headers=headers)) as session:
            answers.append(await session.execute(gql(DASHBOARD)))
    by_cookie, by_token = answers
    assert by_cookie["viewer"]["account"]["clientNumber"] == account.client_number
    assert by_cookie["viewer"]["account"]["services"]["totalCount"] == 1
    assert by_cookie["viewer"]["account"]["contacts"]["edges"][0]["node"]["email"] == "ana.gql@example.com"
    assert by_token == by_cookie


async def test_gql_subscription_over_graphql_transport_ws_with_a_token(port, client, factory, runtime) -> None:
    account = await factory.account()
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    cancellation_id = await request_cancellation(client, service)
    token = await partner_token(runtime, account, ["SERVICES"])
    transport = WebsocketsTransport(
        url=f"ws://127.0.0.1:{port}/graphql",
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        init_payload={"authorization": f"Bearer {token}"},
    )
    subscription = GraphQLRequest(
        """subscription($s: ID) { cancellationStatusChanged(serviceId: $s) {
          cancellation { id status } service { id status } } }""",
        variable_values={"s": to_global_id("Service", service.id)},
    )
    async with Client(transport=transport) as session:
        results = session.subscribe(subscription)
        first = await anext(results)
        withdrawn = await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}})
        assert withdrawn["serviceCancellationWithdraw"]["errors"] == []
        second = await anext(results)
        await results.aclose()
    assert first == event(cancellation_id, "AWAITING_CONFIRMATION", service, "ACTIVE")["data"]
    assert second == event(cancellation_id, "WITHDRAWN", service, "ACTIVE")["data"]
