"""Sign-in, throttling, sessions, idle and absolute expiry."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher

import models
from core.ids import to_global_id
from tests.helpers import PASSWORD

SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { viewer { permissions } errors { code field message } } }"
SESSIONS = "{ viewer { account { sessions { id current ipAddress userAgent createdAt lastSeenAt expiresAt } } } }"


async def sign_in(client, login: str, password: str = PASSWORD) -> dict:
    return (await client.data(SIGN_IN, {"i": {"login": login, "password": password}}))["signIn"]


async def test_session_cookie_is_httponly_and_lax(client, factory) -> None:
    account = await factory.account()
    response = await client.post(SIGN_IN, {"i": {"login": account.client_number, "password": PASSWORD}})
    cookie = response.headers["set-cookie"].lower()
    assert "cookie" not in response.request.headers  # an anonymous request, whose answer sets a cookie:
    assert response.headers["cache-control"] == "private, no-store"  # stored by no cache
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    token = client.http.cookies["cp_session"]
    assert len(token) >= 32
    stored = await models.Session.get(account_id=account.id)
    assert stored.token_hash != token
    assert token not in stored.token_hash


async def test_unknown_login_wrong_password_and_inactive_contact_look_alike(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "inactiva@example.com", active=False)
    answers = [
        await sign_in(client, "123456789"),
        await sign_in(client, account.client_number, "wrong password"),
        await sign_in(client, "inactiva@example.com"),
        await sign_in(client, "nadie@example.com"),
    ]
    assert all(a == answers[0] for a in answers), answers
    assert answers[0]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert answers[0]["viewer"] is None
    assert await models.Session.all().count() == 0


async def test_failed_and_successful_sign_ins_are_in_the_activity(client, factory) -> None:
    account = await factory.account()
    await sign_in(client, account.client_number, "wrong password")
    await client.sign_in(account.client_number)
    data = await client.data(
        "{ viewer { account { activity(first: 5) { edges { node { action actor ipAddress } } } } } }"
    )
    actions = [e["node"]["action"] for e in data["viewer"]["account"]["activity"]["edges"]]
    assert actions[:2] == ["session.signed_in", "session.sign_in_failed"]


async def test_sign_in_is_throttled_per_login_even_when_unknown(client) -> None:
    for _ in range(10):
        assert (await sign_in(client, "77777", "x"))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    limited = (await sign_in(client, "77777", "x"))["errors"][0]
    assert limited["code"] == "RATE_LIMITED"
    assert "segundos" in limited["message"]


async def test_sign_in_is_throttled_per_ip(client, factory) -> None:
    account = await factory.account()
    for n in range(50):
        await sign_in(client, f"nadie{n}@example.com", "x")
    assert (await sign_in(client, account.client_number))["errors"][0]["code"] == "RATE_LIMITED"


async def test_messages_follow_accept_language(client) -> None:
    body = await client.data(
        SIGN_IN, {"i": {"login": "1", "password": "x"}}, headers={"Accept-Language": "en-US,en;q=0.9"}
    )
    assert body["signIn"]["errors"][0]["message"] == "Wrong client number, email or password."


async def test_sign_out_ends_the_session_server_side(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    token = client.http.cookies["cp_session"]
    assert (await client.data("mutation { signOut { errors { code } } }"))["signOut"]["errors"] == []
    client.http.cookies.set("cp_session", token)
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is None


async def test_sessions_list_marks_the_current_one(client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await other_client.sign_in(account.client_number)
    sessions = (await client.data(SESSIONS, headers={"User-Agent": "Firefox"}))["viewer"]["account"]["sessions"]
    assert len(sessions) == 2
    assert [s["current"] for s in sessions].count(True) == 1
    assert all(s["expiresAt"].endswith("+00:00") for s in sessions)


async def test_contacts_see_only_their_own_sessions(client, other_client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "ana@example.com")
    await client.sign_in(account.client_number)
    await other_client.sign_in("ana@example.com")
    sessions = (await other_client.data(SESSIONS))["viewer"]["account"]["sessions"]
    assert len(sessions) == 1
    assert sessions[0]["current"]


async def test_revoke_another_session(client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await other_client.sign_in(account.client_number)
    other_id = next(
        s["id"] for s in (await other_client.data(SESSIONS))["viewer"]["account"]["sessions"] if s["current"]
    )
    revoke = "mutation($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { code field } } }"
    assert (await client.data(revoke, {"i": {"sessionId": other_id}}))["sessionRevoke"]["errors"] == []
    assert (await other_client.data("{ viewer { permissions } }"))["viewer"] is None
    again = (await client.data(revoke, {"i": {"sessionId": other_id}}))["sessionRevoke"]["errors"]
    assert again[0]["code"] == "NOT_FOUND"


async def test_revoking_another_accounts_session_is_not_found(client, other_client, factory) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    await client.sign_in(mine.client_number)
    await other_client.sign_in(theirs.client_number)
    their_session = await models.Session.get(account_id=theirs.id)
    revoke = "mutation($i: SessionRevokeInput!) { sessionRevoke(input: $i) { errors { code field } } }"
    errors = (await client.data(revoke, {"i": {"sessionId": to_global_id("Session", their_session.id)}}))[
        "sessionRevoke"
    ]["errors"]
    assert errors == [{"code": "NOT_FOUND", "field": ["input", "sessionId"]}]
    assert (await other_client.data("{ viewer { permissions } }"))["viewer"] is not None


async def test_idle_sessions_expire(client, factory, clock, runtime) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    clock.advance(timedelta(minutes=runtime.settings.session_idle_minutes - 1))
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is not None
    clock.advance(timedelta(minutes=runtime.settings.session_idle_minutes - 1))
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is not None
    clock.advance(timedelta(minutes=runtime.settings.session_idle_minutes + 1))
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is None


async def test_sessions_end_at_their_absolute_lifetime_even_when_used(client, factory, clock, runtime) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    step = timedelta(minutes=runtime.settings.session_idle_minutes // 2)
    for _ in range(runtime.settings.session_lifetime_hours * 60 // (runtime.settings.session_idle_minutes // 2) - 1):
        clock.advance(step)
        assert (await client.data("{ viewer { permissions } }"))["viewer"] is not None
    clock.advance(step * 2)
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is None


async def test_password_hashes_are_upgraded_on_sign_in(client, factory, runtime) -> None:
    account = await factory.account()
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    await models.Account.filter(id=account.id).update(password_hash=weak)
    await client.sign_in(account.client_number)
    upgraded = (await models.Account.get(id=account.id)).password_hash
    assert upgraded != weak
    assert not runtime.secrets.needs_rehash(upgraded)


async def test_overlong_logins_are_just_unknown(client) -> None:
    for login in ("9" * 40, "a" * 300 + "@example.com"):
        assert (await sign_in(client, login))["errors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_every_failed_sign_in_costs_one_password_hash(client, factory, runtime, monkeypatch) -> None:
    """Unknown login, wrong password and inactive contact do the same work, so timing tells nothing."""
    account = await factory.account()
    await factory.contact(account, "dormida@example.com", active=False)
    calls: list[bool] = []
    verify = runtime.secrets._verify

    def counting(stored_hash: str, password: str, real: bool) -> bool:
        calls.append(real)
        return verify(stored_hash, password, real)

    monkeypatch.setattr(runtime.secrets, "_verify", counting)
    for login, password in (
        ("55555", PASSWORD),
        (account.client_number, "wrong"),
        ("dormida@example.com", PASSWORD),
        ("x@y.z", "p"),
    ):
        calls.clear()
        assert (await sign_in(client, login, password))["errors"][0]["code"] == "INVALID_CREDENTIALS"
        assert len(calls) == 1, login
