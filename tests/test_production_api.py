"""The public API's guard rails: limits, production mode, HTTP rules, persisted queries, logs."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import parse
from starlette.applications import Starlette

from app import create_app
from core.http import _request_ids
from settings import Settings
from tests.conftest import BASE_URL
from tests.helpers import GraphQLClient, code_of


@pytest.fixture
async def production(settings: Settings, app: Starlette) -> AsyncIterator[GraphQLClient]:
    """A production-mode app on the same database (its lifespan is not needed for these checks)."""
    prod = create_app(
        settings.with_(
            environment="production", secret_key="p" * 40, graphiql=False, introspection=False, run_workers=False
        )
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=prod), base_url=BASE_URL) as http:
        yield GraphQLClient(http)


async def test_depth_limit(client) -> None:
    deep = (
        "{ viewer { account { services { edges { node { cancellation { service { cancellation { service "
        "{ cancellation { service { cancellation { service { id } } } } } } } } } } } } } }"
    )
    body = await client(deep)
    assert code_of(body) == "QUERY_TOO_DEEP"
    assert body.get("data") is None


async def test_alias_limit(client) -> None:
    aliases = " ".join(f"a{n}: viewer {{ permissions }}" for n in range(31))
    assert code_of(await client(f"{{ {aliases} }}")) == "TOO_MANY_ALIASES"


async def test_cost_budget_counts_lists_by_their_page_size(client) -> None:
    page = "services(first: 100) { edges { node { id name kind domain status cancellation { id status reason } } } }"
    nested = "{ viewer { account { " + " ".join(f"s{n}: {page}" for n in range(5)) + " } } }"
    assert code_of(await client(nested)) == "QUERY_TOO_COMPLEX"
    small = "{ viewer { account { services(first: 5) { edges { node { id } } } } } }"
    assert "errors" not in await client(small) or code_of(await client(small)) == "UNAUTHENTICATED"


async def test_page_size_over_100_is_refused_before_resolvers(client) -> None:
    body = await client("query($n: Int) { viewer { account { services(first: $n) { totalCount } } } }", {"n": 101})
    assert code_of(body) == "BAD_USER_INPUT"
    assert body.get("data") is None


async def test_token_limit(client) -> None:
    huge = "{ " + " ".join("viewer { permissions }" for _ in range(600)) + " }"
    body = await client(huge)
    assert code_of(body) == "GRAPHQL_PARSE_FAILED"
    assert "tokens" in body["errors"][0]["message"]


async def test_batched_requests_are_off(client) -> None:
    response = await client.http.post("/graphql", json=[{"query": "{ viewer { permissions } }"}] * 2)
    assert response.status_code == 400


async def test_request_body_limit(client, runtime) -> None:
    big = "x" * (runtime.settings.max_body_bytes + 1)
    response = await client.http.post(
        "/graphql", content=json.dumps({"query": big}), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_request_body_limit_counts_a_chunked_body(client, runtime) -> None:
    """A body sent in chunks declares no length: it is counted as it arrives and refused once over the limit."""
    limit = runtime.settings.max_body_bytes
    body = json.dumps({"query": "{ __typename }", "padding": "x" * limit}).encode()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    response = await client.http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"

    async def small() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }"}'

    response = await client.http.post("/graphql", content=small(), headers={"content-type": "application/json"})
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_validation_errors_have_codes_and_suggestions_in_development(client) -> None:
    body = await client("{ viewr { permissions } }")
    assert code_of(body) == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" in body["errors"][0]["message"]


async def test_production_hides_introspection_suggestions_and_graphiql(production) -> None:
    body = await production("{ __schema { types { name } } }")
    assert code_of(body) == "GRAPHQL_VALIDATION_FAILED"
    assert body.get("data") is None
    assert "Did you mean" not in (await production("{ viewr { permissions } }"))["errors"][0]["message"]
    page = await production.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 404


async def test_graphql_response_media_type_when_asked(client) -> None:
    response = await client.post("{ viewer { permissions } }", headers={"Accept": "application/graphql-response+json"})
    assert response.headers["content-type"] == "application/graphql-response+json"
    plain = await client.post("{ viewer { permissions } }")
    assert plain.headers["content-type"] == "application/json"


async def test_security_headers_and_request_id(client) -> None:
    response = await client.post("{ viewer { permissions } }", headers={"X-Request-Id": "abc12345-def"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-request-id"] == "abc12345-def"
    generated = await client.post("{ viewer { permissions } }", headers={"X-Request-Id": "bad id!"})
    assert generated.headers["x-request-id"] != "bad id!"
    assert len(generated.headers["x-request-id"]) == 32
    again = await client.post("{ viewer { permissions } }")
    assert again.headers["x-request-id"] != generated.headers["x-request-id"]


def test_a_forked_worker_draws_request_ids_of_its_own() -> None:
    """Workers forked from one parent (gunicorn --preload) must not repeat each other's ids."""
    before = _request_ids.next()
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        os.write(writing, _request_ids.next().encode())
        os._exit(0)
    os.close(writing)
    forked = os.read(reading, 64).decode()
    os.waitpid(child, 0)
    ours = _request_ids.next()
    assert len(forked) == len(ours) == 32
    assert forked[:16] != ours[:16] == before[:16]


async def test_cors_allows_only_listed_origins_with_credentials(settings, app) -> None:
    spa = create_app(settings.with_(allowed_origins=("https://spa.example.com",), run_workers=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=spa), base_url=BASE_URL) as http:
        preflight = {
            "Origin": "https://spa.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        allowed = await http.options("/graphql", headers=preflight)
        assert allowed.headers["access-control-allow-origin"] == "https://spa.example.com"
        assert allowed.headers["access-control-allow-credentials"] == "true"
        refused = await http.options("/graphql", headers={**preflight, "Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in refused.headers
        posted = await http.post(
            "/graphql", json={"query": "{ viewer { permissions } }"}, headers={"Origin": "https://spa.example.com"}
        )
        assert posted.status_code == 200


async def test_every_answer_varies_on_origin_once(settings, app) -> None:
    """A cache must not hand the answer to a request without Origin (no CORS headers) to one from an allowed origin,
    nor the other way round: every answer varies on Origin, listed once whoever added it."""
    spa = create_app(settings.with_(allowed_origins=("https://spa.example.com",), run_workers=False))
    body = {"query": "{ __typename }"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=spa), base_url=BASE_URL) as http:
        answers = {
            "no origin": await http.post("/graphql", json=body),
            "allowed": await http.post("/graphql", json=body, headers={"Origin": "https://spa.example.com"}),
            "not allowed": await http.get("/graphql", params=body, headers={"Origin": "https://evil.example"}),
            "panel": await http.get("/"),
            "health": await http.get("/healthz"),
        }
    for case, answer in answers.items():
        vary = [part.strip().lower() for part in answer.headers["vary"].split(",")]
        assert vary.count("origin") == 1, (case, answer.headers)
    assert answers["allowed"].headers["access-control-allow-origin"] == "https://spa.example.com"
    for case in ("no origin", "not allowed", "panel", "health"):
        assert "access-control-allow-origin" not in answers[case].headers, case
    assert {"cookie", "authorization", "origin"} <= set(answers["no origin"].headers["vary"].lower().split(", "))


async def test_automatic_persisted_queries(client) -> None:
    query = "{ viewer { permissions } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    miss = await client.http.post("/graphql", json={"extensions": extensions})
    assert miss.status_code == 200
    assert code_of(miss.json()) == "PERSISTED_QUERY_NOT_FOUND"
    registered = await client.http.post("/graphql", json={"query": query, "extensions": extensions})
    assert registered.json() == {"data": {"viewer": None}}
    hit = await client.http.get("/graphql", params={"extensions": json.dumps(extensions)})
    assert hit.json() == {"data": {"viewer": None}}
    wrong = await client.http.post(
        "/graphql", json={"query": "{ viewer { mustChangePassword } }", "extensions": extensions}
    )
    assert code_of(wrong.json()) == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_only_known_operations_mode(settings, app, tmp_path) -> None:
    known = "{ viewer { permissions } }"
    manifest = tmp_path / "operations.json"
    manifest.write_text(json.dumps({hashlib.sha256(known.encode()).hexdigest(): known}))
    strict = create_app(
        settings.with_(persisted_queries_only=True, persisted_queries_file=str(manifest), run_workers=False)
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=strict), base_url=BASE_URL) as http:
        digest = hashlib.sha256(known.encode()).hexdigest()
        ok = await http.post("/graphql", json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}})
        assert ok.json() == {"data": {"viewer": None}}
        other = await http.post("/graphql", json={"query": "{ viewer { mustChangePassword } }"})
        assert code_of(other.json()) == "PERSISTED_QUERY_NOT_ALLOWED"
        # A text the checks remembered (as a WebSocket's query would be) still has to be a known operation.
        unknown = "{ viewer { mustChangePassword } }"
        document = parse(unknown)
        [operation] = document.definitions
        view = strict.state.graphql
        view.schema.extensions[0].passed.remember_within_limits(unknown, None, operation, document)
        assert view.schema.checked_query(unknown, None) is not None
        refused = await http.post("/graphql", json={"query": unknown})
        assert code_of(refused.json()) == "PERSISTED_QUERY_NOT_ALLOWED", refused.text
        assert "data" not in refused.json() or refused.json()["data"] is None


async def test_health_and_readiness(client) -> None:
    assert (await client.http.get("/healthz")).json() == {"status": "ok"}
    assert (await client.http.get("/readyz")).json() == {"status": "ready"}


async def test_one_structured_log_line_per_operation_without_secrets(client, factory, caplog) -> None:
    account = await factory.account()
    caplog.set_level(logging.INFO, logger="clientpanel.operations")
    await client.post(
        "mutation SignIn($i: SignInInput!) { signIn(input: $i) { errors { code } } }",
        {"i": {"login": account.client_number, "password": "Correcaminos-Pampa-4821"}},
    )
    records = [r for r in caplog.records if r.name == "clientpanel.operations"]
    assert len(records) == 1
    fields = records[0].fields
    assert fields["operation"] == "SignIn"
    assert fields["outcome"] == "ok"
    assert fields["type"] == "mutation"
    assert "Correcaminos" not in caplog.text


async def test_nul_characters_are_bad_input(client) -> None:
    document = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"
    body = await client(document, {"i": {"login": "ab\x00c", "password": "x"}})
    assert code_of(body) == "BAD_USER_INPUT"
    assert body.get("data") is None
    literal = await client('mutation { signIn(input: {login: "a\\u0000b", password: "x"}) { errors { code } } }')
    assert code_of(literal) == "BAD_USER_INPUT"
