"""Relay cursor pagination over a Tortoise queryset, by id (keyset: stable while rows are added)."""

from __future__ import annotations

import base64
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.expressions import RawSQL, Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.errors import bad_input
from core.ids import urlsafe_unpadded
from core.prepared import PreparedSelect, Value

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


@functools.lru_cache(maxsize=8192)
def encode_cursor(pk: int) -> str:
    return urlsafe_unpadded(f"c:{pk}")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw.startswith("c:"):
            return int(raw[2:])
    except ValueError:
        pass
    raise bad_input(f"Invalid cursor: {cursor!r}.")


class Listing(Generic[M]):
    """A connection's rows as a function of values (texts and integers, e.g. the account's id), so that the SQL of
    its pages is built once per shape (core/prepared) instead of on every request."""

    def __init__(self, model: type[M], build: Callable[[list[Any]], QuerySet[M]]) -> None:
        self.model, self.build = model, build
        self._pages: dict[tuple[bool, bool, bool, bool], PreparedSelect[M]] = {}

    def of(self, *values: Value) -> Bound[M]:
        return Bound(self, values)

    def pages(self, after: bool, before: bool, backward: bool, newest_first: bool) -> PreparedSelect[M]:
        """The page query with or without each cursor, in either direction; its values: the listing's, then the
        cursors given, then the number of rows."""
        key = (after, before, backward, newest_first)
        if key not in self._pages:
            extra = int(after) + int(before) + 1

            def page(values: list[Any]) -> QuerySet[M]:
                base, (*cursors, size) = values[:-extra], values[-extra:]
                connection = self.build(base)
                rows = within(connection, *_cursors(after, before, cursors), newest_first)
                return counted(rows, connection).order_by(_order(backward, newest_first)).limit(size)

            self._pages[key] = PreparedSelect(self.model, page)
        return self._pages[key]


@dataclass(frozen=True, slots=True)
class Bound(Generic[M]):
    """A listing with its values: one account's connection."""

    listing: Listing[M]
    values: Sequence[Value]

    def queryset(self) -> QuerySet[M]:
        return self.listing.build(list(self.values))


async def paginate(
    connection: QuerySet[M] | Bound[M],
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
    after_id = decode_cursor(after) if after is not None else None
    before_id = decode_cursor(before) if before is not None else None
    size = last if last is not None else DEFAULT_PAGE if first is None else first
    backward = last is not None
    if isinstance(connection, Bound):
        cursors = [cursor for cursor in (after_id, before_id) if cursor is not None]
        pages = connection.listing.pages(after_id is not None, before_id is not None, backward, newest_first)
        rows = await pages.fetch([*connection.values, *cursors, size + 1])
    else:
        window = within(connection, after_id, before_id, newest_first)
        rows = await counted(window, connection).order_by(_order(backward, newest_first)).limit(size + 1)
    if rows:
        total = int(getattr(rows[0], CONNECTION_SIZE))
    elif after is None and before is None:
        total = 0
    else:  # an empty page past a cursor counts on its own
        total = await (connection.queryset() if isinstance(connection, Bound) else connection).count()
    if last is not None:
        items = list(reversed(rows[:last]))
        return Page(items, has_next_page=before is not None, has_previous_page=len(rows) > last, total_count=total)
    return Page(rows[:size], has_next_page=len(rows) > size, has_previous_page=after is not None, total_count=total)


def _cursors(after: bool, before: bool, cursors: list[Any]) -> tuple[Any, Any]:
    given = iter(cursors)
    return (next(given) if after else None), (next(given) if before else None)


def within(connection: QuerySet[M], after_id: Any, before_id: Any, newest_first: bool) -> QuerySet[M]:
    """The rows after and before the cursors' ids: "after" means later in the connection's order (greater ids
    ascending, smaller newest-first)."""
    later, earlier = ("id__lt", "id__gt") if newest_first else ("id__gt", "id__lt")
    if after_id is not None:
        connection = connection.filter(**{later: after_id})
    if before_id is not None:
        connection = connection.filter(**{earlier: before_id})
    return connection


def _order(backward: bool, newest_first: bool) -> str:
    forward, reverse = ("-id", "id") if newest_first else ("id", "-id")
    return reverse if backward else forward


def counted(window: QuerySet[M], connection: QuerySet[M]) -> QuerySet[M]:
    """The page's rows each carry the connection's size, counted by a scalar subquery in the same statement (an
    index count, computed once; a window function would read every row of the connection, bodies and all). COUNT(*),
    not COUNT(id): PostgreSQL reads every row for the latter, a 31 MB mail archive at the soak's ten minutes."""
    size = connection.annotate(connection_size=RawSQL("COUNT(*)")).values("connection_size")
    return window.annotate(**{CONNECTION_SIZE: Subquery(size)})
