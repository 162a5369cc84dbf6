"""The account's history of movements (seed 004): read-only through the API."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from core.activity import actor_in, summary_in
from core.context import Context
from core.ids import to_global_id
from core.pagination import Page
from schema.common import Node, PageInfo, connection_fields


@strawberry.type
class ActivityEvent(Node):
    id: strawberry.ID
    at: datetime
    stored_actor: strawberry.Private[str]
    action: str = strawberry.field(
        description="Stable machine name, e.g. holder.updated, password.changed, cancellation.confirmed."
    )
    stored_summary: strawberry.Private[str]
    ip_address: str | None
    user_agent: str | None

    @strawberry.field(
        description="Who did it: the holder, a contact's name, or the system (named in the caller's language)."
    )
    def actor(self, info: strawberry.Info[Context, None]) -> str:
        return actor_in(self.stored_actor, info.context.language)

    @strawberry.field(
        description=(
            "What happened, in the caller's language (Accept-Language, else the stored preference); "
            "branch on `action`, not on this text."
        )
    )
    def summary(self, info: strawberry.Info[Context, None]) -> str:
        return summary_in(self.action, self.stored_summary, info.context.language)

    @classmethod
    def of(cls, event: models.ActivityEvent) -> ActivityEvent:
        return cls(
            id=strawberry.ID(to_global_id("ActivityEvent", event.id)),
            at=event.at,
            stored_actor=event.actor,
            action=event.action,
            stored_summary=event.summary,
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
