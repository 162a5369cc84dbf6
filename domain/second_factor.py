"""Second factors (issue 23): each person (the holder, or a contact) enrols for themselves.

Two kinds: an authenticator app (TOTP) and passkeys (domain/passkeys); either makes signing in take two steps.
TOTP enrolment is pending until a correct code confirms it, which also hands out
RECOVERY_CODES single-use recovery codes (shown once, stored hashed) and ends the person's other sessions.
`check` is the one verification of a second factor (a code, a recovery code or a passkey) that signing in, step-up
and access recovery share: a code is accepted once (the factor's last used step only moves forward, with
a conditional UPDATE), a recovery code once (claimed with a conditional UPDATE), and failures are
throttled per person. For a person with a factor, step-up (core/stepup) always includes one: signing in
and `reauthenticate` need it, confirming enrolment proves it, and older sessions end at enrolment; so
changes of factors need step-up only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core import activity, stepup
from core.access import access_changed
from core.authn import end_sessions
from core.context import Context, Principal
from core.i18n import Messages
from core.keyring import Keyring
from core.mail import queue_mail
from core.outcome import Failure, Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from domain import totp, webauthn
from domain.devices import FAILURES_PER_DEVICE, known_device
from models import Account, Contact, Passkey, RecoveryCode, Session, TotpFactor
from models.enums import EmailCategory
from models.second_factor import person_key

RECOVERY_CODES = 10
# 10 characters of a 31-letter alphabet without look-alikes (no i, l, o, 0, 1): about 50 bits each.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
# Wrong second factors per person, wherever they are tried (sign-in, step-up, recovery): the waits of wrong
# passwords per login (domain/sign_in.FAILURES_PER_LOGIN, NIST SP 800-63B).
FAILURES_PER_PERSON = ("20/hour", "100/day")
CODE_PATH = ("input", "code")
RECOVERY_CODE_PATH = ("input", "recoveryCode")
PASSKEY_PATH = ("input", "passkey")

MESSAGES: Messages = {
    "SECOND_FACTOR_REQUIRED": (
        "Ingrese el código de su aplicación de autenticación o un código de recuperación.",
        "Enter the code from your authenticator app or a recovery code.",
    ),
    "INVALID_CODE": ("El código no es correcto o ya fue usado.", "The code is wrong or was already used."),
    "INVALID": (
        "Use una sola cosa: el código, un código de recuperación o una llave de acceso.",
        "Use only one: the code, a recovery code or a passkey.",
    ),
    "PASSKEY_REFUSED": (
        "La llave de acceso no fue aceptada (o pasaron más de 5 minutos): vuelva a intentarlo.",
        "The passkey was not accepted (or more than 5 minutes have passed): try again.",
    ),
    "NO_PASSKEYS": ("No tiene llaves de acceso registradas.", "You have no passkeys registered."),
    "INVALID_STATE": (
        "No es posible en el estado actual de la verificación en dos pasos.",
        "Not possible in the current state of two-step verification.",
    ),
    "ALREADY_ENABLED": (
        "La verificación en dos pasos ya está activa: desactívela antes de configurar otra aplicación.",
        "Two-step verification is already on: turn it off before setting up another app.",
    ),
    "NOT_PENDING": (
        "No hay una configuración en curso: vuelva a empezar.",
        "There is no set-up in progress: start again.",
    ),
    "NOT_ENABLED": ("La verificación en dos pasos no está activa.", "Two-step verification is not on."),
    "CHALLENGE_INVALID": (
        "Este paso de ingreso no es válido o ya fue usado: vuelva a ingresar con su clave.",
        "This sign-in step is not valid or was already used: sign in with your password again.",
    ),
    "CODE_EXPIRED": (
        "Pasaron más de 5 minutos desde que ingresó la clave: vuelva a ingresar.",
        "More than 5 minutes have passed since you entered your password: sign in again.",
    ),
    "TOO_MANY_ATTEMPTS": (
        "Demasiados códigos incorrectos para este ingreso: vuelva a ingresar con su clave.",
        "Too many wrong codes for this sign-in: sign in with your password again.",
    ),
    "RATE_LIMITED": (
        "Demasiados códigos incorrectos. Vuelva a intentarlo en {seconds} segundos.",
        "Too many wrong codes. Try again in {seconds} seconds.",
    ),
}


@error_codes(MESSAGES)
class SecondFactorError(StrEnum):
    SECOND_FACTOR_REQUIRED = "SECOND_FACTOR_REQUIRED"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    INVALID = "INVALID"
    INVALID_STATE = "INVALID_STATE"
    RATE_LIMITED = "RATE_LIMITED"
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"


@dataclass(frozen=True, slots=True)
class Person:
    """The holder (contact_id None) or one contact of an account."""

    account_id: int
    contact_id: int | None

    @classmethod
    def of(cls, principal: Principal) -> Person:
        return cls(principal.account_id, principal.contact_id)

    @property
    def key(self) -> str:
        return person_key(self.account_id, self.contact_id)

    @property
    def owner(self) -> webauthn.Owner:
        return (self.account_id, self.contact_id)

    def passkeys(self) -> QuerySet[Passkey]:
        return Passkey.filter(account_id=self.account_id, contact_id=self.contact_id)


@dataclass(frozen=True, slots=True)
class Enrolment:
    """What the person copies into an authenticator app (never stored in clear, never logged)."""

    secret: str
    uri: str
    qr_svg: str


@dataclass(frozen=True, slots=True)
class Status:
    totp_enabled_at: datetime | None
    recovery_codes_left: int
    recovery_codes_used: list[datetime]
    passkeys: list[Passkey]


async def _active_totp(person: Person) -> TotpFactor | None:
    return await TotpFactor.get_or_none(person=person.key, confirmed_at__isnull=False)


async def enabled(person: Person) -> bool:
    """Whether signing in needs a second step: a confirmed authenticator app, or a passkey."""
    return await _active_totp(person) is not None or await person.passkeys().exists()


async def status(person: Person) -> Status:
    factor = await TotpFactor.get_or_none(person=person.key, confirmed_at__isnull=False).only("id", "confirmed_at")
    codes = await RecoveryCode.filter(account_id=person.account_id, contact_id=person.contact_id).order_by("used_at")
    return Status(
        totp_enabled_at=factor.confirmed_at if factor else None,
        recovery_codes_left=sum(1 for c in codes if c.used_at is None),
        recovery_codes_used=[c.used_at for c in codes if c.used_at is not None],
        passkeys=await person.passkeys().order_by("created_at", "id"),
    )


def signed_in_person(ctx: Context) -> tuple[Principal, Failure | None]:
    """The session's person, and STEP_UP_REQUIRED unless they proved who they are recently (tokens: FORBIDDEN)."""
    principal = ctx.acting
    if stepup.lacks_step_up(ctx, principal):
        return principal, Failure(SecondFactorError.STEP_UP_REQUIRED)
    return principal, None


async def label(person: Person) -> str:
    """How the authenticator app names the entry: the contact's email, or the holder's client number."""
    if person.contact_id is not None:
        return (await Contact.get(id=person.contact_id).only("id", "email")).email
    return (await Account.get(id=person.account_id).only("id", "client_number")).client_number


async def start_totp(ctx: Context) -> Outcome[Enrolment]:
    """A new pending TOTP seed for the signed-in person (replacing a pending one); after step-up."""
    principal, problem = signed_in_person(ctx)
    if problem:
        return Outcome(failures=[problem])
    person = Person.of(principal)
    runtime = ctx.runtime
    if await _active_totp(person) is not None:
        return failed(SecondFactorError.INVALID_STATE, key="ALREADY_ENABLED")
    secret = totp.new_secret()
    stored = Keyring.from_settings(runtime.settings).encrypt(secret)
    now = runtime.clock.now()
    replaced = await TotpFactor.filter(person=person.key, confirmed_at=None).update(secret=stored, created_at=now)
    if not replaced:
        try:
            await TotpFactor.create(
                account_id=person.account_id,
                contact_id=person.contact_id,
                person=person.key,
                secret=stored,
                created_at=now,
            )
        except IntegrityError:  # a concurrent start or confirmation won: that one stands
            return failed(SecondFactorError.INVALID_STATE, key="NOT_PENDING")
    uri = totp.otpauth_uri(secret, runtime.settings.branding.name, await label(person))
    return succeeded(Enrolment(secret=secret, uri=uri, qr_svg=totp.qr_svg(uri)))


async def _claim_step(runtime: Runtime, factor: TotpFactor, code: str) -> bool:
    """Whether `code` is the factor's for now (within the drift) and was not accepted before: its step is stored
    with a conditional UPDATE, so of two concurrent uses of one code exactly one wins."""
    secret = Keyring.from_settings(runtime.settings).decrypt(factor.secret)
    step = totp.matching_step(secret, code, runtime.clock.now())
    if step is None:
        return False
    fresh = Q(last_used_step__isnull=True) | Q(last_used_step__lt=step)
    return await TotpFactor.filter(fresh, id=factor.id).update(last_used_step=step) > 0


def new_recovery_codes() -> list[str]:
    """RECOVERY_CODES random codes, shown as xxxxx-xxxxx."""
    half = RECOVERY_CODE_LENGTH // 2
    codes = [
        "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    return [f"{code[:half]}-{code[half:]}" for code in codes]


def _normalised_recovery_code(code: str) -> str:
    return totp.normalised_code(code).lower()


async def _replace_recovery_codes(runtime: Runtime, person: Person) -> list[str]:
    """A new set of codes; the old ones (used or not) stop working."""
    codes = new_recovery_codes()
    now = runtime.clock.now()
    await RecoveryCode.filter(account_id=person.account_id, contact_id=person.contact_id).delete()
    await RecoveryCode.bulk_create(
        [
            RecoveryCode(
                account_id=person.account_id,
                contact_id=person.contact_id,
                code_hash=runtime.secrets.digest(_normalised_recovery_code(code)),
                created_at=now,
            )
            for code in codes
        ]
    )
    return codes


async def record(ctx: Context, person: Person, action: str, summary: str) -> None:
    """In the history, by the signed-in person, or (between the two steps of signing in) by the login."""
    actor = None if ctx.principal is not None else await label(person)
    await activity.record(ctx, action, summary, account_id=person.account_id, actor=actor)


async def notify(ctx: Context, person: Person, change: str, action: str, summary: str) -> None:
    """Every change of factors goes to the history and to the person's own email."""
    await record(ctx, person, action, summary)
    await queue_mail(
        ctx.runtime,
        account_id=person.account_id,
        template="second_factor_changed",
        category=EmailCategory.GENERAL,
        values={"change": change},
        contact_id=person.contact_id,
        personal=True,
    )


async def confirm_totp(ctx: Context, code: str) -> Outcome[list[str]]:
    """Activate the pending factor with a correct code: the recovery codes (shown once), the person's other
    sessions end (the current one stays, and counts as just authenticated with both factors)."""
    principal = ctx.acting
    if principal.session_id is None:
        return Outcome(failures=[Failure(SecondFactorError.STEP_UP_REQUIRED)])
    person = Person.of(principal)
    runtime = ctx.runtime
    pending = await TotpFactor.get_or_none(person=person.key, confirmed_at=None)
    if pending is None:
        return failed(SecondFactorError.INVALID_STATE, key="NOT_PENDING")
    if wait := await _throttled(ctx, person):
        return failed(SecondFactorError.RATE_LIMITED, seconds=wait)
    if not await _claim_step(runtime, pending, code):
        return failed(SecondFactorError.INVALID_CODE, CODE_PATH)
    await _cleared(ctx, person)
    async with runtime.events.transaction():
        if not await TotpFactor.filter(id=pending.id, confirmed_at=None).update(confirmed_at=runtime.clock.now()):
            return failed(SecondFactorError.INVALID_STATE, key="ALREADY_ENABLED")
        codes = await _replace_recovery_codes(runtime, person)
        others = Session.filter(account_id=person.account_id, contact_id=person.contact_id)
        await end_sessions(runtime, others.exclude(id=principal.session_id))
        access_changed(person.account_id, contact_id=person.contact_id, holder=person.contact_id is None, force=True)
        summary = "Verificación en dos pasos activada (aplicación de autenticación)"
        await notify(ctx, person, "enabled", "second_factor.totp_enabled", summary)
    await stepup.mark_authenticated(ctx, principal)
    return succeeded(codes)


async def regenerate_recovery_codes(ctx: Context) -> Outcome[list[str]]:
    """New recovery codes (after step-up, which for this person included a second factor); the old ones die."""
    principal, problem = signed_in_person(ctx)
    if problem:
        return Outcome(failures=[problem])
    person = Person.of(principal)
    if await _active_totp(person) is None:  # recovery codes come with the authenticator app
        return failed(SecondFactorError.INVALID_STATE, key="NOT_ENABLED")
    async with ctx.runtime.events.transaction():
        codes = await _replace_recovery_codes(ctx.runtime, person)
        summary = "Códigos de recuperación nuevos generados"
        await notify(ctx, person, "codes_regenerated", "second_factor.recovery_codes_regenerated", summary)
    return succeeded(codes)


async def disable_totp(ctx: Context) -> Outcome[None]:
    """Turn the authenticator app off (after step-up, which for this person included a second factor); the
    recovery codes go with it."""
    principal, problem = signed_in_person(ctx)
    if problem:
        return Outcome(failures=[problem])
    person = Person.of(principal)
    async with ctx.runtime.events.transaction():
        if not await TotpFactor.filter(person=person.key, confirmed_at__isnull=False).delete():
            return failed(SecondFactorError.INVALID_STATE, key="NOT_ENABLED")
        await RecoveryCode.filter(account_id=person.account_id, contact_id=person.contact_id).delete()
        summary = "Verificación en dos pasos desactivada"
        # With a passkey left, signing in still takes two steps: the email must not say the password suffices.
        change = "disabled_passkeys_left" if await person.passkeys().exists() else "disabled"
        await notify(ctx, person, change, "second_factor.totp_disabled", summary)
    return succeeded(None)


async def _buckets(ctx: Context, person: Person) -> list[tuple[str, str, str]]:
    """(rule, name, key) of the failure counters a second factor is judged by: the person's, or, from a browser
    that signed in as this person before (domain/devices), that browser's own: whoever knows the password cannot
    lock the real person's usual browser out of the second step."""
    if person.contact_id is None:
        account = await Account.get_or_none(id=person.account_id).only("id", "client_number")
        login = account.client_number if account else None
    else:
        contact = await Contact.get_or_none(id=person.contact_id).only("id", "email")
        login = contact.email if contact else None
    device = known_device(ctx, login) if login else None
    if device is not None:
        return [(rule, "second-factor-device", device) for rule in FAILURES_PER_DEVICE]
    return [(rule, "second-factor", person.key) for rule in FAILURES_PER_PERSON]


async def _throttled(ctx: Context, person: Person) -> int | None:
    """Counted before the check, cleared by a success (so a concurrent burst stays within the bound)."""
    waits = [await ctx.runtime.limiter.hit(rule, name, key) for rule, name, key in await _buckets(ctx, person)]
    return max((w for w in waits if w), default=None)


async def _cleared(ctx: Context, person: Person) -> None:
    for rule, name, key in await _buckets(ctx, person):
        await ctx.runtime.limiter.clear(rule, name, key)


async def _spend_recovery_code(ctx: Context, person: Person, code: str) -> bool:
    runtime = ctx.runtime
    digests = runtime.secrets.digests(_normalised_recovery_code(code))
    unused = RecoveryCode.filter(account_id=person.account_id, contact_id=person.contact_id, used_at=None)
    found = await unused.filter(code_hash__in=digests).only("id").first()
    if found is None or not await RecoveryCode.filter(id=found.id, used_at=None).update(used_at=runtime.clock.now()):
        return False
    left = await unused.count()
    async with runtime.events.transaction():
        summary = f"Código de recuperación usado (quedan {left})"
        await notify(ctx, person, "recovery_code_used", "second_factor.recovery_code_used", summary)
    return True


async def check(
    ctx: Context, person: Person, code: str | None, recovery_code: str | None, passkey: str | None = None
) -> Failure | None:
    """None when `code` (the authenticator's), `recovery_code` or `passkey` (an assertion answering
    passkey_options) proves the person's second factor, else why not. A person without a factor needs none."""
    factor = await _active_totp(person)
    if factor is None and not await person.passkeys().exists():
        return None
    given = [
        path
        for path, value in ((CODE_PATH, code), (RECOVERY_CODE_PATH, recovery_code), (PASSKEY_PATH, passkey))
        if value
    ]
    if not given:
        return Failure(SecondFactorError.SECOND_FACTOR_REQUIRED, CODE_PATH if factor else PASSKEY_PATH)
    if len(given) > 1:
        return Failure(SecondFactorError.INVALID, given[-1])
    runtime = ctx.runtime
    if wait := await _throttled(ctx, person):
        return Failure(SecondFactorError.RATE_LIMITED, values={"seconds": wait})
    if passkey:
        accepted = await webauthn.asserted(ctx, passkey, person.owner) is not None
    elif code:
        accepted = factor is not None and await _claim_step(runtime, factor, code)
    else:
        accepted = await _spend_recovery_code(ctx, person, recovery_code or "")
    if not accepted:
        if passkey:
            await record(ctx, person, "second_factor.passkey_failed", "Llave de acceso no aceptada")
            return Failure(SecondFactorError.INVALID_CODE, PASSKEY_PATH, key="PASSKEY_REFUSED")
        await record(ctx, person, "second_factor.failed", "Código de verificación en dos pasos incorrecto")
        return Failure(SecondFactorError.INVALID_CODE, given[0])
    await _cleared(ctx, person)
    return None


async def passkey_options(ctx: Context, person: Person) -> Outcome[str]:
    """The request options (JSON) for one of the person's passkeys, as their second factor (`check`)."""
    if not await person.passkeys().exists():
        return failed(SecondFactorError.INVALID_STATE, key="NO_PASSKEYS")
    return succeeded(await webauthn.authentication_options(ctx.runtime, person.owner))
