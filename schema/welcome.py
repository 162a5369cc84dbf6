"""The welcome link (/bienvenida): the holder of an account the billing system created chooses a first password."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from core.context import Context
from domain import welcome
from schema.common import UserError, payload_errors

if TYPE_CHECKING:
    from schema.account import Viewer


@strawberry.input(description="The holder chooses a first password with the welcome link (no session needed).")
class WelcomeAcceptInput:
    token: str = strawberry.field(description="The token from the welcome link.")
    password: str = strawberry.field(
        description="The new password (the rules of passwordChange; the holder's names, email and client number "
        "count against it: pass the token as passwordStrength's invitationToken for the same verdict)."
    )


@strawberry.type
class WelcomeAcceptPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None = strawberry.field(
        description="The holder, now signed in (the session cookie is set)."
    )
    errors: list[UserError]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Choose the first password with the welcome link and sign in. The link works once and for 7 days; "
        "an unknown, used or expired link is one answer (INVALID_CODE)."
    )
    async def welcome_accept(
        self, info: strawberry.Info[Context, None], input: WelcomeAcceptInput
    ) -> WelcomeAcceptPayload:
        from schema.account import Viewer

        outcome = await welcome.accept(info.context, input.token, input.password)
        viewer = Viewer() if outcome.ok else None
        return WelcomeAcceptPayload(viewer=viewer, errors=payload_errors(info.context, outcome))
