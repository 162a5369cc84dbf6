"""Writing the account's activity history; call it inside the transaction of the change."""

from __future__ import annotations

from core.context import Context
from core.runtime import Runtime
from models import ActivityEvent

SYSTEM_ACTOR = "Sistema"


async def record(ctx: Context, action: str, summary: str, *, account_id: int | None = None, actor: str | None = None) -> None:
    """An event by whoever acts in `ctx` (or `actor`), with the request's IP and user agent."""
    principal = ctx.principal
    target = account_id if account_id is not None else principal.account_id if principal else None
    if target is None:
        raise ValueError("record() needs an account: nobody is signed in")
    await ActivityEvent.create(
        account_id=target,
        at=ctx.runtime.clock.now(),
        actor=actor or (principal.actor if principal else SYSTEM_ACTOR),
        action=action,
        summary=summary[:500],
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )


async def record_system(runtime: Runtime, account_id: int, action: str, summary: str, actor: str = SYSTEM_ACTOR) -> None:
    """An event by the system or staff (workers, the CLI): no request behind it."""
    await ActivityEvent.create(
        account_id=account_id, at=runtime.clock.now(), actor=actor, action=action, summary=summary[:500]
    )
