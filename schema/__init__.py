"""The public schema: root types only wire the domains together."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import DisableIntrospection, ParserCache, SchemaExtension, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.graphql import OperationType

from core.context import Context
from core.limits import Budget, QueryLimits, TokenLimit
from core.logs import OperationLog
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
from schema.masking import MaskUnexpectedErrors, add_codes, hide_suggestions
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


class SubscriptionsOverWebSocketOnly(SchemaExtension):
    """Subscriptions stream over graphql-transport-ws: over HTTP one is not an allowed operation, which the view
    answers with 400 and where to go, before anything runs."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        if isinstance(context.context, Context) and context.context.request.scope["type"] == "http":
            context.allowed_operations = frozenset(context.allowed_operations) - {OperationType.SUBSCRIPTION}
        yield


class PanelSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are answers, not incidents (unexpected ones are logged where they are masked);
        every error leaves with a code, and in production without any suggestion."""
        add_codes(errors)
        if self.config.disable_field_suggestions:
            hide_suggestions(errors)


def guarded(settings: Settings, cache_size: int) -> list[Any]:
    """What every schema of this app runs with, the public one and the staff one: the operation log, masked
    unexpected errors, the settings' abuse limits, bounded parse and validation caches, and no introspection
    where the settings say so (production)."""
    budget = Budget(
        max_depth=settings.max_query_depth,
        max_aliases=settings.max_query_aliases,
        max_cost=settings.max_query_cost,
        max_tokens=settings.max_query_tokens,
    )
    extensions: list[Any] = [
        OperationLog,
        MaskUnexpectedErrors,
        lambda: TokenLimit(budget),
        lambda: ParserCache(maxsize=cache_size),
        lambda: ValidationCache(maxsize=cache_size),
        lambda: QueryLimits(budget),
    ]
    if not settings.introspection:
        extensions.append(DisableIntrospection)
    return extensions


def config_of(settings: Settings) -> StrawberryConfig:
    """Production suggests no names (they would describe the schema that introspection hides)."""
    return StrawberryConfig(disable_field_suggestions=settings.is_production, scalar_map=SCALARS)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The public schema with the settings' abuse limits; production hides introspection and suggestions."""
    settings = settings or Settings()
    return PanelSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[SubscriptionsOverWebSocketOnly, *guarded(settings, cache_size=512)],
        config=config_of(settings),
    )


schema = build_schema()
