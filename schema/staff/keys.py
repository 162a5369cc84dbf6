"""Which key is calling: a billing integration checks its key and scopes with this before it syncs."""

from __future__ import annotations

from datetime import datetime

import strawberry

from core.staff_context import StaffContext
from models.enums import StaffScope


@strawberry.type(description="The staff key that made this request.")
class StaffKeyInfo:
    id: strawberry.ID
    name: str
    scopes: list[StaffScope]
    created_at: datetime


@strawberry.type
class Query:
    @strawberry.field(description="The calling key, its name and scopes (any live key may ask).")
    def staff_key(self, info: strawberry.Info[StaffContext, None]) -> StaffKeyInfo:
        key = info.context.key
        return StaffKeyInfo(
            id=strawberry.ID(str(key.id)),
            name=key.name,
            scopes=[StaffScope(scope) for scope in key.scopes],
            created_at=key.created_at,
        )
