"""Managing webhook endpoints: what staff do, through the CLI or the staff API (schema/staff/webhooks), which
call the same functions.

An endpoint's URL is checked when it is registered (http(s), a URL httpx sends as it is written: no spaces or
control characters, no credentials in it, https in production, an address literal only if deliverable) and
its host again at every delivery (core/outbound), since DNS answers change. The signing secret is shown once,
when it is made, and stored encrypted with the keyring.
"""

from __future__ import annotations

import base64
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

import httpx
from tortoise.transactions import in_transaction

from core import outbound, validation
from core.i18n import Messages, translate
from core.keyring import Keyring
from core.outcome import Failure, Outcome, error_codes, failed, succeeded
from core.pagination import MAX_PAGE, Page, paginate
from core.runtime import Runtime
from core.webhook_events import EVENT_TYPES, schedule, subscribed_endpoints
from models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from models.columns import column_length
from models.enums import Language, WebhookDeliveryStatus

MAX_URL = 2000
SIGNING_KEY_PREFIX = "whsec_"  # Standard Webhooks marks its secrets so
SECRET_BYTES = 32  # Standard Webhooks: between 24 and 64 bytes

MESSAGES: Messages = {
    **validation.MESSAGES,
    "WEBHOOK_URL_INVALID": (
        "La URL debe ser http(s)://host/ruta, sin usuario ni clave, sin fragmento y de hasta {max} caracteres.",
        "The URL must be http(s)://host/path, without user or password, without fragment, at most {max} characters.",
    ),
    "WEBHOOK_URL_CHARACTERS": (
        "La URL no puede tener espacios ni caracteres de control (codifique los espacios como %20).",
        "The URL cannot hold spaces or control characters (encode spaces as %20).",
    ),
    "WEBHOOK_URL_INSECURE": ("En producción la URL debe ser https://.", "In production the URL must be https://."),
    "WEBHOOK_URL_NOT_PUBLIC": (
        "La URL apunta a una dirección no pública ({reason}); vea WEBHOOK_ALLOWED_NETWORKS.",
        "The URL points to an address that is not public ({reason}); see WEBHOOK_ALLOWED_NETWORKS.",
    ),
    "WEBHOOK_EVENTS_REQUIRED": ("Indique al menos un tipo de evento.", "Name at least one event type."),
    "WEBHOOK_EVENT_UNKNOWN": (
        "Tipo de evento desconocido: {field}. Los tipos son: {hints}.",
        "Unknown event type: {field}. The types are: {hints}.",
    ),
    "WEBHOOK_ENDPOINT_NOT_FOUND": ("No existe ese destino de webhooks.", "There is no such webhook endpoint."),
    "WEBHOOK_EVENT_NOT_FOUND": ("No existe ese evento de webhook.", "There is no such webhook event."),
}


@error_codes(MESSAGES)
class WebhookError(StrEnum):
    """The staff API exposes these as WebhookErrorCode; the CLI prints their messages (`message_of`)."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"


def message_of(failure: Failure, language: Language) -> str:
    return translate(failure.message_key, language, failure.messages, **failure.values)


@dataclass(frozen=True, slots=True)
class NewSecret:
    """An endpoint and its new signing secret, to be shown once."""

    endpoint: WebhookEndpoint
    secret: str


def new_secret() -> str:
    return SIGNING_KEY_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _checked_url(runtime: Runtime, url: str) -> Outcome[str]:
    url = url.strip()
    if any(character.isspace() or not character.isprintable() for character in url):
        return failed(WebhookError.INVALID, ["input", "url"], key="WEBHOOK_URL_CHARACTERS")
    parts = urlsplit(url)
    try:
        parses = parts.port is None or parts.port > 0
        httpx.URL(url)  # as the worker will send it
    except (ValueError, httpx.InvalidURL):
        parses = False
    well_formed = parts.scheme in ("http", "https") and parts.hostname and parses
    if not well_formed or parts.username or parts.password or parts.fragment or len(url) > MAX_URL:
        return failed(WebhookError.INVALID, ["input", "url"], key="WEBHOOK_URL_INVALID", max=MAX_URL)
    if runtime.settings.is_production and parts.scheme != "https":
        return failed(WebhookError.INVALID, ["input", "url"], key="WEBHOOK_URL_INSECURE")
    try:
        literal = ipaddress.ip_address(parts.hostname or "")
    except ValueError:
        return succeeded(url)
    allowed = outbound.networks(runtime.settings.webhook_allowed_networks)
    if reason := outbound.refusal(literal, allowed):
        return failed(WebhookError.INVALID, ["input", "url"], key="WEBHOOK_URL_NOT_PUBLIC", reason=reason)
    return succeeded(url)


def _checked_types(event_types: list[str]) -> Outcome[list[str]]:
    wanted = list(dict.fromkeys(kind.strip() for kind in event_types if kind.strip()))
    if not wanted:
        return failed(WebhookError.REQUIRED, ["input", "events"], key="WEBHOOK_EVENTS_REQUIRED")
    known = ", ".join(EVENT_TYPES)
    if unknown := [kind for kind in wanted if kind not in EVENT_TYPES]:
        return failed(
            WebhookError.INVALID, ["input", "events"], key="WEBHOOK_EVENT_UNKNOWN", field=unknown[0], hints=known
        )
    return succeeded(wanted)


async def add_endpoint(runtime: Runtime, url: str, event_types: list[str]) -> Outcome[NewSecret]:
    """Register an endpoint for `event_types`; its secret is in the answer and nowhere else in clear."""
    checked_url = _checked_url(runtime, url)
    checked_types = _checked_types(event_types)
    if not checked_url.ok or not checked_types.ok:
        return Outcome[NewSecret]().extend(checked_url.failures + checked_types.failures)
    secret = new_secret()
    endpoint = await WebhookEndpoint.create(
        url=checked_url.value,
        event_types=checked_types.value,
        secret=Keyring.from_settings(runtime.settings).encrypt(secret),
        created_at=runtime.clock.now(),
    )
    return succeeded(NewSecret(endpoint, secret))


async def rotate_secret(runtime: Runtime, endpoint_id: int) -> Outcome[NewSecret]:
    """A new secret; the current one keeps signing too for WEBHOOK_SECRET_OVERLAP_HOURS, so receivers can switch."""
    keyring = Keyring.from_settings(runtime.settings)
    secret = new_secret()
    overlap = timedelta(hours=runtime.settings.webhook_secret_overlap_hours)
    async with in_transaction():
        endpoint = await WebhookEndpoint.filter(id=endpoint_id).select_for_update().first()
        if endpoint is None:
            return failed(WebhookError.NOT_FOUND, ["input", "id"], key="WEBHOOK_ENDPOINT_NOT_FOUND")
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_until = runtime.clock.now() + overlap
        endpoint.secret = keyring.encrypt(secret)
        await endpoint.save(update_fields=["previous_secret", "previous_secret_until", "secret"])
    return succeeded(NewSecret(endpoint, secret))


async def remove_endpoint(endpoint_id: int) -> Outcome[int]:
    """Delete the endpoint and its deliveries (the events stay, for the other endpoints and the record)."""
    if not await WebhookEndpoint.filter(id=endpoint_id).delete():
        return failed(WebhookError.NOT_FOUND, ["input", "id"], key="WEBHOOK_ENDPOINT_NOT_FOUND")
    return succeeded(endpoint_id)


async def enable_endpoint(endpoint_id: int) -> Outcome[WebhookEndpoint]:
    """Deliver to an endpoint again after it was disabled for failing; its pending deliveries resume."""
    if not await WebhookEndpoint.filter(id=endpoint_id).update(enabled=True, disabled_at=None, failing_since=None):
        return failed(WebhookError.NOT_FOUND, ["input", "id"], key="WEBHOOK_ENDPOINT_NOT_FOUND")
    return succeeded(await WebhookEndpoint.get(id=endpoint_id))


async def redeliver(runtime: Runtime, webhook_id: str) -> Outcome[int]:
    """Send an event again, with its own `webhook-id`, to every enabled endpoint that receives its type now:
    delivered or failed deliveries are scheduled afresh (their attempts counted from 0 again, so the first
    retry comes soon), endpoints without one get one; how many are due. An event past WEBHOOK_RETENTION_DAYS
    with nothing pending is gone."""
    webhook_id = webhook_id.strip()
    fits = len(webhook_id) <= column_length(WebhookEvent, "webhook_id")  # longer cannot exist (nor be looked up)
    event = await WebhookEvent.get_or_none(webhook_id=webhook_id) if fits else None
    if event is None:
        return failed(WebhookError.NOT_FOUND, ["input", "eventId"], key="WEBHOOK_EVENT_NOT_FOUND")
    now = runtime.clock.now()
    wanted = await subscribed_endpoints(event.type)
    async with in_transaction():
        existing = set(await WebhookDelivery.filter(event_id=event.id).values_list("endpoint_id", flat=True))
        await WebhookDelivery.filter(
            event_id=event.id,
            endpoint_id__in=wanted,
            status__in=[WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED],
        ).update(status=WebhookDeliveryStatus.PENDING, attempts=0, next_attempt_at=now, scheduled_at=now)
        await schedule(event, [endpoint_id for endpoint_id in wanted if endpoint_id not in existing], now)
    return succeeded(len(wanted))


@dataclass(frozen=True, slots=True)
class EndpointSummary:
    endpoint: WebhookEndpoint
    pending: int
    failed: int


async def summaries() -> list[EndpointSummary]:
    """Every endpoint with how many deliveries wait and how many failed for good."""
    found = []
    for endpoint in await WebhookEndpoint.all().order_by("id"):
        deliveries = WebhookDelivery.filter(endpoint_id=endpoint.id)
        pending = await deliveries.filter(status=WebhookDeliveryStatus.PENDING).count()
        failed_for_good = await deliveries.filter(status=WebhookDeliveryStatus.FAILED).count()
        found.append(EndpointSummary(endpoint, pending, failed_for_good))
    return found


async def recent_deliveries(endpoint_id: int, count: int) -> list[WebhookDelivery]:
    """The endpoint's `count` latest deliveries, newest first, with their events."""
    latest = WebhookDelivery.filter(endpoint_id=endpoint_id).order_by("-id").limit(max(0, min(count, MAX_PAGE)))
    return list(await latest.select_related("event"))


async def delivery_log(
    endpoint_id: int | None, status: WebhookDeliveryStatus | None, first: int | None, after: str | None
) -> Page[WebhookDelivery]:
    """The delivery log, newest first, of one endpoint or all, in one status or any."""
    deliveries = WebhookDelivery.all().select_related("event")
    if endpoint_id is not None:
        deliveries = deliveries.filter(endpoint_id=endpoint_id)
    if status is not None:
        deliveries = deliveries.filter(status=status)
    return await paginate(deliveries, first=first, after=after, last=None, before=None, newest_first=True)
