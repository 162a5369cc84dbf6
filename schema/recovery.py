"""Access recovery (seed 001): "¿Olvidó su número de cliente o clave?"."""

from __future__ import annotations

import strawberry

from core.context import Context
from domain import recovery
from schema.common import UserError, payload_errors

# The domain's enum, exposed as it is under its GraphQL name (strawberry.enum registers the class itself).
strawberry.enum(recovery.Method, name="RecoveryMethod")


@strawberry.input
class AccessRecoveryRequestInput:
    method: recovery.Method
    value: str


@strawberry.type(description="Always the same answer, whether or not an account matched.")
class AccessRecoveryRequestPayload:
    errors: list[UserError]


@strawberry.input
class AccessRecoveryConfirmInput:
    token: str = strawberry.field(description="The token from the link in the confirmation email.")


@strawberry.type
class AccessRecoveryConfirmPayload:
    errors: list[UserError]


@strawberry.type
class AccountFields:
    """Account fields of the recovery domain."""


@strawberry.type
class Query:
    """Recovery queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Ask for a confirmation link by domain, client number or primary email.")
    async def access_recovery_request(
        self, info: strawberry.Info[Context, None], input: AccessRecoveryRequestInput
    ) -> AccessRecoveryRequestPayload:
        ctx = info.context
        outcome = await recovery.request(ctx, input.method, input.value)
        return AccessRecoveryRequestPayload(errors=payload_errors(ctx, outcome))

    @strawberry.mutation(description="Confirm with the link's token: a new temporary password is emailed.")
    async def access_recovery_confirm(
        self, info: strawberry.Info[Context, None], input: AccessRecoveryConfirmInput
    ) -> AccessRecoveryConfirmPayload:
        ctx = info.context
        return AccessRecoveryConfirmPayload(errors=payload_errors(ctx, await recovery.confirm(ctx, input.token)))
