"""Passkeys (WebAuthn, issue 23): each signed-in person registers, renames and removes their own; anybody signs in
with one without typing a login; one serves as the second step of a sign-in and for step-up.

Options go to the browser as JSON text (PublicKeyCredential.parseCreationOptionsFromJSON /
parseRequestOptionsFromJSON read it), and credentials come back as the JSON of PublicKeyCredential.toJSON().
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from core.outcome import Outcome
from domain import passkeys, recovery, sign_in
from schema.common import UserError, payload_errors
from schema.permissions import needs

if TYPE_CHECKING:
    from schema.account import Viewer

CREDENTIAL = "The JSON of the PublicKeyCredential the browser returned (its toJSON())."


@strawberry.type(name="Passkey", description="One of the signed-in person's passkeys.")
class PasskeyType:
    id: strawberry.ID = strawberry.field(description="Its global id (for passkeyRename and passkeyRemove).")
    name: str = strawberry.field(description="The name the person gave it.")
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(description="The last sign-in or check with it; null if none.")
    backed_up: bool = strawberry.field(description="A synced passkey (copied to the person's other devices).")

    @classmethod
    def of(cls, passkey: models.Passkey) -> PasskeyType:
        return cls(
            id=strawberry.ID(to_global_id("Passkey", passkey.id)),
            name=passkey.name,
            created_at=passkey.created_at,
            last_used_at=passkey.last_used_at,
            backed_up=passkey.backed_up,
        )


@strawberry.type(description="What the browser needs to create or use a passkey.")
class PasskeyOptionsPayload:
    options: str | None = strawberry.field(
        description="PublicKeyCredentialCreationOptions or PublicKeyCredentialRequestOptions as JSON text; its "
        "challenge works once, within 5 minutes."
    )
    errors: list[UserError]


def _options(ctx: Context, outcome: Outcome[str]) -> PasskeyOptionsPayload:
    return PasskeyOptionsPayload(options=outcome.value, errors=payload_errors(ctx, outcome))


@strawberry.input(description="The passkey the browser created with passkeyRegistrationStart's options.")
class PasskeyRegistrationFinishInput:
    name: str = strawberry.field(description="How the person will recognise it (e.g. the device), 1 to 100 characters.")
    credential: str = strawberry.field(description=CREDENTIAL)


@strawberry.type
class PasskeyRegistrationFinishPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    passkey: PasskeyType | None
    errors: list[UserError]


@strawberry.input(description="A new name for one of your own passkeys.")
class PasskeyRenameInput:
    id: strawberry.ID = strawberry.field(description="Passkey.id.")
    name: str = strawberry.field(description="1 to 100 characters.")


@strawberry.type
class PasskeyRenamePayload:
    passkey: PasskeyType | None
    errors: list[UserError]


@strawberry.input(description="One of your own passkeys to remove (needs step-up).")
class PasskeyRemoveInput:
    id: strawberry.ID = strawberry.field(description="Passkey.id.")


@strawberry.type
class PasskeyRemovePayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]


@strawberry.input(description="Sign in with a passkey: the browser's answer to passkeySignInStart's options.")
class PasskeySignInFinishInput:
    credential: str = strawberry.field(description=CREDENTIAL)


@strawberry.type
class PasskeySignInFinishPayload:
    viewer: Annotated[Viewer, strawberry.lazy("schema.account")] | None
    errors: list[UserError]


@strawberry.input(description="A passkey as the second step of a sign-in that answered SECOND_FACTOR_REQUIRED.")
class PasskeySecondStepStartInput:
    challenge: str = strawberry.field(description="SignInPayload.challenge.token.")


@strawberry.input(description="A passkey to confirm a recovery link, with two-step verification on.")
class PasskeyRecoveryStartInput:
    token: str = strawberry.field(description="The token from the link in the confirmation email.")


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Start registering a passkey (needs step-up): creation options for a discoverable credential "
        "with user verification, excluding the person's passkeys.",
        extensions=needs(during_enrolment=True),
    )
    async def passkey_registration_start(self, info: strawberry.Info[Context, None]) -> PasskeyOptionsPayload:
        ctx = info.context
        return _options(ctx, await passkeys.registration_options(ctx))

    @strawberry.mutation(
        description="Store the passkey the browser created: signing in then takes two steps (or the passkey "
        "alone), and the person's other sessions end.",
        extensions=needs(during_enrolment=True),
    )
    async def passkey_registration_finish(
        self, info: strawberry.Info[Context, None], input: PasskeyRegistrationFinishInput
    ) -> PasskeyRegistrationFinishPayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await passkeys.register(ctx, input.name, input.credential)
        return PasskeyRegistrationFinishPayload(
            viewer=Viewer() if outcome.ok else None,
            passkey=PasskeyType.of(outcome.value) if outcome.value else None,
            errors=payload_errors(ctx, outcome),
        )

    @strawberry.mutation(description="Rename one of the signed-in person's passkeys.", extensions=needs())
    async def passkey_rename(
        self, info: strawberry.Info[Context, None], input: PasskeyRenameInput
    ) -> PasskeyRenamePayload:
        ctx = info.context
        outcome = await passkeys.rename(ctx, input.id, input.name)
        return PasskeyRenamePayload(
            passkey=PasskeyType.of(outcome.value) if outcome.value else None, errors=payload_errors(ctx, outcome)
        )

    @strawberry.mutation(
        description="Remove one of the signed-in person's passkeys (needs step-up).", extensions=needs()
    )
    async def passkey_remove(
        self, info: strawberry.Info[Context, None], input: PasskeyRemoveInput
    ) -> PasskeyRemovePayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await passkeys.remove(ctx, input.id)
        return PasskeyRemovePayload(viewer=Viewer() if outcome.ok else None, errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Request options for one of the signed-in person's passkeys, to send the answer to "
        "reauthenticate(input: {password, passkey}).",
        extensions=needs(during_password_change=True),
    )
    async def passkey_step_up_start(self, info: strawberry.Info[Context, None]) -> PasskeyOptionsPayload:
        ctx = info.context
        return _options(ctx, await passkeys.step_up_options(ctx))

    @strawberry.mutation(
        description="Request options to sign in with a passkey without typing a login (any discoverable passkey "
        "of this site); a few per minute per source."
    )
    async def passkey_sign_in_start(self, info: strawberry.Info[Context, None]) -> PasskeyOptionsPayload:
        ctx = info.context
        return _options(ctx, await sign_in.passkey_sign_in_options(ctx))

    @strawberry.mutation(
        description="Sign in with a passkey (both factors at once): a session cookie, as signIn gives."
    )
    async def passkey_sign_in_finish(
        self, info: strawberry.Info[Context, None], input: PasskeySignInFinishInput
    ) -> PasskeySignInFinishPayload:
        from schema.account import Viewer

        ctx = info.context
        outcome = await sign_in.passkey_sign_in(ctx, input.credential)
        return PasskeySignInFinishPayload(viewer=Viewer() if outcome.ok else None, errors=payload_errors(ctx, outcome))

    @strawberry.mutation(
        description="Request options for a passkey of the person a sign-in challenge is for; send the answer to "
        "signInSecondStep(input: {challenge, passkey})."
    )
    async def passkey_second_step_start(
        self, info: strawberry.Info[Context, None], input: PasskeySecondStepStartInput
    ) -> PasskeyOptionsPayload:
        ctx = info.context
        return _options(ctx, await sign_in.second_step_passkey_options(ctx, input.challenge))

    @strawberry.mutation(
        description="Request options for a passkey of the person a recovery link is for; send the answer to "
        "accessRecoveryConfirm(input: {token, passkey})."
    )
    async def passkey_recovery_start(
        self, info: strawberry.Info[Context, None], input: PasskeyRecoveryStartInput
    ) -> PasskeyOptionsPayload:
        ctx = info.context
        return _options(ctx, await recovery.passkey_options(ctx, input.token))
