"""What the models' own column definitions say, read once where a limit must match the database."""

from __future__ import annotations

from tortoise.fields import CharField
from tortoise.models import Model


def column_length(model: type[Model], field: str) -> int:
    """A text column's max_length: longer values cannot exist (and the ORM refuses to filter on them)."""
    column = model._meta.fields_map[field]
    if not isinstance(column, CharField):
        raise TypeError(f"{model.__name__}.{field} is not a text column")
    return column.max_length
