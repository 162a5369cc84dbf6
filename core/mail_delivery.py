"""The delivery worker: sends what the outbox holds, with retries, to SMTP_URL.

Guarantee: at least once, and in practice exactly once. A row is claimed with a lease (a
conditional UPDATE, atomic on SQLite and PostgreSQL alike), so any number of worker
processes never send the same row at the same time; a row whose worker died is picked up
again when its lease runs out. Every attempt carries the same Message-ID, so the one window
left (a crash after the SMTP server accepted the message and before the row is marked SENT)
yields a duplicate that mail clients and servers recognise as the same message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.deliverability import Refusal, is_temporary, record_accepted, record_refused, report_mail_failed
from core.mail_unsubscribe import list_unsubscribe_headers
from core.runtime import Runtime
from core.smtp import send
from core.staff_alerts import alert_staff
from core.workers import beat, progress
from models import MailMessage, MailRecipient, OutboxMessage
from models.enums import DeliveryStatus

log = logging.getLogger("clientpanel.mail")
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
BATCH = 20


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(FIRST_RETRY * (2 ** (attempts - 1)), LAST_RETRY)


async def claim(runtime: Runtime, token: str, limit: int = BATCH) -> list[int]:
    """Outbox rows due now that this worker, known by `token`, now holds the lease on."""
    now = runtime.clock.now()
    due = Q(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now), status=DeliveryStatus.QUEUED, next_attempt_at__lte=now
    )
    candidates = await OutboxMessage.filter(due).order_by("id").limit(limit).values_list("id")
    claimed = []
    for (row_id,) in candidates:
        # Conditional on the row still being due: of several workers, exactly one wins it.
        won = await OutboxMessage.filter(due, id=row_id).update(lease_until=now + LEASE, claim_token=token)
        if won:
            claimed.append(row_id)
    return claimed


def build(
    runtime: Runtime, message: MailMessage, outbox: OutboxMessage, recipients: list[str], client_number: str
) -> EmailMessage:
    email = EmailMessage()
    email["From"] = runtime.settings.mail_from
    email["To"] = ", ".join(recipients)
    email["Subject"] = message.subject
    email["Message-ID"] = message.message_id
    email["Date"] = format_datetime(message.queued_at)
    email["X-Client-Number"] = client_number
    for name, value in list_unsubscribe_headers(runtime, message, recipients).items():
        email[name] = value
    email.set_content(outbox.text_body or message.text_body)
    html = outbox.html_body or message.html_body
    if html:
        email.add_alternative(html, subtype="html")
    return email


def pending(rows: list[MailRecipient]) -> list[MailRecipient]:
    """Whom this attempt sends to: the recipients refused temporarily last time if there are any (the others
    already got it or were refused for good), else every recipient not refused for good."""
    return [r for r in rows if r.refused and is_temporary(r.refused)] or [r for r in rows if not r.refused]


async def deliver(runtime: Runtime, outbox_id: int, token: str) -> bool:
    """Send one claimed row to its pending recipients and record what the server said of each: SENT, a retry
    (for the temporarily refused, or everyone after an error), or FAILED."""
    outbox = await OutboxMessage.filter(id=outbox_id, claim_token=token).select_related("message__account").first()
    if outbox is None:  # the lease ran out and another worker took the row over
        return False
    message = outbox.message
    rows = await MailRecipient.filter(message_id=message.id).order_by("id")
    to = pending(rows)
    email = build(runtime, message, outbox, [r.address for r in rows], message.account.client_number)
    try:
        refused = await send(runtime, email, [r.address for r in to])
    except aiosmtplib.SMTPRecipientsRefused as exc:
        refused = {error.recipient: Refusal(error.code, error.message) for error in exc.recipients}
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        await _failed(runtime, outbox, message, f"{type(exc).__name__}: {exc}")
        return False
    return await _settle(runtime, outbox, message, to, refused)


async def _settle(
    runtime: Runtime, outbox: OutboxMessage, message: MailMessage, to: list[MailRecipient], refused: dict[str, Refusal]
) -> bool:
    """Record the server's answer for each of `to`; whether the message reached anyone in this attempt."""
    accepted = [r.address for r in to if r.address not in refused]
    temporary = [address for address, refusal in refused.items() if not refusal.permanent]
    attempts = outbox.attempts + 1
    reached = bool(accepted) or message.delivery_status == DeliveryStatus.SENT
    retry = bool(temporary) and attempts < MAX_ATTEMPTS
    status = DeliveryStatus.SENT if reached and not temporary else DeliveryStatus.FAILED
    if retry:
        status = DeliveryStatus.QUEUED
    error = f"{len(refused)} of {len(to)} recipient(s) refused ({len(temporary)} for now)" if refused else None
    await _record_addresses(runtime, refused, accepted)
    now = runtime.clock.now()
    async with in_transaction():
        held = await OutboxMessage.filter(id=outbox.id, claim_token=outbox.claim_token).update(
            status=status,
            attempts=attempts,
            last_error=error,
            lease_until=None,
            claim_token=None,
            **({"next_attempt_at": now + retry_delay(attempts)} if retry else {"text_body": None, "html_body": None}),
        )
        if not held:  # the lease ran out meanwhile: the worker that took the row over records its own attempt
            return False
        for row in to:
            refusal = refused.get(row.address)
            if refusal is not None or row.refused:
                await MailRecipient.filter(id=row.id).update(refused=refusal.text if refusal else None)
        if accepted and message.delivery_status != DeliveryStatus.SENT:
            await MailMessage.filter(id=message.id).update(delivery_status=DeliveryStatus.SENT, sent_at=now)
        elif not reached and not retry:
            await MailMessage.filter(id=message.id).update(delivery_status=DeliveryStatus.FAILED)
            await report_mail_failed(runtime, message, attempts, refused=not temporary)
    if refused:
        log.warning("mail %s: %d recipient(s) refused (attempt %d)", message.message_id, len(refused), attempts)
    if not reached and not retry and temporary:
        await _alert_staff(runtime, message, attempts)
    return bool(accepted)


async def _record_addresses(runtime: Runtime, refused: dict[str, Refusal], accepted: list[str]) -> None:
    """What the server said of each address (facts, whoever holds the row now), each in a short transaction of its
    own, before the row is settled: workers recording other messages never wait on each other's locks, and a
    settled row's addresses are already recorded."""
    for address, refusal in sorted(refused.items()):
        if refusal.permanent:
            await record_refused(runtime, address, refusal)
    await record_accepted(runtime, accepted)


async def _crashed(runtime: Runtime, outbox_id: int, token: str, exc: Exception) -> None:
    """Anything else `deliver` raised (a message that cannot be built, a bug): an attempt like any other, so the
    row is retried and ends FAILED after the last one instead of crashing the worker with its lease held. Only
    the exception's type is kept: its text may quote the message."""
    log.error("mail delivery of outbox row %d raised %s", outbox_id, type(exc).__name__)
    outbox = await OutboxMessage.filter(id=outbox_id, claim_token=token).select_related("message__account").first()
    if outbox is not None:
        await _failed(runtime, outbox, outbox.message, type(exc).__name__)


async def _failed(runtime: Runtime, outbox: OutboxMessage, message: MailMessage, error: str) -> None:
    attempts = outbox.attempts + 1
    error = error[:500]
    if attempts >= MAX_ATTEMPTS:
        log.error("mail %s failed for good after %d attempts: %s", message.message_id, attempts, error)
        async with in_transaction():
            held = await OutboxMessage.filter(id=outbox.id, claim_token=outbox.claim_token).update(
                status=DeliveryStatus.FAILED,
                attempts=attempts,
                last_error=error,
                lease_until=None,
                claim_token=None,
                text_body=None,
                html_body=None,
            )
            if not held or message.delivery_status == DeliveryStatus.SENT:
                return  # the lease was lost, or some recipients got it already and only the others are given up
            await MailMessage.filter(id=message.id).update(delivery_status=DeliveryStatus.FAILED)
            await report_mail_failed(runtime, message, attempts, refused=False)
        await _alert_staff(runtime, message, attempts)
        return
    log.warning("mail %s not sent (attempt %d), retrying: %s", message.message_id, attempts, error)
    await OutboxMessage.filter(id=outbox.id, claim_token=outbox.claim_token).update(
        attempts=attempts,
        last_error=error,
        lease_until=None,
        claim_token=None,
        next_attempt_at=runtime.clock.now() + retry_delay(attempts),
    )


async def _alert_staff(runtime: Runtime, message: MailMessage, attempts: int) -> None:
    """`message` reached nobody after its last attempt: staff are told (ids only, never an address)."""
    log.warning("mail %s reached nobody after %d attempts: staff alerted", message.message_id, attempts)
    text = (
        f"Mensaje / message: {message.message_id}\nCuenta / account: {message.account.client_number}\n"
        f"Plantilla / template: {message.template}\nIntentos / attempts: {attempts}\n"
    )
    await alert_staff(
        runtime, "Panel de clientes: un correo no se pudo entregar / an email could not be delivered", text
    )


async def deliver_due(runtime: Runtime) -> int:
    """One pass: claim and send what is due; how many were sent."""
    token = uuid.uuid4().hex
    sent = 0
    for outbox_id in await claim(runtime, token):
        try:
            sent += await deliver(runtime, outbox_id, token)
        except Exception as exc:
            await _crashed(runtime, outbox_id, token, exc)
        progress(runtime)  # a slow SMTP server is not a stuck worker
    return sent


async def deliver_forever(runtime: Runtime) -> None:
    """The worker: a pass whenever mail is queued in this process, or every WORKER_POLL_SECONDS."""
    while True:
        runtime.mail_wakeup.clear()
        await deliver_due(runtime)
        beat(runtime)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.mail_wakeup.wait(), timeout=runtime.settings.worker_poll_seconds)
