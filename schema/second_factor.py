"""Two-step verification (issue 23): each signed-in person enrols their own authenticator app (TOTP)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from core.context import Context
from domain import second_factor
from schema.common import UserError, payload_errors
from schema.passkeys import PasskeyType
from schema.permissions import needs

if TYPE_CHECKING:
    from schema.account import Viewer


@strawberry.type(description="The signed-in person's authenticator app.")
class TotpStatus:
    enabled: bool = strawberry.field(description="True once a correct code confirmed it: signing in takes two steps.")
    created_at: datetime | None = strawberry.field(description="When it was confirmed; null when off.")


@strawberry.type(description="The signed-in person's own second factors (the holder's, or a contact's).")
class SecondFactor:
    totp: TotpStatus
    recovery_codes_left: int = strawberry.field(description="Unused recovery codes (each works once).")
    recovery_codes_used: list[datetime] = strawberry.field(
        description="When each used recovery code of the current set was used, oldest first."
    )
    passkeys: list[PasskeyType] = strawberry.field(description="The person's passkeys, oldest first.")

    @classmethod
    def of(cls, status: second_factor.Status) -> SecondFactor:
        return cls(
            totp=TotpStatus(enabled=status.totp_enabled_at is not None, created_at=status.totp_enabled_at),
            recovery_codes_left=status.recovery_codes_left,
            recovery_codes_used=status.recovery_codes_used,
            passkeys=[PasskeyType.of(p) for p in status.passkeys],
        )


async def second_factor_of(ctx: Context) -> SecondFactor | None:
    """The session's person's factors; null for an API token (it has none)."""
    principal = ctx.acting
    if principal.session_id is None:
        return None
    return SecondFactor.of(await second_factor.status(second_factor.Person.of(principal)))


@strawberry.type(description="What to put in an authenticator app: shown once, never sent by email.")
class TotpEnrolment:
    secret: str = strawberry.field(description="The seed in base32, to type when the QR code cannot be scanned.")
    uri: str = strawberry.field(description="The otpauth:// URI (issuer: the provider; label: the login).")
    qr_code_svg: str = strawberry.field(description="The URI as a QR code, an inline SVG element made by the server.")


@strawberry.type
class SecondFactorTotpStartPayload:
    enrolment: TotpEnrolment | None
    errors: list[UserError]


@strawberry.input(description="A code the authenticator app shows for the secret of secondFactorTotpStart.")
class SecondFactorTotpConfirmInput:
    code: str = strawberry.field(description="6 digits.")


@strawberry.type
class SecondFactorTotpConfirmPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    recovery_codes: list[str] | None = strawberry.field(
        description="10 single-use recovery codes, shown only now: the person keeps them somewhere safe."
    )
    errors: list[UserError]


@strawberry.type
class SecondFactorRecoveryCodesRegeneratePayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    recovery_codes: list[str] | None = strawberry.field(
        description="The new codes, shown only now; the previous ones no longer work."
    )
    errors: list[UserError]


@strawberry.type
class SecondFactorTotpDisablePayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Start enrolling an authenticator app (needs step-up): a new secret, pending until confirmed.",
        extensions=needs(during_enrolment=True),
    )
    async def second_factor_totp_start(self, info: strawberry.Info[Context, None]) -> SecondFactorTotpStartPayload:
        ctx = info.context
        outcome = await second_factor.start_totp(ctx)
        found = outcome.value
        enrolment = TotpEnrolment(secret=found.secret, uri=found.uri, qr_code_svg=found.qr_svg) if found else None
        return SecondFactorTotpStartPayload(enrolment=enrolment, errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Turn two-step sign-in on with a correct code: recovery codes are returned once, and the "
        "person's other sessions end.",
        extensions=needs(during_enrolment=True),
    )
    async def second_factor_totp_confirm(
        self, info: strawberry.Info[Context, None], input: SecondFactorTotpConfirmInput
    ) -> SecondFactorTotpConfirmPayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await second_factor.confirm_totp(ctx, input.code)
        return SecondFactorTotpConfirmPayload(
            viewer=Viewer() if outcome.ok else None, recovery_codes=outcome.value, errors=payload_errors(ctx, outcome)
        )

    @strawberry.mutation(
        description="Replace the recovery codes (needs step-up, which then included a code).", extensions=needs()
    )
    async def second_factor_recovery_codes_regenerate(
        self, info: strawberry.Info[Context, None]
    ) -> SecondFactorRecoveryCodesRegeneratePayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await second_factor.regenerate_recovery_codes(ctx)
        return SecondFactorRecoveryCodesRegeneratePayload(
            viewer=Viewer() if outcome.ok else None, recovery_codes=outcome.value, errors=payload_errors(ctx, outcome)
        )

    @strawberry.mutation(
        description="Turn the authenticator app off (needs step-up, which then included a code or a recovery "
        "code); its recovery codes go with it.",
        extensions=needs(),
    )
    async def second_factor_totp_disable(self, info: strawberry.Info[Context, None]) -> SecondFactorTotpDisablePayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await second_factor.disable_totp(ctx)
        return SecondFactorTotpDisablePayload(
            viewer=Viewer() if outcome.ok else None, errors=payload_errors(ctx, outcome)
        )
