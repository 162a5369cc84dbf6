"""GraphQL over HTTP as standard clients expect it: status codes under
application/graphql-response+json, the same refusals over WebSocket, subscriptions sent over HTTP, caching of
answers that depend on who asks, persisted-query versions, GraphiQL's page and the panel's routes."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from typing import Any

import httpx
import pytest

from app import graphiql_policy
from core.runtime import Runtime
from tests.conftest import BASE_URL
from tests.helpers import Factory, GraphQLClient, code_of
from tests.live_server import graphql_socket
from tests.test_real_clients import partner_token

GRAPHQL_RESPONSE = "application/graphql-response+json"
CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code } } }"
SERVICES = "query($s: [ServiceStatus!]) { viewer { account { services(status: $s) { totalCount } } } }"
TOO_DEEP = '{ node(id: "x") { ... on Service { ' + "cancellation { service { " * 6 + "id" + " } }" * 6 + " } } }"
# Requests that never reach execution: (document, variables, the code they are refused with).
NOT_STARTED: dict[str, tuple[str, dict[str, Any], str]] = {
    "parse": ("{ viewer {", {}, "GRAPHQL_PARSE_FAILED"),
    "validation": ("{ viewer { nope } }", {}, "GRAPHQL_VALIDATION_FAILED"),
    "missing variable": (CHANGE, {}, "BAD_USER_INPUT"),
    "null for non-null": (CHANGE, {"i": None}, "BAD_USER_INPUT"),
    "wrong type": (CHANGE, {"i": {"currentPassword": 1, "newPassword": "x"}}, "BAD_USER_INPUT"),
    "unknown input field": (CHANGE, {"i": {"currentPassword": "a", "newPassword": "b", "x": 1}}, "BAD_USER_INPUT"),
    "missing input field": (CHANGE, {"i": {"currentPassword": "a"}}, "BAD_USER_INPUT"),
    "unknown enum value": (SERVICES, {"s": ["NOPE"]}, "BAD_USER_INPUT"),
    "too deep": (TOO_DEEP, {}, "QUERY_TOO_DEEP"),
}
SUBSCRIPTION = "subscription { cancellationStatusChanged { cancellation { status } } }"


def persisted(query: str, version: object = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}


def error_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("clientpanel") and r.levelno >= logging.ERROR]


@pytest.mark.parametrize("name", list(NOT_STARTED))
async def test_requests_that_never_ran_are_400_without_data_under_graphql_response_json(
    client: GraphQLClient, factory: Factory, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    document, variables, code = NOT_STARTED[name]
    strict = await client.post(document, variables, headers={"accept": GRAPHQL_RESPONSE})
    assert strict.status_code == 400
    assert strict.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in strict.json(), strict.json()
    assert code_of(strict.json()) == code, strict.json()
    legacy = await client.post(document, variables, headers={"accept": "application/json"})
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == "application/json"
    assert legacy.json()["data"] is None
    assert code_of(legacy.json()) == code
    assert error_lines(caplog) == []


async def test_errors_during_execution_stay_200_with_data(client: GraphQLClient) -> None:
    response = await client.post('{ node(id: "QWNjb3VudDox") { id } }', headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["data"] == {"node": None}
    assert code_of(response.json()) == "UNAUTHENTICATED"


@pytest.mark.parametrize("name", [name for name in NOT_STARTED if NOT_STARTED[name][2] == "BAD_USER_INPUT"])
async def test_wrong_variables_over_websocket_are_an_error_message_for_that_operation(
    port: int, client: GraphQLClient, factory: Factory, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    document, variables, code = NOT_STARTED[name]
    async with graphql_socket(port, cookie=f"cp_session={client.http.cookies['cp_session']}") as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(document, variables, op_id="wrong")
        answer = await socket.receive()
        assert answer["type"] == "error", answer
        assert answer["id"] == "wrong", answer
        assert answer["payload"][0]["extensions"]["code"] == code
        await socket.subscribe("{ viewer { permissions } }", op_id="next")  # the socket goes on
        assert (await socket.next_data())["viewer"]["permissions"]
    assert error_lines(caplog) == []


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, "application/json"])
async def test_a_subscription_over_http_is_a_client_error_naming_the_websocket_endpoint(
    client: GraphQLClient, factory: Factory, caplog: pytest.LogCaptureFixture, accept: str
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    by_post = await client.post(SUBSCRIPTION, headers={"accept": accept})
    by_get = await client.http.get("/graphql", params={"query": SUBSCRIPTION}, headers={"accept": accept})
    for response in (by_post, by_get):
        assert response.status_code == 400, response.text
        assert code_of(response.json()) == "BAD_REQUEST", response.text
        message = response.json()["errors"][0]["message"]
        assert "WebSocket" in message
        assert "/graphql" in message
        assert "graphql-transport-ws" in message
    assert error_lines(caplog) == []


def assert_private(response: httpx.Response) -> None:
    assert response.headers["cache-control"] == "private, no-store", response.headers
    vary = {part.strip().lower() for part in response.headers["vary"].split(",")}
    assert {"cookie", "authorization"} <= vary, response.headers


async def test_answers_to_credentialed_requests_are_private_and_vary_on_the_credentials(
    client: GraphQLClient, factory: Factory, runtime: Runtime
) -> None:
    query = "{ viewer { account { clientNumber } } }"
    anonymous = await client.http.get("/graphql", params={"query": query})
    assert "no-store" not in anonymous.headers.get("cache-control", "")
    assert {"cookie", "authorization"} <= {v.strip().lower() for v in anonymous.headers["vary"].split(",")}
    account = await factory.account()
    await client.sign_in(account.client_number)
    assert_private(await client.http.get("/graphql", params={"query": query}))
    assert_private(await client.post(query))
    registered = await client.http.post("/graphql", json={"query": query, "extensions": persisted(query)})
    assert registered.json()["data"]["viewer"]["account"]["clientNumber"] == account.client_number
    by_hash = await client.http.get("/graphql", params={"extensions": json.dumps(persisted(query))})
    assert by_hash.json()["data"]["viewer"]["account"]["clientNumber"] == account.client_number
    assert_private(by_hash)
    token = await partner_token(runtime, account, [])
    async with httpx.AsyncClient(transport=client.http._transport, base_url=BASE_URL) as partner:
        by_token = await partner.get("/graphql", params={"query": query}, headers={"authorization": f"Bearer {token}"})
    assert by_token.json()["data"]["viewer"]["account"]["clientNumber"] == account.client_number
    assert_private(by_token)


@pytest.mark.parametrize("version", [2, 0, "1", True, None])
async def test_persisted_queries_of_another_version_are_refused(client: GraphQLClient, version: object) -> None:
    query = "{ __typename }"
    refused = await client.http.post("/graphql", json={"query": query, "extensions": persisted(query, version)})
    assert refused.json()["data"] is None
    assert code_of(refused.json()) == "PERSISTED_QUERY_NOT_SUPPORTED"
    by_get = await client.http.get("/graphql", params={"extensions": json.dumps(persisted(query, version))})
    assert code_of(by_get.json()) == "PERSISTED_QUERY_NOT_SUPPORTED"
    accepted = await client.http.post("/graphql", json={"query": query, "extensions": persisted(query)})
    assert accepted.json() == {"data": {"__typename": "Query"}}


async def test_graphiql_is_the_vendored_page_with_a_fresh_nonce_and_its_policy(client: GraphQLClient) -> None:
    pages = [await client.http.get("/graphql", headers={"accept": "text/html"}) for _ in range(2)]
    nonces = []
    for page in pages:
        assert page.status_code == 200
        assert page.headers["cache-control"] == "no-store"
        found = re.search(r'<script nonce="([^"]+)">', page.text)
        assert found is not None
        assert page.headers["content-security-policy"] == graphiql_policy(found[1])
        assert "/static/graphiql/graphiql.min.js" in page.text
        assert not re.search(r"(src|href)=\"(https?:)?//", page.text)  # nothing from another host
        nonces.append(found[1])
    assert nonces[0] != nonces[1]
    assert len(nonces[0]) >= 24


async def test_the_email_change_link_opens_the_panel(client: GraphQLClient) -> None:
    panel = await client.http.get("/")
    confirm = await client.http.get("/confirmar-email", params={"token": "x"})
    assert confirm.status_code == 200
    assert confirm.text == panel.text
