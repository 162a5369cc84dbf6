"""The holder's personal data (seed 000 "Datos del titular", seed 004 "Editar detalles de la cuenta")."""

from __future__ import annotations

import strawberry

import models


@strawberry.type
class PostalAddress:
    street: str
    neighborhood: str | None = strawberry.field(description="Colonia, barrio or neighbourhood.")
    city: str
    state: str | None
    postal_code: str
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2.")

    @classmethod
    def of(cls, row: models.Holder | models.Contact) -> PostalAddress | None:
        """The address stored on a holder or contact row, or None when it has none."""
        if not (row.street and row.city and row.postal_code and row.country_code):
            return None
        return cls(
            street=row.street,
            neighborhood=row.neighborhood,
            city=row.city,
            state=row.state,
            postal_code=row.postal_code,
            country_code=row.country_code,
        )


@strawberry.type
class AccountFields:
    """Account fields of the holder domain."""


@strawberry.type
class Query:
    """Holder queries."""


@strawberry.type
class Mutation:
    """Holder mutations."""
