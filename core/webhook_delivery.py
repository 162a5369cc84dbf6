"""The webhook delivery worker: signs each pending delivery by the Standard Webhooks specification and POSTs it.

Guarantee: at least once. A delivery is claimed with a lease (a conditional UPDATE, atomic on SQLite and
PostgreSQL alike), so several workers never send the same attempt; a worker that dies after the receiver
answered and before the row is marked leaves the lease to run out, and the delivery is sent again with the
same `webhook-id`, which receivers use to process it once. A 2xx answer delivers; anything else (another
status, a redirect, a timeout, a refused address) is retried with exponential backoff and jitter until
WEBHOOK_RETRY_HOURS after it was scheduled, then marked failed. Deliveries are independent: a failing one is
rescheduled and the others go on, whatever went wrong with it (an error of any kind is a failed attempt,
recorded by its type's name). A worker whose lease ran out during an attempt records nothing: the row is
another worker's. An endpoint whose every delivery failed for WEBHOOK_DISABLE_AFTER_DAYS is disabled, with an
operator log line. Logs name deliveries, events and endpoints by id: never a URL's query, a body, a header or
a secret.

Retention: the bodies hold customers' details, so deliveries delivered or failed more than
WEBHOOK_RETENTION_DAYS ago are deleted, and so are events that old with no delivery left. The worker sweeps
every hour; the deletes are conditional and in small batches, so any number of processes may sweep at once.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from standardwebhooks import Webhook
from tortoise.expressions import Q, Subquery

from core import outbound
from core.keyring import Keyring, KeyringError
from core.retention import delete_in_batches
from core.runtime import Runtime
from core.staff_alerts import alert_staff
from core.workers import beat
from models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from models.enums import WebhookDeliveryStatus
from settings import WEBHOOK_LEASE_SECONDS

log = logging.getLogger("clientpanel.webhooks")
LEASE = timedelta(seconds=WEBHOOK_LEASE_SECONDS)  # WEBHOOK_TIMEOUT_SECONDS is less than half of it
BATCH = 20
SWEEP_EVERY = timedelta(hours=1)
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
    budget = runtime.settings.webhook_timeout_seconds
    try:
        async with asyncio.timeout(budget):
            status = await outbound.post(client, endpoint.url, event.payload.encode(), headers, allowed, budget)
    except outbound.Refused as refused:
        return None, f"refused: {refused}"
    except Exception as exc:  # any error fails this attempt only; its message may hold the URL: not kept
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
    """The attempt's result on the row this worker still holds, and on its endpoint's failing streak. A row
    whose lease ran out meanwhile is another worker's: its result is left to that worker."""
    now = runtime.clock.now()
    mine = WebhookDelivery.filter(id=delivery.id, claim_token=delivery.claim_token)
    attempts = delivery.attempts + 1
    released = {"attempts": attempts, "last_status_code": status, "lease_until": None, "claim_token": None}
    if not error:
        await mine.update(**released, status=WebhookDeliveryStatus.DELIVERED, delivered_at=now, last_error=None)
        await WebhookEndpoint.filter(id=delivery.endpoint_id).update(failing_since=None)  # it answered, anyway
        return
    final = now >= delivery.scheduled_at + timedelta(hours=runtime.settings.webhook_retry_hours)
    changes = (
        {"status": WebhookDeliveryStatus.FAILED} if final else {"next_attempt_at": now + retry_delay(runtime, attempts)}
    )
    if not await mine.update(**released, **changes, last_error=error):
        log.warning("webhook delivery %s: the lease ran out during attempt %d (%s)", delivery.id, attempts, error)
        return
    if final:
        log.warning(
            "webhook delivery %s (event %s, endpoint %s) failed for good after %d attempts: %s",
            delivery.id,
            delivery.event.webhook_id,
            delivery.endpoint_id,
            attempts,
            error,
        )
    else:
        log.info("webhook delivery %s attempt %d failed (%s); retrying", delivery.id, attempts, error)
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
        await alert_staff(
            runtime,
            f"Webhook endpoint {endpoint.id} disabled",
            f"Every delivery to webhook endpoint {endpoint.id} failed since {endpoint.failing_since.isoformat()}; it"
            " is disabled and its events wait. Check the receiver, then enable it again (staff API"
            f" webhookEndpointEnable, or `cli.py webhook-enable {endpoint.id}`).",
        )


async def deliver_due(runtime: Runtime) -> int:
    """One pass: claim what is due and send it concurrently (a slow receiver holds up no other); how many
    were delivered. Every delivery runs to its end before the client closes; an error that escaped one (the
    database's) is raised afterwards, for the worker's restart to log."""
    token = uuid.uuid4().hex
    claimed = await claim(runtime, token)
    if not claimed:
        return 0
    async with outbound.client(runtime.settings.webhook_timeout_seconds, runtime.settings.webhook_ca_file) as client:
        results = await asyncio.gather(
            *(deliver(runtime, client, delivery_id, token) for delivery_id in claimed), return_exceptions=True
        )
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return sum(result is True for result in results)


async def sweep(runtime: Runtime) -> int:
    """Delete what is past WEBHOOK_RETENTION_DAYS: deliveries delivered or failed before then (a failed one's
    last attempt was due at its `next_attempt_at`), then events from before then with no delivery left;
    how many rows."""
    cutoff = runtime.clock.now() - timedelta(days=runtime.settings.webhook_retention_days)
    ended = Q(status=WebhookDeliveryStatus.DELIVERED, delivered_at__lt=cutoff) | Q(
        status=WebhookDeliveryStatus.FAILED, next_attempt_at__lt=cutoff
    )
    deleted = await delete_in_batches(runtime, WebhookDelivery, ended)
    undelivered = Subquery(WebhookDelivery.all().values("event_id"))
    deleted += await delete_in_batches(runtime, WebhookEvent, Q(created_at__lt=cutoff) & ~Q(id__in=undelivered))
    if deleted:
        log.info("webhook retention: %d events and deliveries older than %s deleted", deleted, cutoff.isoformat())
    return deleted


async def deliver_webhooks_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS, and a retention sweep every hour (at its start too)."""
    swept_at: datetime | None = None
    while True:
        await deliver_due(runtime)
        now = runtime.clock.now()
        if swept_at is None or now - swept_at >= SWEEP_EVERY:
            await sweep(runtime)
            swept_at = now
        beat(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
