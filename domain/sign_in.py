"""Signing in (seeds 000, 004): the holder with the client number, a contact with their email.

Wrong login, wrong password, inactive contact and a spent or expired temporary password are
one answer. Throttling counts failures only (NIST SP 800-63B): per login and source, per
source, and per login from anywhere with growing waits (at most 100 a day). A browser that
signed in before carries a signed device cookie (OWASP "device cookies"); its failures count
on its own bucket instead of the login's, so nobody can lock the real person's browser out.

One email may be a contact of several accounts: the password is checked for each (at most
MAX_ACCOUNTS_PER_EMAIL hashes), and when it opens more than one, the answer lists only
those accounts, so that the person picks one with `clientNumber`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.responses import Response

from core import activity
from core.context import Context
from core.outcome import Outcome, failed, succeeded
from core.runtime import Runtime
from domain.auth import CLIENT_NUMBER_MAX, EMAIL_MAX, AuthError, start_session
from models import Account, Contact, RecoveryRequest

FAILURES_PER_SOURCE = "50/15 minutes"
FAILURES_PER_LOGIN_AND_SOURCE = "10/15 minutes"
# From anywhere: the waits grow with the failures, and 100 a day is the most (NIST SP 800-63B).
FAILURES_PER_LOGIN = ("20/hour", "100/day")
FAILURES_PER_DEVICE = ("10/15 minutes", "100/day")
# An email that is a contact of more accounts signs in to the others with `clientNumber`.
MAX_ACCOUNTS_PER_EMAIL = 5
DEVICE_COOKIE = "cp_device"
DEVICE_COOKIE_DAYS = 365


@dataclass(frozen=True, slots=True)
class Candidate:
    account: Account
    contact: Contact | None

    @property
    def password_hash(self) -> str | None:
        return self.contact.password_hash if self.contact else self.account.password_hash


def device_cookie_name(runtime: Runtime) -> str:
    return f"__Host-{DEVICE_COOKIE}" if runtime.settings.secure_cookies else DEVICE_COOKIE


def _device_signature(runtime: Runtime, nonce: str, login: str) -> str:
    return runtime.secrets.digest(f"device:{nonce}:{login}")


def known_device(ctx: Context, login: str) -> str | None:
    """The id of this browser if it signed in with `login` before (its cookie verifies), else None."""
    nonce, _, signature = ctx.request.cookies.get(device_cookie_name(ctx.runtime), "").partition(".")
    if nonce and ctx.runtime.secrets.matches(signature, f"device:{nonce}:{login}"):
        return nonce
    return None


def set_device_cookie(runtime: Runtime, response: Response, login: str) -> None:
    nonce = secrets.token_urlsafe(16)
    response.set_cookie(
        device_cookie_name(runtime),
        f"{nonce}.{_device_signature(runtime, nonce, login)}",
        max_age=DEVICE_COOKIE_DAYS * 86400,
        path="/",
        httponly=True,
        samesite="lax",
        secure=runtime.settings.secure_cookies,
    )


def attempt_buckets(ctx: Context, login: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(rule, name, key) of the failure counters an attempt at `login` is judged by, but the source's."""
    device = known_device(ctx, login)
    if device is not None:
        return [(rule, "sign-in-device", (device,)) for rule in FAILURES_PER_DEVICE]
    source = ctx.ip_address or "?"
    return [
        (FAILURES_PER_LOGIN_AND_SOURCE, "sign-in", (login, source)),
        *((rule, "sign-in-login", (login,)) for rule in FAILURES_PER_LOGIN),
    ]


async def _throttled(ctx: Context, buckets: list[tuple[str, str, tuple[str, ...]]]) -> int:
    """The seconds to wait, or 0. Checked before any work: the source's failures are peeked, the
    login's (or device's) counted now.

    Counting the login's attempt before the check keeps a concurrent burst within the bound;
    a success clears it again, so successes never add up."""
    limiter = ctx.runtime.limiter
    source = ctx.ip_address or "?"
    waits = [await limiter.peek(FAILURES_PER_SOURCE, "sign-in-ip", source)]
    waits += [await limiter.peek(rule, name, *key) for rule, name, key in buckets]
    if not any(waits):
        waits = [await limiter.hit(rule, name, *key) for rule, name, key in buckets]
    return max((w for w in waits if w), default=0)


async def candidates(login: str, client_number: str | None) -> list[Candidate]:
    """Who `login` may be: the account of a client number, or the active contacts with that email."""
    if "@" not in login:
        account = await Account.get_or_none(client_number=login) if len(login) <= CLIENT_NUMBER_MAX else None
        return [Candidate(account, None)] if account else []
    if len(login) > EMAIL_MAX:
        return []
    found = Contact.filter(email=login, active=True, password_hash__isnull=False).select_related("account")
    if client_number is not None:
        chosen = client_number.strip()
        if len(chosen) > CLIENT_NUMBER_MAX:
            return []
        found = found.filter(account__client_number=chosen)
    return [Candidate(c.account, c) for c in await found.order_by("id").limit(MAX_ACCOUNTS_PER_EMAIL)]


async def _matching(ctx: Context, found: list[Candidate], password: str) -> list[Candidate]:
    """The candidates whose password this is; no candidate still costs one hash."""
    if not found:
        await ctx.runtime.secrets.verify_password(None, password)
        return []
    return [c for c in found if await ctx.runtime.secrets.verify_password(c.password_hash, password)]


async def spend_temporary_password(ctx: Context, who: Candidate) -> bool:
    """A recovery's temporary password signs in once, within its 24 hours (seed 001)."""
    must_change = who.contact.must_change_password if who.contact else who.account.must_change_password
    contact_id = who.contact.id if who.contact else None
    if not must_change:
        return True
    issued_to_them = RecoveryRequest.filter(account_id=who.account.id, contact_id=contact_id)
    issued = await issued_to_them.filter(temporary_password_until__isnull=False).order_by("-id").first()
    if issued is None:  # not a recovery's password
        return True
    now = ctx.runtime.clock.now()
    spent = await RecoveryRequest.filter(
        id=issued.id, temporary_password_used_at=None, temporary_password_until__gt=now
    ).update(temporary_password_used_at=now)
    return spent > 0


async def _failed(ctx: Context, login: str, found: list[Candidate]) -> Outcome[None]:
    await ctx.runtime.limiter.hit(FAILURES_PER_SOURCE, "sign-in-ip", ctx.ip_address or "?")
    for account_id in sorted({c.account.id for c in found}):
        summary = f"Intento fallido de ingreso con {login}"
        await activity.record(ctx, "session.sign_in_failed", summary, account_id=account_id, actor=login)
    return failed(AuthError.INVALID_CREDENTIALS)


async def sign_in(ctx: Context, login: str, password: str, client_number: str | None = None) -> Outcome[None]:
    """Start a session, set its cookie and the device cookie; or one of the refusals above.

    ACCOUNT_CHOICE_REQUIRED carries `accounts`: the client numbers the password opened, and only those."""
    login = login.strip().lower()
    buckets = attempt_buckets(ctx, login)
    if wait := await _throttled(ctx, buckets):
        return failed(AuthError.RATE_LIMITED, seconds=wait)
    found = await candidates(login, client_number)
    matched = await _matching(ctx, found, password)
    if not matched or (len(matched) == 1 and not await spend_temporary_password(ctx, matched[0])):
        return await _failed(ctx, login, found)
    for rule, name, key in buckets:
        await ctx.runtime.limiter.clear(rule, name, *key)
    if len(matched) > 1:
        return failed(AuthError.ACCOUNT_CHOICE_REQUIRED, accounts=[c.account.client_number for c in matched])
    await _start(ctx, matched[0], login, password)
    return succeeded(None)


async def _start(ctx: Context, who: Candidate, login: str, password: str) -> None:
    """The session of the one person the password opened (its hash renewed when the cost settings grew)."""
    runtime = ctx.runtime
    if runtime.secrets.needs_rehash(who.password_hash or ""):
        new_hash = await runtime.secrets.hash_password(password)
        owner = Contact.filter(id=who.contact.id) if who.contact else Account.filter(id=who.account.id)
        await owner.update(password_hash=new_hash)
    await start_session(ctx, who.account, who.contact)
    if ctx.response is not None:
        set_device_cookie(runtime, ctx.response, login)
    await activity.record(ctx, "session.signed_in", "Ingreso al panel")
