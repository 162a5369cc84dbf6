"""The permission each field, mutation and node type needs, as a Markdown table (docs/permissions.md).

Generated from the declarations (schema/permissions, schema/nodes); tests/test_permission_matrix.py checks the
file is current and exercises each row.
"""

from __future__ import annotations

import strawberry
from strawberry.types.base import get_object_definition

from schema.nodes import NODE_TYPES
from schema.permissions import Declaration, declaration_of, declared

NODE_FIELDS = ("node", "nodes")  # each type as its own row says

HEADER = """# Permissions

What each field, mutation and `node(id)` type needs. Generated from the declarations in `schema/`
(`python -m schema.permission_table > docs/permissions.md`); a test fails when this file is out of date.

- **signed in**: any holder or contact session, or an API token; nothing else.
- A permission: the holder holds them all; a contact or an API token only those granted.
- **narrowed**: without the permission the field answers with less (e.g. only the mail sent to that
  contact), never with an error.
- Without what it needs, a field answers a top-level error (`UNAUTHENTICATED`, `FORBIDDEN`, or
  `PASSWORD_CHANGE_REQUIRED` while a temporary password waits to be replaced). On a non-null field the
  error nulls its parent up to the nullable `viewer`: ask only for what `viewer.permissions` allows.
- Fields not listed (on `Holder`, `Service`, `Contact`...) are reached only through a listed one.
- `node(id)` and `nodes(ids)`: each type as its `node(Type)` row says; a refused type's ids answer the
  error, a malformed or unknown id null.
- Public (no sign-in needed): {public}.

| Field | Needs | During a password change |
|---|---|---|
"""


def _row(name: str, declaration: Declaration) -> str:
    during = "yes" if declaration.during_password_change else "no"
    return f"| `{name}` | {declaration.summary} | {during} |"


def rows(schema: strawberry.Schema) -> dict[str, Declaration]:
    """Every declaration: fields as "Type.field", node types as "node(Type)"."""
    found = declared(schema)
    found.update({f"node({name})": node_type.declaration for name, node_type in NODE_TYPES.items()})
    return dict(sorted(found.items()))


def public(schema: strawberry.Schema) -> list[str]:
    """Root fields with no declaration: anyone may call them (each limits its own abuse)."""
    roots = [schema.query, schema.mutation, schema.subscription]
    names = [
        schema.config.name_converter.get_graphql_name(field)
        for root in roots
        if root is not None
        for field in get_object_definition(root, strict=True).fields
        if declaration_of(field) is None
    ]
    return sorted(name for name in names if name not in NODE_FIELDS)


def markdown(schema: strawberry.Schema) -> str:
    header = HEADER.replace("{public}", ", ".join(f"`{name}`" for name in public(schema)))
    return header + "\n".join(_row(name, declaration) for name, declaration in rows(schema).items()) + "\n"


if __name__ == "__main__":
    from schema import build_schema

    print(markdown(build_schema()), end="")
