"""An execution context that resolves Strawberry's plain attribute fields of leaf and object type inline.

Most fields of a panel response are plain attributes (Strawberry "basic fields") returning a scalar, an enum or
an object (a connection's `node`, a service's `recurringAmount`). For each, the stock executor builds a resolve
info, calls Strawberry's wrapper through the middleware check and walks `complete_value`; doing only what those
steps do for such a field (reading the attribute directly when Strawberry's default resolver is `getattr`) cuts
execution time by about a third on a 1,000-field response (50 objects x 15 scalars and a nested object, 3.0 ms ->
1.9 ms), with the same data and errors: tests/test_execution_differential.py compares both executors. A leaf
attribute runs in `execute_fields` itself (its response path made only for an error or an awaitable), and a plain
resolver (synchronous, no arguments, no extension) is called without Strawberry's wrapper layers. A value of an
object type goes from `complete_value` to `complete_object_value`, and from there straight to its fields'
`execute_fields`.

It overrides `Executor.execute_field`, `execute_fields`, `complete_value` and `complete_object_value`, which
graphql-core documents as not public: it is written against graphql-core 3.3.2 and refuses to load with another
version, so an upgrade forces a re-check (and a run of the differential test).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import attrgetter
from types import CoroutineType, GeneratorType
from typing import Any, NamedTuple, cast
from weakref import WeakKeyDictionary, proxy

import graphql
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    TypeNameMetaFieldDef,
    Undefined,
    get_nullable_type,
)
from graphql.execution import Executor
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

WRITTEN_FOR_GRAPHQL_CORE = "3.3.2"
if graphql.version != WRITTEN_FOR_GRAPHQL_CORE:
    raise ImportError(
        f"core.execution overrides graphql-core {WRITTEN_FOR_GRAPHQL_CORE}'s non-public Executor.execute_field, "
        f"but graphql-core {graphql.version} is installed: re-check it against the new executor, "
        "run tests/test_execution_differential.py, then update WRITTEN_FOR_GRAPHQL_CORE"
    )

_LEAF_TYPES = (GraphQLScalarType, GraphQLEnumType)


class Plan(NamedTuple):
    """How one field of one parent type executes: inline when `leaf_type` or `object_type` is set, else on the
    stock path."""

    field_def: GraphQLField | None
    leaf_type: GraphQLLeafType | None = None
    non_null: bool = False
    item_type: GraphQLOutputType | None = None  # set for a list of leaves: the leaf, maybe non-null
    object_type: GraphQLObjectType | None = None
    read: Callable[[Any], Any] | None = None  # the attribute's value, as Strawberry's resolver would read it
    call: Callable[[Any, GraphQLResolveInfo], Any] | None = None  # a plain resolver, called as Strawberry would
    one_leaf: bool = False  # a plain attribute of a leaf type (not a list): `_execute_leaf`
    unchanged: type | None = None  # values of exactly this class the leaf type answers as they are (see `_unchanged`)


_PLANS: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], Plan]] = WeakKeyDictionary()
"""The plans of each schema's fields, by parent type and field name: made once, read for every field."""


_NEVER_AWAITABLE: set[type] = set()
"""Classes whose instances the predicate said were not awaitable, and that cannot make one so (see `_by_type`)."""
_MAX_NEVER_AWAITABLE = 4096


def _by_type(is_awaitable: Callable[[Any], bool]) -> Callable[[Any], bool]:
    """`is_awaitable`, answered by the value's class once it said no for an instance of a class that `await` would
    refuse for every instance (see `_always_refused`). Every object and scalar of a response (a service, an edge, a
    string, an enum member) paid the predicate's checks: about 11,000 calls per dashboard request."""

    def by_type(value: Any) -> bool:
        kind = type(value)
        if kind in _NEVER_AWAITABLE:
            return False
        if is_awaitable(value):
            return True
        if _always_refused(kind) and len(_NEVER_AWAITABLE) < _MAX_NEVER_AWAITABLE:
            _NEVER_AWAITABLE.add(kind)
        return False

    return by_type


_GENERIC_LOOKUP = frozenset(
    {object, str, int, float, bytes, dict, list, tuple, set, frozenset, date, datetime, time, timedelta, Decimal}
)
"""CPython's own types whose `__getattribute__` slot is the generic lookup (a C type may define another, as
`weakref.proxy` does)."""


def _always_refused(kind: type) -> bool:
    """True when no instance of `kind` can be awaitable: no `__await__` in its classes (`await` and the predicate's
    `hasattr` look there, not in a metaclass), not a coroutine or generator class, and no attribute hooks that could
    answer that `hasattr` differently per instance."""
    for cls in kind.__mro__:
        own = vars(cls)
        if "__await__" in own or "__getattr__" in own:
            return False
        if "__getattribute__" in own and cls not in _GENERIC_LOOKUP:
            return False
    return not issubclass(kind, CoroutineType | GeneratorType)


class InlineLeavesExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Resolves a field inline when Strawberry marks its resolver as the default one for a plain attribute
    (no resolver, no extension, no permission) and its type is a scalar or enum, or a list of them; every
    other field, and every field when middleware runs, takes the stock path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry always passes a manager; it holds middleware when an extension implements `resolve`.
        self.inline_leaves = not (self.middleware_manager and self.middleware_manager.middlewares)
        self.plans = _PLANS.setdefault(self.schema, {})
        self.is_awaitable = _by_type(self.is_awaitable)  # type: ignore[assignment]  # the same predicate
        # graphql-core's helpers hold this executor's bound methods: a reference cycle that kept every request's
        # executor, context, Request and loaders alive until the cyclic collector ran (about 40 objects a request
        # for `{ __typename }`, and collections cost ~5% of its time). The same helpers, reaching it weakly.
        executor = proxy(self)
        self.async_helpers = GraphQLResolveInfoHelpers(
            gather=lambda values: executor.gather_async_work(values),
            track=lambda values: executor.track_async_work(values),
        )

    def build_per_event_executor(self, payload: Any) -> Executor:
        """graphql-core 3.3.2's per-event copy shares the memo of collected subfields, keyed by the identity of field
        lists that every event builds anew (and kept alive with it): it grew by every event a subscription received,
        for as long as its socket stayed open. Each event gets a memo of its own."""
        executor = super().build_per_event_executor(payload)
        executor._relevant_sub_fields = {}
        return executor

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        if not self.inline_leaves:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        node = field_details_list[0].node
        plan = self.plans.get((parent_type.name, node.name.value)) or self._add_plan(parent_type, node.name.value)
        field_def, read = plan.field_def, plan.read
        if plan.call is not None and field_def is not None and not node.arguments:
            return self._execute_call(
                plan.call, field_def, parent_type, source, field_details_list, path, position_context
            )
        if read is None or field_def is None:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        if plan.one_leaf:
            return self._execute_leaf(
                plan, parent_type, source, field_details_list, (path.prev, path.key), position_context
            )
        if plan.object_type is not None:
            target = (field_def, plan.object_type, read, plan.non_null)
            return self._execute_object(target, parent_type, source, field_details_list, path, position_context)
        # A list field with directives may be streamed (@stream): it stays stock.
        if plan.leaf_type is None or plan.item_type is None or node.directives:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        try:
            result = read(source)
            if self._is_plain_list(result):
                leaves = (plan.leaf_type, plan.item_type, plan.non_null)
                return self._complete_leaves(leaves, result, parent_type, field_details_list, path)
            info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
            return self._complete_resolved(field_def, field_details_list, path, position_context, result, info)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_def.type, field_details_list, path)
            return None

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """The stock `execute_fields`, with a plain leaf attribute executed in place: no call to `execute_field`
        and no response path unless it fails or holds an awaitable."""
        if not self.inline_leaves:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        is_awaitable, never_awaitable = self.is_awaitable, _NEVER_AWAITABLE
        awaitable_fields: list[str] = []
        plans, type_name = self.plans, parent_type.name
        try:
            for response_name, field_details_list in grouped_field_set.items():
                field_name = field_details_list[0].node.name.value
                plan = plans.get((type_name, field_name)) or self._add_plan(parent_type, field_name)
                if plan.one_leaf:
                    place = (path, response_name)
                    result = self._execute_leaf(
                        plan, parent_type, source_value, field_details_list, place, position_context
                    )
                else:
                    field_path = Path(path, response_name, type_name)
                    result = self.execute_field(
                        parent_type, source_value, field_details_list, field_path, position_context
                    )
                if result is not Undefined:
                    results[response_name] = result
                    # `by_type`'s own first test, inline: a call saved for nearly every field of a response.
                    if type(result) not in never_awaitable and is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                # As the stock executor: awaitables created by other fields are settled, as they may fail too.
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gathered(results, awaitable_fields)

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """The stock `complete_value`, going straight to `complete_object_value` for a value of an object type (a
        list's edge or node, an awaited connection) that is neither null nor an exception: where the stock checks
        would lead, without their calls (two levels of them for a non-null type)."""
        if self.inline_leaves and not (result is None or result is Undefined or isinstance(result, Exception)):
            nullable_type = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
            if isinstance(nullable_type, GraphQLObjectType):
                return self.complete_object_value(
                    nullable_type, field_details_list, info, path, result, position_context
                )
        return super().complete_value(return_type, field_details_list, info, path, result, position_context)

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        """The stock `complete_object_value`, going straight to `execute_fields` for an object type without
        `is_type_of`, outside deferred work (no delivery group) and with no @defer among its fields: where the stock
        steps (`collect_and_execute_subfields`, `execute_collected_subfields`) lead, with the same memoized
        subfields, without their calls."""
        if self.inline_leaves and not return_type.is_type_of and position_context is None:
            grouped_field_set, new_defer_usages, _ = self.collect_subfields(return_type, field_details_list)
            if not new_defer_usages:
                return self.execute_fields(return_type, result, path, grouped_field_set, None)
        return super().complete_object_value(return_type, field_details_list, info, path, result, position_context)

    def _execute_leaf(
        self,
        plan: Plan,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        place: tuple[Path | None, str | int],
        position_context: Any,
    ) -> Any:
        """A plain attribute of a leaf type, as `execute_field` would run it; its response path (`place`: the
        parent's path and the response name) is made only for an error or an awaitable."""
        field_def = cast("GraphQLField", plan.field_def)
        try:
            result = cast("Callable[[Any], Any]", plan.read)(source)
            if type(result) is plan.unchanged:
                return result
            if type(result) in _NEVER_AWAITABLE or not self.is_awaitable(result):
                return _complete_leaf(
                    cast("GraphQLLeafType", plan.leaf_type),
                    plan.non_null,
                    result,
                    parent_type,
                    field_details_list[0].node.name.value,
                )
            path = Path(*place, parent_type.name)
            info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
            return self._complete_resolved(field_def, field_details_list, path, position_context, result, info)
        except Exception as raw_error:
            path = Path(*place, parent_type.name)
            self.handle_field_error(raw_error, field_def.type, field_details_list, path)
            return None

    def _execute_object(
        self,
        target: tuple[GraphQLField, GraphQLObjectType, Callable[[Any], Any], bool],
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """What `complete_value` does for an object read from a plain attribute: an exception held as the value
        raises, null is checked against the field's type, and the object's own fields run (its `is_type_of`, if
        any, called with the resolve info built only then). `target`: the field, its object type, how to read it
        and whether it is non-null."""
        field_def, object_type, read, non_null = target
        try:
            result = read(source)
            if self.is_awaitable(result):
                info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
                return self._complete_resolved(field_def, field_details_list, path, position_context, result, info)
            if isinstance(result, Exception):
                raise result
            if result is None or result is Undefined:
                _check_nullable(non_null, parent_type, field_details_list[0].node.name.value)
                return None
            type_of_info = (
                self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
                if object_type.is_type_of
                else None
            )
            completed = self.complete_object_value(
                object_type,
                field_details_list,
                type_of_info,  # type: ignore[arg-type]  # read only by is_type_of, and built when there is one
                path,
                result,
                position_context,
            )
            if self.is_awaitable(completed):
                return self._await_completed(completed, field_def.type, field_details_list, path)
            return completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_def.type, field_details_list, path)
            return None

    def _execute_call(
        self,
        call: Callable[[Any, GraphQLResolveInfo], Any],
        field_def: GraphQLField,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """The stock `execute_field` for a plain resolver, calling it directly (see `_direct_call`)."""
        info = self.build_resolve_info(field_def, to_nodes(field_details_list), parent_type, path)
        try:
            result = call(source, info)
            return self._complete_resolved(field_def, field_details_list, path, position_context, result, info)
        except Exception as raw_error:
            self.handle_field_error(raw_error, field_def.type, field_details_list, path)
            return None

    def _add_plan(self, parent_type: GraphQLObjectType, field_name: str) -> Plan:
        field_def = self.schema.get_field(parent_type, field_name)
        plan = _typename_plan(parent_type) if field_def is TypeNameMetaFieldDef else _plan(field_def)
        self.plans[parent_type.name, field_name] = plan
        return plan

    def _is_plain_list(self, result: Any) -> bool:
        """None, or a list or tuple without awaitable items: the values the inline list completion handles."""
        if result is None or result is Undefined:
            return True
        return type(result) in (list, tuple) and not any(map(self.is_awaitable, result))

    def _complete_leaves(
        self,
        leaves: tuple[GraphQLLeafType, GraphQLOutputType, bool],
        result: Any,
        parent_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> list[Any] | None:
        """What `complete_list_value` does for a list of leaves: each item completed, a failed nullable item
        is null with its error, a failed non-null item raises (nulling the field or its parent). `leaves`: the
        leaf type, the item type (the leaf, maybe non-null) and whether the list is non-null."""
        leaf_type, item_type, non_null = leaves
        field_name = field_details_list[0].node.name.value
        if result is None or result is Undefined:
            _check_nullable(non_null, parent_type, field_name)
            return None
        non_null_items = isinstance(item_type, GraphQLNonNull)
        completed: list[Any] = []
        for index, item in enumerate(result):
            try:
                completed.append(_complete_leaf(leaf_type, non_null_items, item, parent_type, field_name))
            except Exception as raw_error:
                self.handle_field_error(raw_error, item_type, field_details_list, path.add_key(index, None))
                completed.append(None)
        return completed

    def _complete_resolved(
        self,
        field_def: GraphQLField,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
        result: Any,
        info: GraphQLResolveInfo,
    ) -> Any:
        """The rest of the stock `execute_field` for a value resolved inline that the inline completion does
        not handle (an awaitable, an exception as a value, another iterable, awaitable items), or that a plain
        resolver returned."""
        return_type = field_def.type
        if self.is_awaitable(result):
            return self.complete_awaitable_value(return_type, field_details_list, info, path, result, position_context)
        completed = self.complete_value(return_type, field_details_list, info, path, result, position_context)
        if self.is_awaitable(completed):
            return self._await_completed(completed, return_type, field_details_list, path)
        return completed

    async def _await_completed(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None


async def _gathered(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    """The stock `execute_fields`' wait for its awaitable fields: alone, or together (cancelling the others when
    one fails)."""
    if len(awaitable_fields) == 1:
        field = awaitable_fields[0]
        results[field] = await results[field]
    else:
        awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
        results.update(zip(awaitable_fields, awaited, strict=True))
    return results


def _typename_plan(parent_type: GraphQLObjectType) -> Plan:
    """`__typename` of an object type, inline: its name (graphql-core's resolver reads it from the resolve info, which
    the stock path builds for it). Clients such as Apollo ask for it in every selection."""
    name = parent_type.name
    return Plan(
        TypeNameMetaFieldDef, GraphQLString, non_null=True, read=lambda _source: name, one_leaf=True, unchanged=str
    )


def _unchanged(leaf_type: GraphQLLeafType) -> type | None:
    """The class whose values graphql-core's own String, ID and Boolean answer unchanged (`serialize_string` and
    `serialize_id` return a `str` as it is, `serialize_boolean` a `bool`): for them a leaf is complete as read, without
    the completion's calls (most leaves of a response are texts)."""
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        return str
    return bool if leaf_type is GraphQLBoolean else None


def _plan(field_def: GraphQLField | None) -> Plan:
    """Inline for a plain attribute (Strawberry marks that resolver `_is_default`) of a leaf type, a list of
    leaves or an object type; a plain resolver called directly; stock for anything else."""
    if field_def is None:
        return Plan(field_def)
    if not getattr(field_def.resolve, "_is_default", False):
        return Plan(field_def, call=_direct_call(field_def))
    read = _reader(field_def)
    nullable_type = get_nullable_type(field_def.type)
    non_null = nullable_type is not field_def.type
    if isinstance(nullable_type, _LEAF_TYPES):
        return Plan(field_def, nullable_type, non_null, read=read, one_leaf=True, unchanged=_unchanged(nullable_type))
    if isinstance(nullable_type, GraphQLObjectType):
        return Plan(field_def, non_null=non_null, object_type=nullable_type, read=read)
    if isinstance(nullable_type, GraphQLList):
        leaf_type = get_nullable_type(nullable_type.of_type)
        if isinstance(leaf_type, _LEAF_TYPES):
            return Plan(field_def, leaf_type, non_null, nullable_type.of_type, read=read)
    return Plan(field_def)


_STRAWBERRY_SYNC_RESOLVER = "GraphQLCoreConverter.from_resolver.<locals>._resolver"


def _direct_call(field_def: GraphQLField) -> Callable[[Any, GraphQLResolveInfo], Any] | None:
    """A plain resolver (synchronous, no arguments, no field extension or permission, no exception handler that
    could apply) called as Strawberry's wrapper calls it, minus the wrapper's layers (argument conversion, the
    extension chain, `get_result`): the source as `self`, `root` or `parent`, an `Info` if it asks for one. It may
    still return an awaitable, completed like any other. None for every other field, and for a wrapper of another
    shape than Strawberry's (another version): those stay stock."""
    resolve = field_def.resolve
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if resolve is None or field is None or getattr(resolve, "__qualname__", "") != _STRAWBERRY_SYNC_RESOLVER:
        return None
    resolver = field.base_resolver
    if resolver is None or resolver.is_async or field.extensions or field.arguments or field_def.args:
        return None
    cells = dict(zip(resolve.__code__.co_freevars, resolve.__closure__ or (), strict=True))
    if not {"field_exception_handlers", "_strawberry_info_from_graphql"} <= cells.keys():
        return None
    function = resolver.wrapped_func
    if cells["field_exception_handlers"].cell_contents or not callable(function):
        return None
    strawberry_info = cells["_strawberry_info_from_graphql"].cell_contents
    passes_self = resolver.self_parameter is not None
    source_names = [parameter.name for parameter in (resolver.root_parameter, resolver.parent_parameter) if parameter]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def call(source: Any, info: GraphQLResolveInfo) -> Any:
        arguments = dict.fromkeys(source_names, source)
        if info_name is not None:
            arguments[info_name] = strawberry_info(info)
        return function(source, **arguments) if passes_self else function(**arguments)

    return call


def _reader(field_def: GraphQLField) -> Callable[[Any], Any]:
    """The attribute read directly when Strawberry's resolver for it would only call `getattr` (the default
    resolver of its config; no field extension, no permission), else through that resolver (it ignores the resolve
    info for plain fields)."""
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if field is not None and field.default_resolver is getattr and not field.base_resolver and not field.extensions:
        return attrgetter(field.python_name)
    resolve = field_def.resolve
    assert resolve is not None  # noqa: S101  # marked `_is_default` above
    return lambda source: resolve(source, None)


def _complete_leaf(
    leaf_type: GraphQLLeafType, non_null: bool, result: Any, parent_type: GraphQLObjectType, field_name: str
) -> Any:
    """What `complete_value` does for a scalar or an enum."""
    if isinstance(result, Exception):
        raise result
    if result is None or result is Undefined:
        _check_nullable(non_null, parent_type, field_name)
        return None
    return Executor.complete_leaf_value(leaf_type, result)


def _check_nullable(non_null: bool, parent_type: GraphQLObjectType, field_name: str) -> None:
    """For a null in a non-null type, the error `complete_value` raises, word for word."""
    if non_null:
        raise TypeError(f"Cannot return null for non-nullable field {parent_type}.{field_name}.")
