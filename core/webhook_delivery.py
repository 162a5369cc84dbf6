"""The webhook delivery worker: signs each pending delivery by the Standard Webhooks specification and POSTs it.

Guarantee: at least once. A delivery is claimed with a lease (a conditional UPDATE, atomic on SQLite and
PostgreSQL alike), so several workers never send the same attempt; a worker that dies after the receiver
answered and before the row is marked leaves the lease to run out, and the delivery is sent again with the
same `webhook-id`, which receivers use to process it once. A 2xx answer delivers; anything else (another
status, a redirect, a timeout, a refused address) is retried with exponential backoff and jitter until
WEBHOOK_RETRY_HOURS after it was scheduled, then marked failed. Deliveries are independent: a failing one is
rescheduled and the others go on. An endpoint whose every delivery failed for WEBHOOK_DISABLE_AFTER_DAYS is
disabled, with an operator log line. Logs name deliveries, events and endpoints by id: never a URL's query,
a body, a header or a secret.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from standardwebhooks import Webhook
from tortoise.expressions import Q

from core import outbound
from core.keyring import Keyring, KeyringError
from core.runtime import Runtime
from models import WebhookDelivery, WebhookEndpoint
from models.enums import WebhookDeliveryStatus

log = logging.getLogger("clientpanel.webhooks")
LEASE = timedelta(minutes=5)
BATCH = 20
USER_AGENT = "clientpanel-webhooks"
JITTER = 0.2
_jitter = random.SystemRandom()


def retry_delay(runtime: Runtime, attempts: int) -> timedelta:
    """After `attempts` failures: the first wait doubled each time, at most the longest, within ±20%."""
    settings = runtime.settings
    first = timedelta(seconds=settings.webhook_first_retry_seconds)
    longest = timedelta(minutes=settings.webhook_max_retry_minutes)
    base = min(first * 2 ** min(attempts - 1, 30), longest)
    return base * _jitter.uniform(1 - JITTER, 1 + JITTER)


def secrets_of(runtime: Runtime, endpoint: WebhookEndpoint) -> list[str]:
    """The endpoint's signing secrets: the current one, and the previous one while its overlap lasts."""
    keyring = Keyring.from_settings(runtime.settings)
    secrets = [keyring.decrypt(endpoint.secret)]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret and until is not None and until > runtime.clock.now():
        secrets.append(keyring.decrypt(endpoint.previous_secret))
    return secrets


def signed_headers(secrets: list[str], webhook_id: str, body: str, at: datetime) -> dict[str, str]:
    """The Standard Webhooks headers: one `v1,` signature per secret, separated by spaces."""
    signatures = " ".join(Webhook(secret).sign(webhook_id, at, body) for secret in secrets)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
    }


def _due(now: datetime) -> Q:
    return Q(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        status=WebhookDeliveryStatus.PENDING,
        next_attempt_at__lte=now,
    )


async def claim(runtime: Runtime, token: str, limit: int = BATCH) -> list[int]:
    """Deliveries due now, to enabled endpoints, that this worker (known by `token`) now holds the lease on."""
    now = runtime.clock.now()
    candidates = (
        await WebhookDelivery.filter(_due(now), endpoint__enabled=True)
        .order_by("next_attempt_at", "id")
        .limit(limit)
        .values_list("id")
    )
    claimed: list[int] = []
    for (delivery_id,) in candidates:
        # Conditional on the row still being due: of several workers, exactly one wins it.
        if await WebhookDelivery.filter(_due(now), id=delivery_id).update(lease_until=now + LEASE, claim_token=token):
            claimed.append(delivery_id)
    return claimed


async def attempt(runtime: Runtime, client: httpx.AsyncClient, delivery: WebhookDelivery) -> tuple[int | None, str]:
    """Send one delivery: the receiver's status code (None if none came) and what went wrong ("" if nothing)."""
    event, endpoint = delivery.event, delivery.endpoint
    try:
        secrets = secrets_of(runtime, endpoint)
    except KeyringError:  # its key left ENCRYPTION_KEYS too early: retried once the key is back
        return None, "the signing secret does not decrypt (ENCRYPTION_KEYS)"
    # The receiver checks the timestamp against its own clock (5 minutes): it is the real time of sending.
    headers = signed_headers(secrets, event.webhook_id, event.payload, datetime.now(UTC))
    allowed = outbound.networks(runtime.settings.webhook_allowed_networks)
    try:
        async with asyncio.timeout(runtime.settings.webhook_timeout_seconds):
            status = await outbound.post(client, endpoint.url, event.payload.encode(), headers, allowed)
    except outbound.Refused as refused:
        return None, f"refused: {refused}"
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        return None, type(exc).__name__
    return status, "" if 200 <= status < 300 else f"HTTP {status}"


async def deliver(runtime: Runtime, client: httpx.AsyncClient, delivery_id: int, token: str) -> bool:
    """Attempt one claimed delivery and record what happened; whether it was delivered."""
    delivery = (
        await WebhookDelivery.filter(id=delivery_id, claim_token=token).select_related("event", "endpoint").first()
    )
    if delivery is None:  # the lease ran out and another worker took the row over
        return False
    status, error = await attempt(runtime, client, delivery)
    await record(runtime, delivery, status, error)
    return not error


async def record(runtime: Runtime, delivery: WebhookDelivery, status: int | None, error: str) -> None:
    """The attempt's result on the row this worker still holds, and on its endpoint's failing streak."""
    now = runtime.clock.now()
    mine = WebhookDelivery.filter(id=delivery.id, claim_token=delivery.claim_token)
    attempts = delivery.attempts + 1
    released = {"attempts": attempts, "last_status_code": status, "lease_until": None, "claim_token": None}
    if not error:
        await mine.update(**released, status=WebhookDeliveryStatus.DELIVERED, delivered_at=now, last_error=None)
        await WebhookEndpoint.filter(id=delivery.endpoint_id).update(failing_since=None)
        return
    window = timedelta(hours=runtime.settings.webhook_retry_hours)
    if now >= delivery.scheduled_at + window:
        log.warning(
            "webhook delivery %s (event %s, endpoint %s) failed for good after %d attempts: %s",
            delivery.id,
            delivery.event.webhook_id,
            delivery.endpoint_id,
            attempts,
            error,
        )
        await mine.update(**released, status=WebhookDeliveryStatus.FAILED, last_error=error)
    else:
        log.info("webhook delivery %s attempt %d failed (%s); retrying", delivery.id, attempts, error)
        await mine.update(**released, last_error=error, next_attempt_at=now + retry_delay(runtime, attempts))
    await _count_failure(runtime, delivery.endpoint, now)


async def _count_failure(runtime: Runtime, endpoint: WebhookEndpoint, now: datetime) -> None:
    """Start the endpoint's failing streak, or disable it when the streak has lasted too long."""
    if endpoint.failing_since is None:
        await WebhookEndpoint.filter(id=endpoint.id, failing_since__isnull=True).update(failing_since=now)
        return
    if now - endpoint.failing_since < timedelta(days=runtime.settings.webhook_disable_after_days):
        return
    disabled = await WebhookEndpoint.filter(id=endpoint.id, enabled=True, failing_since__isnull=False).update(
        enabled=False, disabled_at=now
    )
    if disabled:
        log.error(
            "webhook endpoint %s disabled: every delivery failed since %s; check the receiver, then"
            " `cli.py webhook-enable %s`",
            endpoint.id,
            endpoint.failing_since.isoformat(),
            endpoint.id,
        )


async def deliver_due(runtime: Runtime) -> int:
    """One pass: claim what is due and send it concurrently (a slow receiver holds up no other); how many
    were delivered."""
    token = uuid.uuid4().hex
    claimed = await claim(runtime, token)
    if not claimed:
        return 0
    async with outbound.client(runtime.settings.webhook_timeout_seconds) as client:
        results = await asyncio.gather(*(deliver(runtime, client, delivery_id, token) for delivery_id in claimed))
    return sum(results)


async def deliver_webhooks_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS."""
    while True:
        await deliver_due(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
