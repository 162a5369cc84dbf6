"""Signing in (seeds 000, 004): the holder with the client number, a contact with their email.

Wrong login, wrong password, inactive contact and a spent or expired temporary password are
one answer. Throttling counts failures only (NIST SP 800-63B): per login and source, per
source, and per login from anywhere with growing waits (at most 100 a day). A browser that
signed in before carries a signed device cookie (OWASP "device cookies"); its failures count
on its own bucket instead of the login's, so nobody can lock the real person's browser out.

One email may be a contact of several accounts: the password is checked for each (at most
MAX_ACCOUNTS_PER_EMAIL hashes), and when it opens more than one, the answer lists only
those accounts, so that the person picks one with `clientNumber`.

A person with a second factor (domain/second_factor) gets no session from the password: the answer is
SECOND_FACTOR_REQUIRED with a challenge (CHALLENGE_MINUTES, single-use, CHALLENGE_ATTEMPTS tries), and
`sign_in_second_step` opens the session with that challenge and a code, a recovery code or a passkey (whose
options `second_step_passkey_options` gives for that challenge's person). A recovery's temporary password is
spent only then.

`passkey_sign_in` signs in with a discoverable passkey and no login at all: user verification makes it both
factors. Its failures count on the source's bucket, and an inactive contact's passkey is refused as a wrong
password is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import F

from core import activity
from core.context import Context
from core.outcome import Outcome, failed, succeeded
from core.validation import CLIENT_NUMBER_MAX
from domain import second_factor, webauthn
from domain.auth import EMAIL_MAX, AuthError, start_session
from domain.devices import FAILURES_PER_DEVICE, known_device, set_device_cookie
from domain.second_factor import Person, SecondFactorError
from models import Account, Contact, RecoveryRequest, SignInChallenge

FAILURES_PER_SOURCE = "50/15 minutes"
FAILURES_PER_LOGIN_AND_SOURCE = "10/15 minutes"
# From anywhere: the waits grow with the failures, and 100 a day is the most (NIST SP 800-63B).
FAILURES_PER_LOGIN = ("20/hour", "100/day")
# An email that is a contact of more accounts signs in to the others with `clientNumber`.
MAX_ACCOUNTS_PER_EMAIL = 5
# Between the password and the second factor.
CHALLENGE_MINUTES = 5
CHALLENGE_ATTEMPTS = 5
CHALLENGE_PATH = ("input", "challenge")


@dataclass(frozen=True, slots=True)
class Candidate:
    account: Account
    contact: Contact | None

    @property
    def password_hash(self) -> str | None:
        return self.contact.password_hash if self.contact else self.account.password_hash


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
        chosen = canonical_login(client_number)
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


async def spend_temporary_password(ctx: Context, who: Candidate, *, spend: bool = True) -> bool:
    """A recovery's temporary password signs in once, within its 24 hours (seed 001). spend=False: only whether
    it still would (before a second step, which spends it)."""
    must_change = who.contact.must_change_password if who.contact else who.account.must_change_password
    contact_id = who.contact.id if who.contact else None
    if not must_change:
        return True
    issued_to_them = RecoveryRequest.filter(account_id=who.account.id, contact_id=contact_id)
    issued = await issued_to_them.filter(temporary_password_until__isnull=False).order_by("-id").first()
    if issued is None:  # not a recovery's password
        return True
    now = ctx.runtime.clock.now()
    usable = RecoveryRequest.filter(id=issued.id, temporary_password_used_at=None, temporary_password_until__gt=now)
    if not spend:
        return await usable.exists()
    return await usable.update(temporary_password_used_at=now) > 0


async def _failed(ctx: Context, login: str, found: list[Candidate]) -> Outcome[None]:
    await ctx.runtime.limiter.hit(FAILURES_PER_SOURCE, "sign-in-ip", ctx.ip_address or "?")
    for account_id in sorted({c.account.id for c in found}):
        summary = f"Intento fallido de ingreso con {login}"
        await activity.record(ctx, "session.sign_in_failed", summary, account_id=account_id, actor=login)
    return failed(AuthError.INVALID_CREDENTIALS)


def canonical_login(login: str) -> str:
    """An email in lower case, a client number in capitals (as stored: core/validation.client_number)."""
    login = login.strip()
    return login.lower() if "@" in login else login.upper()


async def sign_in(ctx: Context, login: str, password: str, client_number: str | None = None) -> Outcome[None]:
    """Start a session, set its cookie and the device cookie; or one of the refusals above.

    ACCOUNT_CHOICE_REQUIRED carries `accounts`: the client numbers the password opened, and only those."""
    login = canonical_login(login)
    buckets = attempt_buckets(ctx, login)
    if wait := await _throttled(ctx, buckets):
        return failed(AuthError.RATE_LIMITED, seconds=wait)
    found = await candidates(login, client_number)
    matched = await _matching(ctx, found, password)
    two_step = len(matched) == 1 and await second_factor.enabled(_person(matched[0]))
    if not matched or (len(matched) == 1 and not await spend_temporary_password(ctx, matched[0], spend=not two_step)):
        return await _failed(ctx, login, found)
    for rule, name, key in buckets:
        await ctx.runtime.limiter.clear(rule, name, *key)
    if len(matched) > 1:
        return failed(AuthError.ACCOUNT_CHOICE_REQUIRED, accounts=[c.account.client_number for c in matched])
    await _rehash(ctx, matched[0], password)
    if two_step:
        return await _challenge(ctx, matched[0])
    await _start(ctx, matched[0], login)
    return succeeded(None)


def _person(who: Candidate) -> Person:
    return Person(who.account.id, who.contact.id if who.contact else None)


async def _rehash(ctx: Context, who: Candidate, password: str) -> None:
    """The password's hash renewed when the cost settings grew (only now is the password at hand)."""
    runtime = ctx.runtime
    if runtime.secrets.needs_rehash(who.password_hash or ""):
        new_hash = await runtime.secrets.hash_password(password)
        owner = Contact.filter(id=who.contact.id) if who.contact else Account.filter(id=who.account.id)
        await owner.update(password_hash=new_hash)


async def _start(ctx: Context, who: Candidate, login: str) -> None:
    """The session of the one person the password (and second factor) opened, and the device cookie."""
    await start_session(ctx, who.account, who.contact)
    if ctx.response is not None:
        set_device_cookie(ctx.runtime, ctx.response, login)
    await activity.record(ctx, "session.signed_in", "Ingreso al panel")


async def _challenge(ctx: Context, who: Candidate) -> Outcome[None]:
    """SECOND_FACTOR_REQUIRED with a new challenge (its token is in the failure's `challenge`); the person's
    expired ones are deleted meanwhile, so the table keeps only challenges of the last CHALLENGE_MINUTES."""
    runtime = ctx.runtime
    token = runtime.secrets.new_token()
    now = runtime.clock.now()
    expires_at = now + timedelta(minutes=CHALLENGE_MINUTES)
    person = _person(who)
    await SignInChallenge.filter(
        account_id=person.account_id, contact_id=person.contact_id, expires_at__lte=now
    ).delete()
    await SignInChallenge.create(
        account_id=person.account_id,
        contact_id=person.contact_id,
        token_hash=runtime.secrets.digest(token),
        created_at=now,
        expires_at=expires_at,
    )
    return failed(SecondFactorError.SECOND_FACTOR_REQUIRED, challenge=token, expires_at=expires_at)


async def _still_allowed(account_id: int, contact_id: int | None) -> Candidate | None:
    """The person a challenge or a passkey is for, if they still may sign in (a contact may have been
    deactivated meanwhile)."""
    account = await Account.get(id=account_id)
    if contact_id is None:
        return Candidate(account, None)
    contact = await Contact.get_or_none(id=contact_id, active=True, password_hash__isnull=False)
    return Candidate(account, contact) if contact else None


async def _open_challenge(ctx: Context, token: str) -> Outcome[SignInChallenge]:
    """The live challenge of `token`, with this attempt counted (a conditional UPDATE: at most
    CHALLENGE_ATTEMPTS in all, whichever process they reach)."""
    runtime = ctx.runtime
    found = await SignInChallenge.get_or_none(token_hash__in=runtime.secrets.digests(token.strip()), used_at=None)
    if found is None:
        return failed(SecondFactorError.INVALID_CODE, CHALLENGE_PATH, key="CHALLENGE_INVALID")
    if runtime.clock.now() >= found.expires_at:
        return failed(SecondFactorError.CODE_EXPIRED, CHALLENGE_PATH)
    live = SignInChallenge.filter(id=found.id, used_at=None, attempts__lt=CHALLENGE_ATTEMPTS)
    if not await live.update(attempts=F("attempts") + 1):
        return failed(SecondFactorError.TOO_MANY_ATTEMPTS, CHALLENGE_PATH)
    return succeeded(found)


async def sign_in_second_step(
    ctx: Context, token: str, code: str | None, recovery_code: str | None, passkey: str | None = None
) -> Outcome[None]:
    """Complete a sign-in that answered SECOND_FACTOR_REQUIRED: the session opens as `sign_in` opens it."""
    opened = await _open_challenge(ctx, token)
    if opened.value is None:
        return Outcome(failures=opened.failures)
    challenge = opened.value
    who = await _still_allowed(challenge.account_id, challenge.contact_id)
    if who is None:
        return failed(SecondFactorError.INVALID_CODE, CHALLENGE_PATH, key="CHALLENGE_INVALID")
    if problem := await second_factor.check(ctx, _person(who), code, recovery_code, passkey):
        return Outcome(failures=[problem])
    now = ctx.runtime.clock.now()
    if not await SignInChallenge.filter(id=challenge.id, used_at=None).update(used_at=now):
        return failed(SecondFactorError.INVALID_CODE, CHALLENGE_PATH, key="CHALLENGE_INVALID")
    if not await spend_temporary_password(ctx, who):
        return failed(AuthError.INVALID_CREDENTIALS)
    await _start(ctx, who, who.contact.email if who.contact else who.account.client_number)
    return succeeded(None)


async def second_step_passkey_options(ctx: Context, token: str) -> Outcome[str]:
    """The request options (JSON) for a passkey of the person a live sign-in challenge is for."""
    if wait := await webauthn.starts_throttled(ctx):
        return failed(SecondFactorError.RATE_LIMITED, seconds=wait)
    runtime = ctx.runtime
    digests = runtime.secrets.digests(token.strip())
    now = runtime.clock.now()
    found = await SignInChallenge.get_or_none(token_hash__in=digests, used_at=None, expires_at__gt=now)
    who = await _still_allowed(found.account_id, found.contact_id) if found else None
    if who is None:
        return failed(SecondFactorError.INVALID_CODE, CHALLENGE_PATH, key="CHALLENGE_INVALID")
    return await second_factor.passkey_options(ctx, _person(who))


async def passkey_sign_in_options(ctx: Context) -> Outcome[str]:
    """The request options (JSON) to sign in with any discoverable passkey (no login typed)."""
    if wait := await webauthn.starts_throttled(ctx):
        return failed(AuthError.RATE_LIMITED, seconds=wait)
    return succeeded(await webauthn.authentication_options(ctx.runtime, None))


async def passkey_sign_in(ctx: Context, credential: str) -> Outcome[None]:
    """Start a session with a passkey answering passkey_sign_in_options, exactly as `sign_in` starts one."""
    limiter, source = ctx.runtime.limiter, ctx.ip_address or "?"
    if wait := await limiter.peek(FAILURES_PER_SOURCE, "sign-in-ip", source):
        return failed(AuthError.RATE_LIMITED, seconds=wait)
    passkey = await webauthn.asserted(ctx, credential, None)
    who = await _still_allowed(passkey.account_id, passkey.contact_id) if passkey else None
    if who is None:
        await limiter.hit(FAILURES_PER_SOURCE, "sign-in-ip", source)
        return failed(AuthError.INVALID_CREDENTIALS)
    await _start(ctx, who, who.contact.email if who.contact else who.account.client_number)
    return succeeded(None)
