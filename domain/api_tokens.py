"""Partner API tokens: `Authorization: Bearer`, scoped to what their creator may do.

A token is shown once, stored only as a keyed hash, and can never do more than its own
permissions nor more than its creator can do today (core.authn intersects both). Creating one
hands over access, so it needs step-up (a recent sign-in or `reauthenticate`); revoking one
closes its live sockets in every process (an access event).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.queryset import QuerySet

from core import activity
from core.context import Context, Principal
from core.errors import forbidden
from core.ids import pk_of
from core.outcome import Failures
from core.sockets import access_changed
from core.stepup import STEP_UP_REQUIRED, lacks_step_up
from models import ApiToken
from models.enums import Permission

TOKEN_PREFIX = "cpk_"

MESSAGES: dict[str, tuple[str, str]] = {
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


@dataclass
class Result(Failures):
    token: ApiToken | None = None
    secret: str | None = None


def _manager(ctx: Context) -> Principal:
    principal = ctx.require(Permission.SECURITY)
    if principal.api_token_id is not None:
        raise forbidden("An API token cannot manage API tokens.")
    return principal


def visible_tokens(ctx: Context) -> QuerySet[ApiToken]:
    """The tokens the principal may see: the account's live ones, with SECURITY (the list and `node` alike)."""
    return ApiToken.filter(account_id=ctx.require(Permission.SECURITY).account_id, revoked_at=None)


async def tokens(ctx: Context) -> list[ApiToken]:
    return list(await visible_tokens(ctx).order_by("-id"))


async def create(ctx: Context, name: str, permissions: list[Permission], expires_at: datetime | None) -> Result:
    principal = _manager(ctx)
    result = Result()
    if lacks_step_up(ctx, principal):
        return result.fail(STEP_UP_REQUIRED)
    name = name.strip()
    if not name:
        result.fail("REQUIRED", ["input", "name"])
    elif len(name) > 100:
        result.fail("TOO_LONG", ["input", "name"])
    wanted = {Permission(p) for p in permissions}
    if missing := sorted(p.value for p in wanted - principal.permissions):
        result.fail("PERMISSION_NOT_HELD", ["input", "permissions"], permissions=", ".join(missing))
    if expires_at is not None and expires_at <= ctx.runtime.clock.now():
        result.fail("INVALID", ["input", "expiresAt"])
    if result.errors:
        return result
    secret = TOKEN_PREFIX + ctx.runtime.secrets.new_token()
    async with ctx.runtime.events.transaction():
        result.token = await ApiToken.create(
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
    result.secret = secret
    return result


async def revoke(ctx: Context, token_id: str) -> Result:
    principal = _manager(ctx)
    result = Result()
    pk = pk_of(token_id, "ApiToken")
    token = await ApiToken.get_or_none(id=pk, account_id=principal.account_id, revoked_at=None) if pk else None
    if token is None:
        return result.fail("NOT_FOUND", ["input", "id"])
    async with ctx.runtime.events.transaction():
        await ApiToken.filter(id=token.id).update(revoked_at=ctx.runtime.clock.now())
        await activity.record(ctx, "api_token.revoked", f"Token de API revocado: {token.name}")
        access_changed(principal.account_id, api_token_id=token.id)  # only that token's sockets are re-checked
    result.token = token
    return result
