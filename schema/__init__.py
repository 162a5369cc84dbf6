"""The public schema: root types only wire the domains together."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from core.context import Context
from core.execution import InlineLeavesExecutionContext
from core.limits import Budget
from schema import (
    api_tokens,
    auth,
    contacts,
    email_changes,
    factor_rule,
    holder,
    mail,
    mail_preferences,
    nodes,
    passkeys,
    provider,
    recovery,
    second_factor,
    services,
    welcome,
)
from schema.account import Viewer, viewer_of
from schema.checked_queries import execute_checked
from schema.guard import Checked, Guard, PassedChecks
from schema.masking import add_codes, hide_suggestions
from schema.scalars import SCALARS
from schema.subscriptions import Subscription
from settings import Settings


@strawberry.type
class Query(
    nodes.Query,
    auth.Query,
    holder.Query,
    services.Query,
    contacts.Query,
    mail.Query,
    mail_preferences.Query,
    recovery.Query,
    api_tokens.Query,
    provider.Query,
):
    @strawberry.field(description="Null when nobody is signed in.")
    def viewer(self, info: strawberry.Info[Context, None]) -> Viewer | None:
        return viewer_of(info.context)


@strawberry.type
class Mutation(
    auth.Mutation,
    holder.Mutation,
    services.Mutation,
    contacts.Mutation,
    mail.Mutation,
    mail_preferences.Mutation,
    recovery.Mutation,
    api_tokens.Mutation,
    email_changes.Mutation,
    second_factor.Mutation,
    passkeys.Mutation,
    factor_rule.Mutation,
    welcome.Mutation,
):
    """Every change; expected failures come back in each payload's `errors`."""


class PanelSchema(strawberry.Schema):
    async def execute(  # Strawberry's signature
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """A query without variables that passed every check before runs on the checked path
        (schema/checked_queries.py); everything else as Strawberry runs it."""
        allowed = DEFAULT_ALLOWED_OPERATION_TYPES if allowed_operation_types is None else allowed_operation_types
        found = self.checked_query(query, operation_name) if not variable_values else None
        if found is not None and OperationType.QUERY in allowed:
            return await self.execute_found(
                found,
                query,
                allowed,
                context_value=context_value,
                root_value=root_value,
                operation_name=operation_name,
                operation_extensions=operation_extensions,
            )
        return await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    async def execute_found(
        self,
        found: tuple[Guard, Checked],
        query: str | None,
        allowed_operation_types: Iterable[OperationType],
        *,
        context_value: Any,
        root_value: Any | None = None,
        operation_name: str | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """A query on the checked path, as `checked_query` found it (the HTTP view looks first, to pick its own path,
        and hands over what it found rather than have it looked up again)."""
        guard, checked = found
        return await execute_checked(
            self,
            guard(),
            checked,
            query=query or "",
            allowed_operation_types=allowed_operation_types,
            context_value=context_value,
            root_value=root_value,
            operation_name=operation_name,
            operation_extensions=operation_extensions,
        )

    def checked_query(self, query: str | None, operation_name: str | None) -> tuple[Guard, Checked] | None:
        """The query's checks when it passed them all before and runs on the checked path without variables: only on
        a schema whose one extension is the guard (the staff schema also audits) and that declares no directives."""
        guard = self.extensions[0] if len(self.extensions) == 1 and not self.directives else None
        if not (isinstance(guard, Guard) and query) or not isinstance(operation_name, str | None):
            return None  # a name of another JSON type is the client's mistake, which Strawberry's path answers
        checked = guard.passed.within_limits(query, operation_name)
        return (guard, checked) if checked is not None and checked.plain_query else None

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are answers, not incidents (unexpected ones are logged where they are masked);
        every error leaves with a code, and in production without any suggestion."""
        add_codes(errors)
        if self.config.disable_field_suggestions:
            hide_suggestions(errors)


def guarded(settings: Settings, cache_size: int) -> list[Any]:
    """What every schema of this app runs with, the public one and the staff one (schema/guard.py): the operation
    log, masked unexpected errors, the settings' abuse limits, bounded parse and validation caches, and no
    introspection where the settings say so (production)."""
    budget = Budget(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_query_aliases,
        max_cost=settings.max_query_cost,
        max_tokens=settings.max_query_tokens,
    )
    return [Guard(budget, PassedChecks(cache_size), settings.introspection)]


def config_of(settings: Settings) -> StrawberryConfig:
    """Production suggests no names (they would describe the schema that introspection hides)."""
    return StrawberryConfig(disable_field_suggestions=settings.is_production, scalar_map=SCALARS)


def build_schema(settings: Settings | None = None) -> PanelSchema:
    """The public schema with the settings' abuse limits; production hides introspection and suggestions."""
    settings = settings or Settings()
    return PanelSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=guarded(settings, cache_size=512),
        config=config_of(settings),
        execution_context_class=InlineLeavesExecutionContext,
    )


schema = build_schema()
