"""Partner API tokens (Authorization: Bearer)."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from domain import api_tokens
from models.enums import Permission as PermissionEnum
from models.enums import members_in
from schema.common import Node, Permission, UserError, payload_errors
from schema.descriptions import GLOBAL_ID
from schema.permissions import needs


@strawberry.type(
    description="A token a partner integration uses instead of a session; "
    "it can do no more than its permissions and its creator."
)
class ApiToken(Node):
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID)
    name: str
    permissions: list[Permission]
    created_at: datetime
    expires_at: datetime | None = strawberry.field(description="Null: it never expires.")
    last_used_at: datetime | None

    @classmethod
    def of(cls, row: models.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(to_global_id("ApiToken", row.id)),
            name=row.name,
            permissions=members_in(PermissionEnum, row.permissions),
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
        )


@strawberry.input(
    description="Create a token for a partner integration (needs step-up; an API token cannot create tokens)."
)
class ApiTokenCreateInput:
    name: str = strawberry.field(description="A name to recognise it by, e.g. the integration's (1 to 100 characters).")
    permissions: list[Permission] = strawberry.field(description="Only permissions the caller holds can be given.")
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="In the future and with its UTC offset, e.g. 2026-12-31T23:59:59-03:00; null: it never expires.",
    )


@strawberry.type
class ApiTokenCreatePayload:
    api_token: ApiToken | None
    token: str | None = strawberry.field(description="The secret, shown only in this response.")
    errors: list[UserError]


@strawberry.input(description="Revoke a token: it stops working at once and its open sockets close.")
class ApiTokenRevokeInput:
    id: strawberry.ID = strawberry.field(description="The token's global id (ApiToken.id).")


@strawberry.type
class ApiTokenRevokePayload:
    errors: list[UserError]


@strawberry.type
class AccountFields:
    """Account fields of the API tokens domain."""

    @strawberry.field(
        description="Tokens for partner integrations (Authorization: Bearer), newest first.",
        extensions=needs(PermissionEnum.SECURITY),
    )
    async def api_tokens(self, info: strawberry.Info[Context, None]) -> list[ApiToken]:
        return [ApiToken.of(row) for row in await api_tokens.tokens(info.context)]


@strawberry.type
class Query:
    """API token queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create a token; its secret is returned once, here.", extensions=needs(PermissionEnum.SECURITY)
    )
    async def api_token_create(
        self, info: strawberry.Info[Context, None], input: ApiTokenCreateInput
    ) -> ApiTokenCreatePayload:
        ctx = info.context
        outcome = await api_tokens.create(ctx, input.name, list(input.permissions), input.expires_at)
        created = outcome.value
        return ApiTokenCreatePayload(
            api_token=ApiToken.of(created.token) if created else None,
            token=created.secret if created else None,
            errors=payload_errors(ctx, outcome),
        )

    @strawberry.mutation(extensions=needs(PermissionEnum.SECURITY))
    async def api_token_revoke(
        self, info: strawberry.Info[Context, None], input: ApiTokenRevokeInput
    ) -> ApiTokenRevokePayload:
        ctx = info.context
        return ApiTokenRevokePayload(errors=payload_errors(ctx, await api_tokens.revoke(ctx, input.id)))
