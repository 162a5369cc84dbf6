"""Malformed requests are 400s with a code, a database outage while authenticating is the masked
JSON error with its request id, production suggests nothing, and automatic persisted queries
remember only queries that ran, within a byte bound."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tortoise import connections
from tortoise.exceptions import OperationalError

from app import create_app
from core import apq
from settings import Settings
from tests.conftest import BASE_URL
from tests.helpers import Factory, GraphQLClient, code_of

REFUSED = "could not connect to server: Connection refused (SELECT ... token_hash)"
QUERY = b'"query": "{ viewer { permissions } }"'
MALFORMED: dict[str, bytes] = {
    "lone surrogate in a variable": b"{" + QUERY + b', "variables": {"a": "\\ud800"}}',
    "lone surrogate in the query": b'{"query": "{ viewer { permissions } } # \\udc00"}',
    "invalid UTF-8": b'{"query": "{ viewer { permissions } } # \xff\xfe"}',
    "a number": b"42",
    "a string": b'"{ viewer { permissions } }"',
    "null": b"null",
    "arrays 5,000 deep": b"{" + QUERY + b', "variables": {"a": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
    "objects 5,000 deep": b"{" + QUERY + b', "extensions": ' + b'{"a":' * 5000 + b"1" + b"}" * 5001,
    "not JSON": b"{query",
    "variables not an object": b"{" + QUERY + b', "variables": [1]}',
    "query not a string": b'{"query": 42}',
}


@pytest.mark.parametrize("name", list(MALFORMED))
async def test_malformed_bodies_are_400_with_a_code(client: GraphQLClient, name: str) -> None:
    response = await client.http.post("/graphql", content=MALFORMED[name], headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert code_of(response.json()) == "BAD_REQUEST"
    assert response.headers["content-type"] == "application/json"


async def test_malformed_get_variables_are_400_with_a_code(client: GraphQLClient) -> None:
    for variables in ('{"a": "\\ud800"}', "[" * 5000, "42"):
        params = {"query": "{ viewer { permissions } }", "variables": variables}
        response = await client.http.get("/graphql", params=params)
        assert response.status_code == 400
        assert code_of(response.json()) == "BAD_REQUEST"


async def test_json_nested_within_the_parser_bound_is_answered(client: GraphQLClient) -> None:
    deep = "[" * 1000 + "]" * 1000
    body = b"{" + QUERY + b', "variables": {"a": ' + deep.encode() + b"}}"
    response = await client.http.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": None}}


async def test_other_refusals_of_the_view_are_json_with_a_code(client: GraphQLClient) -> None:
    mutation = await client.http.get("/graphql", params={"query": "mutation { signOut { errors { code } } }"})
    assert mutation.status_code == 405
    assert code_of(mutation.json()) == "METHOD_NOT_ALLOWED"
    form = await client.http.post("/graphql", content=b"query=x", headers={"content-type": "text/plain"})
    assert form.status_code == 400
    assert code_of(form.json()) == "BAD_REQUEST"


async def test_a_database_outage_while_authenticating_is_the_masked_error(
    client: GraphQLClient, factory: Factory, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    client_class = type(connections.get("default"))

    async def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError(REFUSED)

    for method in ("execute_query", "execute_query_dict"):
        monkeypatch.setattr(client_class, method, down)
    response = await client.post("{ viewer { permissions } }", headers={"X-Request-Id": "outage-request-1"})
    monkeypatch.undo()
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"] == "outage-request-1"
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["message"] == f"Unexpected error. (id {error['extensions']['errorId']})"
    assert "SELECT" not in response.text
    assert "refused" not in response.text
    error_id = error["extensions"]["errorId"]
    logged = [r for r in caplog.records if r.name == "clientpanel.errors" and error_id in r.getMessage()]
    assert len(logged) == 1
    assert "tortoise.exceptions.OperationalError" in logged[0].fields["exception"]
    assert "Connection refused" not in logged[0].fields["exception"]
    assert (await client.data("{ viewer { permissions } }"))["viewer"]["permissions"]  # back once the database is


async def test_variable_values_are_bad_input_and_variable_definitions_are_validated(client: GraphQLClient) -> None:
    sign_in = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"
    assert code_of(await client(sign_in, {"i": {"login": 1}})) == "BAD_USER_INPUT"
    unused = "mutation($i: SignInInput!, $unused: Int) { signIn(input: $i) { errors { code } } }"
    assert code_of(await client(unused, {"i": {"login": "9000", "password": "x"}})) == "GRAPHQL_VALIDATION_FAILED"
    misplaced = "query($n: String) { viewer { account { mail(first: $n) { totalCount } } } }"
    assert code_of(await client(misplaced, {"n": "5"})) == "GRAPHQL_VALIDATION_FAILED"


@pytest.fixture
async def production(settings: Settings, app: Starlette) -> AsyncIterator[GraphQLClient]:
    production_settings = settings.with_(
        environment="production", secret_key="p" * 40, graphiql=False, introspection=False, run_workers=False
    )
    prod = create_app(production_settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod), base_url=BASE_URL) as http:
        yield GraphQLClient(http)


MISSPELLED = {
    "field": ("{ viewr { permissions } }", None),
    "argument": ('{ node(idd: "x") { id } }', None),
    "type": ("mutation($i: SignInImput!) { signIn(input: $i) { errors { code } } }", None),
    "enum value": ('mutation { apiTokenCreate(input: {name: "x", permissions: [PROFIL]}) { errors { code } } }', None),
    "input field": ('mutation { signIn(input: {login: "x", password: "y", pasword: "z"}) { errors { code } } }', None),
    "enum value in a variable": (
        "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { errors { code } } }",
        {"i": {"name": "x", "permissions": ["PROFIL"]}},
    ),
    "input field in a variable": (
        "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }",
        {"i": {"login": "x", "password": "y", "pasword": "z"}},
    ),
}


@pytest.mark.parametrize("kind", list(MISSPELLED))
async def test_production_never_suggests(client: GraphQLClient, production: GraphQLClient, kind: str) -> None:
    document, variables = MISSPELLED[kind]
    assert "Did you mean" in json.dumps(await client(document, variables))  # development helps
    body = await production(document, variables)
    assert body["errors"], body
    assert "Did you mean" not in json.dumps(body), body


def persisted(query: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}


REFUSED_QUERIES = [  # invalid, unparsable, over a limit
    "{ viewer { nope } }",
    "{ viewer {",
    "query($n: Int = 500) { viewer { account { mail(first: $n) { totalCount } } } }",
]


@pytest.mark.parametrize("query", REFUSED_QUERIES)
async def test_persisted_queries_remember_only_queries_that_ran(
    client: GraphQLClient, app: Starlette, query: str
) -> None:
    sent = await client.http.post("/graphql", json={"query": query, "extensions": persisted(query)})
    assert sent.json()["errors"]
    assert sent.json().get("data") is None
    again = await client.http.post("/graphql", json={"extensions": persisted(query)})
    assert code_of(again.json()) == "PERSISTED_QUERY_NOT_FOUND"
    assert hashlib.sha256(query.encode()).hexdigest() not in app.state.graphql.persisted.cache


async def test_persisted_query_cache_is_bounded_by_bytes(client: GraphQLClient, app: Starlette) -> None:
    cache = app.state.graphql.persisted
    cache.cache.clear()
    cache.cached_bytes = 0
    queries = [f'{{ node(id: "{n:04d}{"x" * 95_000}") {{ id }} }}' for n in range(100)]
    for query in queries:
        response = await client.http.post("/graphql", json={"query": query, "extensions": persisted(query)})
        assert response.json()["data"] == {"node": None}
    assert 80 <= len(cache.cache) < 100
    assert cache.cached_bytes <= apq.CACHE_BYTES
    assert cache.cached_bytes == sum(len(query.encode()) for query in cache.cache.values())
    oldest, newest = [
        await client.http.get("/graphql", params={"extensions": json.dumps(persisted(query))})
        for query in (queries[0], queries[-1])
    ]
    assert code_of(oldest.json()) == "PERSISTED_QUERY_NOT_FOUND"
    assert newest.json() == {"data": {"node": None}}
