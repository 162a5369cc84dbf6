"""Queries already checked run without Strawberry's per-request hooks.

A query without variables that passed validation and the limits once (schema/guard.py remembers it by its text and
the operation name given) needs none of the checks again: for it, Strawberry's `Schema.execute` would still build
and enter a context manager per hook per extension, which cost about half of a `{ __typename }` request. Here the
same guard extension is made for the request, its operation hook is driven around graphql-core's execution exactly
as Strawberry drives it (subscriptions kept to WebSockets, errors coded, masked and localised, the operation logged
and counted), and the result is Strawberry's. tests/test_checked_queries.py compares both paths' answers and logs.

It reads Strawberry 0.341's `Schema.execute` (the steps below are its, in its order) and is only taken by a schema
whose one extension is the guard and which declares no directives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, MiddlewareManager, execute
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import _coerce_error
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from schema.guard import Checked, OperationGuard

if TYPE_CHECKING:
    from strawberry import Schema


async def execute_checked(
    schema: Schema,
    guard: OperationGuard,
    checked: Checked,
    *,
    query: str,
    allowed_operation_types: Iterable[OperationType],
    context_value: Any,
    root_value: Any,
    operation_name: str | None,
    operation_extensions: dict[str, Any] | None,
) -> ExecutionResult:
    context = ExecutionContext(
        query=query,
        schema=schema,
        allowed_operations=allowed_operation_types,
        context=context_value,
        root_value=root_value,
        variables=None,
        provided_operation_name=operation_name,
        operation_extensions=operation_extensions,
    )
    context.graphql_document = checked.document
    guard.execution_context = context
    guard.operation = (checked.operation_name, OperationType.QUERY.value)
    operation = guard.on_operation()
    next(operation)  # before: what the request may run, when it started
    try:
        outcome = await await_maybe(
            execute(
                schema._schema,
                checked.document,
                root_value=root_value,
                variable_values=None,
                operation_name=checked.operation_name,
                context_value=context_value,
                middleware=MiddlewareManager(),
                executor_class=schema.execution_context_class,
                is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]  # what Strawberry passes
                operation_extensions=operation_extensions,
            )
        )
    except Exception as exc:  # as Strawberry: the result's error, masked below as unexpected
        outcome = GraphQLExecutionResult(data=None, errors=[_coerce_error(exc)])
    errors: list[GraphQLError] | None = outcome.errors
    if errors:
        context.pre_execution_errors = errors
        schema._process_errors(errors, context)
    result = ExecutionResult(data=outcome.data, errors=errors)
    context.result = result
    for _ in operation:  # after: errors masked and localised, the operation logged and counted
        pass
    result.extensions = {**guard.get_results(), **context.extensions_results}  # as SchemaExtensionsRunner merges them
    return result
