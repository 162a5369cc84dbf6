"""Two-step verification for the whole account (issue 23): the holder's rule for contacts, the holder's reset of a
contact's factors, and the links of support's reset of the holder's own factors (domain/factor_reset)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from domain import factor_reset, factor_rule
from models.enums import Permission
from schema.common import UserError, payload_errors
from schema.permissions import needs

if TYPE_CHECKING:
    from schema.account import Viewer
    from schema.contacts import Contact

HOLDER_SETS_RULE = "Only the holder sets the account's two-step rule for contacts."
HOLDER_RESETS = "Only the holder resets a contact's two-step verification."


@strawberry.type(description="Support's reset of the holder's lost second factors, while it is under way.")
class SecondFactorReset:
    requested_at: datetime = strawberry.field(description="When support checked the PIN and mailed the link.")
    confirmed_at: datetime | None = strawberry.field(
        description="When the link in the holder's email confirmed it; null while it awaits that confirmation."
    )
    effective_at: datetime | None = strawberry.field(
        description="When the factors will be removed (after FACTOR_RESET_WAIT_HOURS); null until confirmed."
    )

    @classmethod
    def of(cls, reset: models.FactorReset) -> SecondFactorReset:
        return cls(requested_at=reset.requested_at, confirmed_at=reset.confirmed_at, effective_at=reset.effective_at)


@strawberry.type
class AccountFields:
    """Account fields of the account-wide two-step verification."""

    model: strawberry.Private[models.Account]

    @strawberry.field(
        description="True when every contact must use two-step verification: a contact without a second factor "
        "can only enrol one after the password, and their API tokens are refused until then.",
        extensions=needs(during_password_change=True),
    )
    def contacts_need_second_factor(self) -> bool:
        return self.model.contacts_need_second_factor

    @strawberry.field(
        description="Support's reset of the holder's second factors under way (cancel it with "
        "accountSecondFactorResetCancel); null when none.",
        extensions=needs(Permission.SECURITY),
    )
    async def second_factor_reset(self, info: strawberry.Info[Context, None]) -> SecondFactorReset | None:
        found = await factor_reset.open_reset(self.model.id, info.context.runtime.clock.now())
        return SecondFactorReset.of(found) if found else None


@strawberry.type
class ContactFields:
    """Contact fields of the account-wide two-step verification."""

    model: strawberry.Private[models.Contact]

    @strawberry.field(description="Whether the contact has a second factor (an authenticator app or a passkey).")
    async def has_second_factor(self, info: strawberry.Info[Context, None]) -> bool:
        return await info.context.loaders.has_second_factor.load(self.model.id)


@strawberry.input(description="Whether every contact must sign in with a second factor (holder only, step-up).")
class AccountSecondFactorRuleSetInput:
    required: bool = strawberry.field(description="True: every contact must use two-step verification.")


@strawberry.type
class AccountSecondFactorRuleSetPayload:
    contacts_need_second_factor: bool | None = strawberry.field(description="The rule as it now stands.")
    errors: list[UserError]


@strawberry.input(description="The contact whose second factors the holder removes (step-up).")
class ContactSecondFactorResetInput:
    contact_id: strawberry.ID


@strawberry.type
class ContactSecondFactorResetPayload:
    contact: Annotated[Contact, strawberry.lazy("schema.contacts")] | None
    errors: list[UserError]


@strawberry.input(description="The token of a link in an email about resetting the holder's second factors.")
class SecondFactorResetLinkInput:
    token: str = strawberry.field(description="The token from the link in the email.")


@strawberry.type
class SecondFactorResetConfirmPayload:
    effective_at: datetime | None = strawberry.field(
        description="When the factors will be removed, unless someone cancels before."
    )
    errors: list[UserError]


@strawberry.type
class SecondFactorResetCancelPayload:
    errors: list[UserError]


@strawberry.type
class AccountSecondFactorResetCancelPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Require (or no longer require) two-step verification of every contact (holder only, needs "
        "step-up). Sessions stay open; live sockets of contacts without a factor close.",
        extensions=needs(holder_only=HOLDER_SETS_RULE),
    )
    async def account_second_factor_rule_set(
        self, info: strawberry.Info[Context, None], input: AccountSecondFactorRuleSetInput
    ) -> AccountSecondFactorRuleSetPayload:
        ctx = info.context
        outcome = await factor_rule.set_rule(ctx, input.required)
        return AccountSecondFactorRuleSetPayload(
            contacts_need_second_factor=outcome.value, errors=payload_errors(ctx, outcome)
        )

    @strawberry.mutation(
        description="Remove a contact's second factors and recovery codes when they lost them (holder only, needs "
        "step-up): the contact's sessions end and the contact is emailed.",
        extensions=needs(holder_only=HOLDER_RESETS),
    )
    async def contact_second_factor_reset(
        self, info: strawberry.Info[Context, None], input: ContactSecondFactorResetInput
    ) -> ContactSecondFactorResetPayload:
        from schema.contacts import Contact

        ctx = info.context
        outcome = await factor_rule.reset_contact(ctx, input.contact_id)
        contact = Contact.of(outcome.value) if outcome.value else None
        return ContactSecondFactorResetPayload(contact=contact, errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Confirm support's reset of the holder's second factors from the emailed link (no sign-in): "
        "the waiting period starts, and every address on file is told how to cancel."
    )
    async def second_factor_reset_confirm(
        self, info: strawberry.Info[Context, None], input: SecondFactorResetLinkInput
    ) -> SecondFactorResetConfirmPayload:
        ctx = info.context
        outcome = await factor_reset.confirm(ctx, input.token)
        return SecondFactorResetConfirmPayload(effective_at=outcome.value, errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Cancel a reset of the holder's second factors from the notice's link (no sign-in)."
    )
    async def second_factor_reset_cancel(
        self, info: strawberry.Info[Context, None], input: SecondFactorResetLinkInput
    ) -> SecondFactorResetCancelPayload:
        ctx = info.context
        outcome = await factor_reset.cancel_by_link(ctx, input.token)
        return SecondFactorResetCancelPayload(errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Cancel the reset of the holder's second factors under way, signed in.",
        extensions=needs(Permission.SECURITY),
    )
    async def account_second_factor_reset_cancel(
        self, info: strawberry.Info[Context, None]
    ) -> AccountSecondFactorResetCancelPayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await factor_reset.cancel_signed_in(ctx)
        return AccountSecondFactorResetCancelPayload(
            viewer=Viewer() if outcome.ok else None, errors=payload_errors(ctx, outcome)
        )
