"""Access recovery (seed 001): "¿Olvidó su número de cliente o clave?"."""

from __future__ import annotations

import strawberry

from core.context import Context
from domain import recovery
from schema.common import UserError, payload_errors

# The domain's enum, exposed as it is under its GraphQL name (strawberry.enum registers the class itself).
strawberry.enum(recovery.Method, name="RecoveryMethod")


@strawberry.input(
    description="Ask for a recovery link for a forgotten client number or password; the answer is the same "
    "whether or not anything matched."
)
class AccessRecoveryRequestInput:
    method: recovery.Method = strawberry.field(description="What `value` is: a domain, a client number or an email.")
    value: str = strawberry.field(description="As typed; a domain may include www., a URL or a trailing dot.")


@strawberry.type(description="Always the same answer, whether or not an account matched.")
class AccessRecoveryRequestPayload:
    errors: list[UserError]


@strawberry.input(
    description="Follow a recovery link: a second email brings the client number and a temporary password."
)
class AccessRecoveryConfirmInput:
    token: str = strawberry.field(description="The token from the link in the confirmation email.")
    code: str | None = strawberry.field(
        default=None,
        description="With two-step verification on (SECOND_FACTOR_REQUIRED): the authenticator app's code.",
    )
    recovery_code: str | None = strawberry.field(default=None, description="Instead of `code`: a recovery code.")
    passkey: str | None = strawberry.field(
        default=None,
        description="Instead of `code`: the JSON of the PublicKeyCredential the browser returned for "
        "passkeyRecoveryStart's options.",
    )


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
        outcome = await recovery.confirm(ctx, input.token, input.code, input.recovery_code, input.passkey)
        return AccessRecoveryConfirmPayload(errors=payload_errors(ctx, outcome))
