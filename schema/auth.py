"""Sign-in, sessions, password and PIN (seeds 000, 002, 004)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from resolvers import auth
from schema.activity import ActivityConnection
from schema.common import Node, UserError, UserErrorCode, user_error

if TYPE_CHECKING:
    from schema.account import Viewer


@strawberry.type
class Session(Node):
    id: strawberry.ID
    current: bool
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip_address: str | None
    user_agent: str | None

    @classmethod
    def of(cls, session: models.Session, current_id: int | None) -> Session:
        return cls(
            id=strawberry.ID(to_global_id("Session", session.id)),
            current=session.id == current_id,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            expires_at=session.expires_at,
            ip_address=session.ip_address,
            user_agent=session.user_agent,
        )


@strawberry.input
class SignInInput:
    login: str = strawberry.field(description="Client number (holder) or email (contact).")
    password: str


@strawberry.type
class SignInPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]


@strawberry.type
class SignOutPayload:
    errors: list[UserError]


@strawberry.type
class AccountFields:
    """Account fields of the auth domain."""

    @strawberry.field(description="The account's history of movements, newest first.")
    async def activity(
        self,
        info: strawberry.Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> ActivityConnection:
        return ActivityConnection.of(await auth.activity_page(info.context, first, after, last, before))


@strawberry.type
class Query:
    """Auth queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def sign_in(self, info: strawberry.Info[Context, None], input: SignInInput) -> SignInPayload:
        from schema.account import Viewer

        ctx = info.context
        if not await auth.sign_in(ctx, input.login, input.password):
            return SignInPayload(viewer=None, errors=[user_error(ctx, UserErrorCode.INVALID_CREDENTIALS)])
        return SignInPayload(viewer=Viewer(), errors=[])

    @strawberry.mutation
    async def sign_out(self, info: strawberry.Info[Context, None]) -> SignOutPayload:
        await auth.sign_out(info.context)
        return SignOutPayload(errors=[])
