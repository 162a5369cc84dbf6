"""SELECTs whose SQL text Tortoise builds once, run with fresh values.

Tortoise builds a query's SQL on every run; for the joined lookup behind every authenticated request (a session or
an API token with its account, holder and contact) building took about 0.8 ms and running it 0.05 ms. Here the
queryset is built once per database dialect and number of values, with markers where the values go, and its rows are
turned into models by Tortoise's own executor as usual.

It reads Tortoise 1.1.9's query internals (`_make_query`, `_select_related_idx`, the executor's `execute_select`);
tests/test_query_count.py and every authentication test run through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class _Built:
    sql: str
    constants: list[Any]  # the parameters after the values (e.g. LIMIT)
    select_related_idx: Any


class PreparedSelect(Generic[M]):
    """`build(values)` makes the queryset; only text values, each of which must become one parameter, in order
    and before any other (a filter `__in` on a text column, for example)."""

    def __init__(self, model: type[M], build: Callable[[list[str]], QuerySet[M]]) -> None:
        self.model = model
        self.build = build
        self._built: dict[tuple[str, int], _Built] = {}

    async def fetch(self, values: list[str]) -> list[M]:
        db = self.model._choose_db()  # the transaction's connection inside one
        key = (db.capabilities.dialect, len(values))
        built = self._built.get(key) or self._prepare(key, len(values))
        executor = db.executor_class(model=self.model, db=db, select_related_idx=built.select_related_idx)
        rows: list[M] = await executor.execute_select(built.sql, [*values, *built.constants])
        return rows

    def _prepare(self, key: tuple[str, int], count: int) -> _Built:
        markers = [f"\x00prepared-value-{n}" for n in range(count)]
        queryset = self.build(markers)
        queryset._choose_db_if_not_chosen()
        queryset._make_query()
        sql, parameters = queryset.query.get_parameterized_sql()
        if parameters[:count] != markers or any(marker in parameters[count:] for marker in markers):
            raise RuntimeError(f"{self.model.__name__}: the values are not the query's first parameters")
        built = _Built(sql, list(parameters[count:]), queryset._select_related_idx)
        self._built[key] = built
        return built
