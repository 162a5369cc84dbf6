"""Every staff operation against every scope: refused (FORBIDDEN, nothing written) with a key holding every scope
but the one it declares, never refused for lacking a scope with a key holding only that one.

The documents are built from the schema itself (each required argument filled with a placeholder of its type), so
a new operation is in the matrix the moment it exists, and one that forgets to declare a scope fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from tortoise import Tortoise

from models.enums import StaffScope
from schema.staff import staff_schema
from schema.staff.scopes import declared_scopes

UNSCOPED = {"Query.staffKey"}  # any live key may ask who it is
PLACEHOLDERS = {"String": "x", "ID": "1", "Int": 1, "Float": 1.0, "Boolean": False, "Date": "2026-01-01"}
PLACEHOLDERS |= {"DateTime": "2026-01-01T00:00:00+00:00", "Decimal": "1.00", "JSON": {}}


def placeholder(kind: GraphQLInputType) -> Any:
    """A value of `kind` that passes GraphQL's coercion (required parts only)."""
    if isinstance(kind, GraphQLNonNull):
        return placeholder(kind.of_type)
    if isinstance(kind, GraphQLList):
        return []
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        fields = kind.fields.items()
        strawberry_definition = (kind.extensions or {}).get("strawberry-definition")
        if getattr(kind, "is_one_of", False) or getattr(strawberry_definition, "is_one_of", False):
            name, first = next(iter(fields))
            return {name: placeholder(first.type)}
        return {name: placeholder(f.type) for name, f in fields if isinstance(f.type, GraphQLNonNull)}
    assert isinstance(kind, GraphQLScalarType)
    return PLACEHOLDERS[kind.name]


def document(
    root: str, name: str, field: GraphQLField, fill: Callable[[GraphQLInputType], Any], every_argument: bool = False
) -> tuple[str, dict[str, Any]]:
    """The operation calling `name` with its required arguments (or all of them), each filled by `fill`."""
    arguments = {arg: a for arg, a in field.args.items() if every_argument or isinstance(a.type, GraphQLNonNull)}
    declared = ", ".join(f"${arg}: {a.type}" for arg, a in arguments.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in arguments)
    selection = " { __typename }" if isinstance(get_named_type(field.type), GraphQLObjectType) else ""
    operation = "mutation" if root == "Mutation" else "query"
    text = f"{operation}{f'({declared})' if declared else ''} {{ {name}{f'({passed})' if passed else ''}{selection} }}"
    return text, {arg: fill(a.type) for arg, a in arguments.items()}


def operations(fill: Callable[[GraphQLInputType], Any] = placeholder, every_argument: bool = False) -> list[Any]:
    """(Type.field, document, variables) of every staff operation."""
    found = []
    for root in ("Query", "Mutation"):
        kind = staff_schema._schema.get_type(root)
        if not isinstance(kind, GraphQLObjectType):
            continue
        for name, field in kind.fields.items():
            found.append((f"{root}.{name}", *document(root, name, field, fill, every_argument)))
    return found


SCOPES = declared_scopes(staff_schema)


def test_every_staff_operation_declares_its_scope() -> None:
    undeclared = [name for name, _, _ in operations() if name not in SCOPES and name not in UNSCOPED]
    assert undeclared == []


async def row_counts() -> dict[str, int]:
    counted = {}
    for model in Tortoise.apps["models"].values():
        if model._meta.db_table not in ("aerich", "staff_audit", "staff_key"):
            counted[model._meta.db_table] = await model.all().count()
    return counted


def codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or ()]


@pytest.mark.parametrize(("name", "text", "variables"), operations(), ids=[op[0] for op in operations()])
async def test_a_key_without_the_scope_is_refused_and_one_with_it_is_not(staff, name, text, variables) -> None:
    if name in UNSCOPED:
        pytest.skip("needs no scope")
    needed = SCOPES[name]
    weaker = await staff(*(scope for scope in StaffScope if scope is not needed), name="weaker")
    before = await row_counts()
    refused = await weaker(text, variables)
    assert codes(refused) == ["FORBIDDEN"], refused
    assert refused["data"] is None or refused["data"].get(name.split(".")[1]) is None
    assert await row_counts() == before
    allowed = await (await staff(needed, name="scoped"))(text, variables)
    assert "FORBIDDEN" not in codes(allowed), allowed


OVERSIZED = "x" * 5000


def everything(kind: GraphQLInputType) -> Any:
    """A value of `kind` with every input field filled (optional ones too) and every text 5,000 characters."""
    if isinstance(kind, GraphQLNonNull):
        return everything(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [everything(kind.of_type)]
    if isinstance(kind, GraphQLInputObjectType):
        definition = (kind.extensions or {}).get("strawberry-definition")
        fields = list(kind.fields.items())
        if getattr(definition, "is_one_of", False):
            fields = fields[:1]
        return {name: everything(f.type) for name, f in fields}
    if isinstance(kind, GraphQLScalarType) and kind.name in ("String", "ID"):
        return OVERSIZED
    return placeholder(kind)


@pytest.mark.parametrize(
    ("name", "text", "variables"), operations(everything, every_argument=True), ids=[op[0] for op in operations()]
)
async def test_oversized_text_in_every_argument_is_the_callers_mistake_never_a_crash(
    staff, name, text, variables
) -> None:
    answer = await (await staff())(text, variables)
    assert "INTERNAL_SERVER_ERROR" not in codes(answer), answer
