"""Signing in and out: holders by client number, contacts by email (seeds 000, 002, 004)."""

from __future__ import annotations

from datetime import timedelta

from core.authn import clear_session_cookie, principal_for_session, set_session_cookie
from core.context import Context
from core.pagination import Page, paginate
from models import Account, ActivityEvent, Contact, Session
from models.enums import Permission


async def sign_in(ctx: Context, login: str, password: str) -> bool:
    """Start a session and set its cookie; False (and no hint why) when the credentials are wrong."""
    runtime = ctx.runtime
    login = login.strip()
    account: Account | None = None
    contact: Contact | None = None
    if "@" in login:
        contact = await Contact.filter(email=login.lower()).select_related("account").first()
        account = contact.account if contact else None
        stored_hash = contact.password_hash if contact and contact.active else None
    else:
        account = await Account.filter(client_number=login).first()
        stored_hash = account.password_hash if account else None
    if not await runtime.secrets.verify_password(stored_hash, password) or account is None:
        return False
    token = runtime.secrets.new_token()
    now = runtime.clock.now()
    await Session.create(
        account_id=account.id,
        contact_id=contact.id if contact else None,
        token_hash=runtime.secrets.digest(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=runtime.settings.session_lifetime_hours),
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )
    if ctx.response is not None:
        set_session_cookie(runtime, ctx.response, token)
    ctx.principal = await principal_for_session(runtime, token)
    return True


async def sign_out(ctx: Context) -> None:
    """End the current session server-side and clear its cookie."""
    principal = ctx.require(allow_password_change=True)
    if principal.session_id is not None:
        await Session.filter(id=principal.session_id, ended_at=None).update(ended_at=ctx.runtime.clock.now())
    if ctx.response is not None:
        clear_session_cookie(ctx.runtime, ctx.response)


async def activity_page(
    ctx: Context, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page[ActivityEvent]:
    """The account's history, newest first; it is security information (SECURITY)."""
    principal = ctx.require(Permission.SECURITY)
    return await paginate(
        ActivityEvent.filter(account_id=principal.account_id),
        first=first, after=after, last=last, before=before, newest_first=True,
    )
