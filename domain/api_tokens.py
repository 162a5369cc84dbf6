"""Partner API tokens: `Authorization: Bearer`, scoped to what their creator may do.

A token is shown once, stored only as a keyed hash, and can never do more than its own
permissions nor more than its creator can do today (core.authn intersects both). Creating one
hands over access, so it needs step-up (a recent sign-in or `reauthenticate`); revoking one
closes its live sockets in every process (an access event).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.queryset import QuerySet

from core import activity
from core.access import access_changed
from core.context import Context, Principal
from core.errors import forbidden
from core.i18n import Messages
from core.ids import pk_of
from core.outcome import Outcome, error_codes, failed, succeeded
from core.stepup import lacks_step_up
from models import ApiToken
from models.enums import Permission

# Every secret starts with it, so that secret scanners recognise a leaked one.
BEARER_PREFIX = "cpk_"
NAME_MAX = 100

MESSAGES: Messages = {
    "REQUIRED": ("Indique un nombre para el token.", "Give the token a name."),
    "TOO_LONG": ("El nombre admite como máximo 100 caracteres.", "The name allows at most 100 characters."),
    "PERMISSION_NOT_HELD": (
        "No puede dar a un token permisos que usted no tiene: {permissions}.",
        "You cannot give a token permissions you do not hold: {permissions}.",
    ),
    "INVALID": ("La fecha de vencimiento debe ser futura.", "The expiry must be in the future."),
    "NOT_FOUND": (
        "El token no existe o no pertenece a su cuenta.",
        "The token does not exist or is not in your account.",
    ),
}


@error_codes(MESSAGES)
class ApiTokenError(StrEnum):
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    PERMISSION_NOT_HELD = "PERMISSION_NOT_HELD"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"


@dataclass(frozen=True, slots=True)
class Created:
    token: ApiToken
    secret: str  # shown once, in the answer to its creation


def _manager(ctx: Context) -> Principal:
    """The person managing tokens (apiTokenCreate/Revoke need SECURITY): never a token itself."""
    principal = ctx.acting
    if principal.api_token_id is not None:
        raise forbidden("An API token cannot manage API tokens.")
    return principal


def visible_tokens(ctx: Context) -> QuerySet[ApiToken]:
    """The account's live tokens: what a principal with SECURITY sees (the list and `node` alike)."""
    return ApiToken.filter(account_id=ctx.acting.account_id, revoked_at=None)


async def tokens(ctx: Context) -> list[ApiToken]:
    return list(await visible_tokens(ctx).order_by("-id"))


def _refusals(
    ctx: Context, principal: Principal, name: str, wanted: set[Permission], expires_at: datetime | None
) -> Outcome[Created]:
    """What is wrong with a new token's name, permissions and expiry (all of it, at once)."""
    outcome: Outcome[Created] = Outcome()
    if not name:
        outcome.fail(ApiTokenError.REQUIRED, ["input", "name"])
    elif len(name) > NAME_MAX:
        outcome.fail(ApiTokenError.TOO_LONG, ["input", "name"])
    if missing := sorted(p.value for p in wanted - principal.permissions):
        outcome.fail(ApiTokenError.PERMISSION_NOT_HELD, ["input", "permissions"], permissions=", ".join(missing))
    if expires_at is not None and expires_at <= ctx.runtime.clock.now():
        outcome.fail(ApiTokenError.INVALID, ["input", "expiresAt"])
    return outcome


async def create(
    ctx: Context, name: str, permissions: list[Permission], expires_at: datetime | None
) -> Outcome[Created]:
    principal = _manager(ctx)
    if lacks_step_up(ctx, principal):
        return failed(ApiTokenError.STEP_UP_REQUIRED)
    name = name.strip()
    wanted = {Permission(p) for p in permissions}
    if not (outcome := _refusals(ctx, principal, name, wanted, expires_at)).ok:
        return outcome
    secret = BEARER_PREFIX + ctx.runtime.secrets.new_token()
    async with ctx.runtime.events.transaction():
        token = await ApiToken.create(
            account_id=principal.account_id,
            created_by_contact_id=principal.contact_id,
            name=name,
            permissions=sorted(p.value for p in wanted),
            token_hash=ctx.runtime.secrets.digest(secret),
            created_at=ctx.runtime.clock.now(),
            expires_at=expires_at,
        )
        granted = ", ".join(sorted(p.value for p in wanted)) or "sin permisos"
        await activity.record(ctx, "api_token.created", f"Token de API creado: {name} ({granted})")
    return succeeded(Created(token, secret))


async def revoke(ctx: Context, token_id: str) -> Outcome[ApiToken]:
    principal = _manager(ctx)
    pk = pk_of(token_id, "ApiToken")
    token = await ApiToken.get_or_none(id=pk, account_id=principal.account_id, revoked_at=None) if pk else None
    if token is None:
        return failed(ApiTokenError.NOT_FOUND, ["input", "id"])
    async with ctx.runtime.events.transaction():
        await ApiToken.filter(id=token.id).update(revoked_at=ctx.runtime.clock.now())
        await activity.record(ctx, "api_token.revoked", f"Token de API revocado: {token.name}")
        access_changed(principal.account_id, api_token_id=token.id)  # only that token's sockets are re-checked
    return succeeded(token)
