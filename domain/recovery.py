"""Access recovery (seed 001): by domain, client number or primary email.

The answer never says whether anything matched, and neither does the work: every request
inserts the same row and answers; the recovery worker (domain/recovery_worker.py) matches
it later and mails each matched person a one-hour, single-use confirmation link. Confirming
a link emails the client number and a temporary password that signs in once, within 24
hours, and must then be replaced; the person's sessions and API tokens end. A person with a second factor
confirms with it too (a code or a recovery code): a link alone changes nothing, and signing in with the
temporary password still takes the second step.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

import idna

from core import activity
from core.access import access_changed
from core.authn import end_sessions
from core.context import Context
from core.i18n import Messages
from core.mail import queue_mail
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from domain import email_changes, second_factor, webauthn, webhook_reports
from models import Account, ApiToken, Contact, RecoveryRequest, Session
from models.columns import column_length
from models.enums import EmailCategory

TEMPORARY_PASSWORD_HOURS = 24
TEMPORARY_PASSWORD_VALIDITY = timedelta(hours=TEMPORARY_PASSWORD_HOURS)
REQUESTS_PER_IP = "10/hour"
CONFIRMS_PER_IP = "20/hour"
VALUE_MAX = column_length(RecoveryRequest, "value")

MESSAGES: Messages = {
    "RATE_LIMITED": (
        "Demasiados pedidos. Vuelva a intentarlo en {seconds} segundos.",
        "Too many requests. Try again in {seconds} seconds.",
    ),
    "INVALID_CODE": ("El enlace no es válido o ya fue usado.", "The link is not valid or was already used."),
    "CODE_EXPIRED": (
        "El enlace venció. Vuelva a pedir la recuperación.",
        "The link has expired. Ask for recovery again.",
    ),
}


@error_codes(MESSAGES)
class RecoveryError(StrEnum):
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"


TOKEN_PATH = ("input", "token")


class Method(enum.Enum):
    DOMAIN = "DOMAIN"
    CLIENT_NUMBER = "CLIENT_NUMBER"
    PRIMARY_EMAIL = "PRIMARY_EMAIL"


def domain_of(value: str) -> str:
    """The host name in what a customer typed: "https://www.Dominio.com.ar/path" is dominio.com.ar."""
    text = value.strip().lower()
    try:
        host = urlsplit(text if "://" in text else f"//{text}").hostname or ""
    except ValueError:  # e.g. an unbalanced "[" in the host part
        host = ""
    host = host.rstrip(".")
    return host.removeprefix("www.")


def domain_forms(value: str) -> list[str]:
    """The ASCII (xn--) and Unicode forms of a domain, lower case, with and without "www."."""
    name = domain_of(value)
    try:
        ascii_form = idna.encode(name, uts46=True).decode()
        forms = {name, ascii_form, idna.decode(ascii_form)}
    except idna.IDNAError:
        forms = {name}
    return sorted(forms | {f"www.{form}" for form in forms})


def normalised(method: Method, value: str) -> str:
    """What the worker will look for; too long to exist anywhere becomes "" (no match, same work)."""
    if method is Method.DOMAIN:
        text = domain_of(value)
    elif method is Method.PRIMARY_EMAIL:
        text = value.strip().lower()
    else:
        text = value.strip().upper()  # client numbers are stored in capitals (core/validation.client_number)
    return text if len(text) <= VALUE_MAX else ""


async def request(ctx: Context, method: Method, value: str) -> Outcome[None]:
    """Queue the request for the recovery worker; refused only past the per-IP limit (visible)."""
    runtime = ctx.runtime
    if wait := await runtime.limiter.hit(REQUESTS_PER_IP, "recovery-ip", ctx.ip_address or "?"):
        return failed(RecoveryError.RATE_LIMITED, seconds=wait)
    await RecoveryRequest.create(method=method.value, value=normalised(method, value), created_at=runtime.clock.now())
    return succeeded(None)


async def _live(runtime: Runtime, token: str) -> Outcome[tuple[RecoveryRequest, second_factor.Person]]:
    """The unused, unexpired request of a link's token, and whose it is."""
    found = await RecoveryRequest.get_or_none(token_hash__in=runtime.secrets.digests(token.strip()))
    if found is None or found.account_id is None or found.used_at is not None or found.voided_at is not None:
        return failed(RecoveryError.INVALID_CODE, TOKEN_PATH)
    if found.expires_at is None or runtime.clock.now() >= found.expires_at:
        return failed(RecoveryError.CODE_EXPIRED, TOKEN_PATH)
    return succeeded((found, second_factor.Person(found.account_id, found.contact_id)))


async def passkey_options(ctx: Context, token: str) -> Outcome[str]:
    """Request options (JSON) for a passkey of the person a live recovery link is for, to send to `confirm`."""
    if wait := await webauthn.starts_throttled(ctx):
        return failed(RecoveryError.RATE_LIMITED, seconds=wait)
    live = await _live(ctx.runtime, token)
    if live.value is None:
        return Outcome(failures=live.failures)
    return await second_factor.passkey_options(ctx, live.value[1])


async def confirm(
    ctx: Context, token: str, code: str | None = None, recovery_code: str | None = None, passkey: str | None = None
) -> Outcome[None]:
    """Replace the password with a temporary one, end every session and API token, email the access data.

    With a second factor on, `code`, `recovery_code` or `passkey` must prove it first (SECOND_FACTOR_REQUIRED
    without)."""
    runtime = ctx.runtime
    if wait := await runtime.limiter.hit(CONFIRMS_PER_IP, "recovery-confirm", ctx.ip_address or "?"):
        return failed(RecoveryError.RATE_LIMITED, seconds=wait)
    live = await _live(runtime, token)
    if live.value is None:
        return Outcome(failures=live.failures)
    found, person = live.value
    now = runtime.clock.now()
    if problem := await second_factor.check(ctx, person, code, recovery_code, passkey):
        return Outcome(failures=[problem])
    password = runtime.secrets.new_password()
    password_hash = await runtime.secrets.hash_password(password)
    async with runtime.events.transaction():
        claimed = await RecoveryRequest.filter(id=found.id, used_at=None, voided_at=None).update(
            used_at=now, temporary_password_until=now + TEMPORARY_PASSWORD_VALIDITY
        )
        if not claimed:
            return failed(RecoveryError.INVALID_CODE, TOKEN_PATH)
        await _hand_over(ctx, found, password, password_hash, now)
    return succeeded(None)


async def _hand_over(ctx: Context, found: RecoveryRequest, password: str, password_hash: str, now: datetime) -> None:
    """The temporary password replaces the person's; their sessions, email change and API tokens end; the
    access data is emailed."""
    runtime = ctx.runtime
    account = await Account.get(id=found.account_id)
    if found.contact_id is not None:
        login = (await Contact.get(id=found.contact_id)).email
        await Contact.filter(id=found.contact_id).update(
            password_hash=password_hash, must_change_password=True, password_changed_at=now
        )
    else:
        login = account.client_number
        await Account.filter(id=account.id).update(
            password_hash=password_hash, must_change_password=True, password_changed_at=now
        )
    await end_sessions(runtime, Session.filter(account_id=account.id, contact_id=found.contact_id))
    await email_changes.void_pending(account.id, found.contact_id, now)
    tokens = ApiToken.filter(account_id=account.id, created_by_contact_id=found.contact_id, revoked_at=None)
    await tokens.update(revoked_at=now)
    access_changed(account.id, contact_id=found.contact_id, holder=found.contact_id is None, force=True)
    summary = "Acceso recuperado: clave temporal enviada por email, sesiones y claves de API revocadas"
    await activity.record(ctx, "recovery.confirmed", summary, account_id=account.id, actor="Recuperación de acceso")
    await webhook_reports.access_recovered(runtime, account.id, found.contact_id)
    await queue_mail(
        runtime,
        account_id=account.id,
        template="recovery_password",
        category=EmailCategory.GENERAL,
        values={
            "login": login,
            "password": password,
            "valid_hours": TEMPORARY_PASSWORD_HOURS,
            "two_step": await second_factor.enabled(second_factor.Person(account.id, found.contact_id)),
        },
        contact_id=found.contact_id,
        personal=True,
    )
