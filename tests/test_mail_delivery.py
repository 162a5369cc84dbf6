"""The outbox and its delivery worker against a real SMTP server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

import models
from core.mail import queue_mail
from core.mail_delivery import MAX_ATTEMPTS, deliver_due
from models.enums import DeliveryStatus, EmailCategory
from tests.helpers import PASSWORD, wait_for_mail


async def eventually(condition: Callable[[list[models.OutboxMessage]], bool]) -> None:
    """Wait (bounded) until the outbox rows satisfy `condition`: the app's worker runs alongside."""
    for _ in range(250):
        if condition(await models.OutboxMessage.all()):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("outbox never reached the expected state")


CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code } } }"


async def test_mail_is_delivered_with_client_number_and_stable_message_id(client, factory, smtp_sink) -> None:
    account = await factory.account(email="titular@example.net")
    await client.sign_in(account.client_number)
    await client.data(CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": "Yerba-Guayaba-Cordillera-88"}})
    [received] = await wait_for_mail(smtp_sink, "titular@example.net")
    archived = await models.MailMessage.get(account_id=account.id)
    assert received.message["Message-ID"] == archived.message_id
    assert received.message["X-Client-Number"] == account.client_number
    assert f"Número de cliente: {account.client_number}" in received.text
    assert account.client_number in received.html
    await eventually(lambda rows: rows[0].status == DeliveryStatus.SENT)
    outbox = await models.OutboxMessage.get(message_id=archived.id)
    await archived.refresh_from_db()
    assert archived.delivery_status == DeliveryStatus.SENT
    assert archived.sent_at is not None
    assert outbox.text_body is None
    assert outbox.claim_token is None


async def test_a_rolled_back_change_sends_nothing(factory, runtime, smtp_sink) -> None:
    account = await factory.account()

    async def queue_then_fail() -> None:
        async with in_transaction():
            await queue_mail(
                runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=True
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        await queue_then_fail()
    assert await models.MailMessage.filter(account_id=account.id).count() == 0
    assert await models.OutboxMessage.all().count() == 0


async def test_smtp_outage_then_recovery_delivers_each_message_once(factory, runtime, smtp_sink, clock) -> None:
    account = await factory.account(email="corte@example.net")
    smtp_sink.stop()
    try:
        async with in_transaction():
            for _ in range(3):
                await queue_mail(
                    runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=True
                )
        assert await deliver_due(runtime) == 0
        await eventually(lambda rows: all(r.attempts >= 1 and r.lease_until is None for r in rows))
        rows = await models.OutboxMessage.all()
        assert all(r.status == DeliveryStatus.QUEUED and r.last_error for r in rows)
    finally:
        smtp_sink.start()
    rows = await models.OutboxMessage.filter(status=DeliveryStatus.QUEUED)
    assert rows, "retries wait for their backoff"
    assert all(r.next_attempt_at > clock.now() for r in rows), "retries wait for their backoff"
    clock.advance(timedelta(minutes=5))
    await wait_for_mail(smtp_sink, "corte@example.net", count=3)
    # The worker records SENT just after the server accepted: jump the clock past the lease only then.
    await eventually(lambda rows: all(r.status == DeliveryStatus.SENT for r in rows))
    clock.advance(timedelta(hours=2))
    assert await deliver_due(runtime) == 0
    assert len(smtp_sink.to("corte@example.net")) == 3
    assert len({r.message["Message-ID"] for r in smtp_sink.to("corte@example.net")}) == 3


async def test_gives_up_after_the_last_attempt(factory, runtime, smtp_sink, clock) -> None:
    account = await factory.account()
    smtp_sink.stop()
    try:
        async with in_transaction():
            await queue_mail(
                runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=True
            )
        for _ in range(MAX_ATTEMPTS):
            await deliver_due(runtime)
            clock.advance(timedelta(hours=2))
        await eventually(lambda rows: rows[0].status == DeliveryStatus.FAILED)
    finally:
        smtp_sink.start()
    outbox = await models.OutboxMessage.get()
    assert outbox.attempts == MAX_ATTEMPTS
    assert outbox.text_body is None
    assert (await models.MailMessage.get()).delivery_status == DeliveryStatus.FAILED


async def test_two_workers_never_send_the_same_row(factory, runtime, smtp_sink) -> None:
    """Two passes here and the app's own worker: three senders at once."""
    account = await factory.account(email="doble@example.net")
    async with in_transaction():
        for _ in range(5):
            await queue_mail(
                runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=True
            )
    await asyncio.gather(deliver_due(runtime), deliver_due(runtime))
    await wait_for_mail(smtp_sink, "doble@example.net", count=5)
    await asyncio.sleep(0.2)
    assert len(smtp_sink.to("doble@example.net")) == 5
