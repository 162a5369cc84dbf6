"""SELECTs whose SQL text Tortoise builds once, run with fresh values.

Tortoise builds a query's SQL on every run, cloning the queryset at each step: for the joined lookup behind every
authenticated request (a session or an API token with its account, holder and contact) building took about 0.8 ms
and running it 0.05 ms, and a page of a connection costs about as much to build as to read. Here the queryset is built
once per database dialect and shape (the values' types and number, and what the caller says), with markers where
the values go, and its rows are turned into models by Tortoise's own executor as usual.

It reads Tortoise 1.1.9's query internals (`_make_query`, `_select_related_idx`, `_annotations`, the executor's
`execute_select`); tests/test_query_count.py, the pagination tests and every authentication test run through it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)
Value = int | str
# Shapes kept per select: past that (values of ever new lengths), the SQL is built each time rather than remembered.
MAX_SHAPES = 256
# Integer markers: within a 32-bit column's range (Tortoise validates filter values), and unlike any real value here.
_INT_MARKER = 2_147_480_000


@dataclass(frozen=True, slots=True)
class _Built:
    sql: str
    slots: tuple[tuple[int, Any], ...]  # per parameter: (index of the value, -) or (-1, a constant such as LIMIT's)
    select_related_idx: Any
    custom_fields: list[str]  # annotations, set on each model as Tortoise does


def _marker(value: Value, index: int) -> Value:
    if isinstance(value, str):
        return f"\x00prepared-value-{index}"
    if isinstance(value, int) and not isinstance(value, bool):
        return _INT_MARKER + index
    raise TypeError(f"a prepared select takes texts and integers, not {type(value).__name__}")


class PreparedSelect(Generic[M]):
    """`build(values)` makes the queryset; each value (a text or an integer) must reach the SQL as one or more whole
    parameters, never transformed (a LIKE pattern) or inlined: building refuses the shape otherwise."""

    def __init__(self, model: type[M], build: Callable[[list[Any]], QuerySet[M]]) -> None:
        self.model = model
        self.build = build
        self._built: dict[Hashable, _Built] = {}

    async def fetch(self, values: Sequence[Value], shape: Hashable = None) -> list[M]:
        """The rows for `values`; `shape` tells apart what the values' types and number do not (one SQL each)."""
        db = self.model._choose_db()  # the transaction's connection inside one
        key = (db.capabilities.dialect, shape, tuple(type(value) for value in values))
        built = self._built.get(key) or self._prepare(key, values)
        parameters = [values[index] if index >= 0 else constant for index, constant in built.slots]
        executor = db.executor_class(model=self.model, db=db, select_related_idx=built.select_related_idx)
        rows: list[M] = await executor.execute_select(built.sql, parameters, custom_fields=built.custom_fields)
        return rows

    def _prepare(self, key: Hashable, values: Sequence[Value]) -> _Built:
        markers = [_marker(value, index) for index, value in enumerate(values)]
        queryset = self.build(markers)
        queryset._choose_db_if_not_chosen()
        queryset._make_query()
        sql, parameters = queryset.query.get_parameterized_sql()
        index_of = {(type(marker), marker): index for index, marker in enumerate(markers)}
        slots = tuple((index_of.get((type(p), p), -1) if isinstance(p, int | str) else -1, p) for p in parameters)
        used = {index for index, _ in slots}
        if any(index not in used or str(marker) in sql for index, marker in enumerate(markers)):
            raise RuntimeError(f"{self.model.__name__}: a value does not reach the query as a parameter of its own")
        built = _Built(sql, slots, queryset._select_related_idx, list(queryset._annotations))
        if len(self._built) < MAX_SHAPES:
            self._built[key] = built
        return built
