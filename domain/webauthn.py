"""WebAuthn ceremonies with py_webauthn (issue 23): the options a browser gets, and the checks of what it sends.

The relying party is WEBAUTHN_RP_ID with the origins of WEBAUTHN_ORIGINS, never taken from the request. Each
ceremony starts with a random challenge stored as a keyed hash (CHALLENGE_MINUTES, bound to a person unless it
is a sign-in with a discoverable credential), found again by the hash of the challenge the browser signed and
claimed with a conditional UPDATE, so a replay finds it used. User verification is required every time, so a
passkey proves both factors. Sign counters: when the authenticator keeps one (non-zero), each use must raise
it; one that does not is refused and recorded as a possible copy of the authenticator.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TypeVar

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from core import activity
from core.context import Context
from core.runtime import Runtime
from models import Passkey, WebAuthnChallenge
from models.second_factor import person_key

CHALLENGE_MINUTES = 5
# Ceremonies anybody may start (each stores a challenge): signing in, a second step, a recovery link's; per source.
STARTS_PER_SOURCE = "30/minute"
# The longest credential JSON read (attestation "none" responses are well under 2 KB).
CREDENTIAL_MAX = 16_000
TRANSPORTS = {t.value for t in AuthenticatorTransport}
T = TypeVar("T")


class Purpose(StrEnum):
    REGISTER = "register"
    SIGN_IN = "sign_in"  # nobody known yet: any discoverable credential
    VERIFY = "verify"  # a person's second factor: the second step of a sign-in, or step-up


Owner = tuple[int, int | None]  # (account id, contact id or None for the holder)


async def starts_throttled(ctx: Context) -> int | None:
    """The seconds to wait before this source starts another ceremony without being signed in, or None."""
    return await ctx.runtime.limiter.hit(STARTS_PER_SOURCE, "passkey-start", ctx.ip_address or "?")


def user_handle(runtime: Runtime, owner: Owner) -> bytes:
    """The opaque, stable user.id of a person (neither the client number nor the email): 32 bytes of a keyed
    hash."""
    return bytes.fromhex(runtime.secrets.digest(f"webauthn-user:{person_key(*owner)}"))[:32]


async def _new_challenge(runtime: Runtime, purpose: Purpose, owner: Owner | None) -> bytes:
    """A random challenge, stored hashed; expired ones are deleted meanwhile (the table keeps a few minutes')."""
    challenge = secrets.token_bytes(32)
    now = runtime.clock.now()
    await WebAuthnChallenge.filter(expires_at__lte=now).delete()
    await WebAuthnChallenge.create(
        account_id=owner[0] if owner else None,
        contact_id=owner[1] if owner else None,
        purpose=purpose.value,
        challenge_hash=runtime.secrets.digest(bytes_to_base64url(challenge)),
        created_at=now,
        expires_at=now + timedelta(minutes=CHALLENGE_MINUTES),
    )
    return challenge


async def _claimed_challenge(
    runtime: Runtime, client_data_json: bytes, purpose: Purpose, owner: Owner | None
) -> bytes | None:
    """The challenge the browser signed when it is a live one of ours for `purpose` (and `owner`), now spent."""
    challenge = parse_client_data_json(client_data_json).challenge
    now = runtime.clock.now()
    digests = runtime.secrets.digests(bytes_to_base64url(challenge))
    found = WebAuthnChallenge.filter(
        challenge_hash__in=digests, purpose=purpose.value, used_at=None, expires_at__gt=now
    )
    if owner is not None:
        found = found.filter(account_id=owner[0], contact_id=owner[1])
    return challenge if await found.update(used_at=now) else None


def _descriptors(passkeys: list[Passkey]) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(p.credential_id),
            transports=[AuthenticatorTransport(t) for t in p.transports if t in TRANSPORTS],
        )
        for p in passkeys
    ]


async def registration_options(runtime: Runtime, owner: Owner, user_name: str, display_name: str) -> str:
    """PublicKeyCredentialCreationOptions (JSON) for a new discoverable passkey of `owner`, excluding theirs."""
    challenge = await _new_challenge(runtime, Purpose.REGISTER, owner)
    existing = await Passkey.filter(account_id=owner[0], contact_id=owner[1]).order_by("id")
    options = generate_registration_options(
        rp_id=runtime.settings.webauthn_rp_id,
        rp_name=runtime.settings.branding.name,
        user_id=user_handle(runtime, owner),
        user_name=user_name,
        user_display_name=display_name,
        challenge=challenge,
        timeout=CHALLENGE_MINUTES * 60_000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED, user_verification=UserVerificationRequirement.REQUIRED
        ),
        exclude_credentials=_descriptors(existing),
    )
    return options_to_json(options)


async def authentication_options(runtime: Runtime, owner: Owner | None) -> str:
    """PublicKeyCredentialRequestOptions (JSON): for `owner`'s passkeys, or (None) any discoverable one."""
    passkeys = await Passkey.filter(account_id=owner[0], contact_id=owner[1]).order_by("id") if owner else []
    options = generate_authentication_options(
        rp_id=runtime.settings.webauthn_rp_id,
        challenge=await _new_challenge(runtime, Purpose.VERIFY if owner else Purpose.SIGN_IN, owner),
        timeout=CHALLENGE_MINUTES * 60_000,
        allow_credentials=_descriptors(passkeys),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def _parsed(credential: str, parse: Callable[[str], T]) -> T | None:
    """The credential's JSON as py_webauthn reads it; None when too long, not JSON or missing a part."""
    if len(credential) > CREDENTIAL_MAX:
        return None
    try:
        return parse(credential)
    except (WebAuthnException, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class NewCredential:
    """What is kept of a verified registration (binary values in base64url)."""

    credential_id: str
    public_key: str
    sign_count: int
    transports: list[str]
    backed_up: bool


async def registered(runtime: Runtime, owner: Owner, credential: str) -> NewCredential | None:
    """The new credential when `credential` answers one of `owner`'s registration challenges (right rp id and
    origin, user verified), else None."""
    parsed = _parsed(credential, parse_registration_credential_json)
    try:
        if parsed is None:
            return None
        challenge = await _claimed_challenge(runtime, parsed.response.client_data_json, Purpose.REGISTER, owner)
        if challenge is None:
            return None
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=runtime.settings.webauthn_rp_id,
            expected_origin=list(runtime.settings.webauthn_origins),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError):
        return None
    return NewCredential(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
        transports=[t.value for t in parsed.response.transports or []],
        backed_up=verified.credential_backed_up,
    )


async def asserted(ctx: Context, credential: str, owner: Owner | None) -> Passkey | None:
    """The passkey that signed one of our challenges (one of `owner`'s, or with owner None any discoverable
    one), with its counter and last use updated; else None."""
    runtime = ctx.runtime
    parsed = _parsed(credential, parse_authentication_credential_json)
    if parsed is None:
        return None
    purpose = Purpose.VERIFY if owner else Purpose.SIGN_IN
    try:
        challenge = await _claimed_challenge(runtime, parsed.response.client_data_json, purpose, owner)
        if challenge is None:
            return None
        passkeys = Passkey.filter(credential_id=bytes_to_base64url(parsed.raw_id))
        if owner is not None:
            passkeys = passkeys.filter(account_id=owner[0], contact_id=owner[1])
        passkey = await passkeys.first()
        if passkey is None:
            return None
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=runtime.settings.webauthn_rp_id,
            expected_origin=list(runtime.settings.webauthn_origins),
            credential_public_key=base64url_to_bytes(passkey.public_key),
            credential_current_sign_count=0,  # compared below, after the signature, to report a copy
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError):
        return None
    if not await _counted(runtime, passkey, verified.new_sign_count, verified.credential_backed_up):
        await _report_copy(ctx, passkey)
        return None
    return await Passkey.get(id=passkey.id)


async def _counted(runtime: Runtime, passkey: Passkey, count: int, backed_up: bool) -> bool:
    """Record the use; False when the counter did not go up (a conditional UPDATE: of two uses of one count, one
    wins). Authenticators that keep no counter always send 0."""
    now = runtime.clock.now()
    same = Passkey.filter(id=passkey.id)
    if count == 0:
        return await same.filter(sign_count=0).update(last_used_at=now, backed_up=backed_up) > 0
    return await same.filter(sign_count__lt=count).update(sign_count=count, last_used_at=now, backed_up=backed_up) > 0


async def _report_copy(ctx: Context, passkey: Passkey) -> None:
    summary = f"Llave de acceso «{passkey.name}» rechazada: su contador no avanzó (posible copia del autenticador)"
    actor = None if ctx.principal else "Ingreso con llave de acceso"
    await activity.record(ctx, "passkey.counter_not_increased", summary, account_id=passkey.account_id, actor=actor)
