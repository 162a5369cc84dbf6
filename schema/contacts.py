"""Contacts (sub-accounts, seed 004 5.1): third persons with access and chosen emails."""

from __future__ import annotations

from datetime import datetime

import strawberry

import models
from core.ids import to_global_id
from models.enums import EmailCategory as EmailCategoryEnum
from models.enums import Permission as PermissionEnum
from schema.common import EmailCategory, Language, Node, Permission
from schema.holder import PostalAddress


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
class AccountFields:
    """Account fields of the contacts domain."""


@strawberry.type
class Query:
    """Contact queries."""


@strawberry.type
class Mutation:
    """Contact mutations."""
