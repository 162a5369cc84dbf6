"""Contacts (sub-accounts, seed 004 5.1): third persons with access and chosen emails."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from core.outcome import Outcome
from core.pagination import Page
from domain import contacts
from models.enums import EmailCategory as EmailCategoryEnum
from models.enums import Permission as PermissionEnum
from models.enums import members_in
from schema import factor_rule
from schema.common import (
    EmailCategory,
    Language,
    Node,
    PageInfo,
    Permission,
    UserError,
    connection_fields,
    payload_errors,
)
from schema.descriptions import (
    CLEARS,
    EXPECTED_VERSION,
    GLOBAL_ID,
    NULL_IS_NO_CHANGE,
    NULL_REFUSED_REQUIRED,
    PARTIAL_UPDATE,
    VERSION,
    After,
    Before,
    First,
    Last,
)
from schema.holder import EMAIL_DELIVERABLE, PostalAddress, PostalAddressInput
from schema.permissions import needs

if TYPE_CHECKING:
    from schema.account import Viewer


@strawberry.type
class Contact(Node, factor_rule.ContactFields):
    model: strawberry.Private[models.Contact]
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID)
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
    version: int = strawberry.field(description=VERSION)
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
            permissions=members_in(PermissionEnum, contact.permissions),
            email_categories=members_in(EmailCategoryEnum, contact.email_categories),
            language=contact.language,
            invitation_pending=contact.password_hash is None,
            last_sign_in_at=contact.last_sign_in_at,
            version=contact.version,
            created_at=contact.created_at,
        )

    @strawberry.field(description=EMAIL_DELIVERABLE)
    async def email_deliverable(self, info: strawberry.Info[Context, None]) -> bool:
        return await info.context.loaders.email_refused_at.load(self.model.email) is None


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


@strawberry.input(
    description="Add a contact. An active one is emailed an invitation link (7 days) to choose a password; "
    "granting permissions needs step-up."
)
class ContactCreateInput:
    first_name: str
    last_name: str
    company_name: str | None = None
    email: str = strawberry.field(description="Also the contact's sign-in name; unique within the account.")
    phone: str | None = None
    address: PostalAddressInput | None = None
    active: bool = strawberry.field(default=True, description="False: created without an invitation.")
    permissions: list[Permission] = strawberry.field(
        default_factory=list, description="Only permissions the caller holds can be granted."
    )
    email_categories: list[EmailCategory] = strawberry.field(
        default_factory=list, description="The categories of account email this contact receives."
    )
    language: Language | None = strawberry.field(
        default=None, description="The language of the contact's emails; null: Spanish."
    )


@strawberry.input(
    description=f"Change a contact. {PARTIAL_UPDATE} Acting on a contact needs every permission it holds, before "
    "and after; a new email or granted permissions need step-up."
)
class ContactUpdateInput:
    id: strawberry.ID = strawberry.field(description="The contact's global id.")
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)
    first_name: strawberry.Maybe[str | None] = strawberry.field(description=NULL_REFUSED_REQUIRED)
    last_name: strawberry.Maybe[str | None] = strawberry.field(description=NULL_REFUSED_REQUIRED)
    company_name: strawberry.Maybe[str | None] = strawberry.field(description=CLEARS)
    email: strawberry.Maybe[str | None] = strawberry.field(
        description="Omit to keep; null is refused (INVALID). Someone else's new address invites the contact again "
        "there; one's own changes when the link sent to it is followed."
    )
    phone: strawberry.Maybe[str | None] = strawberry.field(description=CLEARS)
    address: strawberry.Maybe[PostalAddressInput | None] = strawberry.field(
        description=f"{CLEARS} A value replaces the whole address."
    )
    active: strawberry.Maybe[bool | None] = strawberry.field(
        description=f"{NULL_IS_NO_CHANGE} False ends the contact's sessions and mail; true invites it again if it "
        "never chose a password."
    )
    permissions: strawberry.Maybe[list[Permission] | None] = strawberry.field(
        description=f"{NULL_IS_NO_CHANGE} A list replaces them all ([] removes every permission)."
    )
    email_categories: strawberry.Maybe[list[EmailCategory] | None] = strawberry.field(
        description=f"{NULL_IS_NO_CHANGE} A list replaces them all ([] subscribes to none)."
    )
    language: strawberry.Maybe[Language | None] = strawberry.field(
        description=f"{NULL_IS_NO_CHANGE} The language of the contact's emails."
    )


@strawberry.input(description="Delete a contact: its sessions end at once.")
class ContactDeleteInput:
    id: strawberry.ID = strawberry.field(description="The contact's global id.")


@strawberry.input(
    description="Send a new invitation link to an active contact that has not chosen a password; the old link stops "
    "working."
)
class ContactInvitationResendInput:
    id: strawberry.ID = strawberry.field(description="The contact's global id.")


@strawberry.input(description="The invited contact chooses a password and is signed in (no session needed).")
class ContactInvitationAcceptInput:
    token: str = strawberry.field(description="The token from the invitation link.")
    password: str = strawberry.field(description="The new password (the same rules as passwordChange).")


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


CHANGEABLE = (
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


def _created(input: ContactCreateInput) -> contacts.ContactChanges[PostalAddressInput]:
    """A new contact: every field is given (what the input leaves out is its default)."""
    return contacts.ContactChanges(**{name: strawberry.Some(getattr(input, name)) for name in CHANGEABLE})


def _changed(input: ContactUpdateInput) -> contacts.ContactChanges[PostalAddressInput]:
    return contacts.ContactChanges(**{name: getattr(input, name) for name in CHANGEABLE})


def _contact(outcome: Outcome[models.Contact]) -> Contact | None:
    return Contact.of(outcome.value) if outcome.value else None


@strawberry.type
class AccountFields:
    """Account fields of the contacts domain."""

    @strawberry.field(
        description="Contacts (sub-accounts) with access to this account.", extensions=needs(Permission.CONTACTS)
    )
    async def contacts(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> ContactConnection:
        return ContactConnection.of(await contacts.contacts_page(info.context, first, after, last, before))


@strawberry.type
class Query:
    """Contact queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Add a contact; an active one is emailed a link to choose a password.",
        extensions=needs(Permission.CONTACTS),
    )
    async def contact_create(
        self, info: strawberry.Info[Context, None], input: ContactCreateInput
    ) -> ContactCreatePayload:
        outcome = await contacts.create(info.context, _created(input))
        return ContactCreatePayload(contact=_contact(outcome), errors=payload_errors(info.context, outcome))

    @strawberry.mutation(extensions=needs(Permission.CONTACTS))
    async def contact_update(
        self, info: strawberry.Info[Context, None], input: ContactUpdateInput
    ) -> ContactUpdatePayload:
        outcome = await contacts.update(info.context, input.id, input.expected_version, _changed(input))
        return ContactUpdatePayload(contact=_contact(outcome), errors=payload_errors(info.context, outcome))

    @strawberry.mutation(extensions=needs(Permission.CONTACTS))
    async def contact_delete(
        self, info: strawberry.Info[Context, None], input: ContactDeleteInput
    ) -> ContactDeletePayload:
        outcome = await contacts.delete(info.context, input.id)
        deleted = input.id if outcome.ok else None
        return ContactDeletePayload(deleted_contact_id=deleted, errors=payload_errors(info.context, outcome))

    @strawberry.mutation(
        description="Email a new invitation link; the previous one stops working.",
        extensions=needs(Permission.CONTACTS),
    )
    async def contact_invitation_resend(
        self, info: strawberry.Info[Context, None], input: ContactInvitationResendInput
    ) -> ContactInvitationResendPayload:
        outcome = await contacts.resend_invitation(info.context, input.id)
        return ContactInvitationResendPayload(contact=_contact(outcome), errors=payload_errors(info.context, outcome))

    @strawberry.mutation(description="An invited contact chooses a password and is signed in.")
    async def contact_invitation_accept(
        self, info: strawberry.Info[Context, None], input: ContactInvitationAcceptInput
    ) -> ContactInvitationAcceptPayload:
        from schema.account import Viewer

        outcome = await contacts.accept_invitation(info.context, input.token, input.password)
        viewer = Viewer() if outcome.ok else None
        return ContactInvitationAcceptPayload(viewer=viewer, errors=payload_errors(info.context, outcome))
