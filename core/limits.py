"""Abuse limits checked while validating an operation, before any resolver runs (schema/guard.py).

Depth, aliases and a cost budget in which a list field counts as many times as it may
return items (its `first`/`last`, the variable's default, or the default page; `nodes`
by its number of ids), nested lists multiplying. Each fragment is measured once and its
measure reused at every spread, so the work is linear in the document, and measuring stops
at the first limit passed. Each refusal is a top-level error with its own extensions.code.

Introspection's `ofType` chains (a type's list and non-null wrappers, one object each, no
fan-out) do not count toward depth, up to MAX_TYPE_WRAPPERS in a row: standard clients'
introspection queries (graphql-js 15 levels, gql 13) fit the default depth, while nesting
`fields { type { fields …` still counts every level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    Visitor,
    get_operation_ast,
    get_variable_values,
    value_from_ast_untyped,
    visit,
)

from core.pagination import DEFAULT_PAGE, MAX_PAGE

# Fields that return many items and take first/last (connections and plain lists).
LIST_FIELDS = frozenset({"services", "contacts", "mail", "activity", "edges", "nodes", "sessions", "apiTokens"})
PAGED_FIELDS = frozenset({"services", "contacts", "mail", "activity"})
TYPE_WRAPPER_FIELD = "ofType"
# graphql-core asks for 9 by default; a chain longer than this counts from then on.
MAX_TYPE_WRAPPERS = 12
MAX_VARIABLE_ERRORS = 50  # as graphql-core's execution reports


@dataclass(frozen=True, slots=True)
class Budget:
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 5000
    max_tokens: int = 2000


@dataclass(frozen=True, slots=True)
class Measure:
    """A selection set's depth, aliases and cost, relative to where it is selected."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0

    def exceeds(self, budget: Budget) -> bool:
        return self.depth > budget.max_depth or self.aliases > budget.max_aliases or self.cost > budget.max_cost


class _LimitPassed(Exception):
    def __init__(self, measure: Measure) -> None:
        super().__init__()
        self.measure = measure


@dataclass
class Measurement:
    """What measuring one operation found: its measure (a lower bound when stopped early),
    bad page sizes, and how many selections were visited."""

    measure: Measure = Measure()
    errors: list[GraphQLError] = field(default_factory=list)
    visits: int = 0


def operation_variables(operation: OperationDefinitionNode, given: dict[str, Any]) -> dict[str, Any]:
    """The variables as the operation will run them: the given value, else the definition's default."""
    values: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        if name in given:
            values[name] = given[name]
        elif definition.default_value is not None:
            values[name] = value_from_ast_untyped(definition.default_value)
    return values


class LimitWalker:
    """Measures one operation; each fragment once (memoised), so `visits` is at most the document's selections."""

    def __init__(self, document: DocumentNode, variables: dict[str, Any], budget: Budget) -> None:
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = variables
        self.budget = budget
        self.result = Measurement()
        self._fragment_measures: dict[str, Measure] = {}

    def measure_operation(self, operation: OperationDefinitionNode) -> Measurement:
        try:
            self.result.measure = self._measure(operation.selection_set, 1)
        except _LimitPassed as stopped:
            self.result.measure = stopped.measure
        return self.result

    def _measure(self, selection_set: SelectionSetNode, level: int, wrappers: int = 0) -> Measure:
        """`level` is how deep these selections are at least (it only lets deep documents stop early); `wrappers`,
        how many `ofType` enclose them in a row."""
        if level > self.budget.max_depth:
            raise _LimitPassed(Measure(depth=level))
        depth = aliases = cost = 0
        for selection in selection_set.selections:
            self.result.visits += 1
            if isinstance(selection, FieldNode):
                part = self._field(selection, level, wrappers)
            elif isinstance(selection, InlineFragmentNode):
                part = self._measure(selection.selection_set, level, wrappers)
            elif isinstance(selection, FragmentSpreadNode):
                part = self._fragment(selection, level, wrappers)
            depth, aliases, cost = max(depth, part.depth), aliases + part.aliases, cost + part.cost
        measure = Measure(depth, aliases, cost)
        if measure.exceeds(self.budget):
            raise _LimitPassed(measure)
        return measure

    def _field(self, node: FieldNode, level: int, wrappers: int) -> Measure:
        wrapper = node.name.value == TYPE_WRAPPER_FIELD
        step = 0 if wrapper and wrappers < MAX_TYPE_WRAPPERS else 1
        inner = Measure()
        if node.selection_set:
            inner = self._measure(node.selection_set, level + step, wrappers + 1 if wrapper else 0)
        aliases = inner.aliases + (node.alias is not None)
        return Measure(inner.depth + step, aliases, 1 + self._multiplier(node) * inner.cost)

    def _fragment(self, spread: FragmentSpreadNode, level: int, wrappers: int) -> Measure:
        name = spread.name.value
        if name not in self._fragment_measures:
            self._fragment_measures[name] = Measure()  # validation refuses cycles; this only guards them
            definition = self.fragments.get(name)
            if definition is not None:
                self._fragment_measures[name] = self._measure(definition.selection_set, level, wrappers)
        return self._fragment_measures[name]

    def _multiplier(self, node: FieldNode) -> int:
        """How many times this field's selection may run per item of its parent."""
        name = node.name.value
        if name in PAGED_FIELDS:
            return max(self._page_size(node), 1)
        if name == "nodes":
            return max(self._id_count(node), 1)
        if name in LIST_FIELDS and name != "edges":
            return DEFAULT_PAGE
        return 1

    def _page_size(self, node: FieldNode) -> int:
        """The largest of `first`/`last` (a range error is recorded and counted as the largest page)."""
        sizes = []
        for argument in node.arguments or ():
            value = self._value(argument.value) if argument.name.value in ("first", "last") else None
            if not isinstance(value, int) or isinstance(value, bool):
                continue
            if not 0 <= value <= MAX_PAGE:
                message = f"`{argument.name.value}` must be between 0 and {MAX_PAGE}."
                self.result.errors.append(GraphQLError(message, node, extensions={"code": "BAD_USER_INPUT"}))
                value = MAX_PAGE
            sizes.append(value)
        return max(sizes, default=DEFAULT_PAGE)

    def _id_count(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value == "ids":
                if isinstance(argument.value, ListValueNode):
                    return len(argument.value.values)
                value = self._value(argument.value)
                return len(value) if isinstance(value, list) else int(value is not None)
        return DEFAULT_PAGE

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        if isinstance(node, IntValueNode):
            return int(node.value)
        return None


def measure(document: DocumentNode, operation_name: str | None, variables: Any, budget: Budget) -> Measurement:
    """Measure the operation that will run (none when the document does not say which)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Measurement()
    given = variables if isinstance(variables, dict) else {}
    return LimitWalker(document, operation_variables(operation, given), budget).measure_operation(operation)


def _has_nul(value: Any) -> bool:
    """Whether any string in the (JSON) value contains NUL; iterative, since values may nest 1,000 deep."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _literal_has_nul(document: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            nonlocal found
            found = found or "\x00" in node.value

    visit(document, Finder())
    return found


def variable_errors(context: Any, document: DocumentNode) -> list[GraphQLError]:
    """The variables' coercion errors, found before execution as graphql-core's execution would find them, so that
    every transport refuses them like an invalid document (400 over HTTP, an `error` message over WebSocket)."""
    operation = get_operation_ast(document, context.operation_name)
    if operation is None or not operation.variable_definitions:
        return []  # nothing to coerce (variables the operation does not define are ignored, as graphql-core does)
    given = context.variables if isinstance(context.variables, dict) else {}
    coerced = get_variable_values(
        context.schema._schema, operation.variable_definitions or (), given, max_errors=MAX_VARIABLE_ERRORS
    )
    return coerced if isinstance(coerced, list) else []


NUL_REFUSED = "Text may not contain NUL characters."


def nul_refusals(variables: Any, document: DocumentNode | None) -> list[GraphQLError]:
    """PostgreSQL cannot store or compare text with NUL: refuse it as bad input, not a crash. `document`: None
    when its literals are known to be free of NUL."""
    if _has_nul(variables) or (document is not None and _literal_has_nul(document)):
        return [GraphQLError(NUL_REFUSED, extensions={"code": "BAD_USER_INPUT"})]
    return []


def limit_refusals(
    document: DocumentNode, operation_name: str | None, variables: Any, budget: Budget
) -> list[GraphQLError]:
    """Too deep, too aliased or too costly, measured with this request's variables (page sizes may come from them)."""
    found = measure(document, operation_name, variables, budget)
    return found.errors + _limit_errors(found.measure, budget)


def _limit_errors(measure: Measure, budget: Budget) -> list[GraphQLError]:
    limits = (
        (measure.depth > budget.max_depth, "QUERY_TOO_DEEP", f"more than {budget.max_depth} levels"),
        (measure.aliases > budget.max_aliases, "TOO_MANY_ALIASES", f"more than {budget.max_aliases} aliases"),
        (measure.cost > budget.max_cost, "QUERY_TOO_COMPLEX", f"a possible cost over {budget.max_cost} points"),
    )
    return [GraphQLError(f"The query has {what}.", extensions={"code": code}) for over, code, what in limits if over]
