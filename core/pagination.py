"""Relay cursor pagination over a Tortoise queryset, by id (keyset: stable while rows are added)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.expressions import Subquery
from tortoise.functions import Count
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.errors import bad_input

MAX_PAGE = 100
DEFAULT_PAGE = 20
# The attribute the connection's size arrives in, on each row of a page.
CONNECTION_SIZE = "connection_total"
M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    items: list[M]
    has_next_page: bool
    has_previous_page: bool
    total_count: int

    @property
    def cursors(self) -> list[str]:
        return [encode_cursor(item.pk) for item in self.items]


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(f"c:{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("c:"):
            return int(raw[2:])
    except ValueError:
        pass
    raise bad_input(f"Invalid cursor: {cursor!r}.")


async def paginate(
    queryset: QuerySet[M],
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    newest_first: bool = False,
) -> Page[M]:
    """One page in the connection's order (ascending ids, or descending with newest_first)."""
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE:
            raise bad_input(f"`{name}` must be between 0 and {MAX_PAGE}.")
    if first is not None and last is not None:
        raise bad_input("Pass `first` or `last`, not both.")
    # "after" means later in the connection's order: greater ids ascending, smaller newest-first.
    later, earlier = ("id__lt", "id__gt") if newest_first else ("id__gt", "id__lt")
    window = queryset
    if after is not None:
        window = window.filter(**{later: decode_cursor(after)})
    if before is not None:
        window = window.filter(**{earlier: decode_cursor(before)})
    forward, backward = ("-id", "id") if newest_first else ("id", "-id")
    size = last if last is not None else DEFAULT_PAGE if first is None else first
    rows = await counted(window, queryset).order_by(backward if last is not None else forward).limit(size + 1)
    total = await total_count(queryset, rows, cursorless=after is None and before is None)
    if last is not None:
        items = list(reversed(rows[:last]))
        return Page(items, has_next_page=before is not None, has_previous_page=len(rows) > last, total_count=total)
    return Page(rows[:size], has_next_page=len(rows) > size, has_previous_page=after is not None, total_count=total)


def counted(window: QuerySet[M], connection: QuerySet[M]) -> QuerySet[M]:
    """The page's rows each carry the connection's size, counted by a scalar subquery in the same statement (an
    index count, computed once; a window function would read every row of the connection, bodies and all)."""
    size = connection.annotate(connection_size=Count("id")).values("connection_size")
    return window.annotate(**{CONNECTION_SIZE: Subquery(size)})


async def total_count(connection: QuerySet[M], rows: list[M], *, cursorless: bool) -> int:
    """From the rows; an empty page past a cursor counts on its own (without a cursor, empty means none)."""
    if rows:
        return int(getattr(rows[0], CONNECTION_SIZE))
    return 0 if cursorless else await connection.count()
