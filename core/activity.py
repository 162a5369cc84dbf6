"""Writing the account's activity history; call it inside the transaction of the change."""

from __future__ import annotations

from tortoise.models import Model

from core.context import Context
from core.runtime import Runtime
from models import ActivityEvent
from models.columns import column_length

SYSTEM_ACTOR = "Sistema"
ELLIPSIS = "…"


def fit(model: type[Model], field_name: str, text: str) -> str:
    """`text` cut with an ellipsis to the column's own max_length, so composed strings (a person's
    names, a token's name) never make the write that records them fail."""
    limit = column_length(model, field_name)
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)] + ELLIPSIS


async def record(
    ctx: Context, action: str, summary: str, *, account_id: int | None = None, actor: str | None = None
) -> None:
    """An event by whoever acts in `ctx` (or `actor`), with the request's IP and user agent."""
    principal = ctx.principal
    target = account_id if account_id is not None else principal.account_id if principal else None
    if target is None:
        raise ValueError("record() needs an account: nobody is signed in")
    await _create(
        ctx.runtime,
        target,
        actor or (principal.actor if principal else SYSTEM_ACTOR),
        action,
        summary,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )


async def record_system(
    runtime: Runtime, account_id: int, action: str, summary: str, actor: str = SYSTEM_ACTOR
) -> None:
    """An event by the system or staff (workers, the CLI): no request behind it."""
    await _create(runtime, account_id, actor, action, summary)


async def _create(
    runtime: Runtime,
    account_id: int,
    actor: str,
    action: str,
    summary: str,
    *,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> None:
    await ActivityEvent.create(
        account_id=account_id,
        at=runtime.clock.now(),
        actor=fit(ActivityEvent, "actor", actor),
        action=action,
        summary=fit(ActivityEvent, "summary", summary),
        ip_address=ip_address,
        user_agent=fit(ActivityEvent, "user_agent", user_agent) if user_agent else None,
    )
