"""The auth and rate-limit contracts over HTTP, through the ASGI app: a Bearer token that does not authenticate is
401 with an RFC 6750 challenge (readable by an allowed partner origin), no credentials stay anonymous; every
rate-limit refusal says when to retry (Retry-After, the IETF RateLimit fields, extensions.retryAfter) and API token
requests carry their remaining budget, on the memory and the Redis storage; docs/limits.md names every rate."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette

import models
from app import create_app
from core.authn import REQUESTS_PER_TOKEN
from core.clock import FrozenClock
from core.runtime import Runtime
from domain.auth import STRENGTH_CHECKS_PER_IP
from settings import PROJECT_DIR, Settings
from tests.conftest import BASE_URL
from tests.helpers import Factory, GraphQLClient
from tests.test_real_clients import partner_token

WHO = "{ viewer { account { clientNumber } } }"
PARTNER = "https://erp.partner.example"
EVIL = "https://evil.example"
INVALID_TOKEN_CHALLENGE = re.compile(r'^Bearer error="invalid_token", error_description="[^"]+"$')
RATE_LIMIT = re.compile(r'^"token";r=(\d+);t=(\d+)$')
LIMIT = int(REQUESTS_PER_TOKEN.split("/")[0])
ASGI_CLIENT_ADDRESS = "127.0.0.1"  # httpx.ASGITransport's default client
STORAGES = ["memory://", "redis://127.0.0.1:6379/0"]
LIMITS_DOC = PROJECT_DIR / "docs" / "limits.md"
RATE_STRING = re.compile(r'"(\d+/(?:\d+ )?(?:second|minute|hour|day)s?)"')


def refusal(response: httpx.Response) -> dict:
    """The one error of a refusal made before GraphQL ran (no `data`)."""
    body = response.json()
    assert "data" not in body, body
    [error] = body["errors"]
    return error


async def test_every_kind_of_bad_bearer_token_is_401_with_an_invalid_token_challenge(
    client: GraphQLClient, factory: Factory, runtime: Runtime, clock: FrozenClock
) -> None:
    revoked_account, expiring_account = await factory.account(), await factory.account()
    revoked = await partner_token(runtime, revoked_account, ["SERVICES"])
    await models.ApiToken.filter(account_id=revoked_account.id).update(revoked_at=clock.now())
    expiring = await partner_token(runtime, expiring_account, ["SERVICES"])
    await models.ApiToken.filter(account_id=expiring_account.id).update(expires_at=clock.now() + timedelta(minutes=1))
    assert (await client.post(WHO, headers={"authorization": f"Bearer {expiring}"})).status_code == 200
    clock.advance(timedelta(minutes=2))
    kinds = {
        "malformed": "Bearer not a token",
        "missing": "Bearer",
        "unknown": "Bearer cpk_unknown",
        "revoked": f"Bearer {revoked}",
        "expired": f"Bearer {expiring}",
    }
    answers = set()
    for kind, authorization in kinds.items():
        response = await client.post(WHO, headers={"authorization": authorization})
        assert response.status_code == 401, kind
        assert INVALID_TOKEN_CHALLENGE.match(response.headers["www-authenticate"]), kind
        assert response.headers["content-type"] == "application/json", kind
        assert response.headers["cache-control"] == "private, no-store", kind
        error = refusal(response)
        assert error["extensions"] == {"code": "UNAUTHENTICATED"}, kind
        answers.add((response.headers["www-authenticate"], error["message"]))
    assert len(answers) == 1  # the answer does not tell unknown, revoked and expired tokens apart


async def test_without_credentials_or_with_an_ended_cookie_session_the_viewer_is_null(
    client: GraphQLClient, factory: Factory, clock: FrozenClock, runtime: Runtime
) -> None:
    anonymous = await client.post(WHO)
    assert anonymous.status_code == 200
    assert anonymous.json()["data"]["viewer"] is None
    assert "www-authenticate" not in anonymous.headers
    account = await factory.account()
    await client.sign_in(account.client_number)
    assert (await client.data(WHO))["viewer"]["account"]["clientNumber"] == account.client_number
    clock.advance(timedelta(minutes=runtime.settings.session_idle_minutes + 1))
    ended = await client.post(WHO)
    assert ended.status_code == 200
    assert ended.json()["data"]["viewer"] is None
    assert "www-authenticate" not in ended.headers


async def test_another_scheme_or_an_empty_header_is_ignored_and_the_cookie_stands(
    client: GraphQLClient, factory: Factory
) -> None:
    """A staging proxy's Basic credentials or a frontend's empty header are not this API's credentials."""
    account = await factory.account()
    await client.sign_in(account.client_number)
    for header in ("Basic dXNlcjpwYXNzd29yZA==", "", "  "):
        response = await client.post(WHO, headers={"authorization": header})
        assert response.status_code == 200, header
        assert "www-authenticate" not in response.headers
        assert response.json()["data"]["viewer"] is not None, header


async def test_an_empty_bearer_token_is_401_and_never_falls_back_to_the_cookie(
    client: GraphQLClient, factory: Factory
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    for header in ("Bearer", "Bearer ", "bearer  "):
        response = await client.post(WHO, headers={"authorization": header})
        assert response.status_code == 401, header
        assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')


@pytest.fixture
async def partner_app(app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a token origin (the session's app keeps the database open)."""
    configured = create_app(settings.with_(token_origins=(PARTNER,), run_workers=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=configured), base_url=BASE_URL) as http:
        yield http


async def test_a_401_to_a_cross_origin_token_request_is_readable_by_an_allowed_origin_only(
    partner_app: httpx.AsyncClient,
) -> None:
    body = {"query": WHO}
    bad = {"authorization": "Bearer cpk_unknown", "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors"}
    for method in ("GET", "POST"):
        params = body if method == "GET" else None
        json = body if method == "POST" else None
        allowed = await partner_app.request(
            method, "/graphql", params=params, json=json, headers={"origin": PARTNER, **bad}
        )
        assert allowed.status_code == 401, method
        assert allowed.headers["access-control-allow-origin"] == PARTNER
        assert "access-control-allow-credentials" not in allowed.headers
        assert refusal(allowed)["extensions"]["code"] == "UNAUTHENTICATED"
        other = await partner_app.request(method, "/graphql", params=params, json=json, headers={"origin": EVIL, **bad})
        assert other.status_code == 401, method
        assert "access-control-allow-origin" not in other.headers
        assert "set-cookie" not in other.headers


@pytest.fixture(params=STORAGES, ids=["memory", "redis"])
async def limited_app(app: Starlette, settings: Settings, request: pytest.FixtureRequest) -> Starlette:
    """The app counting rate limits in memory or on Redis (a new limiter: no history of other tests in memory)."""
    return create_app(settings.with_(rate_limit_url=request.param, run_workers=False), clock=app.state.runtime.clock)


async def limited_token(limited_app: Starlette, factory: Factory, runtime: Runtime) -> tuple[str, int]:
    """A partner token whose counter starts empty (Redis outlives the tables, whose ids start again)."""
    account = await factory.account()
    token = await partner_token(runtime, account, ["SERVICES"])
    stored = await models.ApiToken.get(account_id=account.id)
    await limited_app.state.runtime.limiter.clear(REQUESTS_PER_TOKEN, "api-token", str(stored.id))
    return token, stored.id


async def test_token_requests_carry_their_remaining_budget(
    limited_app: Starlette, factory: Factory, runtime: Runtime
) -> None:
    token, _ = await limited_token(limited_app, factory, runtime)
    transport = httpx.ASGITransport(app=limited_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        remaining = []
        for _ in range(3):
            response = await http.post("/graphql", json={"query": WHO}, headers={"authorization": f"Bearer {token}"})
            assert response.status_code == 200
            assert response.headers["ratelimit-policy"] == f'"token";q={LIMIT};w=60'
            match = RATE_LIMIT.match(response.headers["ratelimit"])
            assert match, response.headers["ratelimit"]
            assert 0 < int(match[2]) <= 60
            assert "retry-after" not in response.headers
            remaining.append(int(match[1]))
        assert remaining == [LIMIT - 1, LIMIT - 2, LIMIT - 3]
        anonymous = await http.post("/graphql", json={"query": WHO})
        assert "ratelimit" not in anonymous.headers
        assert "ratelimit-policy" not in anonymous.headers


async def test_over_the_token_cap_429_says_when_to_retry(
    limited_app: Starlette, factory: Factory, runtime: Runtime
) -> None:
    token, token_id = await limited_token(limited_app, factory, runtime)
    for _ in range(LIMIT):
        await limited_app.state.runtime.limiter.hit(REQUESTS_PER_TOKEN, "api-token", str(token_id))
    transport = httpx.ASGITransport(app=limited_app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        response = await http.post("/graphql", json={"query": WHO}, headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 429
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert response.headers["ratelimit-policy"] == f'"token";q={LIMIT};w=60'
    match = RATE_LIMIT.match(response.headers["ratelimit"])
    assert match, response.headers["ratelimit"]
    assert int(match[1]) == 0
    assert int(match[2]) == retry_after
    error = refusal(response)
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": retry_after}
    assert str(retry_after) in error["message"]


async def test_a_top_level_rate_limited_error_carries_retry_after(client: GraphQLClient, runtime: Runtime) -> None:
    for _ in range(int(STRENGTH_CHECKS_PER_IP.split("/")[0])):
        await runtime.limiter.hit(STRENGTH_CHECKS_PER_IP, "strength", ASGI_CLIENT_ADDRESS)
    response = await client.post('{ passwordStrength(password: "x") { score } }')
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= error["extensions"]["retryAfter"] <= 60


def rate_strings() -> set[str]:
    """Every rate string ("5/hour", "10/15 minutes") written in the production code."""
    sources = [PROJECT_DIR / "app.py"]
    for package in ("core", "domain", "schema"):
        sources += (PROJECT_DIR / package).rglob("*.py")
    return {rate for path in sources for rate in RATE_STRING.findall(path.read_text(encoding="utf-8"))}


def test_docs_limits_names_every_rate_in_the_code() -> None:
    documented = LIMITS_DOC.read_text(encoding="utf-8")
    rates = rate_strings()
    assert REQUESTS_PER_TOKEN in rates  # the scan sees the rates
    missing = sorted(rate for rate in rates if f"`{rate}`" not in documented)
    assert not missing, f"docs/limits.md does not mention {missing}"


def test_docs_limits_names_every_limit_setting() -> None:
    documented = LIMITS_DOC.read_text(encoding="utf-8")
    names = re.findall(r'setting\(\s*"([A-Z_]+)"', (PROJECT_DIR / "settings.py").read_text(encoding="utf-8"))
    limits = [n for n in names if "_PER_" in n or n.startswith(("WS_MAX_", "MAX_QUERY_")) or n == "MAX_BODY_BYTES"]
    assert "WS_MAX_PER_IP" in limits
    missing = [name for name in limits if f"`{name}`" not in documented]
    assert not missing, f"docs/limits.md does not mention {missing}"


async def test_a_client_gone_mid_request_is_not_an_incident(app: Starlette, caplog: pytest.LogCaptureFixture) -> None:
    """A client that disconnects before its body arrived (a load generator stopping, a closed tab): nothing runs,
    and nothing is logged as an unexpected error."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), (b"content-length", b"30")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert sent[0]["status"] == 400
    assert not [record for record in caplog.records if record.levelname == "ERROR"]
