"""Step-up, the holder's PIN, who sees which sessions, sign-in throttling that nobody can turn
into a lock-out, one email in several accounts, long passphrases (security review)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta

import httpx
import pytest

import models
from domain.sign_in import MAX_ACCOUNTS_PER_EMAIL
from tests.conftest import BASE_URL
from tests.helpers import PASSWORD, GraphQLClient

SIGN_IN = """mutation($i: SignInInput!) {
  signIn(input: $i) { viewer { permissions } accounts errors { code field message } } }"""
REAUTH = """mutation($i: ReauthenticateInput!) {
  reauthenticate(input: $i) { viewer { permissions } validUntil errors { code field } } }"""
CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code field } } }"
PIN = "mutation($i: SecurityPinSetInput!) { securityPinSet(input: $i) { errors { code field } } }"
TOKEN = "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token errors { code } } }"
SESSIONS = "{ viewer { account { sessions { id current } } } }"
REVOKE = "mutation($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { code field } } }"
STRENGTH = "query($p: String!) { passwordStrength(password: $p) { score acceptable } }"
NEW_PASSWORD = "Tortuga-Lunar-Bariloche-7310"
Browser = Callable[..., AbstractAsyncContextManager[GraphQLClient]]


@pytest.fixture
def browser(app) -> Browser:
    """Another browser, from the IP address given."""

    @asynccontextmanager
    async def open_browser(ip: str = "127.0.0.1") -> AsyncIterator[GraphQLClient]:
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            yield GraphQLClient(http)

    return open_browser


async def sign_in(client, login: str, password: str = PASSWORD, **more: str) -> dict:
    return (await client.data(SIGN_IN, {"i": {"login": login, "password": password, **more}}))["signIn"]


async def pin_errors(client, pin: str) -> list[dict]:
    return (await client.data(PIN, {"i": {"currentPassword": PASSWORD, "pin": pin}}))["securityPinSet"]["errors"]


async def failed_code(client, login: str, password: str = PASSWORD) -> str:
    return (await sign_in(client, login, password))["errors"][0]["code"]


def wait_of(error: dict) -> int:
    assert error["code"] == "RATE_LIMITED", error
    return int(re.search(r"(\d+) segundos", error["message"]).group(1))


# Step-up


async def test_password_and_pin_changes_need_a_recent_proof_of_identity(client, factory, clock) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    clock.advance(timedelta(minutes=5))
    assert await pin_errors(client, "2580") == [], "exactly 5 minutes after sign-in"
    clock.advance(timedelta(minutes=1))
    step_up = [{"code": "STEP_UP_REQUIRED", "field": None}]
    refused = {"i": {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}}
    assert (await client.data(CHANGE, refused))["passwordChange"]["errors"] == step_up
    assert await pin_errors(client, "3691") == step_up
    wrong = (await client.data(REAUTH, {"i": {"password": "not it"}}))["reauthenticate"]
    assert wrong["viewer"] is None
    assert wrong["validUntil"] is None
    assert wrong["errors"] == [{"code": "INVALID_CREDENTIALS", "field": ["input", "password"]}]
    proved = (await client.data(REAUTH, {"i": {"password": PASSWORD}}))["reauthenticate"]
    assert proved["errors"] == []
    assert proved["viewer"]["permissions"]
    assert proved["validUntil"] == (clock.now() + timedelta(minutes=5)).isoformat()
    assert (await client.data(CHANGE, refused))["passwordChange"]["errors"] == []
    assert await models.ActivityEvent.filter(account_id=account.id, action="session.reauthenticated").exists()


async def test_api_tokens_cannot_step_up(client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    token = (await client.data(TOKEN, {"i": {"name": "ERP", "permissions": ["SECURITY"]}}))["apiTokenCreate"]["token"]
    body = await other_client(REAUTH, {"i": {"password": PASSWORD}}, headers={"Authorization": f"Bearer {token}"})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_only_the_holder_sets_the_security_pin(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "seguridad@example.com", permissions=["SECURITY", "PROFILE"])
    await client.sign_in("seguridad@example.com")
    body = await client(PIN, {"i": {"currentPassword": PASSWORD, "pin": "2580"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await models.Account.get(id=account.id)).pin_hash is None


# Sessions (seed 004)


async def test_the_holder_sees_and_ends_every_session_a_contact_only_their_own(client, other_client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "ana@example.com")
    await client.sign_in(account.client_number)
    await other_client.sign_in("ana@example.com")
    holder_view = (await client.data(SESSIONS))["viewer"]["account"]["sessions"]
    contact_view = (await other_client.data(SESSIONS))["viewer"]["account"]["sessions"]
    assert len(holder_view) == 2
    assert len(contact_view) == 1
    holder_session = next(s["id"] for s in holder_view if s["current"])
    refused = (await other_client.data(REVOKE, {"i": {"sessionId": holder_session}}))["sessionRevoke"]["errors"]
    assert refused[0]["code"] == "NOT_FOUND"
    assert (await client.data(REVOKE, {"i": {"sessionId": contact_view[0]["id"]}}))["sessionRevoke"]["errors"] == []
    assert (await other_client.data("{ viewer { permissions } }"))["viewer"] is None
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is not None


async def test_api_tokens_need_security_for_sessions(client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    tokens = {}
    for permissions in (["SERVICES"], ["SECURITY"]):
        created = await client.data(TOKEN, {"i": {"name": permissions[0], "permissions": permissions}})
        tokens[permissions[0]] = {"Authorization": f"Bearer {created['apiTokenCreate']['token']}"}
    [mine] = (await client.data(SESSIONS))["viewer"]["account"]["sessions"]
    unscoped = (await other_client.data(SESSIONS, headers=tokens["SERVICES"]))["viewer"]
    assert unscoped == {"account": {"sessions": []}}
    refused = await other_client.data(REVOKE, {"i": {"sessionId": mine["id"]}}, headers=tokens["SERVICES"])
    assert refused["sessionRevoke"]["errors"] == [{"code": "NOT_FOUND", "field": ["input", "sessionId"]}]
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is not None
    scoped = (await other_client.data(SESSIONS, headers=tokens["SECURITY"]))["viewer"]["account"]["sessions"]
    assert [s["id"] for s in scoped] == [mine["id"]]


# Sign-in throttling


async def test_successful_sign_ins_never_count(client, factory) -> None:
    account = await factory.account()
    for _ in range(25):
        assert (await sign_in(client, account.client_number))["errors"] == []
    assert (await sign_in(client, account.client_number, "wrong"))["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_a_browser_that_signed_in_before_survives_an_attack_on_its_login(client, browser, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    response = await client.post(SIGN_IN, {"i": {"login": account.client_number, "password": PASSWORD}})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("cp_device="))
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert "max-age=31536000" in cookie.lower()
    async with browser() as attacker:
        for _ in range(10):
            assert await failed_code(attacker, account.client_number, "guess") == "INVALID_CREDENTIALS"
        assert wait_of((await sign_in(attacker, account.client_number))["errors"][0]) <= 15 * 60
    async with browser() as new_browser:
        assert (await sign_in(new_browser, account.client_number))["errors"][0]["code"] == "RATE_LIMITED"
    assert (await sign_in(client, account.client_number))["errors"] == []


async def test_failures_from_everywhere_bring_longer_waits_but_not_for_known_browsers(client, browser, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    for source in ("10.0.0.1", "10.0.0.2"):
        async with browser(source) as attacker:
            for _ in range(10):
                assert await failed_code(attacker, account.client_number, "guess") == "INVALID_CREDENTIALS"
    async with browser("10.0.0.3") as attacker:
        assert wait_of((await sign_in(attacker, account.client_number))["errors"][0]) > 15 * 60
    assert (await sign_in(client, account.client_number))["errors"] == []


async def test_a_known_browsers_failures_count_on_its_own_bucket(client, browser, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    for _ in range(10):
        assert (await sign_in(client, account.client_number, "typo"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await sign_in(client, account.client_number))["errors"][0]["code"] == "RATE_LIMITED"
    async with browser() as other_browser:
        assert (await sign_in(other_browser, account.client_number))["errors"] == []


async def test_a_forged_device_cookie_is_an_unknown_browser(browser, factory) -> None:
    account = await factory.account()
    async with browser() as forger:
        forger.http.cookies.set("cp_device", "made-up.0000")
        for _ in range(10):
            await sign_in(forger, account.client_number, "guess")
        async with browser() as new_browser:
            assert (await sign_in(new_browser, account.client_number))["errors"][0]["code"] == "RATE_LIMITED"


# One email, several accounts


async def test_an_email_in_several_accounts_asks_which_one_and_lists_only_those_it_opens(
    client, factory, runtime, monkeypatch
) -> None:
    first, second, third = await factory.account(), await factory.account(), await factory.account()
    for account in (first, second):
        await factory.contact(account, "agencia@example.com")
    await factory.contact(third, "agencia@example.com", password=NEW_PASSWORD)
    asked = await sign_in(client, "Agencia@Example.com")
    assert asked["errors"][0]["code"] == "ACCOUNT_CHOICE_REQUIRED"
    assert asked["viewer"] is None
    assert sorted(asked["accounts"]) == sorted([first.client_number, second.client_number])
    assert await models.Session.all().count() == 0
    calls: list[bool] = []
    verify = runtime.secrets._verify

    def counting(stored_hash: str, password: str, real: bool) -> bool:
        calls.append(real)
        return verify(stored_hash, password, real)

    monkeypatch.setattr(runtime.secrets, "_verify", counting)
    wrong = await sign_in(client, "agencia@example.com", "wrong")
    assert wrong["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert wrong["accounts"] is None
    assert len(calls) == 3 <= MAX_ACCOUNTS_PER_EMAIL
    other = await sign_in(client, "agencia@example.com", PASSWORD, clientNumber=third.client_number)
    assert other["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert other["accounts"] is None
    assert (await sign_in(client, "agencia@example.com", PASSWORD, clientNumber=second.client_number))["errors"] == []
    viewer = await client.data("{ viewer { account { clientNumber } } }")
    assert viewer["viewer"]["account"]["clientNumber"] == second.client_number


# Long passphrases


@pytest.mark.parametrize("length", [73, 100, 128])
async def test_long_passphrases_are_judged_and_accepted(client, factory, length) -> None:
    passphrase = ("mi perro Tango come empanadas de humita en Tafí del Valle cada domingo " * 3)[:length]
    assert len(passphrase) == length
    verdict = (await client.data(STRENGTH, {"p": passphrase}))["passwordStrength"]
    assert verdict["acceptable"] is True
    assert verdict["score"] >= 3
    account = await factory.account()
    await client.sign_in(account.client_number)
    changed = await client.data(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": passphrase}})
    assert changed["passwordChange"]["errors"] == []
    assert (await sign_in(client, account.client_number, passphrase))["errors"] == []
