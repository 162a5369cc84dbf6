"""The mail domain's part of the schema."""

from __future__ import annotations

import strawberry


@strawberry.type
class AccountFields:
    """Account fields of the mail domain."""


@strawberry.type
class Query:
    """Queries of the mail domain."""


@strawberry.type
class Mutation:
    """Mutations of the mail domain."""
