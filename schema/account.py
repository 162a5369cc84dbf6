"""Account and Viewer: the root of everything a signed-in person sees.

Each domain adds its own Account fields through a mixin (`AccountFields` in its module).
"""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from domain import auth as auth_domain
from models.enums import members_in
from schema import api_tokens, auth, contacts, factor_rule, holder, mail, services
from schema.common import Language, Node, Permission, only_reads
from schema.permissions import needs
from schema.second_factor import SecondFactor, second_factor_of


@strawberry.type(name="Account")
class Account(
    Node,
    auth.AccountFields,
    holder.AccountFields,
    services.AccountFields,
    contacts.AccountFields,
    mail.AccountFields,
    api_tokens.AccountFields,
    factor_rule.AccountFields,
):
    model: strawberry.Private[models.Account]
    id: strawberry.ID
    client_number: str = strawberry.field(description='The number the holder signs in with, e.g. "9000".')
    created_at: datetime

    @classmethod
    def of(cls, account: models.Account) -> Account:
        return cls(
            model=account,
            id=strawberry.ID(to_global_id("Account", account.id)),
            client_number=account.client_number,
            created_at=account.created_at,
        )


@strawberry.type(description="Who is signed in: the account holder, or one of the account's contacts.")
class Viewer:
    @strawberry.field(extensions=needs(during_password_change=True))
    async def account(self, info: strawberry.Info[Context, None]) -> Account:
        principal = info.context.acting
        return Account.of(await info.context.loaders.account(principal.account_id, reuse=only_reads(info)))

    @strawberry.field(description="Null when the holder is signed in.", extensions=needs(during_password_change=True))
    async def contact(self, info: strawberry.Info[Context, None]) -> contacts.Contact | None:
        principal = info.context.acting
        if principal.contact_id is None:
            return None
        return contacts.Contact.of(await models.Contact.get(id=principal.contact_id))

    @strawberry.field(extensions=needs(during_password_change=True))
    def permissions(self, info: strawberry.Info[Context, None]) -> list[Permission]:
        granted = info.context.acting.permissions
        return members_in(Permission, granted)

    @strawberry.field(
        description=(
            "The signed-in person's stored language (the holder's or the contact's), whatever they may read: "
            "emails follow it; change it with viewerLanguageSet."
        ),
        extensions=needs(during_password_change=True),
    )
    def language(self, info: strawberry.Info[Context, None]) -> Language:
        return info.context.acting.language

    @strawberry.field(
        description="True after access recovery: the temporary password must be replaced before anything else.",
        extensions=needs(during_password_change=True),
    )
    def must_change_password(self, info: strawberry.Info[Context, None]) -> bool:
        return info.context.acting.must_change_password

    @strawberry.field(
        description=(
            "True for a contact without a second factor while the holder requires one for contacts: only enrolling "
            "(secondFactorTotpStart, then secondFactorTotpConfirm), the viewer and signing out answer until then "
            "(SECOND_FACTOR_ENROLMENT_REQUIRED)."
        ),
        extensions=needs(during_password_change=True),
    )
    def must_enrol_second_factor(self, info: strawberry.Info[Context, None]) -> bool:
        return info.context.acting.must_enrol_second_factor

    @strawberry.field(
        description=(
            "When the signed-in person (the holder or the contact) last set their password: a change, access "
            "recovery or an accepted invitation. Null before the first one, and for an API token."
        ),
        extensions=needs(during_password_change=True),
    )
    async def password_changed_at(self, info: strawberry.Info[Context, None]) -> datetime | None:
        return await auth_domain.password_changed_at(info.context.acting)

    @strawberry.field(
        description="The signed-in person's own two-step verification; null for an API token.",
        extensions=needs(during_password_change=True),
    )
    async def second_factor(self, info: strawberry.Info[Context, None]) -> SecondFactor | None:
        return await second_factor_of(info.context)

    @strawberry.field(
        description="Null when the request is authenticated by an API token rather than a session.",
        extensions=needs(during_password_change=True),
    )
    async def session(self, info: strawberry.Info[Context, None]) -> auth.Session | None:
        principal = info.context.acting
        if principal.session_id is None:
            return None
        session = await info.context.loaders.session(principal.session_id, reuse=only_reads(info))
        return auth.Session.of(session, current_id=principal.session_id)


def viewer_of(ctx: Context) -> Viewer | None:
    return Viewer() if ctx.principal is not None else None
