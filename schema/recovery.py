"""Access recovery (seed 001): "¿Olvidó su número de cliente o clave?"."""

from __future__ import annotations

import strawberry

from core.context import Context
from domain import recovery
from schema.common import UserError, UserErrorCode, user_error

RecoveryMethod = strawberry.enum(recovery.Method, name="RecoveryMethod")


@strawberry.input
class AccessRecoveryRequestInput:
    method: RecoveryMethod
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
        wait = await recovery.request(ctx, recovery.Method(input.method.value), input.value)
        if wait:
            return AccessRecoveryRequestPayload(
                errors=[user_error(ctx, UserErrorCode.RATE_LIMITED, None, table=recovery.MESSAGES, seconds=wait)]
            )
        return AccessRecoveryRequestPayload(errors=[])

    @strawberry.mutation(description="Confirm with the link's token: a new temporary password is emailed.")
    async def access_recovery_confirm(
        self, info: strawberry.Info[Context, None], input: AccessRecoveryConfirmInput
    ) -> AccessRecoveryConfirmPayload:
        ctx = info.context
        result = await recovery.confirm(ctx, input.token)
        if result.error is None:
            return AccessRecoveryConfirmPayload(errors=[])
        field = None if result.error == "RATE_LIMITED" else ["input", "token"]
        error = user_error(
            ctx, UserErrorCode(result.error), field, table=recovery.MESSAGES, seconds=result.wait_seconds
        )
        return AccessRecoveryConfirmPayload(errors=[error])
