"""What the models' own column definitions say, read once where a limit must match the database."""

from __future__ import annotations

from typing import TypeVar

from tortoise.fields import CharField
from tortoise.models import Model

M = TypeVar("M", bound=Model)


def column_length(model: type[Model], field: str) -> int:
    """A text column's max_length: longer values cannot exist (and the ORM refuses to filter on them)."""
    column = model._meta.fields_map[field]
    if not isinstance(column, CharField):
        raise TypeError(f"{model.__name__}.{field} is not a text column")
    return column.max_length


async def find_by(model: type[M], field: str, value: str, **also: object) -> M | None:
    """The row whose text column `field` is `value` (stripped), or None: a caller's reference (an externalId, a
    client number) longer than the column matches nothing, instead of the ORM's refusal to filter on it."""
    value = value.strip()
    if len(value) > column_length(model, field):
        return None
    return await model.filter(**{field: value}, **also).first()
