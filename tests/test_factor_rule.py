"""The holder's rule that every contact uses two-step verification (issue 23), and the holder's reset of a
contact's lost factors: through the public app, with codes computed at the frozen clock's time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

import models
from core.ids import to_global_id
from models.enums import Permission
from schema import build_schema
from schema.error_catalogue import CATALOGUE
from schema.permission_table import rows
from tests import test_totp
from tests.helpers import PASSWORD, GraphQLClient, wait_for_mail
from tests.test_permission_matrix import MATRIX
from tests.test_totp import challenge_of, code_at, enrol, second_step

browser = test_totp.browser  # the fixture: `await browser()` is one more browser on the app

CONTACT = "ana@example.com"
ENROLMENT_REQUIRED = "SECOND_FACTOR_ENROLMENT_REQUIRED"
RULE_SET = """mutation($i: AccountSecondFactorRuleSetInput!) {
  accountSecondFactorRuleSet(input: $i) { contactsNeedSecondFactor errors { code field } } }"""
RESET = """mutation($i: ContactSecondFactorResetInput!) {
  contactSecondFactorReset(input: $i) { contact { email hasSecondFactor } errors { code field } } }"""
VIEWER = "{ viewer { mustEnrolSecondFactor permissions account { clientNumber contactsNeedSecondFactor } } }"
CONTACTS = "{ viewer { account { contacts { edges { node { email hasSecondFactor } } } } } }"
TOKEN_CREATE = """mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { token errors { code } } }"""
# What a contact with every permission may otherwise do: each refused with the code before enrolment.
REFUSED_BEFORE_ENROLMENT = [
    "{ viewer { account { services { totalCount } } } }",
    "{ viewer { account { holder { email } } } }",
    "{ viewer { account { contacts { totalCount } } } }",
    "{ viewer { account { activity { totalCount } } } }",
    "{ viewer { account { apiTokens { id } } } }",
    "mutation { secondFactorRecoveryCodesRegenerate { errors { code } } }",
]


def codes(body: dict) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def contact_signed_in(factory, holder, browser, **options) -> tuple[models.Contact, GraphQLClient]:
    contact = await factory.contact(holder, CONTACT, permissions=options.pop("permissions", list(Permission)))
    signed = await browser()
    await signed.sign_in(CONTACT)
    return contact, signed


async def set_rule(client: GraphQLClient, required: bool) -> dict:
    return (await client.data(RULE_SET, {"i": {"required": required}}))["accountSecondFactorRuleSet"]


async def test_under_the_rule_a_contact_without_a_factor_can_only_enrol_then_everything_works(
    client,
    holder,
    factory,
    browser,
    clock,
) -> None:
    contact, signed = await contact_signed_in(factory, holder, browser)
    assert (await signed.data(VIEWER))["viewer"]["mustEnrolSecondFactor"] is False
    assert (await set_rule(client, True)) == {"contactsNeedSecondFactor": True, "errors": []}

    # The session stays open (the rule ends nothing) but answers only the basics and the enrolment.
    viewer = (await signed.data(VIEWER))["viewer"]
    assert viewer["mustEnrolSecondFactor"] is True
    assert viewer["account"]["contactsNeedSecondFactor"] is True
    for document in REFUSED_BEFORE_ENROLMENT:
        assert codes(await signed(document)) == [ENROLMENT_REQUIRED], document
    created = await signed(TOKEN_CREATE, {"i": {"name": "ERP", "permissions": []}})
    assert codes(created) == [ENROLMENT_REQUIRED]
    assert not await models.ApiToken.exists(account_id=holder.id)
    await enrol(signed, clock)

    viewer = (await signed.data(VIEWER))["viewer"]
    assert viewer["mustEnrolSecondFactor"] is False
    for document in REFUSED_BEFORE_ENROLMENT:
        assert codes(await signed(document)) == [], document
    # The holder is never held back by the rule.
    assert (await client.data(VIEWER))["viewer"]["mustEnrolSecondFactor"] is False
    listed = (await client.data(CONTACTS))["viewer"]["account"]["contacts"]["edges"]
    assert [edge["node"] for edge in listed] == [{"email": CONTACT, "hasSecondFactor": True}]
    assert contact.id == (await models.TotpFactor.get(account_id=holder.id)).contact_id


async def test_a_contact_signing_in_under_the_rule_is_taken_to_enrolment_and_signs_out(
    client,
    holder,
    factory,
    browser,
) -> None:
    await set_rule(client, True)
    _, signed = await contact_signed_in(factory, holder, browser)  # the password alone opens the session
    assert (await signed.data(VIEWER))["viewer"]["mustEnrolSecondFactor"] is True
    start = await signed.data("mutation { secondFactorTotpStart { enrolment { secret } errors { code } } }")
    assert start["secondFactorTotpStart"]["errors"] == []
    assert (await signed.data("mutation { signOut { errors { code } } }"))["signOut"]["errors"] == []
    assert (await signed.data(VIEWER))["viewer"] is None


async def test_turning_the_rule_off_lets_the_contact_in_again(client, holder, factory, browser) -> None:
    _, signed = await contact_signed_in(factory, holder, browser)
    await set_rule(client, True)
    assert codes(await signed(REFUSED_BEFORE_ENROLMENT[0])) == [ENROLMENT_REQUIRED]
    assert (await set_rule(client, False)) == {"contactsNeedSecondFactor": False, "errors": []}
    assert codes(await signed(REFUSED_BEFORE_ENROLMENT[0])) == []
    actions = await models.ActivityEvent.filter(account_id=holder.id, action__startswith="account.contacts_second")
    assert [event.action for event in actions] == [
        "account.contacts_second_factor_required",
        "account.contacts_second_factor_optional",
    ]
    assert (await set_rule(client, False))["errors"] == []  # unchanged: no second record
    assert await models.ActivityEvent.filter(account_id=holder.id, action__startswith="account.contacts_").count() == 2


async def test_only_the_holder_sets_the_rule_and_only_after_step_up(
    client,
    holder,
    factory,
    browser,
    clock,
) -> None:
    _, signed = await contact_signed_in(factory, holder, browser)  # holds every permission, SECURITY included
    assert codes(await signed(RULE_SET, {"i": {"required": False}})) == ["FORBIDDEN"]
    clock.advance(timedelta(minutes=6))
    refused = await set_rule(client, True)
    assert refused == {"contactsNeedSecondFactor": None, "errors": [{"code": "STEP_UP_REQUIRED", "field": None}]}
    assert not (await models.Account.get(id=holder.id)).contacts_need_second_factor


async def test_a_contacts_api_token_is_refused_until_the_contact_enrols(
    client,
    holder,
    factory,
    browser,
    clock,
) -> None:
    _, signed = await contact_signed_in(factory, holder, browser)
    token = (await signed.data(TOKEN_CREATE, {"i": {"name": "ERP", "permissions": ["SERVICES"]}}))["apiTokenCreate"]
    holder_token = (await client.data(TOKEN_CREATE, {"i": {"name": "Mío", "permissions": ["SERVICES"]}}))[
        "apiTokenCreate"
    ]
    bearer = {"authorization": f"Bearer {token['token']}"}
    services = "{ viewer { account { services { totalCount } } } }"
    assert codes(await signed(services, headers=bearer)) == []
    await set_rule(client, True)

    # Refused with the code on everything, the viewer's basics too (a token cannot enrol).
    for document in [services, "{ viewer { permissions } }", "{ viewer { mustEnrolSecondFactor } }"]:
        refused = await signed.post(document, headers=bearer)
        assert (refused.status_code, codes(refused.json())) == (200, [ENROLMENT_REQUIRED])
    holder_bearer = {"authorization": f"Bearer {holder_token['token']}"}
    assert codes(await client(services, headers=holder_bearer)) == []
    await enrol(signed, clock)
    assert codes(await signed(services, headers=bearer)) == []


async def test_a_contact_with_a_passkey_has_a_factor(client, holder, factory, browser, clock) -> None:
    contact, signed = await contact_signed_in(factory, holder, browser)
    await models.Passkey.create(
        account_id=holder.id,
        contact_id=contact.id,
        name="Llave",
        credential_id="Y3JlZA",
        public_key="a2V5",
        created_at=clock.now(),
    )
    await set_rule(client, True)
    assert (await signed.data(VIEWER))["viewer"]["mustEnrolSecondFactor"] is False
    listed = (await client.data(CONTACTS))["viewer"]["account"]["contacts"]["edges"]
    assert listed[0]["node"]["hasSecondFactor"] is True


async def test_the_holder_resets_a_contacts_factors_the_contact_is_signed_out_and_emailed(
    client,
    holder,
    factory,
    browser,
    clock,
    smtp_sink,
) -> None:
    contact, signed = await contact_signed_in(factory, holder, browser)
    secret, _ = await enrol(signed, clock)
    elsewhere = await browser()
    clock.advance(timedelta(seconds=30))
    assert (await second_step(elsewhere, await challenge_of(elsewhere, CONTACT), code=code_at(secret, clock)))[
        "errors"
    ] == []
    await set_rule(client, True)
    contact_id = to_global_id("Contact", contact.id)

    reset = (await client.data(RESET, {"i": {"contactId": contact_id}}))["contactSecondFactorReset"]
    assert reset == {"contact": {"email": CONTACT, "hasSecondFactor": False}, "errors": []}
    assert not await models.TotpFactor.exists(contact_id=contact.id)
    assert not await models.RecoveryCode.exists(contact_id=contact.id)
    for session in (signed, elsewhere):  # every session of the contact ended
        assert (await session.data(VIEWER))["viewer"] is None
    received = await wait_for_mail(smtp_sink, CONTACT, count=2)  # the enrolment's notice, then the reset's
    assert "El titular de la cuenta restableció" in received[-1].text
    event = await models.ActivityEvent.get(account_id=holder.id, action="second_factor.contact_reset")
    assert CONTACT in event.summary
    # The password alone signs in again; under the rule, to enrolment.
    await signed.sign_in(CONTACT)
    assert (await signed.data(VIEWER))["viewer"]["mustEnrolSecondFactor"] is True
    again = (await client.data(RESET, {"i": {"contactId": contact_id}}))["contactSecondFactorReset"]
    assert again["errors"] == [{"code": "INVALID_STATE", "field": ["input", "contactId"]}]


async def test_a_contact_cannot_reset_another_and_other_accounts_contacts_are_not_found(
    client,
    holder,
    factory,
    browser,
    clock,
) -> None:
    _, signed = await contact_signed_in(factory, holder, browser)  # CONTACTS and SECURITY included
    other = await factory.contact(holder, "beto@example.com", password=PASSWORD)
    elsewhere = await browser()
    await elsewhere.sign_in("beto@example.com")
    await enrol(elsewhere, clock)
    mine = {"i": {"contactId": to_global_id("Contact", other.id)}}
    assert codes(await signed(RESET, mine)) == ["FORBIDDEN"]
    assert await models.TotpFactor.exists(contact_id=other.id, confirmed_at__isnull=False)

    stranger_account = await factory.account()
    stranger = await factory.contact(stranger_account, "carla@example.com")
    for contact_id in (to_global_id("Contact", stranger.id), to_global_id("Service", other.id), "nonsense"):
        refused = (await client.data(RESET, {"i": {"contactId": contact_id}}))["contactSecondFactorReset"]
        assert refused == {"contact": None, "errors": [{"code": "NOT_FOUND", "field": ["input", "contactId"]}]}
    clock.advance(timedelta(minutes=6))
    late = (await client.data(RESET, mine))["contactSecondFactorReset"]
    assert late["errors"] == [{"code": "STEP_UP_REQUIRED", "field": None}]
    assert await models.TotpFactor.exists(contact_id=other.id, confirmed_at__isnull=False)


@pytest.mark.parametrize("required", [True, False])
async def test_a_burst_of_rule_changes_records_one_change(client, holder, required) -> None:
    answers = await asyncio.gather(*(set_rule(client, required) for _ in range(5)))
    assert {answer["contactsNeedSecondFactor"] for answer in answers} == {required}
    changed = await models.ActivityEvent.filter(account_id=holder.id, action__startswith="account.contacts_").count()
    assert changed == (1 if required else 0)


def test_only_the_basics_and_the_enrolment_answer_before_enrolment() -> None:
    """The declarations a contact held back by the rule may use: the basics (also usable before a password change)
    and the enrolment itself."""
    allowed = {
        name
        for name, declaration in rows(build_schema()).items()
        if declaration.during_password_change or declaration.during_enrolment
    }
    passkeys = {name for name in allowed if name.startswith("Mutation.passkey")}  # registering one, when it lands
    assert all("Registration" in name or "StepUp" in name for name in passkeys)
    assert {name for name in allowed - passkeys if not name.startswith("Viewer.")} == {
        "Account.contactsNeedSecondFactor",
        "Mutation.passwordChange",
        "Mutation.reauthenticate",
        "Mutation.secondFactorTotpConfirm",
        "Mutation.secondFactorTotpStart",
        "Mutation.signOut",
        "Mutation.viewerLanguageSet",
    }


def test_the_error_catalogue_names_every_way_to_enrol() -> None:
    """SECOND_FACTOR_ENROLMENT_REQUIRED's entry names each enrolment mutation (an authenticator app or a passkey)
    in what is allowed and in when to retry."""
    entry = next(entry for entry in CATALOGUE if entry.code == ENROLMENT_REQUIRED)
    enrolments = [
        name.removeprefix("Mutation.")
        for name, declaration in rows(build_schema()).items()
        if declaration.during_enrolment and name.startswith("Mutation.")
    ]
    assert {"secondFactorTotpConfirm", "passkeyRegistrationFinish"} <= set(enrolments)
    for name in enrolments:
        assert f"`{name}`" in entry.meaning, name
        assert f"`{name}`" in entry.retry, name


@pytest.mark.parametrize("name", sorted(MATRIX))
async def test_every_protected_field_refuses_a_contact_who_must_enrol(client, factory, name) -> None:
    document, variables = MATRIX[name]
    account = await factory.account()
    service = await factory.service(account)
    target = await factory.contact(account, "objetivo@example.com", permissions=[])
    await factory.contact(account, CONTACT, permissions=[p.value for p in Permission])
    await models.Account.filter(id=account.id).update(contacts_need_second_factor=True)
    await client.sign_in(CONTACT)
    ids = {"Service": to_global_id("Service", service.id), "Contact": to_global_id("Contact", target.id)}
    assert codes(await client(document, variables(ids) if variables else None)) == [ENROLMENT_REQUIRED]
