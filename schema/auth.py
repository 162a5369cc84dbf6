"""Sign-in (with its second step), sessions, password and PIN (seeds 000, 002, 004; issue 23)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from core.outcome import Outcome
from core.passwords import MAX_LENGTH, MIN_LENGTH, MIN_SCORE, Strength, advice
from domain import auth, sign_in
from models.enums import Language, Permission
from schema.activity import ActivityConnection
from schema.common import Node, UserError, payload_errors
from schema.descriptions import GLOBAL_ID, After, Before, First, Last
from schema.holder import holder_of
from schema.permissions import needs

if TYPE_CHECKING:
    from schema.account import Viewer
    from schema.holder import Holder


@strawberry.type
class Session(Node):
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID)
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
    warning: str | None = strawberry.field(
        description="Why it is weak, in the caller's language (Accept-Language, else the stored preference)."
    )
    suggestions: list[str] = strawberry.field(description="How to make it stronger, in the caller's language.")

    @classmethod
    def of(cls, verdict: Strength, language: Language) -> PasswordStrength:
        return cls(
            score=verdict.score,
            acceptable=verdict.acceptable,
            warning=advice(verdict.warning, language) if verdict.warning else None,
            suggestions=[advice(suggestion, language) for suggestion in verdict.suggestions],
        )


@strawberry.type(description="What a new password needs, to state it before the person types one (seed 002).")
class PasswordPolicy:
    min_length: int = strawberry.field(description="The fewest characters accepted.")
    max_length: int = strawberry.field(description="The most characters accepted.")
    min_score: int = strawberry.field(description="The least passwordStrength score accepted (0 to 4).")


def account_choices(outcome: Outcome[None]) -> list[str] | None:
    """With ACCOUNT_CHOICE_REQUIRED: the client numbers the email and password open."""
    for failure in outcome.failures:
        accounts = failure.values.get("accounts")
        if isinstance(accounts, list):
            return accounts
    return None


@strawberry.input(description="Sign in with a password: a session cookie for browsers (HttpOnly).")
class SignInInput:
    login: str = strawberry.field(description="Client number (holder) or email (contact).")
    password: str = strawberry.field(description="The password (or a temporary one from access recovery).")
    client_number: str | None = strawberry.field(
        default=None, description="Which account, when the email signs in to several (ACCOUNT_CHOICE_REQUIRED)."
    )


@strawberry.type(description="The second step of a sign-in: send it to signInSecondStep with a code.")
class SignInChallenge:
    token: str = strawberry.field(description="Single-use; a few wrong codes end it.")
    expires_at: datetime = strawberry.field(description="5 minutes after the password: then sign in again.")


def sign_in_challenge(outcome: Outcome[None]) -> SignInChallenge | None:
    """With SECOND_FACTOR_REQUIRED: the challenge the second step needs."""
    for failure in outcome.failures:
        token, expires_at = failure.values.get("challenge"), failure.values.get("expires_at")
        if isinstance(token, str) and isinstance(expires_at, datetime):
            return SignInChallenge(token=token, expires_at=expires_at)
    return None


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
    challenge: SignInChallenge | None = strawberry.field(
        default=None,
        description="With SECOND_FACTOR_REQUIRED: no session yet; complete the sign-in with signInSecondStep.",
    )


@strawberry.input(description="The second step of a sign-in: the challenge and a code, a recovery code or a passkey.")
class SignInSecondStepInput:
    challenge: str = strawberry.field(description="SignInPayload.challenge.token.")
    code: str | None = strawberry.field(default=None, description="The 6 digits the authenticator app shows now.")
    recovery_code: str | None = strawberry.field(
        default=None, description="Instead of `code`: one of the recovery codes (each works once)."
    )
    passkey: str | None = strawberry.field(
        default=None,
        description="Instead of `code`: the JSON of the PublicKeyCredential the browser returned for "
        "passkeySecondStepStart's options.",
    )


@strawberry.type
class SignInSecondStepPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]


@strawberry.input(
    description="Prove identity again: changes that need step-up are allowed for STEP_UP_MINUTES (5 by default)."
)
class ReauthenticateInput:
    password: str = strawberry.field(description="The current password.")
    code: str | None = strawberry.field(
        default=None,
        description="With two-step verification on, also needed: the authenticator app's code (or `recoveryCode`).",
    )
    recovery_code: str | None = strawberry.field(default=None, description="Instead of `code`: a recovery code.")
    passkey: str | None = strawberry.field(
        default=None,
        description="Instead of `code`: the JSON of the PublicKeyCredential the browser returned for "
        "passkeyStepUpStart's options.",
    )


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


@strawberry.input(description="End one of the sessions listed in Account.sessions.")
class SessionRevokeInput:
    session_id: strawberry.ID = strawberry.field(description="The session's global id (Session.id).")


@strawberry.type
class SessionRevokePayload:
    errors: list[UserError]


@strawberry.input(description="Change one's own password (needs step-up); also replaces a temporary password.")
class PasswordChangeInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(
        description="The new password; a weak one is refused with a reason (see passwordStrength)."
    )


@strawberry.type
class PasswordChangePayload:
    errors: list[UserError]


@strawberry.input(description="Set or change the account's security PIN (holder only, needs step-up).")
class SecurityPinSetInput:
    current_password: str = strawberry.field(description="The holder's password.")
    pin: str = strawberry.field(description="4 to 8 digits.")


@strawberry.type
class SecurityPinSetPayload:
    holder: Annotated[Holder, strawberry.lazy("schema.holder")] | None
    errors: list[UserError]


@strawberry.input(
    description=(
        "The signed-in person's own language (the holder's or the contact's): emails follow it, and so do API "
        "messages when the request's Accept-Language names no language. Usable during a pending password change; "
        "a session's, not an API token's (FORBIDDEN)."
    )
)
class ViewerLanguageSetInput:
    language: Language


@strawberry.type
class ViewerLanguageSetPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    language: Language | None = strawberry.field(description="The stored preference now; null when refused.")
    errors: list[UserError]


@strawberry.type
class AccountFields:
    """Account fields of the auth domain."""

    @strawberry.field(description="The signed-in person's open sessions, newest first.", extensions=needs())
    async def sessions(self, info: strawberry.Info[Context, None]) -> list[Session]:
        ctx = info.context
        return [Session.of(s, ctx.acting.session_id) for s in await auth.sessions(ctx)]

    @strawberry.field(
        description="The account's history of movements, newest first.", extensions=needs(Permission.SECURITY)
    )
    async def activity(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ActivityConnection:
        return ActivityConnection.of(await auth.activity_page(info.context, first, after, last, before))


@strawberry.type
class Query:
    @strawberry.field(
        description="Strength of a candidate password, for a meter; context words (names, email) count against it."
    )
    async def password_strength(
        self,
        info: strawberry.Info[Context, None],
        password: str,
        context: list[str] | None = None,
        invitation_token: Annotated[
            str | None,
            strawberry.argument(
                description=(
                    "The token of a contact's invitation link or of the holder's welcome link: that person's "
                    "names, email and client number then count against the password, as when the link is used. "
                    "An unknown, used or expired token changes nothing (the same answer as without one)."
                )
            ),
        ] = None,
    ) -> PasswordStrength:
        ctx = info.context
        verdict = await auth.password_strength(ctx, password, context, invitation_token)
        return PasswordStrength.of(verdict, ctx.language)

    @strawberry.field(description="The password policy: no composition rules, a minimum length and strength.")
    def password_policy(self) -> PasswordPolicy:
        return PasswordPolicy(min_length=MIN_LENGTH, max_length=MAX_LENGTH, min_score=MIN_SCORE)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def sign_in(self, info: strawberry.Info[Context, None], input: SignInInput) -> SignInPayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await sign_in.sign_in(ctx, input.login, input.password, input.client_number)
        return SignInPayload(
            viewer=Viewer() if outcome.ok else None,
            errors=payload_errors(ctx, outcome),
            accounts=account_choices(outcome),
            challenge=sign_in_challenge(outcome),
        )

    @strawberry.mutation(description="Complete a sign-in that answered SECOND_FACTOR_REQUIRED.")
    async def sign_in_second_step(
        self, info: strawberry.Info[Context, None], input: SignInSecondStepInput
    ) -> SignInSecondStepPayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await sign_in.sign_in_second_step(
            ctx, input.challenge, input.code, input.recovery_code, input.passkey
        )
        return SignInSecondStepPayload(viewer=Viewer() if outcome.ok else None, errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Confirm the current password: protected changes are then allowed for a few minutes.",
        extensions=needs(during_password_change=True),
    )
    async def reauthenticate(
        self, info: strawberry.Info[Context, None], input: ReauthenticateInput
    ) -> ReauthenticatePayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await auth.reauthenticate(ctx, input.password, input.code, input.recovery_code, input.passkey)
        return ReauthenticatePayload(
            viewer=Viewer() if outcome.ok else None, valid_until=outcome.value, errors=payload_errors(ctx, outcome)
        )

    @strawberry.mutation(extensions=needs(during_password_change=True))
    async def sign_out(self, info: strawberry.Info[Context, None]) -> SignOutPayload:
        await auth.sign_out(info.context)
        return SignOutPayload(errors=[])

    @strawberry.mutation(extensions=needs())
    async def session_revoke(
        self, info: strawberry.Info[Context, None], input: SessionRevokeInput
    ) -> SessionRevokePayload:
        ctx = info.context
        return SessionRevokePayload(errors=payload_errors(ctx, await auth.revoke_session(ctx, input.session_id)))

    @strawberry.mutation(extensions=needs(during_password_change=True))
    async def password_change(
        self, info: strawberry.Info[Context, None], input: PasswordChangeInput
    ) -> PasswordChangePayload:
        ctx = info.context
        outcome = await auth.change_password(ctx, input.current_password, input.new_password)
        return PasswordChangePayload(errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Set the signed-in person's language (holder or contact); recorded in the activity history.",
        extensions=needs(during_password_change=True),
    )
    async def viewer_language_set(
        self, info: strawberry.Info[Context, None], input: ViewerLanguageSetInput
    ) -> ViewerLanguageSetPayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await auth.set_language(ctx, input.language)
        return ViewerLanguageSetPayload(
            viewer=Viewer() if outcome.ok else None, language=outcome.value, errors=payload_errors(ctx, outcome)
        )

    @strawberry.mutation(extensions=needs(Permission.SECURITY, holder_only="Only the holder sets the security PIN."))
    async def security_pin_set(
        self, info: strawberry.Info[Context, None], input: SecurityPinSetInput
    ) -> SecurityPinSetPayload:
        ctx = info.context
        outcome = await auth.set_security_pin(ctx, input.current_password, input.pin)
        may_read_holder = Permission.PROFILE in ctx.acting.permissions
        holder = await holder_of(ctx) if outcome.ok and may_read_holder else None
        return SecurityPinSetPayload(holder=holder, errors=payload_errors(ctx, outcome))
