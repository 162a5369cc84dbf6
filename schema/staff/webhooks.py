"""Webhook endpoints managed by the provider's systems (scope WEBHOOKS): the same functions as `cli.py webhook-*`.

A signing secret is in the answer of the mutation that made it (add, rotate) and nowhere else: no query returns
it, and the audit never records variables or answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from core.outcome import Outcome, failed
from core.staff_context import StaffContext
from domain import webhooks
from domain.webhooks import WebhookError
from models import WebhookDelivery as DeliveryRow
from models import WebhookEndpoint as EndpointRow
from models.enums import StaffScope, WebhookDeliveryStatus
from schema.common import PageInfo, connection_fields
from schema.staff.common import staff_errors
from schema.staff.scopes import scoped

strawberry.enum(WebhookError, name="WebhookErrorCode")
strawberry.enum(WebhookDeliveryStatus, description="PENDING: will be (re)tried; DELIVERED: a 2xx; FAILED: gave up.")
RECENT = 5


@strawberry.type(description="Why a webhook operation was refused.")
class WebhookOperationError:
    field: list[str] | None
    code: WebhookError
    message: str


@strawberry.type(description="One event's delivery to one endpoint. Bodies and secrets are never kept.")
class WebhookDelivery:
    id: strawberry.ID
    endpoint_id: strawberry.ID
    event_id: str = strawberry.field(description="The event's webhook-id (msg_...): the same on every attempt.")
    event_type: str
    status: WebhookDeliveryStatus
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None = strawberry.field(description="When it is tried next; null unless PENDING.")
    delivered_at: datetime | None

    @classmethod
    def of(cls, row: DeliveryRow) -> WebhookDelivery:
        pending = row.status == WebhookDeliveryStatus.PENDING
        return cls(
            id=strawberry.ID(str(row.id)),
            endpoint_id=strawberry.ID(str(row.endpoint_id)),
            event_id=row.event.webhook_id,
            event_type=row.event.type,
            status=WebhookDeliveryStatus(row.status),
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at if pending else None,
            delivered_at=row.delivered_at,
        )


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="Where webhooks go. Its signing secret is never shown again after add or rotate.")
class WebhookEndpoint:
    id: strawberry.ID
    url: str
    events: list[str]
    enabled: bool
    failing_since: datetime | None = strawberry.field(description="Since when every delivery failed; null if fine.")
    disabled_at: datetime | None = strawberry.field(description="When it was disabled for failing too long.")
    previous_secret_valid_until: datetime | None = strawberry.field(
        description="After a rotation, until when the previous secret also signs."
    )
    created_at: datetime

    @strawberry.field(description="Its latest deliveries, newest first (the full log: webhookDeliveries).")
    async def recent_deliveries(self, first: int = RECENT) -> list[WebhookDelivery]:
        return [WebhookDelivery.of(row) for row in await webhooks.recent_deliveries(int(self.id), first)]

    @classmethod
    def of(cls, row: EndpointRow) -> WebhookEndpoint:
        return cls(
            id=strawberry.ID(str(row.id)),
            url=row.url,
            events=list(row.event_types),
            enabled=row.enabled,
            failing_since=row.failing_since,
            disabled_at=row.disabled_at,
            previous_secret_valid_until=row.previous_secret_until if row.previous_secret else None,
            created_at=row.created_at,
        )


@strawberry.input
class WebhookEndpointAddInput:
    url: str
    events: list[str] = strawberry.field(description="Event types, e.g. cancellation.confirmed.")


@strawberry.input
class WebhookEndpointInput:
    id: strawberry.ID


@strawberry.input
class WebhookRedeliverInput:
    event_id: str = strawberry.field(description="The event's webhook-id (msg_...); the redelivery keeps it.")


@strawberry.type
class WebhookEndpointSecretPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(description="The signing secret (whsec_...): shown this once only.")
    errors: list[WebhookOperationError]


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    errors: list[WebhookOperationError]


@strawberry.type
class WebhookEndpointRemovePayload:
    removed_id: strawberry.ID | None
    errors: list[WebhookOperationError]


@strawberry.type
class WebhookRedeliverPayload:
    endpoints: int | None = strawberry.field(description="How many endpoints the event is scheduled for again.")
    errors: list[WebhookOperationError]


def _errors(info: strawberry.Info[StaffContext, None], outcome: Outcome[Any]) -> list[WebhookOperationError]:
    return staff_errors(info.context, outcome, WebhookOperationError, WebhookError)


def _endpoint_id(value: strawberry.ID) -> int | None:
    """The endpoint id an input names; None for what no endpoint can have."""
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _unknown_endpoint() -> Outcome[Any]:
    return failed(WebhookError.NOT_FOUND, ["input", "id"], key="WEBHOOK_ENDPOINT_NOT_FOUND")


@strawberry.type
class Query:
    @strawberry.field(description="Every webhook endpoint (never its secret).", extensions=scoped(StaffScope.WEBHOOKS))
    async def webhook_endpoints(self) -> list[WebhookEndpoint]:
        return [WebhookEndpoint.of(summary.endpoint) for summary in await webhooks.summaries()]

    @strawberry.field(
        description="The delivery log, newest first, of one endpoint or all, in one status or any.",
        extensions=scoped(StaffScope.WEBHOOKS),
    )
    async def webhook_deliveries(
        self,
        endpoint_id: strawberry.ID | None = None,
        status: WebhookDeliveryStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> WebhookDeliveryConnection:
        wanted = None if endpoint_id is None else _endpoint_id(endpoint_id) or 0
        page = await webhooks.delivery_log(wanted, status, first, after)
        return WebhookDeliveryConnection(**connection_fields(page, WebhookDeliveryEdge, WebhookDelivery.of))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Register an endpoint; the answer holds its signing secret, shown this once.",
        extensions=scoped(StaffScope.WEBHOOKS),
    )
    async def webhook_endpoint_add(
        self, info: strawberry.Info[StaffContext, None], input: WebhookEndpointAddInput
    ) -> WebhookEndpointSecretPayload:
        added = await webhooks.add_endpoint(info.context.runtime, input.url, input.events)
        if added.value is None:
            return WebhookEndpointSecretPayload(endpoint=None, secret=None, errors=_errors(info, added))
        return WebhookEndpointSecretPayload(
            endpoint=WebhookEndpoint.of(added.value.endpoint), secret=added.value.secret, errors=[]
        )

    @strawberry.mutation(
        description="A new signing secret, shown this once; the previous one also signs during the overlap"
        " (WEBHOOK_SECRET_OVERLAP_HOURS).",
        extensions=scoped(StaffScope.WEBHOOKS),
    )
    async def webhook_endpoint_rotate(
        self, info: strawberry.Info[StaffContext, None], input: WebhookEndpointInput
    ) -> WebhookEndpointSecretPayload:
        endpoint_id = _endpoint_id(input.id)
        rotated = (
            _unknown_endpoint()
            if endpoint_id is None
            else await webhooks.rotate_secret(info.context.runtime, endpoint_id)
        )
        if rotated.value is None:
            return WebhookEndpointSecretPayload(endpoint=None, secret=None, errors=_errors(info, rotated))
        return WebhookEndpointSecretPayload(
            endpoint=WebhookEndpoint.of(rotated.value.endpoint), secret=rotated.value.secret, errors=[]
        )

    @strawberry.mutation(description="Delete an endpoint and its deliveries.", extensions=scoped(StaffScope.WEBHOOKS))
    async def webhook_endpoint_remove(
        self, info: strawberry.Info[StaffContext, None], input: WebhookEndpointInput
    ) -> WebhookEndpointRemovePayload:
        endpoint_id = _endpoint_id(input.id)
        removed = _unknown_endpoint() if endpoint_id is None else await webhooks.remove_endpoint(endpoint_id)
        if removed.value is None:
            return WebhookEndpointRemovePayload(removed_id=None, errors=_errors(info, removed))
        return WebhookEndpointRemovePayload(removed_id=strawberry.ID(str(removed.value)), errors=[])

    @strawberry.mutation(
        description="Deliver again to an endpoint disabled for failing; its pending deliveries resume.",
        extensions=scoped(StaffScope.WEBHOOKS),
    )
    async def webhook_endpoint_enable(
        self, info: strawberry.Info[StaffContext, None], input: WebhookEndpointInput
    ) -> WebhookEndpointPayload:
        endpoint_id = _endpoint_id(input.id)
        enabled = _unknown_endpoint() if endpoint_id is None else await webhooks.enable_endpoint(endpoint_id)
        if enabled.value is None:
            return WebhookEndpointPayload(endpoint=None, errors=_errors(info, enabled))
        return WebhookEndpointPayload(endpoint=WebhookEndpoint.of(enabled.value), errors=[])

    @strawberry.mutation(
        description="Send an event again, with the same webhook-id, to every enabled endpoint subscribed to its"
        " type; its attempts count from 0 again.",
        extensions=scoped(StaffScope.WEBHOOKS),
    )
    async def webhook_redeliver(
        self, info: strawberry.Info[StaffContext, None], input: WebhookRedeliverInput
    ) -> WebhookRedeliverPayload:
        scheduled = await webhooks.redeliver(info.context.runtime, input.event_id)
        if scheduled.value is None:
            return WebhookRedeliverPayload(endpoints=None, errors=_errors(info, scheduled))
        return WebhookRedeliverPayload(endpoints=scheduled.value, errors=[])
