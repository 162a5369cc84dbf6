"""The recovery domain's part of the schema."""

from __future__ import annotations

import strawberry


@strawberry.type
class AccountFields:
    """Account fields of the recovery domain."""


@strawberry.type
class Query:
    """Queries of the recovery domain."""


@strawberry.type
class Mutation:
    """Mutations of the recovery domain."""
