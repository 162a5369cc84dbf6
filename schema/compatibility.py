"""Schema versioning: the exported schema against the last release's, so partners' queries keep working.

Policy (docs/versioning.md): the contract's fields are permanent; a field or enum value added beyond it may be
deprecated with `@deprecated(reason: "... Removal after YYYY-MM-DD.")` and removed only once a release has
shipped it deprecated and that date has passed. Every other breaking change fails CI
(`python -m schema.compatibility`); dangerous changes (e.g. a new enum value) are listed, not refused.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
)
from graphql.utilities import BreakingChangeType, find_breaking_changes, find_dangerous_changes

from settings import PROJECT_DIR

RELEASES_DIR = PROJECT_DIR / "releases"
REMOVAL = re.compile(r"Removal after (\d{4}-\d{2}-\d{2})\.")
REMOVED_MEMBER = re.compile(r"^(?:Field|Enum value) (\w+)\.(\w+) was removed\.$")


@dataclass(frozen=True, slots=True)
class Report:
    breaking: list[str]
    dangerous: list[str]
    allowed_removals: list[str]


def removal_date(schema: GraphQLSchema, type_name: str, member: str) -> date | None:
    """The announced removal date of a deprecated field or enum value, None when it was not deprecated so."""
    graphql_type = schema.type_map.get(type_name)
    reason: str | None = None
    if isinstance(graphql_type, GraphQLEnumType) and member in graphql_type.values:
        reason = graphql_type.values[member].deprecation_reason
    elif isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        field = graphql_type.fields.get(member)
        reason = field.deprecation_reason if field is not None else None
    found = REMOVAL.search(reason or "")
    return date.fromisoformat(found.group(1)) if found else None


def _removed_member(description: str) -> tuple[str, str] | None:
    """(type, field or value) of a removal graphql-core describes, e.g. "Field Account.name was removed."."""
    found = REMOVED_MEMBER.match(description)
    return (found.group(1), found.group(2)) if found else None


def compare(released_sdl: str, current_sdl: str, today: date) -> Report:
    released, current = build_schema(released_sdl), build_schema(current_sdl)
    breaking, allowed = [], []
    removable = {BreakingChangeType.FIELD_REMOVED, BreakingChangeType.VALUE_REMOVED_FROM_ENUM}
    for change in find_breaking_changes(released, current):
        member = _removed_member(change.description) if change.type in removable else None
        due = removal_date(released, *member) if member else None
        if due is not None and due <= today:
            allowed.append(change.description)
        else:
            breaking.append(change.description)
    dangerous = [change.description for change in find_dangerous_changes(released, current)]
    return Report(breaking, dangerous, allowed)


def undated_deprecations(sdl: str) -> list[str]:
    """Deprecations whose reason does not announce a removal date (the policy asks for one)."""
    schema = build_schema(sdl)
    missing = []
    for name, graphql_type in schema.type_map.items():
        if isinstance(graphql_type, GraphQLEnumType):
            members = {value: item.deprecation_reason for value, item in graphql_type.values.items()}
        elif isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            members = {field: item.deprecation_reason for field, item in graphql_type.fields.items()}
        else:
            continue
        missing += [f"{name}.{member}" for member, reason in members.items() if reason and not REMOVAL.search(reason)]
    return missing


def last_release(directory: Path = RELEASES_DIR) -> Path:
    """The newest released schema, releases/<version>.graphql (versions compared numerically)."""
    releases = sorted(directory.glob("*.graphql"), key=lambda path: tuple(int(p) for p in path.stem.split(".")))
    return releases[-1]


def main() -> int:
    released = last_release()
    current = (PROJECT_DIR / "schema.graphql").read_text(encoding="utf-8")
    report = compare(released.read_text(encoding="utf-8"), current, date.today())
    problems = report.breaking + [
        f"{name}: deprecated without 'Removal after YYYY-MM-DD.'" for name in undated_deprecations(current)
    ]
    for line in report.allowed_removals:
        print(f"removed after its announced date: {line}")
    for line in report.dangerous:
        print(f"dangerous (check clients): {line}")
    for line in problems:
        print(f"BREAKING against {released.name}: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
