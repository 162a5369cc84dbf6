"""The account's history of movements (seed 004): read-only through the API."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from core.ids import to_global_id
from core.pagination import Page
from schema.common import Node, PageInfo, connection_fields


@strawberry.type
class ActivityEvent(Node):
    id: strawberry.ID
    at: datetime
    actor: str = strawberry.field(description="Who did it: the holder, a contact's name, or the system.")
    action: str = strawberry.field(
        description="Stable machine name, e.g. holder.updated, password.changed, cancellation.confirmed."
    )
    summary: str
    ip_address: str | None
    user_agent: str | None

    @classmethod
    def of(cls, event: models.ActivityEvent) -> ActivityEvent:
        return cls(
            id=strawberry.ID(to_global_id("ActivityEvent", event.id)),
            at=event.at,
            actor=event.actor,
            action=event.action,
            summary=event.summary,
            ip_address=event.ip_address,
            user_agent=event.user_agent,
        )


@strawberry.type
class ActivityEdge:
    cursor: str
    node: ActivityEvent


@strawberry.type
class ActivityConnection:
    edges: list[ActivityEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.ActivityEvent]) -> ActivityConnection:
        return cls(**connection_fields(page, ActivityEdge, ActivityEvent.of))
