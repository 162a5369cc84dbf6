"""The welcome link: a holder whose account the billing system created chooses the first password (issue 22)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import models
from core.security import Secrets
from domain.recovery_worker import process_due
from domain.welcome import queue_welcome
from models.enums import Language, StaffScope
from tests.helpers import emailed_token, wait_for_mail

ACCEPT = (
    "mutation($i: WelcomeAcceptInput!) { welcomeAccept(input: $i) {"
    " viewer { account { clientNumber } } errors { code field message } } }"
)
RESEND = (
    "mutation($i: WelcomeResendInput!) { welcomeResend(input: $i) {"
    " welcome { clientNumber externalId expiresAt } errors { code field message } } }"
)
SIGN_IN = (
    "mutation($i: SignInInput!) { signIn(input: $i) { viewer { account { clientNumber } } errors { code message } } }"
)
STRENGTH = "query($p: String!, $t: String) { passwordStrength(password: $p, invitationToken: $t) { acceptable score } }"
ARCHIVE = "{ viewer { account { mail(first: 5) { edges { node { subject textBody } } } } } }"
NEW_PASSWORD = "Tereré-Helado-Misiones-404"
EMAIL = "nueva@example.com"
INVALID_LINK = {
    "code": "INVALID_CODE",
    "field": ["input", "token"],
    "message": "El enlace de bienvenida no es válido, ya fue usado o venció. Pida uno nuevo a soporte o recupere "
    "su acceso desde la página de ingreso.",
}


def link_token(text: str) -> str:
    found = re.search(r"http://testserver\.local/bienvenida\?token=([\w-]+)", text)
    assert found, text
    return found.group(1)


async def pending_account(factory, runtime, email: str = EMAIL, **holder) -> models.Account:
    """An account as the billing sync creates it: no password yet, the welcome queued in the same transaction."""
    account = await factory.account(email=email, **holder)
    async with runtime.events.transaction():
        await models.Account.filter(id=account.id).update(password_hash="", external_id=f"whmcs-{account.id}")
        await queue_welcome(runtime, account.id)
    return await models.Account.get(id=account.id)


async def welcome_token(smtp_sink, count: int = 1, email: str = EMAIL) -> str:
    return await emailed_token(smtp_sink, email, "/bienvenida", count)


async def accept(client, token: str, password: str = NEW_PASSWORD) -> dict:
    return (await client.data(ACCEPT, {"i": {"token": token, "password": password}}))["welcomeAccept"]


async def test_the_email_brings_the_client_number_and_a_link_in_the_holders_language(
    client, factory, runtime, smtp_sink
) -> None:
    account = await pending_account(factory, runtime, language=Language.EN)
    [received] = await wait_for_mail(smtp_sink, EMAIL)
    assert received.message["Subject"] == "Welcome to the Client Panel: choose your password"
    assert f"Client number: {account.client_number}" in received.text
    assert "valid for 7 days, usable once" in received.text
    token = link_token(received.text)
    assert len(token) >= 43
    stored = await models.Account.get(id=account.id)
    assert stored.welcome_token_hash == runtime.secrets.digest(token) != token
    assert stored.welcome_expires_at == runtime.clock.now() + timedelta(days=7)
    assert (await accept(client, token))["errors"] == []
    [archived] = (await client.data(ARCHIVE))["viewer"]["account"]["mail"]["edges"]
    assert archived["node"]["subject"] == "Welcome to the Client Panel: choose your password"
    assert token not in archived["node"]["textBody"]
    assert "[hidden]" in archived["node"]["textBody"]
    assert account.client_number in archived["node"]["textBody"]


async def test_a_spanish_holder_gets_it_in_spanish(factory, runtime, smtp_sink) -> None:
    account = await pending_account(factory, runtime)
    [received] = await wait_for_mail(smtp_sink, EMAIL)
    assert received.message["Subject"] == "Bienvenido al Panel de Clientes: elija su clave"
    assert f"Número de cliente: {account.client_number}" in received.text
    link_token(received.text)


async def test_accepting_sets_the_password_signs_in_and_the_link_works_once(
    client, other_client, factory, runtime, smtp_sink
) -> None:
    account = await pending_account(factory, runtime)
    token = await welcome_token(smtp_sink)
    accepted = await accept(client, token)
    assert accepted == {"viewer": {"account": {"clientNumber": account.client_number}}, "errors": []}
    assert (await client.data("{ viewer { account { clientNumber } } }"))["viewer"] is not None
    stored = await models.Account.get(id=account.id)
    assert stored.welcome_token_hash is None
    assert stored.welcome_expires_at is None
    assert stored.password_changed_at == runtime.clock.now()
    assert await runtime.secrets.verify_password(stored.password_hash, NEW_PASSWORD)
    assert [e.type for e in await models.WebhookEvent.filter(account_id=account.id)] == ["password.changed"]
    actions = await models.ActivityEvent.filter(account_id=account.id).values_list("action", flat=True)
    assert "welcome.accepted" in actions
    assert await accept(other_client, token, "Otra-Clave-Distinta-9931") == {"viewer": None, "errors": [INVALID_LINK]}
    assert await runtime.secrets.verify_password((await models.Account.get(id=account.id)).password_hash, NEW_PASSWORD)
    await other_client.sign_in(account.client_number, NEW_PASSWORD)


async def test_unknown_expired_and_used_links_are_one_answer(client, factory, runtime, smtp_sink, clock) -> None:
    await pending_account(factory, runtime)
    token = await welcome_token(smtp_sink)
    for wrong in ("x" * 43, "", " ", token[:-1], token + "x", token.upper(), "ñ" * 5000, "' OR 1=1 --"):
        assert await accept(client, wrong) == {"viewer": None, "errors": [INVALID_LINK]}
    clock.advance(timedelta(days=7, seconds=-1))
    await pending_account(factory, runtime, email="otra@example.com")
    other = await welcome_token(smtp_sink, email="otra@example.com")
    clock.advance(timedelta(seconds=1))
    assert await accept(client, token) == {"viewer": None, "errors": [INVALID_LINK]}  # 7 days: expired
    assert (await accept(client, other))["errors"] == []  # its own 7 days still run
    assert await accept(client, other) == {"viewer": None, "errors": [INVALID_LINK]}  # used


async def test_a_weak_password_or_one_made_of_the_holders_own_words_is_refused_and_the_link_still_works(
    client, factory, runtime, smtp_sink
) -> None:
    account = await pending_account(factory, runtime, first_name="Gumersindo", last_name="Quiroga")
    token = await welcome_token(smtp_sink)
    for weak in ("", "corto", "password1234", f"Gumersindo.Quiroga.{account.client_number}", "Zq9-" * 2000):
        refused = await accept(client, token, weak)
        assert refused["viewer"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("PASSWORD_TOO_WEAK", ["input", "password"])]
    assert (await models.Account.get(id=account.id)).password_hash == ""
    assert (await accept(client, token))["errors"] == []


async def test_the_meter_judges_with_the_holders_words_given_the_welcome_token(
    client, factory, runtime, smtp_sink
) -> None:
    account = await pending_account(factory, runtime, first_name="Gumersindo", last_name="Quiroga")
    token = await welcome_token(smtp_sink)
    personal = f"Quiroga-Gumersindo-{account.client_number}"
    without = (await client.data(STRENGTH, {"p": personal, "t": None}))["passwordStrength"]
    unknown = (await client.data(STRENGTH, {"p": personal, "t": "x" * 43}))["passwordStrength"]
    judged = (await client.data(STRENGTH, {"p": personal, "t": token}))["passwordStrength"]
    assert without == unknown
    assert without["acceptable"] is True
    assert judged["acceptable"] is False
    assert (await accept(client, token, personal))["errors"][0]["code"] == "PASSWORD_TOO_WEAK"


async def test_two_accepts_of_one_link_at_once_make_one_password(
    client, other_client, factory, runtime, smtp_sink
) -> None:
    account = await pending_account(factory, runtime)
    token = await welcome_token(smtp_sink)
    first, second = await asyncio.gather(
        accept(client, token, "Primera-Clave-Larga-7781"), accept(other_client, token, "Segunda-Clave-Larga-2214")
    )
    assert sorted(bool(r["errors"]) for r in (first, second)) == [False, True]
    winner = "Primera-Clave-Larga-7781" if not first["errors"] else "Segunda-Clave-Larga-2214"
    assert await runtime.secrets.verify_password((await models.Account.get(id=account.id)).password_hash, winner)
    assert await models.Session.filter(account_id=account.id).count() == 1
    assert await models.WebhookEvent.filter(account_id=account.id, type="password.changed").count() == 1


async def test_accepting_is_rate_limited_per_source(client, factory, runtime, smtp_sink) -> None:
    account = await pending_account(factory, runtime)
    token = await welcome_token(smtp_sink)
    for _ in range(20):
        await accept(client, "x" * 43)
    limited = await accept(client, token)
    assert [e["code"] for e in limited["errors"]] == ["RATE_LIMITED"]
    assert limited["viewer"] is None
    assert (await models.Account.get(id=account.id)).password_hash == ""


async def test_without_a_password_sign_in_answers_as_for_a_wrong_password(client, factory, runtime) -> None:
    pending = await pending_account(factory, runtime)
    known = await factory.account()
    wrong = await client.data(SIGN_IN, {"i": {"login": known.client_number, "password": "No-Es-Esta-Clave-11"}})
    for password in ("", "No-Es-Esta-Clave-11"):
        answer = await client.data(SIGN_IN, {"i": {"login": pending.client_number, "password": password}})
        assert answer == wrong
    assert answer["signIn"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert await models.Session.filter(account_id=pending.id).count() == 0


async def test_access_recovery_still_works_before_the_first_password(client, factory, runtime, smtp_sink) -> None:
    account = await pending_account(factory, runtime)
    welcome = await welcome_token(smtp_sink)
    request = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
    await client.data(request, {"i": {"method": "CLIENT_NUMBER", "value": account.client_number}})
    await process_due(runtime)
    recovery = await emailed_token(smtp_sink, EMAIL, "/recuperar")
    confirm = "mutation($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { code } } }"
    assert (await client.data(confirm, {"i": {"token": recovery}}))["accessRecoveryConfirm"]["errors"] == []
    received = await wait_for_mail(smtp_sink, EMAIL, 3)
    [temporary] = [m.group(1) for r in received if (m := re.search(r"Clave temporal: (\S+)", r.text))]
    await client.sign_in(account.client_number, temporary)
    assert (await models.Account.get(id=account.id)).must_change_password is True
    # The welcome link is spent once a password exists: it must not replace the one recovery set.
    assert (await accept(client, welcome))["errors"] == [INVALID_LINK]


async def test_staff_resend_voids_the_old_link(client, staff, factory, runtime, smtp_sink) -> None:
    account = await pending_account(factory, runtime)
    first = await welcome_token(smtp_sink)
    billing = await staff(StaffScope.ACCOUNTS)
    resent = (await billing.data(RESEND, {"i": {"externalId": account.external_id}}))["welcomeResend"]
    expires = (runtime.clock.now() + timedelta(days=7)).isoformat()
    assert resent == {
        "welcome": {"clientNumber": account.client_number, "externalId": account.external_id, "expiresAt": expires},
        "errors": [],
    }
    second = await welcome_token(smtp_sink, count=2)
    assert second != first
    assert await accept(client, first) == {"viewer": None, "errors": [INVALID_LINK]}
    by_number = (await billing.data(RESEND, {"i": {"clientNumber": account.client_number}}))["welcomeResend"]
    assert by_number["errors"] == []
    third = await welcome_token(smtp_sink, count=3)
    assert await accept(client, second) == {"viewer": None, "errors": [INVALID_LINK]}
    assert (await accept(client, third))["errors"] == []
    resent_rows = await models.ActivityEvent.filter(account_id=account.id, action="welcome.resent")
    assert [row.actor for row in resent_rows] == [billing_actor := resent_rows[0].actor] * 2
    assert billing_actor.startswith("Staff key ")


async def test_staff_resend_refusals(staff, factory, runtime, smtp_sink) -> None:
    pending = await pending_account(factory, runtime)
    await wait_for_mail(smtp_sink, EMAIL)
    chosen = await factory.account()
    billing = await staff(StaffScope.ACCOUNTS)

    async def errors(given: dict) -> list[dict]:
        answer = (await billing.data(RESEND, {"i": given}))["welcomeResend"]
        assert answer["welcome"] is None or not answer["errors"]
        return [{k: e[k] for k in ("code", "field")} for e in answer["errors"]]

    assert await errors({}) == [{"code": "INVALID", "field": ["input"]}]
    both = {"externalId": pending.external_id, "clientNumber": pending.client_number}
    assert await errors(both) == [{"code": "INVALID", "field": ["input"]}]
    assert await errors({"externalId": "nadie"}) == [{"code": "NOT_FOUND", "field": ["input", "externalId"]}]
    assert await errors({"clientNumber": "9" * 200}) == [{"code": "NOT_FOUND", "field": ["input", "clientNumber"]}]
    assert await errors({"clientNumber": chosen.client_number}) == [
        {"code": "INVALID_STATE", "field": ["input", "clientNumber"]}
    ]
    for _ in range(5):
        assert await errors({"clientNumber": pending.client_number}) == []
    assert await errors({"clientNumber": pending.client_number}) == [{"code": "RATE_LIMITED", "field": None}]
    await wait_for_mail(smtp_sink, EMAIL, count=6)
    assert len(smtp_sink.to(EMAIL)) == 6
    assert await models.MailMessage.filter(account_id=chosen.id).count() == 0


async def test_refusals_speak_the_callers_language(client, factory, runtime, smtp_sink) -> None:
    await pending_account(factory, runtime)
    token = await welcome_token(smtp_sink)
    english = {"accept-language": "en-US,en;q=0.9"}
    unknown = await client.data(ACCEPT, {"i": {"token": "x" * 43, "password": NEW_PASSWORD}}, headers=english)
    assert unknown["welcomeAccept"]["errors"][0]["message"] == (
        "The welcome link is not valid, was already used or has expired. Ask support for a new one or recover "
        "your access from the sign-in page."
    )
    weak = await client.data(ACCEPT, {"i": {"token": token, "password": "password"}}, headers=english)
    assert weak["welcomeAccept"]["errors"][0]["message"].endswith(
        "This is a top-10 common password. Add another word or two. Uncommon words are better."
    )


async def test_a_link_outlives_a_new_first_hashing_key_until_the_old_one_goes(
    client, factory, runtime, smtp_sink
) -> None:
    """A restart with a new first key in SECRET_KEYS: links mailed before still work while the old key is listed."""
    await pending_account(factory, runtime)
    token = await welcome_token(smtp_sink)
    [old_key] = runtime.settings.hashing_keys
    new_key = "b-new-hashing-key-" + "x" * 30
    original = runtime.secrets
    try:
        runtime.secrets = Secrets(runtime.settings.with_(secret_keys=(new_key,)))
        assert await accept(client, token) == {"viewer": None, "errors": [INVALID_LINK]}
        runtime.secrets = Secrets(runtime.settings.with_(secret_keys=(new_key, old_key)))
        assert (await accept(client, token))["errors"] == []
    finally:
        runtime.secrets = original


async def test_an_account_with_a_password_gets_no_welcome_link(factory, runtime) -> None:
    """The guard sits in the UPDATE itself, so a resend racing the holder's accept cannot mail a dead link."""
    account = await factory.account()
    async with runtime.events.transaction():
        assert await queue_welcome(runtime, account.id) is False
    stored = await models.Account.get(id=account.id)
    assert stored.welcome_token_hash is None
    assert await models.MailMessage.filter(account_id=account.id).count() == 0
