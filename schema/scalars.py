"""Scalars the schema reads more strictly than strawberry's defaults, under the same names.

`DateTime` input must carry a UTC offset: a naive value would be compared with the aware clock and
stored columns (a TypeError, so an unexpected error). It is refused as bad input instead, whatever
input or argument it arrives in. The SDL does not change: same name, same description, and output is
serialized as before (ISO 8601, with its offset).
"""

from __future__ import annotations

from datetime import UTC, datetime

from strawberry.schema.types.base_scalars import DateTimeDefinition, wrap_parser
from strawberry.types.scalar import ScalarDefinition

EXPECTED = "Expected an ISO 8601 date and time with its UTC offset, e.g. 2026-03-10T15:00:00-03:00"
NAIVE = "Include a UTC offset, e.g. 2026-03-10T15:00:00-03:00 (or Z for UTC)"


def aware_datetime(value: str) -> datetime:
    """An ISO 8601 date and time with its UTC offset, in UTC; ValueError without an offset, or when it is no
    date at all."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(EXPECTED) from exc
    if parsed.utcoffset() is None:
        raise ValueError(NAIVE)
    try:
        return parsed.astimezone(UTC)  # an offset that leaves the calendar (0001-01-01T00:00+01:00) is refused here
    except OverflowError as exc:
        raise ValueError(EXPECTED) from exc


AWARE_DATETIME = ScalarDefinition(
    name=DateTimeDefinition.name,
    description=DateTimeDefinition.description,
    specified_by_url=DateTimeDefinition.specified_by_url,
    serialize=DateTimeDefinition.serialize,
    parse_value=wrap_parser(aware_datetime, "DateTime"),
    parse_literal=None,
    origin=datetime,
)
"""Registered for `datetime` in the schema's config: `StrawberryConfig(scalar_map=SCALARS)`."""

SCALARS: dict[object, ScalarDefinition] = {datetime: AWARE_DATETIME}
