"""The api_tokens domain's part of the schema."""

from __future__ import annotations

import strawberry


@strawberry.type
class AccountFields:
    """Account fields of the api_tokens domain."""


@strawberry.type
class Query:
    """Queries of the api_tokens domain."""


@strawberry.type
class Mutation:
    """Mutations of the api_tokens domain."""
