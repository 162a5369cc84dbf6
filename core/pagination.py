"""Relay cursor pagination over a Tortoise queryset, by id (keyset: stable while rows are added)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from core.errors import bad_input

MAX_PAGE = 100
DEFAULT_PAGE = 20
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
    total = await queryset.count()
    # "after" means later in the connection's order: greater ids ascending, smaller newest-first.
    later, earlier = ("id__lt", "id__gt") if newest_first else ("id__gt", "id__lt")
    window = queryset
    if after is not None:
        window = window.filter(**{later: decode_cursor(after)})
    if before is not None:
        window = window.filter(**{earlier: decode_cursor(before)})
    forward, backward = ("-id", "id") if newest_first else ("id", "-id")
    if last is not None:
        rows = list(await window.order_by(backward).limit(last + 1))
        has_previous = len(rows) > last
        items = list(reversed(rows[:last]))
        return Page(items, has_next_page=before is not None, has_previous_page=has_previous, total_count=total)
    size = DEFAULT_PAGE if first is None else first
    rows = list(await window.order_by(forward).limit(size + 1))
    return Page(rows[:size], has_next_page=len(rows) > size, has_previous_page=after is not None, total_count=total)
