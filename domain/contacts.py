"""Contacts (sub-accounts, seed 004 5.1): third persons with access to the client area.

Who may manage them: the holder, and contacts with CONTACTS. Authority over a person: one may
act on a contact at all (any field, activation, invitation, deletion) only while one's own
permissions include every permission that contact holds, before and after the change
(PERMISSION_NOT_HELD); so nobody can raise their own access or take over someone stronger.
Granting permissions and changing a contact's email need a recent sign-in (step-up).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import activity
from core.authn import end_sessions
from core.context import Context, Principal
from core.ids import pk_of
from core.mail import Recipient, queue_mail
from core.mail_limits import MailKind, mail_wait
from core.outcome import Failures
from core.pagination import Page, paginate
from core.passwords import context_words, strength
from core.sockets import access_changed
from core.stepup import STEP_UP_REQUIRED, lacks_step_up
from core.validation import FieldErrors, Problem, address, email, phone, text
from domain import email_changes
from domain.auth import start_session
from models import Account, ApiToken, Contact, Session
from models.enums import EmailCategory, Language, Permission

INVITATION_VALIDITY = timedelta(days=7)
ACCEPTS_PER_IP = "20/hour"
ADDRESS_COLUMNS = ("street", "neighborhood", "city", "state", "postal_code", "country_code")
UNCHANGED: Any = object()

MESSAGES: dict[str, tuple[str, str]] = {
    "DUPLICATE": ("Ya hay un contacto con ese email.", "A contact with that email already exists."),
    "PERMISSION_NOT_HELD": (
        "No puede otorgar, quitar ni cambiar permisos que usted no tiene: {permissions}.",
        "You cannot grant, remove or change permissions you do not hold: {permissions}.",
    ),
    "NOT_FOUND": (
        "El contacto no existe o no pertenece a su cuenta.",
        "The contact does not exist or is not in your account.",
    ),
    "STALE_VERSION": (
        "El contacto cambió mientras lo editaba. Vuelva a cargarlo.",
        "The contact changed while you were editing it. Reload and try again.",
    ),
    "INVALID_CODE": (
        "El enlace de invitación no es válido o ya fue usado.",
        "The invitation link is not valid or was already used.",
    ),
    "CODE_EXPIRED": (
        "El enlace de invitación venció. Pida uno nuevo.",
        "The invitation link has expired. Ask for a new one.",
    ),
    "INVALID_STATE": (
        "El contacto está inactivo o ya eligió su clave.",
        "The contact is inactive or has already chosen a password.",
    ),
    "RATE_LIMITED": (
        "Demasiados intentos. Vuelva a intentarlo en {seconds} segundos.",
        "Too many attempts. Try again in {seconds} seconds.",
    ),
}


@dataclass
class ContactFields:
    """Contact data as given: UNCHANGED for what an update leaves alone (None clears)."""

    first_name: Any = UNCHANGED
    last_name: Any = UNCHANGED
    company_name: Any = UNCHANGED
    email: Any = UNCHANGED
    phone: Any = UNCHANGED
    address: Any = UNCHANGED
    active: Any = UNCHANGED
    permissions: Any = UNCHANGED
    email_categories: Any = UNCHANGED
    language: Any = UNCHANGED


@dataclass
class Result(Failures):
    contact: Contact | None = None
    problems: list[Problem] = field(default_factory=list)


async def contacts_page(
    ctx: Context, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page[Contact]:
    principal = ctx.require(Permission.CONTACTS)
    return await paginate(
        Contact.filter(account_id=principal.account_id), first=first, after=after, last=last, before=before
    )


def _validated(given: ContactFields, errors: FieldErrors, country: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, path, limit, required in (
        ("first_name", "firstName", 100, True),
        ("last_name", "lastName", 100, True),
        ("company_name", "companyName", 200, False),
    ):
        raw = getattr(given, name)
        if raw is not UNCHANGED:
            values[name] = errors.check(["input", path], text, raw, limit, required=required)
    if given.email is not UNCHANGED:
        values["email"] = errors.check(["input", "email"], email, given.email or "")
    if given.address is None:
        values.update(dict.fromkeys(ADDRESS_COLUMNS))
    elif given.address is not UNCHANGED:
        parsed = address(errors, ["input", "address"], given.address)
        if parsed is not None:
            values.update(asdict(parsed))
    if given.phone is not UNCHANGED:
        region = values.get("country_code", country)
        values["phone"] = errors.check(["input", "phone"], phone, given.phone, region) if given.phone else None
    if given.active is not UNCHANGED and given.active is not None:
        values["active"] = bool(given.active)
    if given.permissions is not UNCHANGED and given.permissions is not None:
        values["permissions"] = sorted({Permission(p).value for p in given.permissions})
    if given.email_categories is not UNCHANGED and given.email_categories is not None:
        values["email_categories"] = sorted({EmailCategory(c).value for c in given.email_categories})
    if given.language not in (UNCHANGED, None):
        values["language"] = Language(given.language)
    return values


def _not_held(principal: Principal, *permission_sets: list[str]) -> list[str]:
    """The permissions in any of `permission_sets` that the acting person does not hold."""
    held = {p.value for p in principal.permissions}
    return sorted(set().union(*permission_sets) - held)


async def _invitation_wait(ctx: Context, contact_email: str, account_id: int) -> int | None:
    return await mail_wait(ctx.runtime, account_id=account_id, kind=MailKind.INVITATION, addresses=[contact_email])


async def _invite(ctx: Context, contact: Contact) -> None:
    """A new one-time link to choose a password; any earlier link stops working."""
    runtime = ctx.runtime
    token = runtime.secrets.new_token()
    await Contact.filter(id=contact.id).update(
        invitation_token_hash=runtime.secrets.digest(token),
        invitation_expires_at=runtime.clock.now() + INVITATION_VALIDITY,
    )
    holder_name = ctx.principal.actor if ctx.principal else ""
    await queue_mail(
        runtime,
        account_id=contact.account_id,
        template="contact_invitation",
        category=EmailCategory.GENERAL,
        values={
            "name": contact.first_name,
            "inviter": holder_name,
            "link": f"{runtime.settings.public_base_url}/invitacion?token={token}",
        },
        contact_id=contact.id,
        personal=True,
        kind=MailKind.INVITATION,
    )


async def create(ctx: Context, given: ContactFields) -> Result:
    principal = ctx.require(Permission.CONTACTS)
    errors = FieldErrors()
    country = given.address.country_code if given.address not in (UNCHANGED, None) else None
    values = _validated(given, errors, country)
    result = Result(problems=errors.problems)
    if missing := _not_held(principal, values.get("permissions", [])):
        result.fail("PERMISSION_NOT_HELD", ["input", "permissions"], permissions=", ".join(missing))
    if result.problems or result.errors:
        return result
    if values.get("permissions") and lacks_step_up(ctx, principal):
        return result.fail(STEP_UP_REQUIRED, ["input", "permissions"])
    if values.get("active", True) and (wait := await _invitation_wait(ctx, values["email"], principal.account_id)):
        return result.fail("RATE_LIMITED", ["input", "email"], seconds=wait)
    try:
        async with ctx.runtime.events.transaction():
            contact = await Contact.create(
                account_id=principal.account_id, created_at=ctx.runtime.clock.now(), **values
            )
            await activity.record(
                ctx, "contact.created", f"Contacto creado: {contact.first_name} {contact.last_name} <{contact.email}>"
            )
            if contact.active:
                await _invite(ctx, contact)
    except IntegrityError:
        return result.fail("DUPLICATE", ["input", "email"])
    result.contact = await Contact.get(id=contact.id)
    return result


async def update(ctx: Context, contact_id: str, expected_version: int, given: ContactFields) -> Result:
    result = Result()
    principal, current = await _own_contact(ctx, contact_id)
    if current is None:
        return result.fail("NOT_FOUND", ["input", "id"])
    if current.version != expected_version:
        # Authority is judged on the version read here; the UPDATE below is conditional on that very version.
        return result.fail("STALE_VERSION", ["input", "expectedVersion"])
    errors = FieldErrors()
    values = _validated(given, errors, current.country_code)
    result.problems = errors.problems
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    after = changed.get("permissions", current.permissions)
    if missing := _not_held(principal, current.permissions, after):
        result.fail("PERMISSION_NOT_HELD", ["input", "permissions"], permissions=", ".join(missing))
    if result.problems or result.errors:
        return result
    if set(after) - set(current.permissions) or "email" in changed:
        if lacks_step_up(ctx, principal):
            return result.fail(STEP_UP_REQUIRED, ["input", "email" if "email" in changed else "permissions"])
    if "email" in changed and current.id == principal.contact_id:
        # One's own address changes only through the link sent to the new one.
        request = await email_changes.request_change(ctx, principal, changed.pop("email"), ["input", "email"])
        if request.errors:
            result.errors += request.errors
            return result
    invites = changed.get("active", current.active) and (
        "email" in changed or (changed.get("active") is True and current.password_hash is None)
    )
    if invites and (wait := await _invitation_wait(ctx, changed.get("email", current.email), current.account_id)):
        return result.fail("RATE_LIMITED", ["input", "email"], seconds=wait)
    try:
        async with ctx.runtime.events.transaction():
            updated = await Contact.filter(id=current.id, version=expected_version).update(
                **changed, version=F("version") + 1
            )
            if not updated:
                return result.fail("STALE_VERSION", ["input", "expectedVersion"])
            if changed:
                await activity.record(
                    ctx, "contact.updated", f"Contacto {current.email} actualizado: " + ", ".join(sorted(changed))
                )
            if "email" in changed:
                await _move_to_new_address(ctx, current, changed["email"])
            elif changed.get("active") is False:
                await end_sessions(ctx.runtime, Session.filter(contact_id=current.id))
                await email_changes.void_pending_for_contact(current, ctx.runtime.clock.now())
            if {"email", "active", "permissions"} & changed.keys():
                access_changed(current.account_id, contact_id=current.id)
            if invites:
                await _invite(ctx, await Contact.get(id=current.id))
    except IntegrityError:
        return result.fail("DUPLICATE", ["input", "email"])
    result.contact = await Contact.get(id=current.id)
    return result


async def _move_to_new_address(ctx: Context, contact: Contact, new_email: str) -> None:
    """Someone else changed the contact's email: it is invited again at the new address.

    The password, sessions, sockets, API tokens and every pending link of the old address end,
    and the old address is told, so a changed address can never take over the contact."""
    runtime = ctx.runtime
    now = runtime.clock.now()
    await Contact.filter(id=contact.id).update(
        password_hash=None, must_change_password=False, invitation_token_hash=None, invitation_expires_at=None
    )
    await end_sessions(runtime, Session.filter(contact_id=contact.id))
    await ApiToken.filter(created_by_contact_id=contact.id, revoked_at=None).update(revoked_at=now)
    await email_changes.void_pending_for_contact(contact, now)
    await queue_mail(
        runtime,
        account_id=contact.account_id,
        template="contact_email_changed",
        category=EmailCategory.GENERAL,
        values={
            "old_email": contact.email,
            "new_email": new_email,
            "actor": ctx.principal.actor if ctx.principal else "",
        },
        to=[Recipient(contact.email, Language(contact.language), contact.id)],
    )


async def _own_contact(ctx: Context, contact_id: str) -> tuple[Principal, Contact | None]:
    """The acting person (who needs CONTACTS) and the contact, if it is in their account."""
    principal = ctx.require(Permission.CONTACTS)
    pk = pk_of(contact_id, "Contact")
    return principal, await Contact.get_or_none(id=pk, account_id=principal.account_id) if pk else None


async def delete(ctx: Context, contact_id: str) -> Result:
    result = Result()
    principal, contact = await _own_contact(ctx, contact_id)
    if contact is None:
        return result.fail("NOT_FOUND", ["input", "id"])
    if missing := _not_held(principal, contact.permissions):
        return result.fail("PERMISSION_NOT_HELD", ["input", "id"], permissions=", ".join(missing))
    async with ctx.runtime.events.transaction():
        # Conditional on the version whose permissions were judged: a concurrent grant makes this refuse.
        if not await Contact.filter(id=contact.id, version=contact.version).delete():
            return result.fail("STALE_VERSION", ["input", "id"])
        await end_sessions(ctx.runtime, Session.filter(contact_id=contact.id))
        await activity.record(
            ctx, "contact.deleted", f"Contacto eliminado: {contact.first_name} {contact.last_name} <{contact.email}>"
        )
        access_changed(contact.account_id, contact_id=contact.id)
    result.contact = contact
    return result


async def resend_invitation(ctx: Context, contact_id: str) -> Result:
    result = Result()
    principal, contact = await _own_contact(ctx, contact_id)
    if contact is None:
        return result.fail("NOT_FOUND", ["input", "id"])
    if missing := _not_held(principal, contact.permissions):
        return result.fail("PERMISSION_NOT_HELD", ["input", "id"], permissions=", ".join(missing))
    if not contact.active or contact.password_hash is not None:
        return result.fail("INVALID_STATE", ["input", "id"])
    if wait := await _invitation_wait(ctx, contact.email, contact.account_id):
        return result.fail("RATE_LIMITED", ["input", "id"], seconds=wait)
    async with ctx.runtime.events.transaction():
        await _invite(ctx, contact)
        await activity.record(ctx, "contact.invitation_resent", f"Invitación reenviada a {contact.email}")
    result.contact = contact
    return result


async def accept_invitation(ctx: Context, token: str, password: str) -> Result:
    """The invited contact chooses a password (the same policy as a password change) and is signed in."""
    runtime = ctx.runtime
    result = Result()
    if wait := await runtime.limiter.hit(ACCEPTS_PER_IP, "invitation", ctx.ip_address or "?"):
        return result.fail("RATE_LIMITED", None, seconds=wait)
    contact = await Contact.get_or_none(invitation_token_hash=runtime.secrets.digest(token.strip()), active=True)
    if contact is None or contact.password_hash is not None:
        return result.fail("INVALID_CODE", ["input", "token"])
    if contact.invitation_expires_at is None or runtime.clock.now() >= contact.invitation_expires_at:
        return result.fail("CODE_EXPIRED", ["input", "token"])
    account = await Account.get(id=contact.account_id)
    verdict = strength(
        password, context_words(contact.first_name, contact.last_name, contact.email, account.client_number)
    )
    if verdict.problem:
        hints = " ".join(h for h in (verdict.warning, *verdict.suggestions) if h)
        return result.fail("PASSWORD_TOO_WEAK", ["input", "password"], key=verdict.problem, hints=hints)
    password_hash = await runtime.secrets.hash_password(password)
    claimed = await Contact.filter(id=contact.id, invitation_token_hash=contact.invitation_token_hash).update(
        password_hash=password_hash, invitation_token_hash=None, invitation_expires_at=None
    )
    if not claimed:
        return result.fail("INVALID_CODE", ["input", "token"])
    await start_session(ctx, account, contact)
    await activity.record(ctx, "contact.invitation_accepted", f"{contact.email} eligió su clave e ingresó")
    result.contact = await Contact.get(id=contact.id)
    return result
