"""Partner tokens from a browser: a bearer token authenticates alone (the cookie ignored; an invalid one is 401);
only a valid one passes the cross-site guard; CORS for token requests has its own allowlist (TOKEN_ALLOWED_ORIGINS) and
never allows credentials, while cookie origins (ALLOWED_ORIGINS) keep theirs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from app import create_app
from core.runtime import Runtime
from settings import Settings, SettingsError
from tests.conftest import BASE_URL
from tests.helpers import Factory, GraphQLClient
from tests.test_real_clients import partner_token

PARTNER = "https://erp.partner.example"
SPA = "https://spa.panel.example"
EVIL = "https://evil.example"
WHO = "{ viewer { account { clientNumber } } }"
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"


@pytest.fixture
async def browser(app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app with a cookie origin and a token origin (the session's app keeps the database open)."""
    configured = create_app(settings.with_(allowed_origins=(SPA,), token_origins=(PARTNER,), run_workers=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=configured), base_url=BASE_URL) as http:
        yield http


def who(response: httpx.Response) -> str | None:
    viewer = response.json()["data"]["viewer"]
    return viewer["account"]["clientNumber"] if viewer else None


async def test_a_bearer_token_authenticates_alone_and_the_cookie_is_ignored(
    client: GraphQLClient, factory: Factory, runtime: Runtime
) -> None:
    mine, theirs = await factory.account(), await factory.account()
    await client.sign_in(theirs.client_number)
    token = await partner_token(runtime, mine, ["SERVICES"])
    by_token = await client.post(WHO, headers={"authorization": f"Bearer {token}"})
    assert who(by_token) == mine.client_number
    unknown = await client.post(WHO, headers={"authorization": "Bearer cpk_not-a-token"})
    assert unknown.status_code == 401  # an invalid token is refused, never answered as the cookie's person
    assert unknown.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert who(await client.post(WHO)) == theirs.client_number


async def test_only_a_valid_token_passes_the_cross_site_guard(
    browser: httpx.AsyncClient, factory: Factory, runtime: Runtime
) -> None:
    account = await factory.account()
    token = await partner_token(runtime, account, ["SERVICES"])
    body = {"query": WHO}
    valid = await browser.post("/graphql", json=body, headers={"origin": EVIL, "authorization": f"Bearer {token}"})
    assert valid.status_code == 200
    assert who(valid) == account.client_number
    sign_in = {"query": SIGN_IN, "variables": {"i": {"login": account.client_number, "password": "x"}}}
    refusals = {"Bearer cpk_invalid": (401, "UNAUTHENTICATED"), None: (403, "FORBIDDEN")}
    for authorization, (status, code) in refusals.items():
        headers = {"origin": EVIL} | ({"authorization": authorization} if authorization else {})
        refused = await browser.post("/graphql", json=sign_in, headers=headers)
        assert refused.status_code == status
        assert refused.json()["errors"][0]["extensions"]["code"] == code
        assert "set-cookie" not in refused.headers


async def test_cors_for_tokens_has_its_own_allowlist_and_never_allows_credentials(
    browser: httpx.AsyncClient, factory: Factory, runtime: Runtime
) -> None:
    account = await factory.account()
    token = await partner_token(runtime, account, ["SERVICES"])
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }
    allowed = await browser.options("/graphql", headers={"origin": PARTNER, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == PARTNER
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in allowed.headers
    for origin in (SPA, EVIL):
        refused = await browser.options("/graphql", headers={"origin": origin, **preflight})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
    bearer = {"authorization": f"Bearer {token}"}
    answered = await browser.post("/graphql", json={"query": WHO}, headers={"origin": PARTNER, **bearer})
    assert who(answered) == account.client_number
    assert answered.headers["access-control-allow-origin"] == PARTNER
    assert "access-control-allow-credentials" not in answered.headers
    from_spa = await browser.post("/graphql", json={"query": WHO}, headers={"origin": SPA, **bearer})
    assert "access-control-allow-origin" not in from_spa.headers


async def test_cookie_origins_keep_credentialed_cors_and_token_origins_get_none(browser: httpx.AsyncClient) -> None:
    preflight = {"access-control-request-method": "POST", "access-control-request-headers": "content-type"}
    spa = await browser.options("/graphql", headers={"origin": SPA, **preflight})
    assert spa.headers["access-control-allow-origin"] == SPA
    assert spa.headers["access-control-allow-credentials"] == "true"
    partner = await browser.options("/graphql", headers={"origin": PARTNER, **preflight})
    assert partner.status_code == 400
    assert "access-control-allow-origin" not in partner.headers
    answered = await browser.post("/graphql", json={"query": WHO}, headers={"origin": SPA})
    assert answered.headers["access-control-allow-credentials"] == "true"
    assert answered.headers["access-control-allow-origin"] == SPA


def test_token_allowed_origins_are_read_and_validated_like_allowed_origins() -> None:
    settings = Settings.from_env({"TOKEN_ALLOWED_ORIGINS": f" {PARTNER}/, https://b.example:8443 "})
    assert settings.token_origins == (PARTNER, "https://b.example:8443")
    assert settings.allowed_origins == ()
    with pytest.raises(SettingsError, match="TOKEN_ALLOWED_ORIGINS"):
        Settings.from_env({"TOKEN_ALLOWED_ORIGINS": "https://erp.partner.example/api"})
