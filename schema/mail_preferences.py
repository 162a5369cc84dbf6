"""The holder's choice of optional notices, and the promotions' unsubscribe link (no sign-in: the link is the proof)."""

from __future__ import annotations

import strawberry

from core.context import Context
from domain import mail_preferences
from models.enums import Permission
from schema.common import EmailCategory, UserError, payload_errors
from schema.permissions import needs

HOLDER_ONLY = "Only the holder chooses the holder's notices; contacts choose theirs in their own data."


@strawberry.type(description="Which optional notices reach the holder.")
class MailPreferences:
    muted_categories: list[EmailCategory] = strawberry.field(description="What the holder chose not to receive.")
    optional_categories: list[EmailCategory] = strawberry.field(
        description="What the holder may mute: promotions (NOTES). General, product (invoices, payment notes), "
        "domain (renewals) and support (ticket replies) notices, and security mail, always reach the holder."
    )


def _preferences(muted: list[EmailCategory]) -> MailPreferences:
    return MailPreferences(muted_categories=muted, optional_categories=mail_preferences.optional_categories())


@strawberry.input(description="The optional categories the holder does not want (the whole list: [] mutes none).")
class MailPreferencesSetInput:
    muted_categories: list[EmailCategory]


@strawberry.type
class MailPreferencesSetPayload:
    mail_preferences: MailPreferences | None
    errors: list[UserError]


@strawberry.input(description="The token of the link at the foot of a promotion.")
class MailUnsubscribeInput:
    token: str


@strawberry.type
class MailUnsubscribePayload:
    category: EmailCategory | None = strawberry.field(
        description="The category the link's address no longer receives (NOTES); null when refused."
    )
    errors: list[UserError]


@strawberry.type
class Query:
    @strawberry.field(
        description="The holder's notice preferences.", extensions=needs(Permission.MAIL, holder_only=HOLDER_ONLY)
    )
    async def mail_preferences(self, info: strawberry.Info[Context, None]) -> MailPreferences:
        return _preferences(await mail_preferences.muted_categories(info.context.acting.account_id))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Choose the optional notices the holder does not receive; muting any other category is refused "
        "(INVALID).",
        extensions=needs(Permission.MAIL, holder_only=HOLDER_ONLY),
    )
    async def mail_preferences_set(
        self, info: strawberry.Info[Context, None], input: MailPreferencesSetInput
    ) -> MailPreferencesSetPayload:
        outcome = await mail_preferences.set_muted(info.context, input.muted_categories)
        preferences = _preferences(outcome.value) if outcome.value is not None else None
        return MailPreferencesSetPayload(mail_preferences=preferences, errors=payload_errors(info.context, outcome))

    @strawberry.mutation(
        description="Follow a promotion's unsubscribe link: its address (the holder's or a contact's) stops "
        "receiving promotions. No sign-in; doing it again changes nothing. INVALID_CODE for a link that is not "
        "valid or whose address is no longer on file; failed attempts are limited per IP (RATE_LIMITED)."
    )
    async def mail_unsubscribe(
        self, info: strawberry.Info[Context, None], input: MailUnsubscribeInput
    ) -> MailUnsubscribePayload:
        ctx = info.context
        outcome = await mail_preferences.unsubscribe(ctx.runtime, input.token, ctx.ip_address)
        return MailUnsubscribePayload(category=outcome.value, errors=payload_errors(ctx, outcome))
