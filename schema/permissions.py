"""What each field and mutation needs, declared where it is defined and enforced here, in one place.

`needs(Permission.X)` goes into a field's `extensions`; before the resolver runs, the caller must be
signed in, not held back by a pending password change (unless the field serves that change) or by a second
factor to enrol (unless the field is one of those basics or serves the enrolment), and hold the permission
(the holder holds them all). A refusal is a top-level UNAUTHENTICATED, FORBIDDEN, PASSWORD_CHANGE_REQUIRED or
SECOND_FACTOR_ENROLMENT_REQUIRED error: on a non-null field it nulls the parent up to the nullable `viewer`
(graphql's null propagation), so fields that some callers may not read are declared `narrowed=True`
and resolved to what the caller may see (an empty page, a null) instead of refusing.

`declared(schema)` lists every declaration: the permission matrix test and docs/permissions.md are
generated from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import StrawberryObjectDefinition

from core.context import Context, Principal
from core.errors import forbidden
from models.enums import Permission


class Needs(BasePermission):
    """Enforces a declaration; the refusal is the context's own ApiError, raised as is."""

    def __init__(self, declaration: Declaration) -> None:
        self.declaration = declaration

    def has_permission(self, source: Any, info: strawberry.Info[Context, None], **kwargs: Any) -> bool:
        self.declaration.enforce(info.context)
        return True


@dataclass(frozen=True, slots=True)
class Declaration:
    """Signed in, plus `permission` if any. `narrowed`: without the permission the resolver shows less
    instead of refusing. `during_password_change`: usable before a temporary password is replaced (the
    basics: the viewer, signing out, step-up), and so also before a required second factor is enrolled.
    `during_enrolment`: serves that enrolment. `holder_only`: refused to contacts (and their tokens) whatever
    they hold, with that message."""

    permission: Permission | None = None
    narrowed: bool = False
    during_password_change: bool = False
    holder_only: str | None = None  # refused to contacts, with this message
    during_enrolment: bool = False

    def enforce(self, ctx: Context) -> Principal:
        """The acting principal, or the refusal (UNAUTHENTICATED, PASSWORD_CHANGE_REQUIRED,
        SECOND_FACTOR_ENROLMENT_REQUIRED, FORBIDDEN)."""
        required = None if self.narrowed else self.permission
        principal = ctx.require(
            required,
            allow_password_change=self.during_password_change,
            allow_enrolment=self.during_password_change or self.during_enrolment,
        )
        if self.holder_only and not principal.is_holder:
            raise forbidden(self.holder_only)
        return principal

    @property
    def summary(self) -> str:
        needed = self.permission.value if self.permission else "signed in"
        if self.narrowed:
            needed += " (without it: narrowed, not refused)"
        if self.holder_only:
            needed += ", holder only"
        return needed


def needs(
    permission: Permission | None = None,
    *,
    narrowed: bool = False,
    during_password_change: bool = False,
    holder_only: str | None = None,
    during_enrolment: bool = False,
) -> list[FieldExtension]:
    """The extension that declares and enforces what a field needs."""
    declaration = Declaration(permission, narrowed, during_password_change, holder_only, during_enrolment)
    return [PermissionExtension(permissions=[Needs(declaration)], use_directives=False)]


def declaration_of(field: Any) -> Declaration | None:
    for extension in getattr(field, "extensions", None) or ():
        if isinstance(extension, PermissionExtension):
            for permission in extension.permissions:
                if isinstance(permission, Needs):
                    return permission.declaration
    return None


def declared(schema: strawberry.Schema) -> dict[str, Declaration]:
    """Every declared field as "Type.fieldName" (GraphQL names) -> its declaration."""
    found: dict[str, Declaration] = {}
    for type_name, graphql_type in sorted(schema._schema.type_map.items()):
        definition = getattr(graphql_type, "extensions", {}).get("strawberry-definition")
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            declaration = declaration_of(field)
            if declaration is not None:
                found[f"{type_name}.{schema.config.name_converter.get_graphql_name(field)}"] = declaration
    return found
