"""The mail worker's failures other than SMTP's: each is an attempt, and the last one ends the message FAILED."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

import models
from core.mail import queue_mail
from core.mail_delivery import MAX_ATTEMPTS, deliver_due
from models.enums import DeliveryStatus, EmailCategory
from tests.helpers import wait_for_mail
from tests.test_mail_delivery import eventually

SECRET_SUBJECT = "Asunto con datos privados\nBcc: intruso@example.net"


async def queue(runtime, account_id: int, subject: str | None = None) -> models.MailMessage:
    """One message queued; `subject` replaces the rendered one in the same transaction (before any worker sees it)."""
    async with in_transaction():
        [message] = await queue_mail(
            runtime, account_id=account_id, template="pin_set", category=EmailCategory.GENERAL, personal=True
        )
        if subject is not None:
            await models.MailMessage.filter(id=message.id).update(subject=subject)
    return message


async def outbox_of(message: models.MailMessage) -> models.OutboxMessage:
    return await models.OutboxMessage.get(message_id=message.id)


async def test_a_message_that_cannot_be_built_is_retried_then_failed_and_reported(
    factory, runtime, smtp_sink, clock, caplog: pytest.LogCaptureFixture
) -> None:
    """A header with a line break makes the email library raise ValueError (not an SMTP error): before, the
    worker crashed on it with the lease held, and the row came back for ever."""
    account = await factory.account(email="roto@example.net")
    caplog.set_level(logging.INFO)
    broken = await queue(runtime, account.id, SECRET_SUBJECT)
    await deliver_due(runtime)  # this pass or the app's worker (running alongside) makes the first attempt
    await eventually(lambda rows: rows[0].attempts == 1 and rows[0].lease_until is None)
    outbox = await outbox_of(broken)
    assert (outbox.status, outbox.claim_token, outbox.last_error) == (DeliveryStatus.QUEUED, None, "ValueError")
    assert outbox.next_attempt_at > clock.now(), "retried later, with the usual backoff"
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock.advance(timedelta(hours=2))
        await deliver_due(runtime)
        await eventually(lambda rows, attempt=attempt: rows[0].attempts == attempt and rows[0].lease_until is None)
    outbox = await outbox_of(broken)
    assert (outbox.status, outbox.attempts, outbox.text_body) == (DeliveryStatus.FAILED, MAX_ATTEMPTS, None)
    assert (await models.MailMessage.get(id=broken.id)).delivery_status == DeliveryStatus.FAILED
    payloads = await models.WebhookEvent.filter(type="mail.failed").values_list("payload", flat=True)
    [failed] = [json.loads(payload)["data"] for payload in payloads]
    assert (failed["reason"], failed["attempts"]) == ("ATTEMPTS_EXHAUSTED", MAX_ATTEMPTS)
    clock.advance(timedelta(hours=2))
    await deliver_due(runtime)
    assert (await outbox_of(broken)).attempts == MAX_ATTEMPTS, "never tried again"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged
    for secret in ("privados", "intruso", "linefeed"):
        assert secret not in logged
    assert smtp_sink.to("intruso@example.net") == []


async def test_one_broken_message_does_not_hold_up_the_others(factory, runtime, smtp_sink) -> None:
    account = await factory.account(email="vecino@example.net")
    broken = await queue(runtime, account.id, SECRET_SUBJECT)
    await queue(runtime, account.id)
    await queue(runtime, account.id)
    await deliver_due(runtime)
    await wait_for_mail(smtp_sink, "vecino@example.net", count=2)
    await eventually(lambda rows: all(row.lease_until is None for row in rows) and rows[0].attempts == 1)
    statuses = dict(await models.OutboxMessage.all().values_list("message_id", "status"))
    assert statuses.pop(broken.id) == DeliveryStatus.QUEUED
    assert set(statuses.values()) == {DeliveryStatus.SENT}
    assert (await outbox_of(broken)).attempts == 1


async def test_an_unexpected_error_in_sending_counts_as_an_attempt(
    factory, runtime, smtp_sink, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever raises (here a bug past the SMTP client's own errors), the row is released, not left leased."""
    account = await factory.account(email="fallo@example.net")

    async def broken_send(*args: object, **kwargs: object) -> dict[str, object]:
        raise KeyError("fallo@example.net")

    monkeypatch.setattr("core.mail_delivery.send", broken_send)
    caplog.set_level(logging.INFO)
    message = await queue(runtime, account.id)
    await deliver_due(runtime)
    await eventually(lambda rows: rows[0].attempts == 1 and rows[0].lease_until is None)
    assert (await outbox_of(message)).last_error == "KeyError"
    assert "fallo@example.net" not in "\n".join(record.getMessage() for record in caplog.records)
