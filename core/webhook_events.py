"""Webhook events: the types the provider's systems may subscribe to, and `emit`, which writes one to the
webhook outbox inside the transaction of the change it reports (a rolled-back change reports nothing, a
committed one is never lost). The delivery worker (core/webhook_delivery) sends it afterwards.

The body is built once, here, and sent unchanged on every attempt (Standard Webhooks: `type`, `timestamp`,
`data`). It carries ids, states and the names of what changed, never a secret; receivers order an account's
events by `data.sequence` and one resource's by `data.resource.version` (when the resource has versions).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, NewType

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.ids import to_global_id
from core.runtime import Runtime
from models import Account, WebhookDelivery, WebhookEndpoint, WebhookEvent

# An event type, as receivers see it in the body's `type` (subscriptions name these).
EventType = NewType("EventType", str)

CANCELLATION_REQUESTED = EventType("cancellation.requested")
CANCELLATION_CONFIRMED = EventType("cancellation.confirmed")
CANCELLATION_WITHDRAWN = EventType("cancellation.withdrawn")
CANCELLATION_EXPIRED = EventType("cancellation.expired")
CANCELLATION_COMPLETED = EventType("cancellation.completed")
SERVICE_STATUS_CHANGED = EventType("service.status_changed")
SERVICE_RENEWAL_CHANGED = EventType("service.renewal_changed")
SERVICE_DEPROVISION_REQUESTED = EventType("service.deprovision_requested")
CANCELLATION_OVERDUE = EventType("cancellation.overdue")
EMAIL_UNDELIVERABLE = EventType("email.undeliverable")
MAIL_FAILED = EventType("mail.failed")
HOLDER_UPDATED = EventType("holder.updated")
CONTACT_CREATED = EventType("contact.created")
CONTACT_UPDATED = EventType("contact.updated")
CONTACT_DELETED = EventType("contact.deleted")
ACCOUNT_ACCESS_RECOVERED = EventType("account.access_recovered")
PASSWORD_CHANGED = EventType("password.changed")

EVENT_TYPES: tuple[EventType, ...] = (
    CANCELLATION_REQUESTED,
    CANCELLATION_CONFIRMED,
    CANCELLATION_WITHDRAWN,
    CANCELLATION_EXPIRED,
    CANCELLATION_COMPLETED,
    SERVICE_STATUS_CHANGED,
    SERVICE_RENEWAL_CHANGED,
    SERVICE_DEPROVISION_REQUESTED,
    CANCELLATION_OVERDUE,
    EMAIL_UNDELIVERABLE,
    MAIL_FAILED,
    HOLDER_UPDATED,
    CONTACT_CREATED,
    CONTACT_UPDATED,
    CONTACT_DELETED,
    ACCOUNT_ACCESS_RECOVERED,
    PASSWORD_CHANGED,
)


def new_webhook_id() -> str:
    """A `webhook-id`: unique, unguessable, stable across the event's attempts."""
    return f"msg_{uuid.uuid4().hex}"


async def emit(
    runtime: Runtime,
    event_type: EventType,
    account_id: int,
    resource: tuple[str, int],
    *,
    version: int | None = None,
    data: Mapping[str, Any] | None = None,
) -> WebhookEvent:
    """Write a `event_type` event about `resource` (its type name and key) of the account, and one delivery per
    enabled endpoint that subscribed to the type. Call it inside the change's transaction."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event type {event_type!r}")
    resource_type, resource_pk = resource
    resource_id = to_global_id(resource_type, resource_pk)
    now = runtime.clock.now()
    async with in_transaction():
        # The account's row is locked until commit: its events are numbered in commit order, once each.
        await Account.filter(id=account_id).update(webhook_sequence=F("webhook_sequence") + 1)
        [(sequence, client_number)] = await Account.filter(id=account_id).values_list(
            "webhook_sequence", "client_number"
        )
        body = {
            "type": event_type,
            "timestamp": now.isoformat(),
            "data": {
                "accountId": to_global_id("Account", account_id),
                "clientNumber": client_number,
                "sequence": sequence,
                "resource": {"type": resource_type, "id": resource_id, "version": version},
                **(data or {}),
            },
        }
        event = await WebhookEvent.create(
            webhook_id=new_webhook_id(),
            account_id=account_id,
            sequence=sequence,
            type=event_type,
            resource_id=resource_id,
            resource_version=version,
            payload=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
            created_at=now,
        )
        await schedule(event, await subscribed_endpoints(event_type), now)
    return event


async def subscribed_endpoints(event_type: str) -> list[int]:
    """The enabled endpoints that receive `event_type` (few rows: filtered here, portably)."""
    rows = await WebhookEndpoint.filter(enabled=True).values_list("id", "event_types")
    return [endpoint_id for endpoint_id, types in rows if event_type in types]


async def schedule(event: WebhookEvent, endpoint_ids: list[int], when: datetime) -> None:
    """A pending delivery of `event` to each endpoint, due `when`."""
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(event_id=event.id, endpoint_id=endpoint_id, next_attempt_at=when, scheduled_at=when)
            for endpoint_id in endpoint_ids
        ]
    )
