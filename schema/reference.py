"""The API reference (docs/reference.md), rendered from the exported schema's own descriptions.

    .venv/bin/python -m schema.reference > docs/reference.md

Root operations first, then every type by kind and name: fields with their arguments, input fields,
enum values, each with its description and deprecation. tests/test_docs_examples.py fails when the
file differs from what this renders from schema.graphql.
"""

from __future__ import annotations

import sys

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    print_ast,
)
from graphql.pyutils import Undefined
from graphql.utilities import ast_from_value

from settings import PROJECT_DIR

SCHEMA_FILE = PROJECT_DIR / "schema.graphql"
BUILT_IN = {"String", "Int", "Float", "Boolean"}
HEADER = """# API reference

Every operation, type, field, argument, input field and enum value of the API, with the schema's own
descriptions. Generated from `schema.graphql` (`.venv/bin/python -m schema.reference > docs/reference.md`);
a test fails when this file is out of date. Guides: [partners](partners.md), [frontend](frontend.md);
what each field needs: [permissions](permissions.md); what each error code means: [errors](errors.md).

Conventions: ids are opaque global ids (`node(id:)`); `DateTime` is ISO 8601 in UTC with offset,
`Date` is `YYYY-MM-DD`; in update inputs an omitted field is kept and `null` clears it.
"""
SECTIONS: list[tuple[str, type[GraphQLNamedType]]] = [
    ("Objects", GraphQLObjectType),
    ("Interfaces", GraphQLInterfaceType),
    ("Unions", GraphQLUnionType),
    ("Inputs", GraphQLInputObjectType),
    ("Enums", GraphQLEnumType),
    ("Scalars", GraphQLScalarType),
]


def _text(description: str | None) -> str:
    """A description on one line (Markdown list items cannot hold blank lines)."""
    return " ".join((description or "").split())


def _deprecation(reason: str | None) -> str:
    return f" **Deprecated:** {_text(reason)}" if reason is not None else ""


def _default(value: GraphQLArgument | GraphQLInputField) -> str:
    if value.default_value is Undefined:
        return ""
    node = ast_from_value(value.default_value, value.type)
    return f" = {print_ast(node)}" if node is not None else ""


def _argument(name: str, argument: GraphQLArgument | GraphQLInputField) -> str:
    return f"{name}: {argument.type}{_default(argument)}"


def _field(name: str, field: GraphQLField) -> list[str]:
    arguments = ", ".join(_argument(arg_name, arg) for arg_name, arg in field.args.items())
    signature = f"{name}({arguments})" if arguments else name
    line = f"- `{signature}: {field.type}`"
    described = _text(field.description) + _deprecation(field.deprecation_reason)
    lines = [f"{line}: {described.strip()}" if described.strip() else line]
    lines += [
        f"  - `{arg_name}`: {_text(arg.description)}{_deprecation(arg.deprecation_reason)}".rstrip()
        for arg_name, arg in field.args.items()
        if arg.description or arg.deprecation_reason
    ]
    return lines


def _members(kind: GraphQLNamedType) -> list[str]:
    """The lines under a type's heading: its fields, input fields, values or members."""
    if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
        return [line for name, field in kind.fields.items() for line in _field(name, field)]
    if isinstance(kind, GraphQLInputObjectType):
        lines = []
        for name, value in kind.fields.items():
            described = (_text(value.description) + _deprecation(value.deprecation_reason)).strip()
            line = f"- `{_argument(name, value)}`"
            lines.append(f"{line}: {described}" if described else line)
        return lines
    if isinstance(kind, GraphQLEnumType):
        lines = []
        for name, enum_value in kind.values.items():
            described = (_text(enum_value.description) + _deprecation(enum_value.deprecation_reason)).strip()
            lines.append(f"- `{name}`: {described}" if described else f"- `{name}`")
        return lines
    if isinstance(kind, GraphQLUnionType):
        return [f"- `{member.name}`" for member in kind.types]
    return []


def _type(kind: GraphQLNamedType) -> list[str]:
    heading = f"### {kind.name}"
    if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType) and kind.interfaces:
        heading += " (implements " + ", ".join(f"`{i.name}`" for i in kind.interfaces) + ")"
    lines = ["", heading, ""]
    if kind.description:
        lines += [_text(kind.description), ""]
    return lines + _members(kind)


def _roots(schema: GraphQLSchema) -> list[GraphQLObjectType]:
    return [root for root in (schema.query_type, schema.mutation_type, schema.subscription_type) if root]


def render(sdl: str) -> str:
    """docs/reference.md for the schema in `sdl`."""
    schema = build_schema(sdl)
    roots = _roots(schema)
    lines = [HEADER.rstrip("\n"), "", "## Operations"]
    for root in roots:
        lines += _type(root)
    named = [kind for name, kind in sorted(schema.type_map.items()) if not name.startswith("__")]
    for title, cls in SECTIONS:
        members = [kind for kind in named if isinstance(kind, cls) and kind not in roots and kind.name not in BUILT_IN]
        if members:
            lines += ["", f"## {title}"]
            for kind in members:
                lines += _type(kind)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render(SCHEMA_FILE.read_text()))
