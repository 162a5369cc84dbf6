"""Bounces: the real SMTP sink refuses chosen recipients; what the worker records, reports and shows."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

import models
from core.deliverability import Refusal, deliverability_of, record_refused
from core.ids import to_global_id
from core.mail import queue_mail
from core.mail_delivery import MAX_ATTEMPTS
from models.enums import DeliveryStatus, EmailCategory, StaffScope
from tests.helpers import counting_queries, wait_for_mail
from tests.test_docs_billing_receiver import ADD_ENDPOINT
from tests.test_holder import confirm_email_change, update
from tests.test_mail_delivery import eventually

HOLDER = "titular@example.net"
DEAD = "muerto@example.org"
FULL = "lleno@example.org"
STAFF = "guardia@proveedor.example"
PEOPLE = """{ viewer { account {
    holder { email emailDeliverable emailRefusedAt version }
    contacts(first: 10) { edges { node { email emailDeliverable } } }
} } }"""


async def notice(runtime, account, *, personal: bool = False) -> models.MailMessage:
    """A GENERAL message to the holder and every contact subscribed to GENERAL (or to the holder only)."""
    async with in_transaction():
        [message] = await queue_mail(
            runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=personal
        )
    return message


async def settled(message: models.MailMessage, status: DeliveryStatus) -> models.OutboxMessage:
    """The message's outbox row once it reached `status` and no worker holds it (bounded wait)."""
    await eventually(lambda rows: any(r.message_id == message.id and r.status == status for r in rows))
    await eventually(lambda rows: all(r.lease_until is None for r in rows if r.message_id == message.id))
    return await models.OutboxMessage.get(message_id=message.id)


async def recipient(message: models.MailMessage, address: str) -> models.MailRecipient:
    return await models.MailRecipient.get(message_id=message.id, address=address)


async def events(kind: str) -> list[dict]:
    rows = await models.WebhookEvent.filter(type=kind).order_by("id").values_list("payload", flat=True)
    return [json.loads(payload) for payload in rows]


async def people(client) -> dict:
    account = (await client.data(PEOPLE))["viewer"]["account"]
    contacts = {edge["node"]["email"]: edge["node"]["emailDeliverable"] for edge in account["contacts"]["edges"]}
    return {"holder": account["holder"], "contacts": contacts}


async def test_a_refused_recipient_of_two_is_recorded_and_the_message_is_sent_to_the_other(
    client, factory, runtime, smtp_sink
) -> None:
    account = await factory.account(email=HOLDER)
    contact = await factory.contact(account, DEAD, email_categories=["GENERAL"])
    await client.sign_in(account.client_number)
    with smtp_sink.refusing(DEAD, "550 5.1.1 <muerto@example.org>: Recipient address rejected"):
        message = await notice(runtime, account)
        [received] = await wait_for_mail(smtp_sink, HOLDER)
        outbox = await settled(message, DeliveryStatus.SENT)
    assert received.recipients == [HOLDER]
    assert sorted(received.message["To"].split(", ")) == sorted([HOLDER, DEAD]), "the headers name every recipient"
    assert outbox.attempts == 1
    archived = await models.MailMessage.get(id=message.id)
    assert archived.delivery_status == DeliveryStatus.SENT
    assert (await recipient(message, HOLDER)).refused is None
    assert (await recipient(message, DEAD)).refused == "550 5.1.1 <muerto@example.org>: Recipient address rejected"
    state = await models.AddressDeliverability.get(address=DEAD)
    assert (state.deliverable, state.refusals, state.refused_at) == (False, 1, archived.queued_at)
    assert state.last_refusal.startswith("550 5.1.1")
    assert await deliverability_of([DEAD.upper(), HOLDER]) == {DEAD.upper(): False, HOLDER: True}
    shown = await people(client)
    assert shown["holder"]["emailDeliverable"] is True
    assert shown["holder"]["emailRefusedAt"] is None
    assert shown["contacts"] == {DEAD: False}
    [event] = await events("email.undeliverable")
    assert event["data"]["resource"] == {"type": "Contact", "id": to_global_id("Contact", contact.id), "version": 1}
    assert event["data"]["person"] == "contact"
    assert event["data"]["emailDomain"] == "example.org"
    assert event["data"]["code"] == 550
    assert event["data"]["clientNumber"] == account.client_number
    assert DEAD not in json.dumps(event), "the event names the domain and the person, not the address"
    assert await events("mail.failed") == [], "the message reached the holder"


async def test_the_holder_is_reported_once_per_transition_and_cleared_by_a_later_delivery(
    client, factory, runtime, smtp_sink, clock
) -> None:
    account = await factory.account(email=DEAD)
    await client.sign_in(account.client_number)
    with smtp_sink.refusing(DEAD):
        first = await notice(runtime, account, personal=True)
        await settled(first, DeliveryStatus.FAILED)
        clock.advance(timedelta(minutes=1))
        second = await notice(runtime, account, personal=True)
        await settled(second, DeliveryStatus.FAILED)
    state = await models.AddressDeliverability.get(address=DEAD)
    assert (state.deliverable, state.refusals, state.refused_at) == (False, 2, clock.now())
    assert len(await events("email.undeliverable")) == 1, "one event for the transition, not one per bounce"
    holder = (await people(client))["holder"]
    assert holder["emailDeliverable"] is False
    assert holder["emailRefusedAt"].startswith(clock.now().isoformat()[:19])
    [undeliverable] = await events("email.undeliverable")
    assert undeliverable["data"]["person"] == "holder"
    assert undeliverable["data"]["resource"]["type"] == "Holder"

    clock.advance(timedelta(minutes=1))
    third = await notice(runtime, account, personal=True)
    await wait_for_mail(smtp_sink, DEAD)
    await settled(third, DeliveryStatus.SENT)
    await state.refresh_from_db()
    assert (state.deliverable, state.accepted_at, state.refusals) == (True, clock.now(), 2)
    assert (await people(client))["holder"]["emailDeliverable"] is True
    with smtp_sink.refusing(DEAD):
        fourth = await notice(runtime, account, personal=True)
        await settled(fourth, DeliveryStatus.FAILED)
    assert len(await events("email.undeliverable")) == 2, "undeliverable again after it was delivered: reported"


async def test_every_recipient_refused_for_good_fails_at_once_and_tells_billing(
    factory, runtime, smtp_sink, staff, monkeypatch
) -> None:
    monkeypatch.setattr(runtime, "settings", runtime.settings.with_(staff_alert_email=STAFF))
    events_wanted = {"url": "https://billing.example/hooks", "events": ["email.undeliverable", "mail.failed"]}
    added = await (await staff(StaffScope.WEBHOOKS)).data(ADD_ENDPOINT, {"input": events_wanted})
    assert added["webhookEndpointAdd"]["errors"] == [], "both types are subscribable now that they are emitted"
    billing = await models.WebhookEndpoint.get()
    account = await factory.account(email=DEAD)
    with smtp_sink.refusing(DEAD):
        message = await notice(runtime, account, personal=True)
        outbox = await settled(message, DeliveryStatus.FAILED)
    pending = await models.WebhookDelivery.filter(endpoint_id=billing.id).values_list("event__type", flat=True)
    assert sorted(pending) == ["email.undeliverable", "mail.failed"], "billing gets both events"
    assert outbox.attempts == 1, "a permanent refusal is not retried"
    assert outbox.text_body is None
    assert (await models.MailMessage.get(id=message.id)).delivery_status == DeliveryStatus.FAILED
    [failed] = await events("mail.failed")
    assert failed["data"]["reason"] == "REFUSED"
    assert failed["data"]["resource"]["type"] == "MailMessage"
    assert failed["data"]["template"] == "pin_set"
    assert failed["data"]["attempts"] == 1
    await asyncio.sleep(0.2)
    assert smtp_sink.to(STAFF) == [], "a dead customer address is billing's and the customer's business, not staff's"


async def test_a_temporary_refusal_is_retried_for_that_recipient_only(
    client, factory, runtime, smtp_sink, clock
) -> None:
    account = await factory.account(email=HOLDER)
    await factory.contact(account, FULL, email_categories=["GENERAL"])
    await client.sign_in(account.client_number)
    with smtp_sink.refusing(FULL, "452 4.2.2 Mailbox full"):
        message = await notice(runtime, account)
        await wait_for_mail(smtp_sink, HOLDER)
        outbox = await settled(message, DeliveryStatus.QUEUED)
        assert outbox.attempts == 1
        assert outbox.next_attempt_at > clock.now()
        assert (await recipient(message, FULL)).refused == "452 4.2.2 Mailbox full"
        archived = await models.MailMessage.get(id=message.id)
        assert archived.delivery_status == DeliveryStatus.SENT, "the holder got it"
        assert await models.AddressDeliverability.filter(address=FULL).count() == 0, "a full mailbox is not dead"
        assert (await people(client))["contacts"] == {FULL: True}
    clock.advance(timedelta(minutes=1))
    [received] = await wait_for_mail(smtp_sink, FULL)
    outbox = await settled(message, DeliveryStatus.SENT)
    assert received.recipients == [FULL]
    assert received.message["Message-ID"] == archived.message_id
    assert len(smtp_sink.to(HOLDER)) == 1, "the retry goes to the refused recipient only"
    assert outbox.attempts == 2
    assert (await recipient(message, FULL)).refused is None
    assert (await models.MailMessage.get(id=message.id)).sent_at == archived.sent_at
    assert await events("email.undeliverable") == []


async def through_every_attempt(message: models.MailMessage, clock) -> models.OutboxMessage:
    """Each retry of `message` made due in turn (the app's worker sends it) until the last one gave it up."""
    for attempt in range(1, MAX_ATTEMPTS):

        def tried(rows: list[models.OutboxMessage], n: int = attempt) -> bool:
            return any(r.message_id == message.id and r.attempts == n and not r.lease_until for r in rows)

        await eventually(tried)
        clock.advance(timedelta(hours=2))
    return await settled(message, DeliveryStatus.FAILED)


async def test_attempts_run_out_on_temporary_refusals_then_billing_and_staff_are_told(
    factory, runtime, smtp_sink, clock, monkeypatch
) -> None:
    monkeypatch.setattr(runtime, "settings", runtime.settings.with_(staff_alert_email=STAFF))
    account = await factory.account(email=FULL)
    with smtp_sink.refusing(FULL, "451 4.3.0 Try again later"):
        message = await notice(runtime, account, personal=True)
        outbox = await through_every_attempt(message, clock)
        [alert] = await wait_for_mail(smtp_sink, STAFF)
    assert outbox.attempts == MAX_ATTEMPTS
    assert (await models.MailMessage.get(id=message.id)).delivery_status == DeliveryStatus.FAILED
    [failed] = await events("mail.failed")
    assert (failed["data"]["reason"], failed["data"]["attempts"]) == ("ATTEMPTS_EXHAUSTED", MAX_ATTEMPTS)
    assert message.message_id in alert.text
    assert account.client_number in alert.text
    assert FULL not in alert.text, "the alert carries ids, never the address"
    assert "Try again" not in alert.text
    assert await models.AddressDeliverability.filter(address=FULL).count() == 0


async def test_a_smtp_outage_to_the_last_attempt_tells_billing_and_logs_the_alert_it_could_not_send(
    factory, runtime, smtp_sink, clock, caplog, monkeypatch
) -> None:
    monkeypatch.setattr(runtime, "settings", runtime.settings.with_(staff_alert_email=STAFF))
    account = await factory.account(email=HOLDER)
    smtp_sink.stop()
    try:
        message = await notice(runtime, account, personal=True)
        await through_every_attempt(message, clock)
        for _ in range(250):  # the alert follows the FAILED row: the server stays down until its send failed
            alerted = [r.getMessage() for r in caplog.records if "staff alert" in r.getMessage()]
            if len(alerted) == 2:
                break
            await asyncio.sleep(0.02)
    finally:
        smtp_sink.start()
    [failed] = await events("mail.failed")
    assert failed["data"]["reason"] == "ATTEMPTS_EXHAUSTED"
    assert failed["data"]["messageId"] == to_global_id("MailMessage", message.id)
    assert len(alerted) == 2, alerted  # the WARNING line, and that the email to staff could not go out
    assert all(HOLDER not in line and STAFF not in line for line in alerted)
    assert await models.AddressDeliverability.all().count() == 0, "an outage says nothing about the address"


async def test_concurrent_refusals_of_one_address_report_it_once(factory, runtime) -> None:
    account = await factory.account(email=DEAD)

    await asyncio.gather(*(record_refused(runtime, DEAD, Refusal(550, "5.1.1 no such user")) for _ in range(6)))
    state = await models.AddressDeliverability.get(address=DEAD)
    assert (state.deliverable, state.refusals) == (False, 6)
    [event] = await events("email.undeliverable")
    assert event["data"]["accountId"] == to_global_id("Account", account.id)


async def test_an_address_used_by_two_accounts_is_reported_to_each(factory, runtime, smtp_sink) -> None:
    first = await factory.account(email=DEAD)
    second = await factory.account(email=HOLDER)
    await factory.contact(second, DEAD)
    with smtp_sink.refusing(DEAD):
        await settled(await notice(runtime, first, personal=True), DeliveryStatus.FAILED)
    reported = await events("email.undeliverable")
    assert sorted((e["data"]["clientNumber"], e["data"]["person"]) for e in reported) == sorted(
        [(first.client_number, "holder"), (second.client_number, "contact")]
    )


async def test_a_new_holder_email_starts_deliverable(client, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=DEAD)
    await client.sign_in(account.client_number)
    with smtp_sink.refusing(DEAD):
        await settled(await notice(runtime, account, personal=True), DeliveryStatus.FAILED)
    holder = (await people(client))["holder"]
    assert holder["emailDeliverable"] is False
    result = await update(client, expectedVersion=holder["version"], email="nueva@example.com")
    assert result["errors"] == []
    await confirm_email_change(client, smtp_sink, "nueva@example.com")
    holder = (await people(client))["holder"]
    assert (holder["email"], holder["emailDeliverable"], holder["emailRefusedAt"]) == ("nueva@example.com", True, None)


@pytest.mark.parametrize("reply", ["550 5.7.1 Blocked\r\n by policy " + "x" * 400, "554 Spam\x00\x07"])
def test_a_refusal_is_one_line_that_fits(reply: str) -> None:
    code, _, text = reply.partition(" ")
    recorded = Refusal(int(code), text).text
    assert len(recorded) <= 300
    assert recorded.isprintable()
    assert Refusal(int(code), text).permanent


async def test_a_page_of_contacts_is_looked_up_in_one_query(client, factory, runtime, smtp_sink) -> None:
    account = await factory.account(email=HOLDER)
    for n in range(6):
        await factory.contact(account, f"contacto{n}@example.org", email_categories=["GENERAL"])
    with smtp_sink.refusing("contacto3@example.org"):
        await settled(await notice(runtime, account), DeliveryStatus.SENT)
    await client.sign_in(account.client_number)
    with counting_queries() as queries:
        shown = await people(client)
    assert [address for address, deliverable in shown["contacts"].items() if not deliverable] == [
        "contacto3@example.org"
    ]
    looked_up = [query for query in queries if "address_deliverability" in query]
    assert len(looked_up) == 2, looked_up  # the holder's address, then the page of contacts' at once
