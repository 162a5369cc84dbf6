"""Outbound mail budgets (core/mail_limits): security mail per recipient and hour, invitations per
address and day, customer-triggered mail per account and hour; re-sends count as their original
and personal messages are re-sent only to their person. Refusals are RATE_LIMITED with the wait.

The limits library keeps real time, so these tests assert the refusal after N and the wait in the
message; the limiter is reset between tests."""

from __future__ import annotations

import re

from tortoise.transactions import in_transaction

import models
from core.ids import to_global_id
from core.mail import queue_mail
from models.enums import EmailCategory
from tests.conftest import HOLDER
from tests.helpers import emailed_code
from tests.test_security_cancellation import CONTACT, CONTACT_CREATE, SERVICE_ROLES, confirm, request, withdraw

RESEND = """mutation($i: MailResendInput!) { mailResend(input: $i) {
  message { id recipients resentFrom { id } } errors { code field message } } }"""
CODE_RESEND = """mutation($i: ServiceCancellationCodeResendInput!) { serviceCancellationCodeResend(input: $i) {
  errors { code message } } }"""
INVITATION_RESEND = """mutation($i: ContactInvitationResendInput!) { contactInvitationResend(input: $i) {
  errors { code message } } }"""
HOUR, DAY = 3600, 86400


def waited(error: dict, unit: str = "segundos") -> int:
    """The seconds a RATE_LIMITED message tells the person to wait."""
    assert error["code"] == "RATE_LIMITED", error
    return int(re.search(rf"(\d+) {unit}", error["message"]).group(1))


async def resend(client, message_id: int | str) -> dict:
    gid = message_id if isinstance(message_id, str) else to_global_id("MailMessage", message_id)
    return (await client.data(RESEND, {"i": {"messageId": gid}}))["mailResend"]


async def archived(runtime, account, count: int) -> list[int]:
    """`count` general messages already in the archive (queued by staff, outside any budget)."""
    ids = []
    async with in_transaction():
        for _ in range(count):
            [message] = await queue_mail(
                runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL
            )
            ids.append(message.id)
    return ids


async def test_security_mail_is_limited_per_recipient(client, other_client, factory, holder, runtime) -> None:
    service = await factory.service(holder)
    limit = runtime.settings.security_mail_per_recipient_hour
    for _ in range(limit):
        requested = await request(client, service)
        assert requested["errors"] == []
        assert (await withdraw(client, requested["cancellation"]["id"]))["errors"] == []
    refused = await request(client, service)
    assert refused["cancellation"] is None
    assert 1 <= waited(refused["errors"][0]) <= HOUR
    assert await models.Cancellation.filter(service_id=service.id).count() == limit
    assert await models.MailMessage.filter(template="cancellation_code").count() == limit
    # Another recipient has a budget of its own.
    await factory.contact(holder, CONTACT, permissions=SERVICE_ROLES)
    await other_client.sign_in(CONTACT)
    assert (await request(other_client, service))["errors"] == []


async def test_invitations_are_limited_per_address_per_day(client, holder, runtime) -> None:
    contact = {"firstName": "Ana", "lastName": "Gómez", "email": CONTACT}
    created = (await client.data(CONTACT_CREATE, {"i": contact}))["contactCreate"]
    assert created["errors"] == []
    resend_invitation = {"i": {"id": created["contact"]["id"]}}
    per_day = runtime.settings.invitations_per_address_day
    for _ in range(per_day - 1):
        assert (await client.data(INVITATION_RESEND, resend_invitation))["contactInvitationResend"]["errors"] == []
    refused = (await client.data(INVITATION_RESEND, resend_invitation))["contactInvitationResend"]["errors"]
    assert HOUR < waited(refused[0]) <= DAY
    assert await models.MailMessage.filter(template="contact_invitation").count() == per_day


async def test_a_resend_counts_as_its_original_and_never_multiplies(client, holder, runtime) -> None:
    [original] = await archived(runtime, holder, 1)
    copies = [await resend(client, original) for _ in range(3)]
    assert all(c["errors"] == [] for c in copies)
    original_gid = to_global_id("MailMessage", original)
    assert {c["message"]["resentFrom"]["id"] for c in copies} == {original_gid}
    for copy in copies:
        refused = await resend(client, copy["message"]["id"])
        assert refused["message"] is None
        assert 1 <= waited(refused["errors"][0]) <= HOUR
    assert await models.MailMessage.filter(resent_from_id__isnull=False).count() == 3
    assert await models.MailMessage.filter(resent_from_id=original).count() == 3


async def test_resent_security_mail_counts_against_its_recipient(client, factory, holder, runtime, smtp_sink) -> None:
    service = await factory.service(holder)
    cancellation_id = (await request(client, service))["cancellation"]["id"]
    await emailed_code(smtp_sink, HOLDER)
    code_message = await models.MailMessage.get(template="cancellation_code")
    assert code_message.kind.value == "SECURITY"
    assert code_message.personal
    assert runtime.settings.security_mail_per_recipient_hour == 5
    for _ in range(3):  # the code, then three re-sends of it
        assert (await resend(client, code_message.id))["errors"] == []
    code_resend = {"i": {"cancellationId": cancellation_id}}
    assert (await client.data(CODE_RESEND, code_resend))["serviceCancellationCodeResend"]["errors"] == []  # the fifth
    refused = (await client.data(CODE_RESEND, code_resend))["serviceCancellationCodeResend"]
    assert 1 <= waited(refused["errors"][0]) <= HOUR
    assert await models.MailMessage.filter(template="cancellation_code").count() == 5


async def test_a_personal_message_is_resent_only_to_its_person(client, other_client, factory, holder) -> None:
    contact = await factory.contact(holder, CONTACT, permissions=SERVICE_ROLES, email_categories=["GENERAL"])
    service = await factory.service(holder)
    await other_client.sign_in(CONTACT)
    assert (await request(other_client, service))["errors"] == []
    code_message = await models.MailMessage.get(template="cancellation_code")
    again = await resend(client, code_message.id)
    assert again["errors"] == []
    assert again["message"]["recipients"] == [CONTACT]
    await models.Contact.filter(id=contact.id).update(email="otra@example.com")
    refused = (await resend(client, code_message.id))["errors"]
    assert [(e["code"], e["field"]) for e in refused] == [("INVALID_STATE", ["input", "messageId"])]
    assert "solo para una persona" in refused[0]["message"]
    assert await models.MailMessage.filter(resent_from_id=code_message.id).count() == 1


async def test_customer_mail_is_limited_per_account(client, factory, holder, runtime, smtp_sink) -> None:
    budget = runtime.settings.customer_mail_per_account_hour
    service = await factory.service(holder)
    requested = await request(client, service)
    code = await emailed_code(smtp_sink, HOLDER)
    messages = await archived(runtime, holder, budget)
    for message in messages[: budget - 1]:
        assert (await resend(client, message))["errors"] == []
    refused = await resend(client, messages[-1])
    assert 1 <= waited(refused["errors"][0]) <= HOUR

    # The right code, but the notice cannot go: refused, and the attempt is given back.
    cancellation_id = requested["cancellation"]["id"]
    assert 1 <= waited((await confirm(client, cancellation_id, code))["errors"][0]) <= HOUR
    stored = await models.Cancellation.get(service_id=service.id)
    assert stored.status == "AWAITING_CONFIRMATION"
    assert stored.attempts_left == 5

    # Withdrawing is never refused: it happens, without its notice.
    assert (await withdraw(client, cancellation_id))["cancellation"]["status"] == "WITHDRAWN"
    assert not await models.MailMessage.filter(template="cancellation_withdrawn").exists()


async def test_the_wait_is_in_the_callers_language(client, factory, holder, runtime) -> None:
    await models.Holder.filter(account_id=holder.id).update(language="EN")
    [original] = await archived(runtime, holder, 1)
    for _ in range(3):
        await resend(client, original)
    refused = (await resend(client, original))["errors"][0]
    assert refused["message"].startswith("Too many emails")
    assert 1 <= waited(refused, "seconds") <= HOUR
