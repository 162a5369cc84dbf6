"""The scope each staff operation needs, declared where it is defined (`scoped(StaffScope.X)`) and enforced here.

`declared_scopes(schema)` lists every declaration: the staff scope matrix test walks it, so an operation
without a declared scope fails the suite.
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import StrawberryObjectDefinition

from core.staff_context import StaffContext
from models.enums import StaffScope


class Scoped(BasePermission):
    """Refuses, with FORBIDDEN, a key that lacks the scope."""

    def __init__(self, scope: StaffScope) -> None:
        self.scope = scope

    def has_permission(self, source: Any, info: strawberry.Info[StaffContext, None], **kwargs: Any) -> bool:
        info.context.require(self.scope)
        return True


def scoped(scope: StaffScope) -> list[FieldExtension]:
    return [PermissionExtension(permissions=[Scoped(scope)], use_directives=False)]


def declared_scopes(schema: strawberry.Schema) -> dict[str, StaffScope]:
    """Every scoped field as "Type.fieldName" -> its scope."""
    found: dict[str, StaffScope] = {}
    for type_name, graphql_type in sorted(schema._schema.type_map.items()):
        definition = getattr(graphql_type, "extensions", {}).get("strawberry-definition")
        if not isinstance(definition, StrawberryObjectDefinition):
            continue
        for field in definition.fields:
            for extension in getattr(field, "extensions", None) or ():
                if isinstance(extension, PermissionExtension):
                    for permission in extension.permissions:
                        if isinstance(permission, Scoped):
                            name = schema.config.name_converter.get_graphql_name(field)
                            found[f"{type_name}.{name}"] = permission.scope
    return found
