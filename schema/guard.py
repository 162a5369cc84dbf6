"""The one schema extension around every operation: the operation log, masked unexpected errors, subscriptions kept
to WebSockets, the parse and validation caches, and the settings' abuse limits.

One extension rather than one per concern: Strawberry wraps every hook of every extension in a context manager on
every request, which cost more than the work itself for small operations. The order inside each hook is the order the
separate extensions had.

A document that passed validation is remembered by its text, and an operation without variables that passed the
limits by its text and name (bounded, least recently used first out): what depends on the document alone is checked
once, and what depends on variables (their coercion, NUL in them, page sizes) on every request.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, get_operation_ast, parse
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.schema.schema import validate_document
from strawberry.types.graphql import OperationType

from core.context import Context
from core.limits import Budget, limit_refusals, nul_refusals, variable_errors
from core.logs import log_operation
from schema.masking import MaskUnexpectedErrors

_parse: Callable[..., DocumentNode] = lru_cache(maxsize=512)(parse)


class PassedChecks:
    """Which documents passed validation (by text), and which operations without variables passed the limits (by
    text and operation name); at most `size` of each."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._valid: OrderedDict[str, None] = OrderedDict()
        self._within_limits: OrderedDict[tuple[str, str | None], None] = OrderedDict()

    def valid(self, text: str) -> bool:
        return _seen(self._valid, text)

    def remember_valid(self, text: str) -> None:
        _remember(self._valid, text, self.size)

    def within_limits(self, text: str, operation_name: str | None) -> bool:
        return _seen(self._within_limits, (text, operation_name))

    def remember_within_limits(self, text: str, operation_name: str | None) -> None:
        _remember(self._within_limits, (text, operation_name), self.size)


def _seen(entries: OrderedDict[Any, None], key: Any) -> bool:
    if key in entries:
        entries.move_to_end(key)
        return True
    return False


def _remember(entries: OrderedDict[Any, None], key: Any, size: int) -> None:
    entries[key] = None
    if len(entries) > size:
        entries.popitem(last=False)


class OperationGuard(MaskUnexpectedErrors):
    def __init__(self, budget: Budget, passed: PassedChecks, *, introspection: bool) -> None:
        super().__init__()
        self.budget = budget
        self.passed = passed
        self.introspection = introspection

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
        log_operation(context, time.perf_counter() - started)

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
        if not (text and self.passed.valid(text)):
            errors = validate_document(context.schema._schema, document, context.validation_rules)
            if errors:
                return errors
            if text:
                self.passed.remember_valid(text)
        errors = variable_errors(context, document)
        if errors:
            return errors
        if text and self.passed.within_limits(text, name):
            return nul_refusals(variables, None)
        errors = nul_refusals(variables, document) or limit_refusals(document, name, variables, self.budget)
        operation = get_operation_ast(document, name)
        if not errors and text and operation is not None and not operation.variable_definitions:
            self.passed.remember_within_limits(text, name)
        return errors
