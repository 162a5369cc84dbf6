"""The holder's personal data (seed 000 "Datos del titular", seed 004 "Editar detalles de la cuenta")."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from core import validation
from core.context import Context
from domain import email_changes
from domain import holder as holder_domain
from domain.holder import HolderChanges
from models import enums
from models.address import AddressColumns
from schema.common import (
    NOT_LOADED,
    Language,
    NotLoaded,
    PayloadWarning,
    Permission,
    UserError,
    loaded_or,
    only_reads,
    payload_errors,
    payload_warnings,
)
from schema.descriptions import CLEARS, EXPECTED_VERSION, NULL_IS_NO_CHANGE, PARTIAL_UPDATE, VERSION
from schema.permissions import needs

EMAIL_DELIVERABLE = (
    "False once the receiving server refused mail to `email` for good (a dead or mistyped mailbox): notices are "
    "not reaching it. True again as soon as a message to it is accepted; a new address starts true."
)

# The models' enums, exposed as they are (strawberry.enum registers the class itself and returns it).
HolderKind = enums.HolderKind
NationalIdType = enums.NationalIdType
strawberry.enum(HolderKind)
strawberry.enum(NationalIdType)


@strawberry.type
class PostalAddress:
    street: str
    neighborhood: str | None = strawberry.field(description="Colonia, barrio or neighbourhood.")
    city: str
    state: str | None
    postal_code: str
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2.")

    @classmethod
    def of(cls, row: AddressColumns) -> PostalAddress | None:
        """The address stored on a holder or contact row, or None when it has none."""
        if not (row.street and row.city and row.postal_code and row.country_code):
            return None
        return cls(
            street=row.street,
            neighborhood=row.neighborhood,
            city=row.city,
            state=row.state,
            postal_code=row.postal_code,
            country_code=row.country_code,
        )


@strawberry.input(
    description="A whole postal address: it replaces the stored one (there is no partial update of an address)."
)
class PostalAddressInput:
    street: str
    neighborhood: str | None = strawberry.field(default=None, description="Colonia, barrio or neighbourhood.")
    city: str
    state: str | None = None
    postal_code: str = strawberry.field(description="Checked for the country, e.g. C1043AAZ (AR), 06000 (MX).")
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. AR or MX.")


@strawberry.type
class NationalId:
    type: NationalIdType
    value: str = strawberry.field(description="Normalised value, digits and letters only.")
    formatted: str = strawberry.field(description="Value in its country's usual print form, e.g. 20-12345678-6.")

    @classmethod
    def of(cls, kind: enums.NationalIdType | None, value: str | None) -> NationalId | None:
        if kind is None or not value:
            return None
        kind = enums.NationalIdType(kind)
        return cls(type=kind, value=value, formatted=validation.formatted_national_id(kind, value))


@strawberry.type(
    description="The account holder (titular). Identity fields are read-only here: changing them is a change of "
    "ownership, a separate process."
)
class Holder:
    model: strawberry.Private[models.Holder]
    kind: HolderKind
    first_name: str
    last_name: str
    company_name: str | None
    national_id: NationalId | None
    tax_id: NationalId | None
    email: str = strawberry.field(description="Primary email: where notices, codes and recovery links go.")
    phone: str | None = strawberry.field(description="E.164, e.g. +5491123456789.")
    address: PostalAddress | None
    language: Language
    version: int = strawberry.field(description=VERSION)
    updated_at: datetime
    pin_set: strawberry.Private[bool | NotLoaded] = NOT_LOADED

    @classmethod
    def of(cls, holder: models.Holder, pin_set: bool | NotLoaded = NOT_LOADED) -> Holder:
        """`pin_set`: whether the account has a security PIN, when its row was at hand."""
        return cls(
            pin_set=pin_set,
            model=holder,
            kind=holder.kind,
            first_name=holder.first_name,
            last_name=holder.last_name,
            company_name=holder.company_name,
            national_id=NationalId.of(holder.national_id_type, holder.national_id),
            tax_id=NationalId.of(holder.tax_id_type, holder.tax_id),
            email=holder.email,
            phone=holder.phone,
            address=PostalAddress.of(holder),
            language=holder.language,
            version=holder.version,
            updated_at=holder.updated_at,
        )

    @strawberry.field(
        description="True when the primary email is at a domain hosted on one of this account's own services "
        "(it would stop working with them)."
    )
    async def email_at_own_domain(self) -> bool:
        return await holder_domain.email_at_own_domain(self.model.account_id, self.model.email)

    @strawberry.field
    def has_security_pin(self) -> bool:
        return loaded_or(self.pin_set, lambda: holder_domain.has_security_pin(self.model.account_id))

    @strawberry.field(
        description="A new primary email waiting for its owner to follow the link sent to it; until then `email` "
        "keeps receiving everything."
    )
    async def pending_email(self, info: strawberry.Info[Context, None]) -> str | None:
        return await email_changes.pending_email(self.model.account_id, None, info.context)

    @strawberry.field(description=EMAIL_DELIVERABLE)
    async def email_deliverable(self, info: strawberry.Info[Context, None]) -> bool:
        return await info.context.loaders.email_refused_at.load(self.model.email) is None

    @strawberry.field(
        description="When the receiving server last refused mail to `email`, while it is undeliverable (see "
        "emailDeliverable); null when it is deliverable."
    )
    async def email_refused_at(self, info: strawberry.Info[Context, None]) -> datetime | None:
        return await info.context.loaders.email_refused_at.load(self.model.email)


async def holder_of(ctx: Context) -> Holder:
    return Holder.of(await holder_domain.get_holder(ctx))


@strawberry.input(
    description=f"Change the holder's contact data. {PARTIAL_UPDATE} Identity fields (names, national and tax ids) "
    "are not here. `email` (holder only, after step-up) is not changed at once: a link goes to the new address and "
    "the change happens when it is followed (see Holder.pendingEmail)."
)
class HolderUpdateInput:
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)
    company_name: strawberry.Maybe[str | None] = strawberry.field(description=CLEARS)
    email: strawberry.Maybe[str | None] = strawberry.field(
        description="Omit to keep; the primary email cannot be removed, so null is refused (INVALID)."
    )
    phone: strawberry.Maybe[str | None] = strawberry.field(
        description=f"{CLEARS} Read in the address's country (AR when none), stored as E.164."
    )
    address: strawberry.Maybe[PostalAddressInput | None] = strawberry.field(
        description=f"{CLEARS} A value replaces the whole address."
    )
    language: strawberry.Maybe[Language | None] = strawberry.field(
        description=f"{NULL_IS_NO_CHANGE} The language of the holder's emails (API messages follow the request's "
        "Accept-Language first)."
    )


@strawberry.type
class HolderUpdatePayload:
    holder: Holder | None
    errors: list[UserError]
    warnings: list[PayloadWarning] = strawberry.field(description="Advice about a change that succeeded.")


@strawberry.type
class AccountFields:
    """Account fields of the holder domain."""

    @strawberry.field(extensions=needs(Permission.PROFILE))
    async def holder(self, info: strawberry.Info[Context, None]) -> Holder:
        ctx, reuse = info.context, only_reads(info)
        holder = await ctx.loaders.holder(ctx.acting.account_id, reuse=reuse)
        account = ctx.loaders.authenticated_account(ctx.acting.account_id) if reuse else None
        return Holder.of(holder, account.pin_hash is not None if account else NOT_LOADED)


@strawberry.type
class Query:
    """Holder queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=needs(Permission.PROFILE))
    async def holder_update(
        self, info: strawberry.Info[Context, None], input: HolderUpdateInput
    ) -> HolderUpdatePayload:
        ctx = info.context
        changes = HolderChanges(
            expected_version=input.expected_version,
            company_name=input.company_name,
            email=input.email,
            phone=input.phone,
            address=input.address,
            language=input.language,
        )
        outcome = await holder_domain.update_holder(ctx, changes)
        return HolderUpdatePayload(
            holder=Holder.of(outcome.value) if outcome.value else None,
            errors=payload_errors(ctx, outcome),
            warnings=payload_warnings(ctx, outcome),
        )
