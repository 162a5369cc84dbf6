"""The one schema extension around every operation: the operation log, masked unexpected errors, subscriptions kept
to WebSockets, the parse and validation caches, and the settings' abuse limits.

One extension rather than one per concern: Strawberry wraps every hook of every extension in a context manager on
every request, which cost more than the work itself for small operations. The order inside each hook is the order the
separate extensions had.

A document that passed validation is remembered by its text, and an operation without variables that passed the
limits by its text and name (bounded, least recently used first out): what depends on the document alone is checked
once, and what depends on variables (their coercion, NUL in them, page sizes) on every request. A remembered query
that streams nothing runs on later requests without Strawberry's per-request hooks (schema/checked_queries.py).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    Visitor,
    get_operation_ast,
    parse,
    visit,
)
from graphql import OperationType as AstOperationType
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from core.context import Context
from core.limits import Budget, limit_refusals, nul_refusals, variable_errors
from core.logs import log_operation
from schema.masking import MaskUnexpectedErrors

_parse: Callable[..., DocumentNode] = lru_cache(maxsize=512)(parse)


@dataclass(frozen=True, slots=True)
class Checked:
    """An operation without variables that passed validation and the limits, as parsed; `plain_query` when it is a
    query that streams nothing (no @defer or @stream): one result, which the checked path can run. `operation_name`:
    the name of the operation that runs (the one asked for, or the document's only one), as Strawberry would find it
    again in the document on every request."""

    document: DocumentNode
    plain_query: bool
    operation_name: str | None


class PassedChecks:
    """Which documents passed validation (by text), and which operations without variables passed the limits (by
    text and the operation name the request gave); at most `size` of each, the least recently used leaving first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._valid: OrderedDict[str, None] = OrderedDict()
        self._within_limits: OrderedDict[tuple[str, str | None], Checked] = OrderedDict()

    def valid(self, text: str) -> bool:
        if text not in self._valid:
            return False
        self._valid.move_to_end(text)
        return True

    def remember_valid(self, text: str) -> None:
        _remember(self._valid, text, None, self.size)

    def within_limits(self, text: str, operation_name: str | None) -> Checked | None:
        checked = self._within_limits.get((text, operation_name))
        if checked is not None:
            self._within_limits.move_to_end((text, operation_name))
        return checked

    def remember_within_limits(
        self, text: str, operation_name: str | None, operation: OperationDefinitionNode, document: DocumentNode
    ) -> None:
        plain = operation.operation is AstOperationType.QUERY and not _streams(document)
        name = operation.name.value if operation.name else None
        _remember(self._within_limits, (text, operation_name), Checked(document, plain, name), self.size)


def _remember(entries: OrderedDict[Any, Any], key: Any, value: Any, size: int) -> None:
    entries[key] = value
    if len(entries) > size:
        entries.popitem(last=False)


class _StreamingDirectives(Visitor):
    found = False

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        if node.name.value in ("defer", "stream"):
            self.found = True


def _streams(document: DocumentNode) -> bool:
    finder = _StreamingDirectives()
    visit(document, finder)
    return finder.found


@dataclass(frozen=True)
class Guard:
    """Makes each request's guard (Strawberry makes extensions per request) over the schema's shared limits and
    caches: the schema's extension factory."""

    budget: Budget
    passed: PassedChecks
    introspection: bool

    def __call__(self) -> OperationGuard:
        return OperationGuard(self.budget, self.passed, introspection=self.introspection)


class OperationGuard(MaskUnexpectedErrors):
    def __init__(self, budget: Budget, passed: PassedChecks, *, introspection: bool) -> None:
        super().__init__()
        self.budget = budget
        self.passed = passed
        self.introspection = introspection
        # The operation's name and type when the request's path already knows them (schema/checked_queries.py).
        self.operation: tuple[str | None, str] | None = None

    def get_results(self) -> dict[str, Any]:
        """The guard adds nothing to a result's extensions."""
        return {}

    def on_operation(self) -> Iterator[None]:
        """Subscriptions stream over graphql-transport-ws: over HTTP one is not an allowed operation, which the view
        answers with 400 and where to go. Errors are masked and localised before the operation is logged."""
        context = self.execution_context
        if isinstance(context.context, Context) and context.context.request.scope["type"] == "http":
            context.allowed_operations = frozenset(context.allowed_operations) - {OperationType.SUBSCRIPTION}
        if not self.introspection:
            context.validation_rules = (*context.validation_rules, NoSchemaIntrospectionCustomRule)
        started = time.perf_counter()
        yield from super().on_operation()
        log_operation(context, time.perf_counter() - started, self.operation)

    def on_parse(self) -> Iterator[None]:
        """Parsing stops at the token budget; parsed documents are cached by text."""
        context = self.execution_context
        context.parse_options["max_tokens"] = self.budget.max_tokens
        context.graphql_document = _parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        """Validation, the variables' coercion and the limits, before Strawberry would validate (it does not when
        errors are set, and decides on them before any code after `yield` runs)."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            context.pre_execution_errors = self.refusals(context, document)
        yield

    def refusals(self, context: Any, document: DocumentNode) -> list[GraphQLError]:
        """The first refusals found; none when the operation may run. Only a document sent as text is remembered."""
        text, name, variables = context.query, context.operation_name, context.variables
        given_name = context._provided_operation_name  # the key a later request of the same text can look up
        if not (text and self.passed.valid(text)):
            errors = validate_document(context.schema._schema, document, context.validation_rules)
            if errors:
                return errors
            if text:
                self.passed.remember_valid(text)
        errors = variable_errors(context, document)
        if errors:
            return errors
        if text and self.passed.within_limits(text, given_name) is not None:
            return nul_refusals(variables, None)
        errors = nul_refusals(variables, document) or limit_refusals(document, name, variables, self.budget)
        operation = get_operation_ast(document, name)
        if not errors and text and operation is not None and not operation.variable_definitions:
            self.passed.remember_within_limits(text, given_name, operation, document)
        return errors
