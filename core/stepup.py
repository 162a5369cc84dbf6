"""Step-up: changes that hand over an account (addresses that receive secrets, passwords, the PIN,
API tokens, granted permissions) need a recent proof of identity, not only a live session.

Signing in or calling `reauthenticate` proves it; the proof lasts `STEP_UP_MINUTES`. API
tokens cannot prove it, so those changes are for signed-in people only.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from core.context import Context, Principal
from core.errors import forbidden
from models import Session


def require_session(principal: Principal) -> None:
    """Refuse API tokens outright (FORBIDDEN): what follows is a signed-in person's own."""
    if principal.session_id is None:
        raise forbidden("Only a signed-in person can do this, not an API token.")


def lacks_step_up(ctx: Context, principal: Principal) -> bool:
    """True when the person must reauthenticate first; API tokens are refused outright (FORBIDDEN)."""
    require_session(principal)
    window = timedelta(minutes=ctx.runtime.settings.step_up_minutes)
    proved = principal.authenticated_at
    return proved is None or ctx.runtime.clock.now() - proved > window


async def mark_authenticated(ctx: Context, principal: Principal) -> Principal:
    """Record that the session's person just proved who they are (the password, later a second factor)."""
    now = ctx.runtime.clock.now()
    await Session.filter(id=principal.session_id).update(authenticated_at=now)
    ctx.principal = replace(principal, authenticated_at=now)
    return ctx.principal
