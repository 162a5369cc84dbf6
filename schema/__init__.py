"""The public schema: root types only wire the domains together."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

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
from schema.guard import OperationGuard, PassedChecks
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
    passed = PassedChecks(cache_size)
    return [lambda: OperationGuard(budget, passed, introspection=settings.introspection)]


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
        extensions=guarded(settings, cache_size=512),
        config=config_of(settings),
        execution_context_class=InlineLeavesExecutionContext,
    )


schema = build_schema()
