"""The staff schema: what the provider's billing system and support tools call on the staff API (staff_app.py).

Never part of the public schema. Each module brings its root fields, each declaring its scope (scopes.py).
"""

from __future__ import annotations

import strawberry
from strawberry.tools import merge_types

from core.execution import InlineLeavesExecutionContext
from schema import PanelSchema, config_of, guarded
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
    """The staff schema with the public one's guards (schema.guarded), every request audited."""
    settings = settings or Settings()
    return PanelSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS) if MUTATIONS else None,
        extensions=[*guarded(settings, cache_size=128), StaffAuditLog],
        config=config_of(settings),
        execution_context_class=InlineLeavesExecutionContext,
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
