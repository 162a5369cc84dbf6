"""Changing the address that receives one's secrets: a link to the new address, then the change."""

from __future__ import annotations

import strawberry

from core.context import Context
from core.validation import FieldErrors, email
from domain import email_changes
from schema.common import UserError
from schema.holder import email_change_errors, problem_errors


@strawberry.input
class EmailChangeRequestInput:
    email: str = strawberry.field(description="The new address; it receives a link (24 hours, single use).")


@strawberry.type
class EmailChangeRequestPayload:
    pending_email: str | None = strawberry.field(description="The address waiting for its link to be followed.")
    errors: list[UserError]


@strawberry.type
class EmailChangeCancelPayload:
    pending_email: str | None
    errors: list[UserError]


@strawberry.input
class EmailChangeConfirmInput:
    token: str


@strawberry.type
class EmailChangeConfirmPayload:
    confirmed: bool
    errors: list[UserError]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change the signed-in person's own email (the holder's is the primary email). Needs a recent "
        "sign-in (STEP_UP_REQUIRED: call reauthenticate). Nothing changes until the link sent to the new address "
        "is followed; the old address is told at once and keeps receiving everything until then."
    )
    async def email_change_request(
        self, info: strawberry.Info[Context, None], input: EmailChangeRequestInput
    ) -> EmailChangeRequestPayload:
        ctx = info.context
        principal = ctx.require()
        errors = FieldErrors()
        address = errors.check(["input", "email"], email, input.email)
        if address is None:
            return EmailChangeRequestPayload(pending_email=None, errors=problem_errors(ctx, errors.problems))
        result = await email_changes.request_change(ctx, principal, address, ["input", "email"])
        return EmailChangeRequestPayload(pending_email=result.pending_email, errors=email_change_errors(ctx, result))

    @strawberry.mutation(
        description="Withdraw the signed-in person's pending email change: its link stops working. Changing the "
        "password, recovering access or revoking the requesting session withdraws it too."
    )
    async def email_change_cancel(self, info: strawberry.Info[Context, None]) -> EmailChangeCancelPayload:
        ctx = info.context
        await email_changes.cancel(ctx, ctx.require())
        return EmailChangeCancelPayload(pending_email=None, errors=[])

    @strawberry.mutation(description="Follow the link sent to a new address: the change takes effect.")
    async def email_change_confirm(
        self, info: strawberry.Info[Context, None], input: EmailChangeConfirmInput
    ) -> EmailChangeConfirmPayload:
        ctx = info.context
        result = await email_changes.confirm(ctx, input.token)
        return EmailChangeConfirmPayload(confirmed=not result.errors, errors=email_change_errors(ctx, result))
