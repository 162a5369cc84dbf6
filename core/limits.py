"""Abuse limits checked while validating an operation, before any resolver runs.

Depth, aliases and a cost budget in which a list field counts as many times as it may
return items (its `first`/`last`, or the default page), nested lists multiplying. Each
refusal is a top-level error with its own extensions.code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from core.pagination import DEFAULT_PAGE, MAX_PAGE

# Fields that return many items and take first/last (connections and plain lists).
LIST_FIELDS = frozenset({"services", "contacts", "mail", "activity", "edges", "nodes", "sessions", "apiTokens"})
PAGED_FIELDS = frozenset({"services", "contacts", "mail", "activity"})


@dataclass(frozen=True, slots=True)
class Budget:
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 5000
    max_tokens: int = 2000


@dataclass
class _Measure:
    depth: int = 0
    aliases: int = 0
    cost: int = 0


def _page_size(node: FieldNode, variables: dict[str, Any]) -> int | GraphQLError:
    size = DEFAULT_PAGE
    for argument in node.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value: Any = None
        if isinstance(argument.value, IntValueNode):
            value = int(argument.value.value)
        elif isinstance(argument.value, VariableNode):
            value = variables.get(argument.value.name.value)
        if isinstance(value, int):
            if not 0 <= value <= MAX_PAGE:
                return GraphQLError(
                    f"`{argument.name.value}` must be between 0 and {MAX_PAGE}.", node, extensions={"code": "BAD_USER_INPUT"}
                )
            size = value
    return size


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _literal_has_nul(document: Any) -> bool:
    found = False

    class Finder(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            nonlocal found
            found = found or "\x00" in node.value

    visit(document, Finder())
    return found


class _Walker:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode], variables: dict[str, Any]) -> None:
        self.fragments = fragments
        self.variables = variables
        self.errors: list[GraphQLError] = []
        self.measure = _Measure()

    def walk(self, selection_set: SelectionSetNode | None, depth: int, multiplier: int, seen: frozenset[str]) -> None:
        for field in self._fields(selection_set, seen):
            self.measure.depth = max(self.measure.depth, depth)
            if field.alias is not None:
                self.measure.aliases += 1
            self.measure.cost += multiplier
            inner = multiplier
            if field.name.value in PAGED_FIELDS:
                size = _page_size(field, self.variables)
                if isinstance(size, GraphQLError):
                    self.errors.append(size)
                    size = MAX_PAGE
                inner = multiplier * max(size, 1)
            elif field.name.value in LIST_FIELDS and field.name.value != "edges":
                inner = multiplier * DEFAULT_PAGE
            if field.selection_set is not None:
                self.walk(field.selection_set, depth + 1, inner, seen)

    def _fields(self, selection_set: SelectionSetNode | None, seen: frozenset[str]) -> Iterator[FieldNode]:
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in self.fragments and name not in seen:
                    yield from self._fields(self.fragments[name].selection_set, seen | {name})


class TokenLimit(SchemaExtension):
    """Stops parsing documents with too many tokens; must come before a parser cache."""

    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget = budget

    def on_parse(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.budget.max_tokens
        yield


class QueryLimits(SchemaExtension):
    """Refuses operations that are too deep, too aliased or too costly (settings decide the budget).

    Must come after a validation cache, which would otherwise overwrite its errors."""

    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget = budget

    def on_validate(self) -> Iterator[None]:
        """Validate here (unless a validation cache did), then add the limits' errors.

        Strawberry skips its own validation when errors are already set, and decides on them
        before any extension's code after `yield` runs: so this must happen before."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            context.pre_execution_errors = validate_document(context.schema._schema, document, context.validation_rules)
        if document is not None and not context.pre_execution_errors:
            context.pre_execution_errors = self._refusals(context, document)
        yield

    def _refusals(self, context: Any, document: Any) -> list[GraphQLError]:
        if _has_nul(context.variables) or _literal_has_nul(document):
            # PostgreSQL cannot store or compare text with NUL: refuse it as bad input, not a crash.
            return [GraphQLError("Text may not contain NUL characters.", extensions={"code": "BAD_USER_INPUT"})]
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        errors: list[GraphQLError] = []
        for operation in (d for d in document.definitions if isinstance(d, OperationDefinitionNode)):
            walker = _Walker(fragments, context.variables or {})
            walker.walk(operation.selection_set, 1, 1, frozenset())
            errors += walker.errors
            measure, budget = walker.measure, self.budget
            if measure.depth > budget.max_depth:
                errors.append(GraphQLError(f"The query is {measure.depth} levels deep; at most {budget.max_depth} are allowed.", operation, extensions={"code": "QUERY_TOO_DEEP"}))
            if measure.aliases > budget.max_aliases:
                errors.append(GraphQLError(f"The query uses {measure.aliases} aliases; at most {budget.max_aliases} are allowed.", operation, extensions={"code": "TOO_MANY_ALIASES"}))
            if measure.cost > budget.max_cost:
                errors.append(GraphQLError(f"The query may cost {measure.cost} points; the budget is {budget.max_cost}.", operation, extensions={"code": "QUERY_TOO_COMPLEX"}))
        return errors
