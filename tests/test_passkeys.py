"""Passkeys (WebAuthn, issue 23) through the API, with a software authenticator (tests/soft_authenticator.py) whose
answers go through the server's real verification: registering, signing in without a login, the second step,
step-up, renaming and removing, and every answer that must be refused."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest

import models
from core.ids import to_global_id
from domain.recovery_worker import process_due
from tests.helpers import PASSWORD, GraphQLClient, emailed_token, wait_for_mail
from tests.soft_authenticator import ORIGIN, UP, SoftAuthenticator
from tests.test_totp import DISABLE, HOLDER, browser, challenge_of, enrol, first_step, second_step, signed_in

__all__ = ["browser"]  # the fixture, shared with the TOTP tests

REGISTRATION_START = "mutation { passkeyRegistrationStart { options errors { code field message } } }"
REGISTRATION_FINISH = """mutation($i: PasskeyRegistrationFinishInput!) {
  passkeyRegistrationFinish(input: $i) {
    passkey { id name createdAt lastUsedAt backedUp } errors { code field message } } }"""
SIGN_IN_START = "mutation { passkeySignInStart { options errors { code message retryAfter } } }"
SIGN_IN_FINISH = """mutation($i: PasskeySignInFinishInput!) {
  passkeySignInFinish(input: $i) { viewer { permissions } errors { code field message } } }"""
SECOND_STEP_START = """mutation($i: PasskeySecondStepStartInput!) {
  passkeySecondStepStart(input: $i) { options errors { code field message } } }"""
STEP_UP_START = "mutation { passkeyStepUpStart { options errors { code field message } } }"
REAUTH = """mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { validUntil errors { code field } } }"""
RENAME = """mutation($i: PasskeyRenameInput!) {
  passkeyRename(input: $i) { passkey { id name } errors { code field message } } }"""
REMOVE = """mutation($i: PasskeyRemoveInput!) { passkeyRemove(input: $i) { errors { code field message } } }"""
LIST = "{ viewer { secondFactor { passkeys { id name createdAt lastUsedAt backedUp } } } }"


async def registration_options(client: GraphQLClient) -> str:
    started = (await client.data(REGISTRATION_START))["passkeyRegistrationStart"]
    assert started["errors"] == [], started
    return started["options"]


async def finish_registration(client: GraphQLClient, credential: str, name: str = "Mi teléfono") -> dict:
    variables = {"i": {"name": name, "credential": credential}}
    return (await client.data(REGISTRATION_FINISH, variables))["passkeyRegistrationFinish"]


async def register(client: GraphQLClient, device: SoftAuthenticator, name: str = "Mi teléfono") -> dict:
    """Register `device` for the signed-in person (within step-up); the passkey as listed."""
    registered = await finish_registration(client, device.create(await registration_options(client)), name)
    assert registered["errors"] == [], registered
    return registered["passkey"]


async def sign_in_options(client: GraphQLClient) -> str:
    started = (await client.data(SIGN_IN_START))["passkeySignInStart"]
    assert started["errors"] == [], started
    return started["options"]


async def passkey_sign_in(client: GraphQLClient, credential: str) -> dict:
    return (await client.data(SIGN_IN_FINISH, {"i": {"credential": credential}}))["passkeySignInFinish"]


async def second_step_options(client: GraphQLClient, challenge: str) -> dict:
    return (await client.data(SECOND_STEP_START, {"i": {"challenge": challenge}}))["passkeySecondStepStart"]


async def passkeys_of(client: GraphQLClient) -> list[dict]:
    return (await client.data(LIST))["viewer"]["secondFactor"]["passkeys"]


async def test_registration_asks_for_a_discoverable_verified_passkey_and_ends_other_sessions(
    client, holder, browser, smtp_sink
) -> None:
    elsewhere = await browser()
    await elsewhere.sign_in(holder.client_number)
    options = json.loads(await registration_options(client))
    assert options["rp"]["id"] == "localhost"
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["excludeCredentials"] == []
    assert options["user"]["name"] == holder.client_number
    handle = options["user"]["id"]
    assert holder.client_number not in handle
    assert HOLDER not in handle
    assert json.loads(await registration_options(client))["user"]["id"] == handle  # stable per person

    device = SoftAuthenticator()
    passkey = await register(client, device, " Notebook ")
    assert passkey["name"] == "Notebook"
    assert (passkey["lastUsedAt"], passkey["backedUp"]) == (None, True)
    assert await passkeys_of(client) == [passkey]
    stored = await models.Passkey.get(account_id=holder.id)
    assert (stored.credential_id, stored.sign_count, stored.transports) == (device.id, 0, ["internal"])
    assert await signed_in(client)
    assert not await signed_in(elsewhere)
    assert "llave de acceso" in (await wait_for_mail(smtp_sink, HOLDER))[0].text
    event = await models.ActivityEvent.get(account_id=holder.id, action="second_factor.passkey_added")
    assert event.summary == "Llave de acceso registrada: Notebook"

    again = json.loads(await registration_options(client))
    assert [c["id"] for c in again["excludeCredentials"]] == [device.id]
    duplicate = await finish_registration(client, device.create(json.dumps(again)))
    assert duplicate["errors"][0]["code"] == "DUPLICATE"
    second = await register(client, SoftAuthenticator(), "Llave USB")
    assert [p["name"] for p in await passkeys_of(client)] == ["Notebook", "Llave USB"]
    assert second["id"] != passkey["id"]


async def test_registration_needs_step_up_and_a_session(client, holder, clock, factory, runtime) -> None:
    clock.advance(timedelta(minutes=6))
    refused = (await client.data(REGISTRATION_START))["passkeyRegistrationStart"]
    assert (refused["options"], refused["errors"][0]["code"]) == (None, "STEP_UP_REQUIRED")
    await client.data(REAUTH, {"i": {"password": PASSWORD}})
    await register(client, SoftAuthenticator())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"origin": "https://evil.example"}, "credential"),
        ({"rp_id": "evil.example"}, "credential"),
        ({"flags": UP}, "credential"),  # no user verification
        ({"challenge": "AAAA"}, "credential"),  # not one of ours
    ],
)
async def test_a_registration_for_another_site_or_without_verification_is_refused(
    client, holder, change, field
) -> None:
    credential = SoftAuthenticator().create(await registration_options(client), **change)
    refused = await finish_registration(client, credential)
    assert (refused["passkey"], refused["errors"][0]["code"], refused["errors"][0]["field"]) == (
        None,
        "INVALID",
        ["input", field],
    )
    assert not await models.Passkey.exists(account_id=holder.id)


@pytest.mark.parametrize(
    ("name", "credential", "code", "field"),
    [
        ("", None, "REQUIRED", "name"),
        ("x" * 101, None, "TOO_LONG", "name"),
        ("Teléfono", "not json", "INVALID", "credential"),
        ("Teléfono", "{}", "INVALID", "credential"),
        ("Teléfono", json.dumps({"id": "x", "rawId": "x", "response": [1]}), "INVALID", "credential"),
        ("Teléfono", "x" * 20_000, "INVALID", "credential"),
    ],
)
async def test_bad_registration_input_changes_nothing(client, holder, name, credential, code, field) -> None:
    options = await registration_options(client)
    answer = await finish_registration(client, credential or SoftAuthenticator().create(options), name)
    assert [(e["code"], e["field"]) for e in answer["errors"]] == [(code, ["input", field])]
    assert not await models.Passkey.exists(account_id=holder.id)


async def test_a_registration_challenge_works_once_for_its_person_within_five_minutes(
    client, holder, factory, other_client, clock
) -> None:
    options = await registration_options(client)
    first = SoftAuthenticator()
    await finish_registration(client, first.create(options))
    replayed = await finish_registration(client, SoftAuthenticator().create(options))
    assert replayed["errors"][0]["code"] == "INVALID"

    other = await factory.account()
    await other_client.sign_in(other.client_number)
    stolen = await finish_registration(other_client, SoftAuthenticator().create(await registration_options(client)))
    assert stolen["errors"][0]["code"] == "INVALID"

    late = await registration_options(client)
    clock.advance(timedelta(minutes=5))
    expired = await finish_registration(client, SoftAuthenticator().create(late))
    assert expired["errors"][0]["code"] == "INVALID"
    assert await models.Passkey.filter(account_id__in=[holder.id, other.id]).count() == 1


async def test_signing_in_with_a_passkey_needs_no_login_and_opens_a_session_like_sign_in(
    client, holder, browser, clock
) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    visitor = await browser()
    options = json.loads(await sign_in_options(visitor))
    assert (options["rpId"], options["allowCredentials"], options["userVerification"]) == (
        "localhost",
        [],
        "required",
    )
    clock.advance(timedelta(minutes=1))
    response = await visitor.post(SIGN_IN_FINISH, {"i": {"credential": device.get(json.dumps(options))}})
    answer = response.json()["data"]["passkeySignInFinish"]
    assert answer["errors"] == []
    assert answer["viewer"] is not None
    assert {"cp_session", "cp_device"} <= set(response.cookies.keys())
    assert await signed_in(visitor)
    [listed] = await passkeys_of(visitor)
    assert listed["lastUsedAt"] is not None
    assert (await models.Passkey.get(account_id=holder.id)).sign_count == 1
    assert await models.ActivityEvent.filter(account_id=holder.id, action="session.signed_in").count() == 2
    # Signed in with both factors: protected changes need no further step-up.
    assert (await visitor.data(REGISTRATION_START))["passkeyRegistrationStart"]["errors"] == []


async def test_a_passkey_sign_in_for_another_site_a_replay_or_an_unknown_passkey_is_refused(
    client, holder, browser, runtime
) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    visitor = await browser()
    refusals = [
        device.get(await sign_in_options(visitor), origin="https://evil.example"),
        device.get(await sign_in_options(visitor), origin=ORIGIN.replace("localhost", "127.0.0.1")),
        device.get(await sign_in_options(visitor), rp_id="evil.example"),
        device.get(await sign_in_options(visitor), flags=UP),  # no user verification
        SoftAuthenticator().get(await sign_in_options(visitor)),  # never registered
    ]
    for credential in refusals:
        answer = await passkey_sign_in(visitor, credential)
        assert (answer["viewer"], answer["errors"][0]["code"]) == (None, "INVALID_CREDENTIALS")
    accepted = device.get(await sign_in_options(visitor))
    assert (await passkey_sign_in(visitor, accepted))["errors"] == []
    replay = await browser()
    assert (await passkey_sign_in(replay, accepted))["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert not await signed_in(replay)


async def test_a_counter_that_does_not_go_up_is_refused_as_a_possible_copy(client, holder, browser) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    visitor = await browser()
    assert (await passkey_sign_in(visitor, device.get(await sign_in_options(visitor))))["errors"] == []
    copy = await browser()
    answer = await passkey_sign_in(copy, device.get(await sign_in_options(copy), sign_count=1))
    assert answer["errors"][0]["code"] == "INVALID_CREDENTIALS"
    backwards = await passkey_sign_in(copy, device.get(await sign_in_options(copy), sign_count=0))
    assert backwards["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert not await signed_in(copy)
    reported = await models.ActivityEvent.filter(account_id=holder.id, action="passkey.counter_not_increased")
    assert len(reported) == 2
    assert "posible copia" in reported[0].summary
    assert (await models.Passkey.get(account_id=holder.id)).sign_count == 1
    assert (await passkey_sign_in(copy, device.get(await sign_in_options(copy))))["errors"] == []


async def test_an_authenticator_without_a_counter_always_sends_zero(client, holder, browser) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    for _ in range(2):
        visitor = await browser()
        answer = await passkey_sign_in(visitor, device.get(await sign_in_options(visitor), sign_count=0))
        assert answer["errors"] == []


async def test_one_assertion_signs_in_once_under_a_concurrent_burst(client, holder, browser) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    first = await browser()
    credential = device.get(await sign_in_options(first))
    visitors = [first, *[await browser() for _ in range(4)]]
    answers = await asyncio.gather(*(passkey_sign_in(v, credential) for v in visitors))
    assert sorted(len(a["errors"]) for a in answers) == [0, 1, 1, 1, 1]


async def test_an_inactive_contact_or_a_removed_passkey_signs_in_no_more(client, holder, factory, browser) -> None:
    contact = await factory.contact(holder, "ana@example.net", permissions=["SERVICES"])
    person = await browser()
    await person.sign_in("ana@example.net")
    contact_device = SoftAuthenticator()
    await register(person, contact_device)
    holder_device = SoftAuthenticator()
    holder_passkey = await register(client, holder_device)

    await models.Contact.filter(id=contact.id).update(active=False)
    visitor = await browser()
    refused = await passkey_sign_in(visitor, contact_device.get(await sign_in_options(visitor)))
    assert refused["errors"][0]["code"] == "INVALID_CREDENTIALS"

    removed = (await client.data(REMOVE, {"i": {"id": holder_passkey["id"]}}))["passkeyRemove"]
    assert removed["errors"] == []
    gone = await passkey_sign_in(visitor, holder_device.get(await sign_in_options(visitor)))
    assert gone["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert not await signed_in(visitor)
    assert (await first_step(visitor, holder.client_number))["errors"] == []  # no factor left: one step again


async def test_a_passkey_as_the_second_step_of_a_password_sign_in(client, holder, browser, factory) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    stranger_account = await factory.account()
    stranger = await browser()
    await stranger.sign_in(stranger_account.client_number)
    stranger_device = SoftAuthenticator()
    await register(stranger, stranger_device)

    visitor = await browser()
    challenge = await challenge_of(visitor, holder.client_number)
    started = await second_step_options(visitor, challenge)
    options = json.loads(started["options"])
    assert [c["id"] for c in options["allowCredentials"]] == [device.id]
    assert options["userVerification"] == "required"
    # Another person's passkey, even answering this challenge, is not this person's second factor.
    other = await second_step(visitor, challenge, passkey=stranger_device.get(started["options"]))
    assert other["errors"][0]["code"] == "INVALID_CODE"
    assert other["errors"][0]["field"] == ["input", "passkey"]
    wrong_site = device.get((await second_step_options(visitor, challenge))["options"], origin="https://evil.example")
    assert (await second_step(visitor, challenge, passkey=wrong_site))["errors"][0]["code"] == "INVALID_CODE"
    assert not await signed_in(visitor)
    both = await second_step(visitor, challenge, code="123456", passkey="{}")
    assert both["errors"][0]["code"] == "INVALID"

    answer = await second_step(
        visitor, challenge, passkey=device.get((await second_step_options(visitor, challenge))["options"])
    )
    assert answer["errors"] == []
    assert await signed_in(visitor)
    spent = await second_step_options(visitor, challenge)
    assert (spent["options"], spent["errors"][0]["code"]) == (None, "INVALID_CODE")
    failed = await models.ActivityEvent.filter(account_id=holder.id, action="second_factor.passkey_failed").count()
    assert failed == 2


async def test_the_second_step_start_needs_a_live_challenge_of_someone_with_passkeys(
    client, holder, browser, clock
) -> None:
    visitor = await browser()
    unknown = await second_step_options(visitor, "no-such-challenge")
    assert unknown["errors"][0]["code"] == "INVALID_CODE"
    await enrol(client, clock)  # an authenticator app, no passkey
    without = await second_step_options(visitor, await challenge_of(visitor, holder.client_number))
    assert (without["options"], without["errors"][0]["code"]) == (None, "INVALID_STATE")
    await register(client, SoftAuthenticator())
    challenge = await challenge_of(visitor, holder.client_number)
    clock.advance(timedelta(minutes=5))
    expired = await second_step_options(visitor, challenge)
    assert expired["errors"][0]["code"] == "INVALID_CODE"


async def test_with_an_authenticator_app_too_either_factor_completes_the_sign_in(
    client, holder, browser, clock
) -> None:
    await enrol(client, clock)
    device = SoftAuthenticator()
    await register(client, device)
    visitor = await browser()
    challenge = await challenge_of(visitor, holder.client_number)
    assert (await first_step(visitor, holder.client_number))["errors"][0]["code"] == "SECOND_FACTOR_REQUIRED"
    options = (await second_step_options(visitor, challenge))["options"]
    assert (await second_step(visitor, challenge, passkey=device.get(options)))["errors"] == []


async def test_step_up_with_a_passkey(client, holder, clock) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    clock.advance(timedelta(minutes=6))
    needs = await client.data(REAUTH, {"i": {"password": PASSWORD}})
    assert needs["reauthenticate"]["errors"] == [{"code": "SECOND_FACTOR_REQUIRED", "field": ["input", "passkey"]}]
    started = (await client.data(STEP_UP_START))["passkeyStepUpStart"]
    assert [c["id"] for c in json.loads(started["options"])["allowCredentials"]] == [device.id]
    wrong = await client.data(REAUTH, {"i": {"password": "otra clave", "passkey": device.get(started["options"])}})
    assert wrong["reauthenticate"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    started = (await client.data(STEP_UP_START))["passkeyStepUpStart"]
    done = await client.data(REAUTH, {"i": {"password": PASSWORD, "passkey": device.get(started["options"])}})
    assert done["reauthenticate"]["errors"] == []
    assert done["reauthenticate"]["validUntil"]
    assert (await client.data(REGISTRATION_START))["passkeyRegistrationStart"]["errors"] == []


async def test_rename_and_remove_only_ones_own_passkeys(client, holder, factory, other_client, clock) -> None:
    passkey = await register(client, SoftAuthenticator())
    other = await factory.account()
    await other_client.sign_in(other.client_number)
    for document in (RENAME, REMOVE):
        variables = {"i": {"id": passkey["id"], "name": "Mía"}} if document == RENAME else {"i": {"id": passkey["id"]}}
        answer = next(iter((await other_client.data(document, variables)).values()))
        assert answer["errors"] == [
            {"code": "NOT_FOUND", "field": ["input", "id"], "message": answer["errors"][0]["message"]}
        ]
    unknown = await client.data(RENAME, {"i": {"id": to_global_id("Service", 1), "name": "X"}})
    assert unknown["passkeyRename"]["errors"][0]["code"] == "NOT_FOUND"
    blank = await client.data(RENAME, {"i": {"id": passkey["id"], "name": " "}})
    assert blank["passkeyRename"]["errors"][0]["code"] == "REQUIRED"

    renamed = await client.data(RENAME, {"i": {"id": passkey["id"], "name": "Teléfono del trabajo"}})
    assert renamed["passkeyRename"] == {"passkey": {"id": passkey["id"], "name": "Teléfono del trabajo"}, "errors": []}

    clock.advance(timedelta(minutes=6))
    late = (await client.data(REMOVE, {"i": {"id": passkey["id"]}}))["passkeyRemove"]
    assert late["errors"][0]["code"] == "STEP_UP_REQUIRED"
    assert await models.Passkey.exists(account_id=holder.id)


async def test_removing_is_emailed_and_recorded(client, holder, smtp_sink) -> None:
    passkey = await register(client, SoftAuthenticator(), "Tableta")
    await wait_for_mail(smtp_sink, HOLDER)
    assert (await client.data(REMOVE, {"i": {"id": passkey["id"]}}))["passkeyRemove"]["errors"] == []
    assert await passkeys_of(client) == []
    assert "Se eliminó una de sus llaves de acceso" in (await wait_for_mail(smtp_sink, HOLDER, 2))[-1].text
    event = await models.ActivityEvent.get(account_id=holder.id, action="second_factor.passkey_removed")
    assert event.summary == "Llave de acceso eliminada: Tableta"


@pytest.mark.parametrize(
    ("passkey", "language", "notice"),
    [
        (False, "es", "Se desactivó la verificación en dos pasos: para ingresar alcanza otra vez con la clave."),
        (True, "es", "Sus llaves de acceso (passkeys) siguen activas: para ingresar sigue haciendo falta una de ellas"),
        (False, "en", "Two-step verification was turned off: your password alone signs you in again."),
        (True, "en", "Your passkeys remain: signing in still takes one of them"),
    ],
)
async def test_turning_the_app_off_says_whether_a_passkey_still_guards_the_sign_in(
    client, holder, clock, smtp_sink, passkey, language, notice
) -> None:
    await models.Holder.filter(account_id=holder.id).update(language=language.upper())
    if passkey:
        await register(client, SoftAuthenticator())
    await enrol(client, clock)
    assert (await client.data(DISABLE))["secondFactorTotpDisable"]["errors"] == []
    text = (await wait_for_mail(smtp_sink, HOLDER, 3 if passkey else 2))[-1].text
    assert notice in text
    assert ("password alone" in text or "alcanza otra vez con la clave" in text) is not passkey
    assert (await first_step(client, holder.client_number))["errors"] == (
        [{"code": "SECOND_FACTOR_REQUIRED", "field": None}] if passkey else []
    )


async def test_starting_a_passkey_sign_in_is_throttled_per_source(browser) -> None:
    visitor = await browser()
    for _ in range(30):
        await sign_in_options(visitor)
    refused = (await visitor.data(SIGN_IN_START))["passkeySignInStart"]
    assert refused["options"] is None
    assert refused["errors"][0]["code"] == "RATE_LIMITED"
    assert refused["errors"][0]["retryAfter"] > 0


RECOVERY_REQUEST = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
RECOVERY_CONFIRM = """mutation($i: AccessRecoveryConfirmInput!) {
  accessRecoveryConfirm(input: $i) { errors { code field } } }"""
RECOVERY_START = """mutation($i: PasskeyRecoveryStartInput!) {
  passkeyRecoveryStart(input: $i) { options errors { code field } } }"""


async def test_a_recovery_link_is_confirmed_with_a_passkey(client, holder, browser, runtime, smtp_sink) -> None:
    device = SoftAuthenticator()
    await register(client, device)
    visitor = await browser()
    await visitor.data(RECOVERY_REQUEST, {"i": {"method": "CLIENT_NUMBER", "value": holder.client_number}})
    await process_due(runtime)
    token = await emailed_token(smtp_sink, HOLDER, "/recuperar")

    async def confirm(**factor: str) -> list[dict]:
        return (await visitor.data(RECOVERY_CONFIRM, {"i": {"token": token, **factor}}))["accessRecoveryConfirm"][
            "errors"
        ]

    async def options(value: str = token) -> dict:
        return (await visitor.data(RECOVERY_START, {"i": {"token": value}}))["passkeyRecoveryStart"]

    assert await confirm() == [{"code": "SECOND_FACTOR_REQUIRED", "field": ["input", "passkey"]}]
    assert (await options("no-such-token"))["errors"] == [{"code": "INVALID_CODE", "field": ["input", "token"]}]
    started = await options()
    assert [c["id"] for c in json.loads(started["options"])["allowCredentials"]] == [device.id]
    refused = await confirm(passkey=SoftAuthenticator().get(started["options"]))
    assert refused == [{"code": "INVALID_CODE", "field": ["input", "passkey"]}]
    assert not await models.RecoveryRequest.filter(account_id=holder.id, used_at__isnull=False).exists()
    assert await confirm(passkey=device.get((await options())["options"])) == []
    assert await models.RecoveryRequest.filter(account_id=holder.id, used_at__isnull=False).exists()
    assert (await options())["errors"][0]["code"] == "INVALID_CODE"  # the link is spent


async def test_under_the_holders_rule_a_contact_enrols_with_a_passkey(client, holder, factory, browser) -> None:
    rule = (
        "mutation($i: AccountSecondFactorRuleSetInput!) { accountSecondFactorRuleSet(input: $i) { errors { code } } }"
    )
    assert (await client.data(rule, {"i": {"required": True}}))["accountSecondFactorRuleSet"]["errors"] == []
    await factory.contact(holder, "ana@example.net", permissions=["SERVICES"])
    contact = await browser()
    await contact.sign_in("ana@example.net")
    services = "{ viewer { mustEnrolSecondFactor account { services { totalCount } } } }"
    held = await contact(services)
    assert held["errors"][0]["extensions"]["code"] == "SECOND_FACTOR_ENROLMENT_REQUIRED"
    device = SoftAuthenticator()
    await register(contact, device)
    assert (await contact.data(services))["viewer"] == {
        "mustEnrolSecondFactor": False,
        "account": {"services": {"totalCount": 0}},
    }
    visitor = await browser()
    assert (await passkey_sign_in(visitor, device.get(await sign_in_options(visitor))))["errors"] == []
    assert (await visitor.data(services))["viewer"]["mustEnrolSecondFactor"] is False


async def test_api_tokens_have_no_passkeys(client, holder) -> None:
    passkey = await register(client, SoftAuthenticator())
    created = await client.data(
        'mutation { apiTokenCreate(input: {name: "ERP", permissions: [SECURITY]}) { token errors { code } } }'
    )
    headers = {"authorization": f"Bearer {created['apiTokenCreate']['token']}"}
    documents = [
        (REGISTRATION_START, None),
        (REGISTRATION_FINISH, {"i": {"name": "X", "credential": "{}"}}),
        (RENAME, {"i": {"id": passkey["id"], "name": "Mía"}}),
        (REMOVE, {"i": {"id": passkey["id"]}}),
        (STEP_UP_START, None),
    ]
    for document, variables in documents:
        refused = await client(document, variables, headers=headers)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", document
    assert [p["name"] for p in await passkeys_of(client)] == ["Mi teléfono"]
