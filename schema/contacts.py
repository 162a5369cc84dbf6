"""Contacts (sub-accounts, seed 004 5.1): third persons with access and chosen emails."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from core.i18n import translate
from core.ids import to_global_id
from core.pagination import Page
from core.passwords import MAX_LENGTH, MIN_LENGTH
from domain import contacts
from models.enums import EmailCategory as EmailCategoryEnum
from models.enums import Permission as PermissionEnum
from schema.common import (
    EmailCategory,
    Language,
    Node,
    PageInfo,
    Permission,
    UserError,
    UserErrorCode,
    connection_fields,
    user_error,
)
from schema.holder import PostalAddress, PostalAddressInput, problem_errors

if TYPE_CHECKING:
    from schema.account import Viewer


@strawberry.type
class Contact(Node):
    model: strawberry.Private[models.Contact]
    id: strawberry.ID
    first_name: str
    last_name: str
    company_name: str | None
    email: str = strawberry.field(description="Also the contact's sign-in name.")
    phone: str | None
    address: PostalAddress | None
    active: bool = strawberry.field(description="An inactive contact cannot sign in and receives no email.")
    permissions: list[Permission]
    email_categories: list[EmailCategory]
    language: Language
    invitation_pending: bool
    last_sign_in_at: datetime | None
    version: int
    created_at: datetime

    @classmethod
    def of(cls, contact: models.Contact) -> Contact:
        return cls(
            model=contact,
            id=strawberry.ID(to_global_id("Contact", contact.id)),
            first_name=contact.first_name,
            last_name=contact.last_name,
            company_name=contact.company_name,
            email=contact.email,
            phone=contact.phone,
            address=PostalAddress.of(contact),
            active=contact.active,
            permissions=[p for p in PermissionEnum if p.value in contact.permissions],
            email_categories=[c for c in EmailCategoryEnum if c.value in contact.email_categories],
            language=contact.language,
            invitation_pending=contact.password_hash is None,
            last_sign_in_at=contact.last_sign_in_at,
            version=contact.version,
            created_at=contact.created_at,
        )


@strawberry.type
class ContactEdge:
    cursor: str
    node: Contact


@strawberry.type
class ContactConnection:
    edges: list[ContactEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Contact]) -> ContactConnection:
        return cls(**connection_fields(page, ContactEdge, Contact.of))


@strawberry.input
class ContactCreateInput:
    first_name: str
    last_name: str
    company_name: str | None = None
    email: str
    phone: str | None = None
    address: PostalAddressInput | None = None
    active: bool = True
    permissions: list[Permission] = strawberry.field(default_factory=list)
    email_categories: list[EmailCategory] = strawberry.field(default_factory=list)
    language: Language | None = None


@strawberry.input(description="Only the fields given are changed.")
class ContactUpdateInput:
    id: strawberry.ID
    expected_version: int
    first_name: str | None = strawberry.UNSET
    last_name: str | None = strawberry.UNSET
    company_name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    address: PostalAddressInput | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET
    permissions: list[Permission] | None = strawberry.UNSET
    email_categories: list[EmailCategory] | None = strawberry.UNSET
    language: Language | None = strawberry.UNSET


@strawberry.input
class ContactDeleteInput:
    id: strawberry.ID


@strawberry.input
class ContactInvitationResendInput:
    id: strawberry.ID


@strawberry.input
class ContactInvitationAcceptInput:
    token: str
    password: str


@strawberry.type
class ContactCreatePayload:
    contact: Contact | None
    errors: list[UserError]


@strawberry.type
class ContactUpdatePayload:
    contact: Contact | None
    errors: list[UserError]


@strawberry.type
class ContactDeletePayload:
    deleted_contact_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class ContactInvitationResendPayload:
    contact: Contact | None
    errors: list[UserError]


@strawberry.type
class ContactInvitationAcceptPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]


def _given(value: object) -> object:
    return contacts.UNCHANGED if value is strawberry.UNSET else value


def _errors(ctx: Context, result: contacts.Result) -> list[UserError]:
    errors = problem_errors(ctx, result.problems)
    for code, path, values in result.errors:
        if code == "PASSWORD_TOO_WEAK":
            message = translate(values["key"], ctx.language, min=MIN_LENGTH, max=MAX_LENGTH)
            errors.append(
                UserError(
                    field=path, code=UserErrorCode.PASSWORD_TOO_WEAK, message=f"{message} {values['hints']}".strip()
                )
            )
        else:
            errors.append(user_error(ctx, UserErrorCode(code), path, table=contacts.MESSAGES, **values))
    return errors


def _fields(input: ContactCreateInput | ContactUpdateInput) -> contacts.ContactFields:
    return contacts.ContactFields(
        **{
            name: _given(getattr(input, name))
            for name in (
                "first_name",
                "last_name",
                "company_name",
                "email",
                "phone",
                "address",
                "active",
                "permissions",
                "email_categories",
                "language",
            )
        }
    )


@strawberry.type
class AccountFields:
    """Account fields of the contacts domain."""

    @strawberry.field(description="Contacts (sub-accounts) with access to this account.")
    async def contacts(
        self,
        info: strawberry.Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> ContactConnection:
        return ContactConnection.of(await contacts.contacts_page(info.context, first, after, last, before))


@strawberry.type
class Query:
    """Contact queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a contact; an active one is emailed a link to choose a password.")
    async def contact_create(
        self, info: strawberry.Info[Context, None], input: ContactCreateInput
    ) -> ContactCreatePayload:
        ctx = info.context
        result = await contacts.create(ctx, _fields(input))
        return ContactCreatePayload(
            contact=Contact.of(result.contact) if result.contact else None, errors=_errors(ctx, result)
        )

    @strawberry.mutation
    async def contact_update(
        self, info: strawberry.Info[Context, None], input: ContactUpdateInput
    ) -> ContactUpdatePayload:
        ctx = info.context
        result = await contacts.update(ctx, input.id, input.expected_version, _fields(input))
        return ContactUpdatePayload(
            contact=Contact.of(result.contact) if result.contact else None, errors=_errors(ctx, result)
        )

    @strawberry.mutation
    async def contact_delete(
        self, info: strawberry.Info[Context, None], input: ContactDeleteInput
    ) -> ContactDeletePayload:
        ctx = info.context
        result = await contacts.delete(ctx, input.id)
        deleted = input.id if result.contact is not None else None
        return ContactDeletePayload(deleted_contact_id=deleted, errors=_errors(ctx, result))

    @strawberry.mutation(description="Email a new invitation link; the previous one stops working.")
    async def contact_invitation_resend(
        self, info: strawberry.Info[Context, None], input: ContactInvitationResendInput
    ) -> ContactInvitationResendPayload:
        ctx = info.context
        result = await contacts.resend_invitation(ctx, input.id)
        return ContactInvitationResendPayload(
            contact=Contact.of(result.contact) if result.contact else None, errors=_errors(ctx, result)
        )

    @strawberry.mutation(description="An invited contact chooses a password and is signed in.")
    async def contact_invitation_accept(
        self, info: strawberry.Info[Context, None], input: ContactInvitationAcceptInput
    ) -> ContactInvitationAcceptPayload:
        from schema.account import Viewer

        ctx = info.context
        result = await contacts.accept_invitation(ctx, input.token, input.password)
        return ContactInvitationAcceptPayload(viewer=Viewer() if result.contact else None, errors=_errors(ctx, result))
