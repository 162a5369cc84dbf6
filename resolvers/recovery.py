"""Access recovery (seed 001): by domain, client number or primary email.

The answer never says whether anything matched: the same payload, the same kind of work,
and the email goes through the outbox. A match gets a one-hour, single-use confirmation
link; confirming it emails the client number and a new temporary password, which must be
replaced at the next sign-in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

import idna
from tortoise.models import Model

from core import activity
from core.authn import end_sessions
from core.context import Context
from core.mail import queue_mail
from models import Account, Contact, Holder, RecoveryRequest, Service, Session
from models.enums import EmailCategory

LINK_VALIDITY = timedelta(hours=1)
REQUESTS_PER_IP = "10/hour"
CONFIRMS_PER_IP = "20/hour"
# Beyond this a matched person gets no more emails (silently: the answer stays the same).
REQUESTS_PER_PERSON = "3/hour"
FRONTEND_PATH = "/recuperar"

MESSAGES: dict[str, tuple[str, str]] = {
    "RATE_LIMITED": ("Demasiados pedidos. Vuelva a intentarlo en {seconds} segundos.", "Too many requests. Try again in {seconds} seconds."),
    "INVALID_CODE": ("El enlace no es válido o ya fue usado.", "The link is not valid or was already used."),
    "CODE_EXPIRED": ("El enlace venció. Vuelva a pedir la recuperación.", "The link has expired. Ask for recovery again."),
}


class Method(enum.Enum):
    DOMAIN = "DOMAIN"
    CLIENT_NUMBER = "CLIENT_NUMBER"
    PRIMARY_EMAIL = "PRIMARY_EMAIL"


@dataclass(frozen=True, slots=True)
class Person:
    account_id: int
    contact_id: int | None


def domain_forms(value: str) -> list[str]:
    """The ASCII (xn--) and Unicode forms of a domain, lower case: ñandú.com.ar matches either."""
    name = value.strip().rstrip(".").lower()
    try:
        ascii_form = idna.encode(name, uts46=True).decode()
        return sorted({name, ascii_form, idna.decode(ascii_form)})
    except idna.IDNAError:
        return [name]


def _fits(model: type[Model], field: str, value: str) -> bool:
    """Longer values cannot be stored, so cannot match (and the ORM refuses to filter on them)."""
    return len(value) <= model._meta.fields_map[field].max_length


async def find_person(method: Method, value: str) -> Person | None:
    if method is Method.DOMAIN:
        forms = [form for form in domain_forms(value) if _fits(Service, "domain", form)]
        service = await Service.filter(domain__in=forms).order_by("id").first() if forms else None
        return Person(service.account_id, None) if service else None
    if method is Method.CLIENT_NUMBER:
        number = value.strip()
        account = await Account.get_or_none(client_number=number) if _fits(Account, "client_number", number) else None
        return Person(account.id, None) if account else None
    address = value.strip().lower()
    if not _fits(Holder, "email", address):
        return None
    holder = await Holder.get_or_none(email=address)
    if holder is not None:
        return Person(holder.account_id, None)
    contact = await Contact.get_or_none(email=address, active=True)
    return Person(contact.account_id, contact.id) if contact else None


async def request(ctx: Context, method: Method, value: str) -> int | None:
    """Queue a confirmation link if `value` matches someone; None, or the seconds to wait (per IP)."""
    runtime = ctx.runtime
    if wait := await runtime.limiter.hit(REQUESTS_PER_IP, "recovery-ip", ctx.ip_address or "?"):
        return wait
    token = runtime.secrets.new_token()
    token_hash = runtime.secrets.digest(token)
    person = await find_person(method, value)
    if person is None:
        return None
    if await runtime.limiter.hit(REQUESTS_PER_PERSON, "recovery-person", f"{person.account_id}:{person.contact_id}"):
        return None
    now = runtime.clock.now()
    async with runtime.events.transaction():
        await RecoveryRequest.filter(
            account_id=person.account_id, contact_id=person.contact_id, used_at=None, voided_at=None
        ).update(voided_at=now)
        await RecoveryRequest.create(
            account_id=person.account_id, contact_id=person.contact_id, token_hash=token_hash,
            created_at=now, expires_at=now + LINK_VALIDITY,
        )
        await activity.record(ctx, "recovery.requested", f"Recuperación de acceso pedida ({method.value})", account_id=person.account_id, actor="Recuperación de acceso")
        await queue_mail(
            runtime,
            account_id=person.account_id,
            template="recovery_link",
            category=EmailCategory.GENERAL,
            values={"link": f"{runtime.settings.public_base_url}{FRONTEND_PATH}?token={token}"},
            contact_id=person.contact_id,
            personal=True,
        )
    return None


@dataclass(frozen=True, slots=True)
class ConfirmResult:
    error: str | None = None
    wait_seconds: int = 0


async def confirm(ctx: Context, token: str) -> ConfirmResult:
    """Replace the password with a temporary one, end every session, email the access data."""
    runtime = ctx.runtime
    if wait := await runtime.limiter.hit(CONFIRMS_PER_IP, "recovery-confirm", ctx.ip_address or "?"):
        return ConfirmResult("RATE_LIMITED", wait)
    found = await RecoveryRequest.get_or_none(token_hash=runtime.secrets.digest(token.strip()))
    if found is None or found.used_at is not None or found.voided_at is not None:
        return ConfirmResult("INVALID_CODE")
    now = runtime.clock.now()
    if now >= found.expires_at:
        return ConfirmResult("CODE_EXPIRED")
    password = runtime.secrets.new_password()
    password_hash = await runtime.secrets.hash_password(password)
    async with runtime.events.transaction():
        claimed = await RecoveryRequest.filter(id=found.id, used_at=None, voided_at=None).update(used_at=now)
        if not claimed:
            return ConfirmResult("INVALID_CODE")
        account = await Account.get(id=found.account_id)
        if found.contact_id is not None:
            contact = await Contact.get(id=found.contact_id)
            login = contact.email
            await Contact.filter(id=contact.id).update(password_hash=password_hash, must_change_password=True)
        else:
            login = account.client_number
            await Account.filter(id=account.id).update(password_hash=password_hash, must_change_password=True, password_changed_at=now)
        await end_sessions(runtime, Session.filter(account_id=account.id, contact_id=found.contact_id))
        await activity.record(ctx, "recovery.confirmed", "Acceso recuperado: clave temporal enviada por email", account_id=account.id, actor="Recuperación de acceso")
        await queue_mail(
            runtime,
            account_id=account.id,
            template="recovery_password",
            category=EmailCategory.GENERAL,
            values={"login": login, "password": password},
            contact_id=found.contact_id,
            personal=True,
        )
    return ConfirmResult()
