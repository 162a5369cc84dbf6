"""The staff schema: what the provider's billing system and support tools call on the staff API (staff_app.py).

Never part of the public schema. Each module brings its root fields, each declaring its scope (scopes.py).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import DisableIntrospection, ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from core.limits import Budget, QueryLimits, TokenLimit
from core.logs import OperationLog
from schema import PanelSchema
from schema.masking import MaskUnexpectedErrors
from schema.scalars import SCALARS
from schema.staff import keys, notices, services, support, sync, webhooks, welcome
from schema.staff.audit import StaffAuditLog
from settings import Settings

QUERIES: tuple[type, ...] = (keys.Query, support.Query, webhooks.Query, services.Query)
MUTATIONS: tuple[type, ...] = (
    welcome.Mutation,
    support.Mutation,
    webhooks.Mutation,
    notices.Mutation,
    services.Mutation,
    sync.Mutation,
)


def build_staff_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The staff schema with the same abuse limits as the public one; production hides introspection."""
    settings = settings or Settings()
    budget = Budget(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_query_aliases,
        max_cost=settings.max_query_cost,
        max_tokens=settings.max_query_tokens,
    )
    extensions: list[Any] = [
        OperationLog,
        MaskUnexpectedErrors,
        StaffAuditLog,
        lambda: TokenLimit(budget),
        lambda: ParserCache(maxsize=128),
        lambda: ValidationCache(maxsize=128),
        lambda: QueryLimits(budget),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return PanelSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS) if MUTATIONS else None,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=settings.is_production, scalar_map=SCALARS),
    )


staff_schema = build_staff_schema()


def staff_error_enums(schema: strawberry.Schema) -> set[type]:
    """The domain error enums the staff schema exposes as its own code enums (e.g. SyncErrorCode): their codes
    answer staff payloads only, so they need not be public UserErrorCodes."""
    found: set[type] = set()
    for graphql_type in schema._schema.type_map.values():
        definition = (getattr(graphql_type, "extensions", None) or {}).get("strawberry-definition")
        wrapped = getattr(definition, "wrapped_cls", None)
        if isinstance(wrapped, type) and graphql_type.name.endswith("ErrorCode"):
            found.add(wrapped)
    return found
