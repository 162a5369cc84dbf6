"""Changing the address that receives one's secrets: a link to the new address, then the change."""

from __future__ import annotations

import strawberry

from core.context import Context
from domain import email_changes
from schema.common import UserError, payload_errors
from schema.permissions import needs


@strawberry.input(description="Ask to change one's own email (needs step-up); it changes when the link is followed.")
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


@strawberry.input(description="Follow the link sent to the new address (no session needed: the link is the proof).")
class EmailChangeConfirmInput:
    token: str = strawberry.field(description="The token from the link sent to the new address.")


@strawberry.type
class EmailChangeConfirmPayload:
    confirmed: bool
    errors: list[UserError]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Change the signed-in person's own email (the holder's is the primary email). Needs a recent "
        "sign-in (STEP_UP_REQUIRED: call reauthenticate). Nothing changes until the link sent to the new address "
        "is followed; the old address is told at once and keeps receiving everything until then.",
        extensions=needs(),
    )
    async def email_change_request(
        self, info: strawberry.Info[Context, None], input: EmailChangeRequestInput
    ) -> EmailChangeRequestPayload:
        outcome = await email_changes.request(info.context, input.email)
        return EmailChangeRequestPayload(pending_email=outcome.value, errors=payload_errors(info.context, outcome))

    @strawberry.mutation(
        description="Withdraw the signed-in person's pending email change: its link stops working. Changing the "
        "password, recovering access or revoking the requesting session withdraws it too.",
        extensions=needs(),
    )
    async def email_change_cancel(self, info: strawberry.Info[Context, None]) -> EmailChangeCancelPayload:
        await email_changes.cancel(info.context)
        return EmailChangeCancelPayload(pending_email=None, errors=[])

    @strawberry.mutation(description="Follow the link sent to a new address: the change takes effect.")
    async def email_change_confirm(
        self, info: strawberry.Info[Context, None], input: EmailChangeConfirmInput
    ) -> EmailChangeConfirmPayload:
        outcome = await email_changes.confirm(info.context, input.token)
        return EmailChangeConfirmPayload(confirmed=outcome.ok, errors=payload_errors(info.context, outcome))
