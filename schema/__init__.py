"""The public schema: root types only wire the domains together."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from core.context import Context
from schema import api_tokens, auth, contacts, holder, mail, nodes, recovery, services
from schema.subscriptions import Subscription
from schema.account import Viewer, viewer_of
from schema.errors import MaskUnexpectedErrors


@strawberry.type
class Query(
    nodes.Query,
    auth.Query,
    holder.Query,
    services.Query,
    contacts.Query,
    mail.Query,
    recovery.Query,
    api_tokens.Query,
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
    recovery.Mutation,
    api_tokens.Mutation,
):
    """Every change; expected failures come back in each payload's `errors`."""


class PanelSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        """Expected errors are answers, not incidents; unexpected ones are logged where they are masked."""


def build_schema() -> strawberry.Schema:
    return PanelSchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=[MaskUnexpectedErrors])


schema = build_schema()
