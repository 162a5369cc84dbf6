"""Resending the welcome link: billing or support, when the holder lost or let the first one expire."""

from __future__ import annotations

from datetime import datetime

import strawberry

from core.staff_context import StaffContext
from domain import welcome
from models.enums import StaffScope
from schema.staff.common import staff_errors
from schema.staff.scopes import scoped

# The domain's enum, exposed as it is under its GraphQL name (strawberry.enum registers the class itself).
strawberry.enum(welcome.WelcomeError, name="WelcomeErrorCode")


@strawberry.type(name="WelcomeError")
class WelcomeFailure:
    field: list[str] | None
    code: welcome.WelcomeError
    message: str


@strawberry.input(description="The account, by the billing system's reference or by client number (exactly one).")
class WelcomeResendInput:
    external_id: str | None = None
    client_number: str | None = None


@strawberry.type(description="Where the new link went.")
class WelcomeLink:
    client_number: str
    external_id: str | None
    expires_at: datetime = strawberry.field(description="When the new link stops working (7 days).")


@strawberry.type
class WelcomeResendPayload:
    welcome: WelcomeLink | None
    errors: list[WelcomeFailure]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Email the holder a new welcome link (the previous one stops working); refused with "
        "INVALID_STATE once the holder has chosen a password, RATE_LIMITED past 5 a day per account.",
        extensions=scoped(StaffScope.ACCOUNTS),
    )
    async def welcome_resend(
        self, info: strawberry.Info[StaffContext, None], input: WelcomeResendInput
    ) -> WelcomeResendPayload:
        ctx = info.context
        outcome = await welcome.resend(
            ctx.runtime, ctx.actor, external_id=input.external_id, client_number=input.client_number
        )
        account = outcome.value
        link = None
        if account is not None and account.welcome_expires_at is not None:
            link = WelcomeLink(
                client_number=account.client_number,
                external_id=account.external_id,
                expires_at=account.welcome_expires_at,
            )
        return WelcomeResendPayload(
            welcome=link, errors=staff_errors(ctx, outcome, WelcomeFailure, welcome.WelcomeError)
        )
