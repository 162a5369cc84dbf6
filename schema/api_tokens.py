"""Partner API tokens (Authorization: Bearer)."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from domain import api_tokens
from models.enums import Permission as PermissionEnum
from schema.common import Node, Permission, UserError, failure_errors


@strawberry.type(
    description="A token a partner integration uses instead of a session; "
    "it can do no more than its permissions and its creator."
)
class ApiToken(Node):
    id: strawberry.ID
    name: str
    permissions: list[Permission]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, row: models.ApiToken) -> ApiToken:
        return cls(
            id=strawberry.ID(to_global_id("ApiToken", row.id)),
            name=row.name,
            permissions=[p for p in PermissionEnum if p.value in row.permissions],
            created_at=row.created_at,
            expires_at=row.expires_at,
            last_used_at=row.last_used_at,
        )


@strawberry.input
class ApiTokenCreateInput:
    name: str
    permissions: list[Permission]
    expires_at: datetime | None = None


@strawberry.type
class ApiTokenCreatePayload:
    api_token: ApiToken | None
    token: str | None = strawberry.field(description="The secret, shown only in this response.")
    errors: list[UserError]


@strawberry.input
class ApiTokenRevokeInput:
    id: strawberry.ID


@strawberry.type
class ApiTokenRevokePayload:
    errors: list[UserError]


def _errors(ctx: Context, result: api_tokens.Result) -> list[UserError]:
    return failure_errors(ctx, result, api_tokens.MESSAGES)


@strawberry.type
class AccountFields:
    """Account fields of the API tokens domain."""

    @strawberry.field(description="Tokens for partner integrations (Authorization: Bearer), newest first.")
    async def api_tokens(self, info: strawberry.Info[Context, None]) -> list[ApiToken]:
        return [ApiToken.of(row) for row in await api_tokens.tokens(info.context)]


@strawberry.type
class Query:
    """API token queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a token; its secret is returned once, here.")
    async def api_token_create(
        self, info: strawberry.Info[Context, None], input: ApiTokenCreateInput
    ) -> ApiTokenCreatePayload:
        ctx = info.context
        result = await api_tokens.create(ctx, input.name, list(input.permissions), input.expires_at)
        token = ApiToken.of(result.token) if result.token else None
        return ApiTokenCreatePayload(api_token=token, token=result.secret, errors=_errors(ctx, result))

    @strawberry.mutation
    async def api_token_revoke(
        self, info: strawberry.Info[Context, None], input: ApiTokenRevokeInput
    ) -> ApiTokenRevokePayload:
        ctx = info.context
        return ApiTokenRevokePayload(errors=_errors(ctx, await api_tokens.revoke(ctx, input.id)))
