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

import inspect
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from operator import itemgetter
from typing import Any, Generic, TypeVar, cast

from tortoise.fields import DateField, DatetimeField, Field
from tortoise.fields.data import CharEnumFieldInstance, parse_datetime
from tortoise.models import Model
from tortoise.queryset import QuerySet
from tortoise.timezone import get_default_timezone, get_use_tz

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
        self._layouts: dict[str, _Layout[M]] = {}  # by SQL: where each model's columns are in its rows

    async def fetch(self, values: Sequence[Value], shape: Hashable = None) -> list[M]:
        """The rows for `values`; `shape` tells apart what the values' types and number do not (one SQL each)."""
        db = self.model._choose_db()  # the transaction's connection inside one
        key = (db.capabilities.dialect, shape, tuple(type(value) for value in values))
        built = self._built.get(key) or self._prepare(key, values)
        parameters = [values[index] if index >= 0 else constant for index, constant in built.slots]
        _, rows = await db.execute_query(built.sql, parameters)
        if not rows:
            return []
        layout = self._layouts.get(built.sql) or self._lay_out(built, list(rows[0].keys()))
        return [layout.model_of(tuple(row)) for row in rows]

    def _lay_out(self, built: _Built, columns: list[str]) -> _Layout[M]:
        layout = _Layout(self.model, built, columns)
        if len(self._layouts) < MAX_SHAPES:
            self._layouts[built.sql] = layout
        return layout

    def _prepare(self, key: Hashable, values: Sequence[Value]) -> _Built:
        markers = [_marker(value, index) for index, value in enumerate(values)]
        queryset = self.build(markers)
        queryset._choose_db_if_not_chosen()
        queryset._make_query()
        if queryset._prefetch_map or queryset._prefetch_queries:
            raise RuntimeError(f"{self.model.__name__}: a prepared select does not prefetch")
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


class _Build:
    """One model from a row's values by position, as Tortoise's `_init_from_db` builds it from keywords (the same
    attributes, values and order), written straight into the instance's `__dict__`, with each column's conversion
    chosen once per field (`_converter`). A row without every column of the model (a partial one), or a model whose
    class has an attribute of a column's name (that writing `__dict__` would bypass), goes to `_init_from_db`."""

    def __init__(self, model: type[Model], names: tuple[str, ...], start: int) -> None:
        meta = model._meta
        self.model, self.names, self.start = model, names, start
        at = {name: start + index for index, name in enumerate(names)}
        every = (*meta.db_native_fields, *meta.db_default_fields, *meta.db_complex_fields)
        # A class attribute of a column's name (a descriptor) would be bypassed by writing `__dict__`.
        attrs = (*_BOOKKEEPING, *(attr for _, attr, _ in every))
        plain = not any(inspect.getattr_static(model, attr, None) is not None for attr in attrs)
        self.complete = plain and all(key in at for key, _, _ in every)
        self.custom_pk = meta.db_pk_column not in meta.generated_db_fields
        native = [(at[key], attr) for key, attr, _ in meta.db_native_fields] if self.complete else []
        self.native_attrs = tuple(attr for _, attr in native)
        self.native_values = _values_at([index for index, _ in native])
        self.default = (
            [(at[key], attr, f.field_type) for key, attr, f in meta.db_default_fields] if self.complete else []
        )
        self.complex = (
            [(at[key], attr, _converter(f)) for key, attr, f in meta.db_complex_fields] if self.complete else []
        )

    def __call__(self, values: tuple[Any, ...]) -> Model:
        if not self.complete:
            return self.model._init_from_db(**dict(zip(self.names, values[self.start :], strict=False)))
        instance = self.model.__new__(self.model)
        state = instance.__dict__
        state["_partial"] = False
        state["_saved_in_db"] = True
        state["_custom_generated_pk"] = self.custom_pk
        state["_await_when_save"] = {}
        # As long as each other by construction; `strict=True` cost a third of this line.
        state.update(zip(self.native_attrs, self.native_values(values)))  # noqa: B905
        for index, attr, field_type in self.default:
            value = values[index]
            state[attr] = value if value is None else field_type(value)
        for index, attr, convert in self.complex:
            state[attr] = convert(values[index])
        return instance


_BOOKKEEPING = ("_partial", "_saved_in_db", "_custom_generated_pk", "_await_when_save")


def _values_at(indexes: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A row's values at `indexes`, as a tuple (`itemgetter` gives one value alone for a single index)."""
    if len(indexes) > 1:
        return itemgetter(*indexes)
    return lambda values: tuple(values[index] for index in indexes)


def _converter(field: Field[Any]) -> Callable[[Any], Any]:
    """`field.to_python_value`, with the common values of the hottest field types answered without it, to the same
    result (see each); anything else goes to `to_python_value` itself."""
    fast = _FAST_CONVERTERS.get(type(field))
    return fast(field) if fast else field.to_python_value


def _enum_member(field: Field[Any]) -> Callable[[Any], Any]:
    """None stays None; a stored text is looked up among the members' values, as `Enum(value)` looks it up first."""
    to_python = field.to_python_value
    members = {member.value: member for member in cast("CharEnumFieldInstance", field).enum_type}

    def enum_member(value: Any) -> Any:
        if value is None:
            return None
        member = members.get(value) if isinstance(value, str) else None
        return member if member is not None else to_python(value)

    return enum_member


def _moment(field: Field[Any]) -> Callable[[Any], Any]:
    """None stays None; a datetime from the driver (aware in UTC, or SQLite's text of one, parsed by the parser
    `to_python_value` uses) is moved to Tortoise's time zone as `to_python_value` moves it."""
    to_python = field.to_python_value

    def moment(value: Any) -> Any:
        if value is None:
            return None
        if type(value) is str:
            value = parse_datetime(value)
        if type(value) is datetime and value.tzinfo is UTC and get_use_tz():
            return value.astimezone(get_default_timezone())
        return to_python(value)

    return moment


def _day(field: Field[Any]) -> Callable[[Any], Any]:
    """None and a date stay as they are."""
    to_python = field.to_python_value
    return lambda value: value if value is None or type(value) is date else to_python(value)


_FAST_CONVERTERS: dict[type, Callable[[Field[Any]], Callable[[Any], Any]]] = {
    CharEnumFieldInstance: _enum_member,
    DatetimeField: _moment,
    DateField: _day,
}


class _Layout(Generic[M]):
    """Models from a row's values by position, as Tortoise's executor builds them from the row's column names (its
    `execute_select`, select_related included), without making a dict of every row first: a joined row of 70
    columns took 35 µs to turn into a dict on SQLite, and 0.5 µs into a tuple."""

    def __init__(self, model: type[M], built: _Built, columns: list[str]) -> None:
        self.model = model
        # Related columns are named "alias.field"; the models take the field's name.
        names = [column.split(".", 1)[1] if "." in column else column for column in columns]
        self.custom = [(field, columns.index(field)) for field in built.custom_fields]
        self.main_path: tuple[Any, ...] = ()
        self.related: list[tuple[type[Model], _Build, int, int, tuple[Any, ...], str]] = []
        if not built.select_related_idx:
            self.main = _Build(model, tuple(names), 0)
            return
        _, end, *_, main_path = built.select_related_idx[0]
        self.main, self.main_path = _Build(model, tuple(names[:end]), 0), main_path
        for related_model, count, *_, full_path in built.select_related_idx[1:]:
            *path, attr = full_path
            build = _Build(related_model, tuple(names[end : end + count]), end)
            self.related.append((related_model, build, end, end + count, tuple(path), attr))
            end += count

    def model_of(self, values: tuple[Any, ...]) -> M:
        instance: M = self.main(values)  # type: ignore[assignment]  # a model of self.model
        if self.related:
            instances: dict[tuple[Any, ...], Model] = {self.main_path: instance}
            for model, build, start, end, path, attr in self.related:
                related: Model | None = None
                if any(values[start:end]):
                    related = build(values)
                elif start == end:  # an empty "filler" object, as Tortoise makes one
                    related = model._init_from_db()
                if (target := instances.get(path)) is not None:
                    object.__setattr__(target, f"_{attr}", related)
                if related is not None:
                    instances[(*path, attr)] = related
        for field, index in self.custom:
            object.__setattr__(instance, field, values[index])
        return instance
