"""Sessions, step-up, password and security PIN (seeds 000, 002, 004); signing in is domain/sign_in.

Changes that hand over an account (password, PIN) need a recent proof of identity
(core.stepup): `reauthenticate` gives it with the current password.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise

from tortoise.expressions import F
from tortoise.queryset import QuerySet

from core import activity, i18n, stepup
from core.access import access_changed
from core.authn import clear_session_cookie, end_sessions, principal_for_session, set_session_cookie
from core.context import Context, Principal
from core.errors import forbidden
from core.ids import pk_of
from core.mail import queue_mail
from core.outcome import Failure, Outcome, error_codes, failed, succeeded
from core.pagination import Page, paginate
from core.passwords import REFUSAL_MESSAGES, Strength, context_words, refusal, strength
from core.ratelimit import rate_limited
from core.runtime import Runtime
from domain import email_changes, second_factor, support, webhook_reports
from models import Account, ActivityEvent, Contact, Holder, Session
from models.columns import column_length
from models.enums import EmailCategory, Language, Permission

# Checks of the person's current password (reauthenticate, password change, PIN).
CURRENT_CHECKS_PER_PERSON = "10/15 minutes"
# The fifth wrong current password in a row ends the session (a stolen session gets four guesses).
WRONG_PASSWORDS_PER_SESSION = "4/day"
# Beyond this many open sessions per person, signing in ends the oldest.
MAX_OPEN_SESSIONS_PER_PERSON = 20
STRENGTH_CHECKS_PER_IP = "120/minute"
PIN_CHECKS_PER_ACCOUNT = "5/hour"
PIN_LENGTHS = range(4, 9)
STAFF_ACTOR = "Staff"
# How the activity history names each language (core/activity reads it back in the reader's language).
LANGUAGE_NAMES = {Language.ES: "español", Language.EN: "inglés"}


# Longer logins cannot exist: they are simply unknown.
EMAIL_MAX = column_length(Contact, "email")
# Where a wrong current password is reported.
PASSWORD_PATH = ("input", "password")
CURRENT_PASSWORD_PATH = ("input", "currentPassword")


MESSAGES: i18n.Messages = {
    "ACCOUNT_CHOICE_REQUIRED": (
        "Ese email ingresa a varias cuentas: elija el número de cliente (clientNumber).",
        "That email signs in to several accounts: choose the client number (clientNumber).",
    ),
    **REFUSAL_MESSAGES,
    "SESSION_REQUIRED": (
        "Solo una persona que ingresó al panel puede hacer esto, no un token de API.",
        "Only a signed-in person can do this, not an API token.",
    ),
    # The one INVALID input here is the PIN; its failures name their precise key (PIN_FORMAT, PIN_TRIVIAL).
    "INVALID": i18n.MESSAGES["PIN_FORMAT"],
}


@error_codes(MESSAGES)
class AuthError(StrEnum):
    """Signing in, sessions, password and PIN. REUSED and TOO_WEAK concern the new password."""

    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    RATE_LIMITED = "RATE_LIMITED"
    REUSED = "PASSWORD_REUSED"
    TOO_WEAK = "PASSWORD_TOO_WEAK"
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"
    ACCOUNT_CHOICE_REQUIRED = "ACCOUNT_CHOICE_REQUIRED"


async def start_session(ctx: Context, account: Account, contact: Contact | None) -> str:
    """A new session for the holder or a contact: cookie set, `ctx.principal` is now them."""
    runtime = ctx.runtime
    token = runtime.secrets.new_token()
    now = runtime.clock.now()
    await Session.create(
        account_id=account.id,
        contact_id=contact.id if contact else None,
        token_hash=runtime.secrets.digest(token),
        created_at=now,
        last_seen_at=now,
        authenticated_at=now,
        expires_at=now + timedelta(hours=runtime.settings.session_lifetime_hours),
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )
    if contact is not None:
        await Contact.filter(id=contact.id).update(last_sign_in_at=now)
    person = Session.filter(account_id=account.id, contact_id=contact.id if contact else None, ended_at=None)
    oldest = (
        await person.order_by("-created_at", "-id").offset(MAX_OPEN_SESSIONS_PER_PERSON).values_list("id", flat=True)
    )
    if oldest:
        async with runtime.events.transaction():
            await end_sessions(runtime, Session.filter(id__in=list(oldest)))
    if ctx.response is not None:
        set_session_cookie(runtime, ctx.response, token)
    ctx.principal = await principal_for_session(runtime, token)
    return token


async def sign_out(ctx: Context) -> None:
    """End the current session server-side (its live sockets close too) and clear its cookie."""
    principal = ctx.acting
    if principal.session_id is not None:
        async with ctx.runtime.events.transaction():
            await end_sessions(ctx.runtime, Session.filter(id=principal.session_id))
            await activity.record(ctx, "session.signed_out", "Salida del panel")
    if ctx.response is not None:
        clear_session_cookie(ctx.runtime, ctx.response)


def open_sessions(runtime: Runtime, account_id: int) -> QuerySet[Session]:
    return Session.filter(account_id=account_id, ended_at=None, expires_at__gt=runtime.clock.now())


def own_sessions(runtime: Runtime, principal: Principal) -> QuerySet[Session]:
    """The signed-in person's open sessions (a contact's, or the holder's own)."""
    return open_sessions(runtime, principal.account_id).filter(contact_id=principal.contact_id)


def visible_sessions(runtime: Runtime, principal: Principal) -> QuerySet[Session] | None:
    """What the principal may list and end (seed 004): the holder the account's, a contact their own.

    An API token needs SECURITY for any of it (None: nothing)."""
    if principal.api_token_id is not None and Permission.SECURITY not in principal.permissions:
        return None
    return open_sessions(runtime, principal.account_id) if principal.is_holder else own_sessions(runtime, principal)


async def sessions(ctx: Context) -> list[Session]:
    """Filtered, never refused: Account.sessions is non-null, so a refusal would null the whole viewer."""
    visible = visible_sessions(ctx.runtime, ctx.acting)
    return [] if visible is None else list(await visible.order_by("-created_at", "-id"))


async def revoke_session(ctx: Context, session_id: str) -> Outcome[None]:
    """End a session the principal may see; any other id is simply not found."""
    visible = visible_sessions(ctx.runtime, ctx.acting)
    pk = pk_of(session_id, "Session")
    revoked = None
    if pk is not None and visible is not None:
        revoked = await visible.filter(id=pk).only("id", "account_id", "contact_id").first()
    if revoked is None:
        return failed(AuthError.NOT_FOUND, ["input", "sessionId"], key="SESSION_NOT_FOUND")
    async with ctx.runtime.events.transaction():
        await end_sessions(ctx.runtime, Session.filter(id=pk))
        # Whoever used that session may have asked for an email change: it dies with the session.
        await email_changes.void_pending(revoked.account_id, revoked.contact_id, ctx.runtime.clock.now())
        await activity.record(ctx, "session.revoked", "Sesión cerrada desde otra sesión")
    return succeeded(None)


def _own_words(person: Holder | Contact, client_number: str) -> list[str]:
    return context_words(person.first_name, person.last_name, person.email, client_number)


async def person_words(principal: Principal) -> list[str]:
    """Context words of whoever is signed in: names, email and the client number."""
    account = await Account.get(id=principal.account_id).only("id", "client_number")
    if principal.contact_id is not None:
        return _own_words(await Contact.get(id=principal.contact_id), account.client_number)
    return _own_words(await Holder.get(account_id=principal.account_id), account.client_number)


async def invitee_words(runtime: Runtime, token: str) -> list[str]:
    """Context words of whoever a pending link to choose a first password is for (a contact's invitation, or the
    holder's welcome link: the tokens are random, so the hash tells which), so the link's page meter judges the
    password as accepting it will. Any other link (unknown, used, expired, of an inactive contact) gives none: the
    meter then answers exactly as without a link. Looked up by the link's keyed hash, like the acceptance."""
    token = token.strip()
    if not token:
        return []
    digests, now = runtime.secrets.digests(token), runtime.clock.now()
    invited = await Contact.get_or_none(
        invitation_token_hash__in=digests, invitation_expires_at__gt=now, active=True, password_hash=None
    ).select_related("account")
    if invited is not None:
        return _own_words(invited, invited.account.client_number)
    welcomed = await Holder.get_or_none(
        account__welcome_token_hash__in=digests, account__welcome_expires_at__gt=now, account__password_hash=""
    ).select_related("account")
    return [] if welcomed is None else _own_words(welcomed, welcomed.account.client_number)


async def password_strength(
    ctx: Context, password: str, context: list[str] | None, invitation_token: str | None
) -> Strength:
    """The meter; rate-limited per IP since it is public (a query: the refusal is a top-level error). The limit
    fails open (the limits' storage down, the meter still answers): it only spares the CPU, and reveals nothing."""
    limiter = ctx.runtime.limiter
    if wait := await limiter.hit(STRENGTH_CHECKS_PER_IP, "strength", ctx.ip_address or "?", fail_open=True):
        raise rate_limited(wait, i18n.translate("RATE_LIMITED", ctx.language, seconds=wait))
    words = context_words(*(context or []))
    if ctx.principal is not None:
        words += await person_words(ctx.principal)
    if invitation_token:
        words += await invitee_words(ctx.runtime, invitation_token)
    return strength(password, words)


async def password_changed_at(principal: Principal) -> datetime | None:
    """When the signed-in person last set their password (seed 002: shown so they notice a change they did not
    make); None for an API token, which has no password, and before the first change."""
    if principal.session_id is None:
        return None
    if principal.contact_id is not None:
        contact = await Contact.get(id=principal.contact_id).only("id", "password_changed_at")
        return contact.password_changed_at
    account = await Account.get(id=principal.account_id).only("id", "password_changed_at")
    return account.password_changed_at


async def _stored_password_hash(principal: Principal) -> str | None:
    if principal.contact_id is not None:
        return (await Contact.get(id=principal.contact_id)).password_hash
    return (await Account.get(id=principal.account_id)).password_hash


async def wrong_current_password(
    ctx: Context, principal: Principal, password: str, path: tuple[str, ...]
) -> Failure | None:
    """None when `password` is the person's current one, else why not (reported at `path`).

    Attempts are throttled per person; a session that keeps guessing ends."""
    if principal.session_id is None:
        raise forbidden(i18n.translate("SESSION_REQUIRED", ctx.language, MESSAGES))
    runtime = ctx.runtime
    key = f"{principal.account_id}:{principal.contact_id}"
    if wait := await runtime.limiter.hit(CURRENT_CHECKS_PER_PERSON, "current-password", key):
        return Failure(AuthError.RATE_LIMITED, values={"seconds": wait})  # the whole request: no field
    session_key = ("current-password-failures", str(principal.session_id))
    if await runtime.secrets.verify_password(await _stored_password_hash(principal), password):
        await runtime.limiter.clear(WRONG_PASSWORDS_PER_SESSION, *session_key)
        return None
    if await runtime.limiter.hit(WRONG_PASSWORDS_PER_SESSION, *session_key):
        await _end_guessing_session(ctx, principal.session_id)
    return Failure(AuthError.INVALID_CREDENTIALS, path, key="WRONG_PASSWORD")


async def _end_guessing_session(ctx: Context, session_id: int) -> None:
    """A session that keeps guessing its own password may be someone else's: it ends (sign in again)."""
    runtime = ctx.runtime
    async with runtime.events.transaction():
        await end_sessions(runtime, Session.filter(id=session_id))
        await activity.record(ctx, "session.ended_after_wrong_passwords", "Sesión cerrada por claves incorrectas")
    if ctx.response is not None:
        clear_session_cookie(runtime, ctx.response)


async def reauthenticate(
    ctx: Context, password: str, code: str | None = None, recovery_code: str | None = None, passkey: str | None = None
) -> Outcome[datetime]:
    """Step-up with the current password, and for a person with a second factor also a code (or a recovery
    code, or a passkey): until when the session counts as recently authenticated."""
    principal = ctx.acting
    if problem := await wrong_current_password(ctx, principal, password, PASSWORD_PATH):
        return Outcome(failures=[problem])
    person = second_factor.Person.of(principal)
    two_step = await second_factor.enabled(person)
    if problem := await second_factor.check(ctx, person, code, recovery_code, passkey):
        return Outcome(failures=[problem])
    await stepup.mark_authenticated(ctx, principal)
    summary = (
        "Identidad confirmada con la clave y el segundo factor" if two_step else "Identidad confirmada con la clave"
    )
    await activity.record(ctx, "session.reauthenticated", summary)
    return succeeded(ctx.runtime.clock.now() + timedelta(minutes=ctx.runtime.settings.step_up_minutes))


async def _new_password_problem(ctx: Context, principal: Principal, new: str) -> Failure | None:
    """Why `new` cannot replace the current password: the same one, or too weak (with the meter's hints)."""
    path = ("input", "newPassword")
    if await ctx.runtime.secrets.verify_password(await _stored_password_hash(principal), new):
        return Failure(AuthError.REUSED, path)
    verdict = strength(new, await person_words(principal))
    if verdict.problem is None:
        return None
    return refusal(AuthError.TOO_WEAK, path, verdict)


async def change_password(ctx: Context, current: str, new: str) -> Outcome[None]:
    """Replace the person's password (after step-up); every other session of theirs ends and they get a notice."""
    principal = ctx.acting
    if stepup.lacks_step_up(ctx, principal):
        return failed(AuthError.STEP_UP_REQUIRED)
    problem = await wrong_current_password(ctx, principal, current, CURRENT_PASSWORD_PATH)
    problem = problem or await _new_password_problem(ctx, principal, new)
    if problem:
        return Outcome(failures=[problem])
    new_hash = await ctx.runtime.secrets.hash_password(new)
    async with ctx.runtime.events.transaction():
        await _replace_password(ctx, principal, new_hash)
    return succeeded(None)


async def _replace_password(ctx: Context, principal: Principal, new_hash: str) -> None:
    """Store the new password; the person's other sessions and pending email change end, a notice is sent."""
    now = ctx.runtime.clock.now()
    if principal.contact_id is not None:
        await Contact.filter(id=principal.contact_id).update(
            password_hash=new_hash, must_change_password=False, password_changed_at=now
        )
    else:
        await Account.filter(id=principal.account_id).update(
            password_hash=new_hash, must_change_password=False, password_changed_at=now
        )
    others = own_sessions(ctx.runtime, principal).exclude(id=principal.session_id)
    await end_sessions(ctx.runtime, others)
    await email_changes.void_pending(principal.account_id, principal.contact_id, now)
    access_changed(principal.account_id, contact_id=principal.contact_id, holder=principal.is_holder, force=True)
    await activity.record(ctx, "password.changed", "Clave de acceso cambiada")
    await webhook_reports.password_changed(ctx.runtime, principal.account_id, principal.contact_id)
    await queue_mail(
        ctx.runtime,
        account_id=principal.account_id,
        template="password_changed",
        category=EmailCategory.GENERAL,
        values={"when": now.astimezone(ctx.runtime.settings.zone).strftime("%d/%m/%Y %H:%M")},
        contact_id=principal.contact_id,
        personal=True,
    )


async def set_language(ctx: Context, language: Language) -> Outcome[Language]:
    """The signed-in person's own language (the holder's or the contact's row): their emails follow it, and so do
    API messages when a request names no language. Allowed during a pending password change; a no-op when it is
    already `language`. Only the person in a session sets it: an API token acts for an integration, which sets a
    language through holderUpdate or contactUpdate with the permission those need."""
    principal = ctx.acting
    if principal.session_id is None:
        raise forbidden(i18n.translate("SESSION_REQUIRED", ctx.language, MESSAGES))
    async with ctx.runtime.events.transaction():
        if principal.contact_id is not None:
            contact = Contact.filter(id=principal.contact_id).exclude(language=language)
            changed = await contact.update(language=language, version=F("version") + 1)
        else:
            holder = Holder.filter(account_id=principal.account_id).exclude(language=language)
            changed = await holder.update(
                language=language, version=F("version") + 1, updated_at=ctx.runtime.clock.now()
            )
        if changed:
            await activity.record(ctx, "language.changed", f"Idioma preferido: {LANGUAGE_NAMES[language]}")
    ctx.principal = replace(principal, language=language)  # this request's messages follow it too
    return succeeded(language)


def pin_problem(pin: str) -> str | None:
    """4 to 8 digits, not one digit repeated, not a straight sequence (1234, 9876)."""
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        return "PIN_FORMAT"
    steps = {int(b) - int(a) for a, b in pairwise(pin)}
    if steps in ({0}, {1}, {-1}):
        return "PIN_TRIVIAL"
    return None


async def set_security_pin(ctx: Context, current_password: str, pin: str) -> Outcome[None]:
    """The holder's PIN (seed 004), which support staff use to verify identity by phone or chat.

    Only the holder sets it (after step-up): it identifies the holder, not a contact."""
    principal = ctx.acting  # the holder: the field's declaration refuses contacts
    if stepup.lacks_step_up(ctx, principal):
        return failed(AuthError.STEP_UP_REQUIRED)
    if problem := await wrong_current_password(ctx, principal, current_password, CURRENT_PASSWORD_PATH):
        return Outcome(failures=[problem])
    if key := pin_problem(pin):
        return failed(AuthError.INVALID, ["input", "pin"], key=key)
    pin_hash = await ctx.runtime.secrets.hash_password(pin)
    async with ctx.runtime.events.transaction():
        await Account.filter(id=principal.account_id).update(pin_hash=pin_hash)
        await activity.record(ctx, "pin.set", "PIN de seguridad establecido")
        await queue_mail(
            ctx.runtime,
            account_id=principal.account_id,
            template="pin_set",
            category=EmailCategory.GENERAL,
            personal=True,
        )
    return succeeded(None)


async def verify_pin(runtime: Runtime, client_number: str, pin: str, actor: str = STAFF_ACTOR) -> Outcome[bool]:
    """Support (`actor`) checks a caller's PIN: whether it matched. Each check is limited per account
    (PIN_CHECKS_PER_ACCOUNT), written to the activity under `actor` and emailed to the holder (never the PIN)."""
    found = await support.find_account(client_number)
    if found.value is None:
        return Outcome[bool]().extend(found.failures)
    account = found.value
    if account.pin_hash is None:
        return failed(support.SupportError.INVALID_STATE, support.CLIENT_NUMBER_PATH, key="PIN_NOT_SET")
    if wait := await runtime.limiter.hit(PIN_CHECKS_PER_ACCOUNT, "verify-pin", str(account.id)):
        summary = "Verificación de PIN bloqueada por intentos"
        await activity.record_system(runtime, account.id, "pin.verification_blocked", summary, actor)
        return failed(support.SupportError.TOO_MANY_ATTEMPTS, ["input", "pin"], seconds=wait)
    matched = await runtime.secrets.verify_password(account.pin_hash, pin)
    action, summary = (
        ("pin.verified", "PIN verificado por soporte")
        if matched
        else ("pin.verification_failed", "PIN incorrecto en verificación de soporte")
    )
    at = runtime.clock.now().astimezone(runtime.settings.zone).strftime("%d/%m/%Y %H:%M")
    async with runtime.events.transaction():
        await activity.record_system(runtime, account.id, action, summary, actor)
        await queue_mail(
            runtime,
            account_id=account.id,
            template="pin_checked",
            category=EmailCategory.GENERAL,
            values={"at": at, "matched": matched},
            personal=True,
        )
    return succeeded(matched)


async def activity_page(
    ctx: Context, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page[ActivityEvent]:
    """The account's history, newest first; it is security information (Account.activity needs SECURITY)."""
    return await paginate(
        ActivityEvent.filter(account_id=ctx.acting.account_id),
        first=first,
        after=after,
        last=last,
        before=before,
        newest_first=True,
    )
