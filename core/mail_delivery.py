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
from urllib.parse import unquote, urlsplit

import aiosmtplib
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from core.mail_unsubscribe import list_unsubscribe_headers
from core.runtime import Runtime
from models import MailMessage, MailRecipient, OutboxMessage
from models.enums import DeliveryStatus

log = logging.getLogger("clientpanel.mail")
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LAST_RETRY = timedelta(hours=1)
BATCH = 20
SMTP_TIMEOUT = 15


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


async def send(runtime: Runtime, email: EmailMessage) -> None:
    url = urlsplit(runtime.settings.smtp_url)
    implicit_tls = url.scheme == "smtps"
    await aiosmtplib.send(
        email,
        hostname=url.hostname,
        port=url.port or (465 if implicit_tls else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=implicit_tls,
        start_tls=None if not implicit_tls else False,
        timeout=SMTP_TIMEOUT,
    )


async def deliver(runtime: Runtime, outbox_id: int, token: str) -> bool:
    """Send one claimed row; record SENT, or schedule a retry, or give up as FAILED."""
    outbox = await OutboxMessage.filter(id=outbox_id, claim_token=token).select_related("message__account").first()
    if outbox is None:  # the lease ran out and another worker took the row over
        return False
    message = outbox.message
    rows = await MailRecipient.filter(message_id=message.id).order_by("id").values_list("address")
    recipients = [address for (address,) in rows]
    try:
        await send(runtime, build(runtime, message, outbox, recipients, message.account.client_number))
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        await _failed(runtime, outbox, message, exc)
        return False
    now = runtime.clock.now()
    async with in_transaction():
        await OutboxMessage.filter(id=outbox.id, claim_token=outbox.claim_token).update(
            status=DeliveryStatus.SENT,
            text_body=None,
            html_body=None,
            lease_until=None,
            claim_token=None,
            attempts=outbox.attempts + 1,
        )
        await MailMessage.filter(id=message.id).update(delivery_status=DeliveryStatus.SENT, sent_at=now)
    return True


async def _failed(runtime: Runtime, outbox: OutboxMessage, message: MailMessage, exc: Exception) -> None:
    attempts = outbox.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:500]
    if attempts >= MAX_ATTEMPTS:
        log.error("mail %s failed for good after %d attempts: %s", message.message_id, attempts, error)
        async with in_transaction():
            await OutboxMessage.filter(id=outbox.id, claim_token=outbox.claim_token).update(
                status=DeliveryStatus.FAILED,
                attempts=attempts,
                last_error=error,
                lease_until=None,
                claim_token=None,
                text_body=None,
                html_body=None,
            )
            await MailMessage.filter(id=message.id).update(delivery_status=DeliveryStatus.FAILED)
        return
    log.warning("mail %s not sent (attempt %d), retrying: %s", message.message_id, attempts, error)
    await OutboxMessage.filter(id=outbox.id, claim_token=outbox.claim_token).update(
        attempts=attempts,
        last_error=error,
        lease_until=None,
        claim_token=None,
        next_attempt_at=runtime.clock.now() + retry_delay(attempts),
    )


async def deliver_due(runtime: Runtime) -> int:
    """One pass: claim and send what is due; how many were sent."""
    token = uuid.uuid4().hex
    sent = 0
    for outbox_id in await claim(runtime, token):
        sent += await deliver(runtime, outbox_id, token)
    return sent


async def deliver_forever(runtime: Runtime) -> None:
    """The worker: a pass whenever mail is queued in this process, or every WORKER_POLL_SECONDS."""
    while True:
        runtime.mail_wakeup.clear()
        await deliver_due(runtime)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(runtime.mail_wakeup.wait(), timeout=runtime.settings.worker_poll_seconds)
