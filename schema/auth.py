"""Sign-in, sessions, password and PIN (seeds 000, 002, 004)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from core.errors import ApiError
from core.ids import to_global_id
from core.passwords import MAX_LENGTH, MIN_LENGTH, Strength
from domain import auth, sign_in
from models.enums import Permission
from schema.activity import ActivityConnection
from schema.common import Node, UserError, UserErrorCode, user_error
from schema.holder import holder_of

if TYPE_CHECKING:
    from schema.account import Viewer
    from schema.holder import Holder


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


@strawberry.type
class PasswordStrength:
    score: int = strawberry.field(description="0 (guessable in seconds) to 4 (very strong).")
    acceptable: bool
    warning: str | None
    suggestions: list[str]

    @classmethod
    def of(cls, verdict: Strength) -> PasswordStrength:
        return cls(
            score=verdict.score, acceptable=verdict.acceptable, warning=verdict.warning, suggestions=verdict.suggestions
        )


def errors_of(ctx: Context, result: auth.Result, field: list[str] | None = None) -> list[UserError]:
    """The payload errors for a resolver's result (none when it succeeded)."""
    if result.ok:
        return []
    code = UserErrorCode(result.outcome.value)
    key = result.message_key or code.value
    message = user_error(
        ctx, code, field, key=key, table=auth.MESSAGES, seconds=result.wait_seconds, min=MIN_LENGTH, max=MAX_LENGTH
    )
    if result.strength is not None:
        hints = [h for h in (result.strength.warning, *result.strength.suggestions) if h]
        message.message = " ".join([message.message, *hints])
    if code in (UserErrorCode.RATE_LIMITED, UserErrorCode.STEP_UP_REQUIRED):
        message.field = None
    return [message]


@strawberry.input
class SignInInput:
    login: str = strawberry.field(description="Client number (holder) or email (contact).")
    password: str
    client_number: str | None = strawberry.field(
        default=None, description="Which account, when the email signs in to several (ACCOUNT_CHOICE_REQUIRED)."
    )


@strawberry.type
class SignInPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]
    accounts: list[str] | None = strawberry.field(
        default=None,
        description=(
            "With ACCOUNT_CHOICE_REQUIRED: the client numbers this email and password open; sign in again with one."
        ),
    )


@strawberry.input
class ReauthenticateInput:
    password: str = strawberry.field(description="The current password.")


@strawberry.type
class ReauthenticatePayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    valid_until: datetime | None = strawberry.field(
        description="Until when changes that need a recent proof of identity are allowed (STEP_UP_REQUIRED after)."
    )
    errors: list[UserError]


@strawberry.type
class SignOutPayload:
    errors: list[UserError]


@strawberry.input
class SessionRevokeInput:
    session_id: strawberry.ID


@strawberry.type
class SessionRevokePayload:
    errors: list[UserError]


@strawberry.input
class PasswordChangeInput:
    current_password: str
    new_password: str


@strawberry.type
class PasswordChangePayload:
    errors: list[UserError]


@strawberry.input
class SecurityPinSetInput:
    current_password: str
    pin: str = strawberry.field(description="4 to 8 digits.")


@strawberry.type
class SecurityPinSetPayload:
    holder: Annotated[Holder, strawberry.lazy("schema.holder")] | None
    errors: list[UserError]


@strawberry.type
class AccountFields:
    """Account fields of the auth domain."""

    @strawberry.field(description="The signed-in person's open sessions, newest first.")
    async def sessions(self, info: strawberry.Info[Context, None]) -> list[Session]:
        ctx = info.context
        current = ctx.principal.session_id if ctx.principal else None
        return [Session.of(s, current) for s in await auth.sessions(ctx)]

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
    @strawberry.field(
        description="Strength of a candidate password, for a meter; context words (names, email) count against it."
    )
    async def password_strength(
        self, info: strawberry.Info[Context, None], password: str, context: list[str] | None = None
    ) -> PasswordStrength:
        verdict = await auth.password_strength(info.context, password, context)
        if isinstance(verdict, auth.Result):
            raise ApiError("RATE_LIMITED", f"Too many checks: try again in {verdict.wait_seconds} seconds.")
        return PasswordStrength.of(verdict)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def sign_in(self, info: strawberry.Info[Context, None], input: SignInInput) -> SignInPayload:
        from schema.account import Viewer

        ctx = info.context
        result = await sign_in.sign_in(ctx, input.login, input.password, input.client_number)
        return SignInPayload(
            viewer=Viewer() if result.ok else None, errors=errors_of(ctx, result), accounts=list(result.choices) or None
        )

    @strawberry.mutation(
        description="Confirm the current password: protected changes are then allowed for a few minutes."
    )
    async def reauthenticate(
        self, info: strawberry.Info[Context, None], input: ReauthenticateInput
    ) -> ReauthenticatePayload:
        from schema.account import Viewer

        ctx = info.context
        result = await auth.reauthenticate(ctx, input.password)
        if isinstance(result, auth.Result):
            errors = errors_of(ctx, result, ["input", "password"])
            return ReauthenticatePayload(viewer=None, valid_until=None, errors=errors)
        return ReauthenticatePayload(viewer=Viewer(), valid_until=result, errors=[])

    @strawberry.mutation
    async def sign_out(self, info: strawberry.Info[Context, None]) -> SignOutPayload:
        await auth.sign_out(info.context)
        return SignOutPayload(errors=[])

    @strawberry.mutation
    async def session_revoke(
        self, info: strawberry.Info[Context, None], input: SessionRevokeInput
    ) -> SessionRevokePayload:
        ctx = info.context
        return SessionRevokePayload(
            errors=errors_of(ctx, await auth.revoke_session(ctx, input.session_id), ["input", "sessionId"])
        )

    @strawberry.mutation
    async def password_change(
        self, info: strawberry.Info[Context, None], input: PasswordChangeInput
    ) -> PasswordChangePayload:
        ctx = info.context
        result = await auth.change_password(ctx, input.current_password, input.new_password)
        field = (
            ["input", "currentPassword"]
            if result.outcome is auth.Outcome.INVALID_CREDENTIALS
            else ["input", "newPassword"]
        )
        return PasswordChangePayload(errors=errors_of(ctx, result, field))

    @strawberry.mutation
    async def security_pin_set(
        self, info: strawberry.Info[Context, None], input: SecurityPinSetInput
    ) -> SecurityPinSetPayload:
        ctx = info.context
        result = await auth.set_security_pin(ctx, input.current_password, input.pin)
        field = ["input", "currentPassword"] if result.outcome is auth.Outcome.INVALID_CREDENTIALS else ["input", "pin"]
        may_read_holder = ctx.principal is not None and Permission.PROFILE in ctx.principal.permissions
        holder = await holder_of(ctx) if result.ok and may_read_holder else None
        return SecurityPinSetPayload(holder=holder, errors=errors_of(ctx, result, field))
