"""Contacts (sub-accounts, seed 004 5.1): third persons with access to the client area.

Who may manage them: the holder, and contacts with CONTACTS. Authority over a person: one may
act on a contact at all (any field, activation, invitation, deletion) only while one's own
permissions include every permission that contact holds, before and after the change
(PERMISSION_NOT_HELD); so nobody can raise their own access or take over someone stronger.
Granting permissions and changing a contact's email need a recent sign-in (step-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from strawberry import Maybe
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import activity
from core.access import access_changed
from core.authn import end_sessions
from core.context import Context, Principal
from core.ids import pk_of
from core.mail import Recipient, queue_mail
from core.mail_limits import MailKind, mail_wait
from core.outcome import Failure, Outcome, error_codes, failed, succeeded
from core.pagination import Listing, Page, paginate
from core.passwords import REFUSAL_MESSAGES, context_words, refusal, strength
from core.stepup import lacks_step_up
from core.validation import AddressT, ContactDetails, changes_to, checked, contact_details, text
from domain import email_changes, webhook_reports
from domain.auth import start_session
from models import Account, ApiToken, Contact, Session
from models.enums import EmailCategory, Language, Permission

INVITATION_VALIDITY = timedelta(days=7)
ACCEPTS_PER_IP = "20/hour"
ID_PATH = ("input", "id")
EMAIL_PATH = ("input", "email")
PERMISSIONS_PATH = ("input", "permissions")
VERSION_PATH = ("input", "expectedVersion")
TOKEN_PATH = ("input", "token")

MESSAGES: dict[str, tuple[str, str]] = {
    **REFUSAL_MESSAGES,
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


@error_codes(MESSAGES)
class ContactError(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    STALE_VERSION = "STALE_VERSION"
    DUPLICATE = "DUPLICATE"
    PERMISSION_NOT_HELD = "PERMISSION_NOT_HELD"
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"
    INVALID_STATE = "INVALID_STATE"
    TOO_WEAK = "PASSWORD_TOO_WEAK"


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactChanges(ContactDetails[AddressT]):
    """Contact data as given: None keeps a field, Some(None) clears it (or is refused where it is required)."""

    first_name: Maybe[str | None] = None
    last_name: Maybe[str | None] = None
    active: Maybe[bool | None] = None
    permissions: Maybe[list[Permission] | None] = None
    email_categories: Maybe[list[EmailCategory] | None] = None


async def contacts_page(
    ctx: Context, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page[Contact]:
    return await paginate(_CONTACTS.of(ctx.acting.account_id), first=first, after=after, last=last, before=before)


_CONTACTS = Listing(Contact, lambda values: Contact.filter(account_id=values[0]))


def _validated(outcome: Outcome[Any], given: ContactChanges[Any], region: str | None) -> dict[str, Any]:
    """Column values for the given fields, normalised; failures go to `outcome`."""
    values: dict[str, Any] = {}
    for name, path in (("first_name", "firstName"), ("last_name", "lastName")):
        if typed := getattr(given, name):
            values[name] = checked(outcome, ["input", path], text, typed.value, 100)
    values.update(contact_details(outcome, given, region))
    if given.active and given.active.value is not None:
        values["active"] = bool(given.active.value)
    if given.permissions and given.permissions.value is not None:
        values["permissions"] = sorted({Permission(p).value for p in given.permissions.value})
    if given.email_categories and given.email_categories.value is not None:
        values["email_categories"] = sorted({EmailCategory(c).value for c in given.email_categories.value})
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


async def create(ctx: Context, given: ContactChanges[Any]) -> Outcome[Contact]:
    principal = ctx.acting
    outcome: Outcome[Contact] = Outcome()
    region = given.address.value.country_code if given.address and given.address.value else None
    values = _validated(outcome, given, region)
    if missing := _not_held(principal, values.get("permissions", [])):
        outcome.fail(ContactError.PERMISSION_NOT_HELD, PERMISSIONS_PATH, permissions=", ".join(missing))
    if not outcome.ok:
        return outcome
    if values.get("permissions") and lacks_step_up(ctx, principal):
        return failed(ContactError.STEP_UP_REQUIRED, PERMISSIONS_PATH)
    if values.get("active", True) and (wait := await _invitation_wait(ctx, values["email"], principal.account_id)):
        return failed(ContactError.RATE_LIMITED, EMAIL_PATH, seconds=wait)
    try:
        async with ctx.runtime.events.transaction():
            contact = await Contact.create(
                account_id=principal.account_id, created_at=ctx.runtime.clock.now(), **values
            )
            await activity.record(
                ctx, "contact.created", f"Contacto creado: {contact.first_name} {contact.last_name} <{contact.email}>"
            )
            await webhook_reports.contact_created(ctx.runtime, contact)
            if contact.active:
                await _invite(ctx, contact)
    except IntegrityError:
        return failed(ContactError.DUPLICATE, EMAIL_PATH)
    return succeeded(await Contact.get(id=contact.id))


async def update(ctx: Context, contact_id: str, expected_version: int, given: ContactChanges[Any]) -> Outcome[Contact]:
    current = await _own_contact(ctx, contact_id)
    if current is None:
        return failed(ContactError.NOT_FOUND, ID_PATH)
    if current.version != expected_version:
        # Authority is judged on the version read here; the UPDATE below is conditional on that very version.
        return failed(ContactError.STALE_VERSION, VERSION_PATH)
    outcome: Outcome[Contact] = Outcome()
    values = _validated(outcome, given, current.country_code)
    changed = changes_to(current, values)
    after = changed.get("permissions", current.permissions)
    if missing := _not_held(ctx.acting, current.permissions, after):
        outcome.fail(ContactError.PERMISSION_NOT_HELD, PERMISSIONS_PATH, permissions=", ".join(missing))
    if not outcome.ok:
        return outcome
    if refused := _lacks_step_up_for(ctx, current, changed) or await _divert_own_email(ctx, current, changed):
        return outcome.extend(refused)
    if not changed:  # nothing stored changes: the same contact, the same version, no activity, mail or event
        return succeeded(current)
    invites = changed.get("active", current.active) and (
        "email" in changed or (changed.get("active") is True and current.password_hash is None)
    )
    if invites and (wait := await _invitation_wait(ctx, changed.get("email", current.email), current.account_id)):
        return failed(ContactError.RATE_LIMITED, EMAIL_PATH, seconds=wait)
    try:
        if not await _store_update(ctx, current, expected_version, changed, invites=bool(invites)):
            return failed(ContactError.STALE_VERSION, VERSION_PATH)
    except IntegrityError:
        return failed(ContactError.DUPLICATE, EMAIL_PATH)
    return succeeded(await Contact.get(id=current.id))


async def _divert_own_email(ctx: Context, current: Contact, changed: dict[str, Any]) -> list[Failure]:
    """One's own new address changes only through the link sent to it (domain/email_changes): it leaves
    `changed` and its request is sent; that request's refusals, if any."""
    if "email" not in changed or current.id != ctx.acting.contact_id:
        return []
    return (await email_changes.request_change(ctx, changed.pop("email"), EMAIL_PATH)).failures


def _lacks_step_up_for(ctx: Context, current: Contact, changed: dict[str, Any]) -> list[Failure]:
    """Granting permissions or changing an email needs a recent proof of identity (core/stepup)."""
    granted = set(changed.get("permissions", current.permissions)) - set(current.permissions)
    if (granted or "email" in changed) and lacks_step_up(ctx, ctx.acting):
        return failed(ContactError.STEP_UP_REQUIRED, EMAIL_PATH if "email" in changed else PERMISSIONS_PATH).failures
    return []


async def _store_update(
    ctx: Context, current: Contact, expected_version: int, changed: dict[str, Any], *, invites: bool
) -> bool:
    """Store the changes if the contact is still at `expected_version`, with what they end or start."""
    async with ctx.runtime.events.transaction():
        updated = await Contact.filter(id=current.id, version=expected_version).update(
            **changed, version=F("version") + 1
        )
        if not updated:
            return False
        await activity.record(
            ctx, "contact.updated", f"Contacto {current.email} actualizado: " + ", ".join(sorted(changed))
        )
        await webhook_reports.contact_updated(ctx.runtime, current.id, changed)
        if "email" in changed:
            await _move_to_new_address(ctx, current, changed["email"])
        elif changed.get("active") is False:
            await end_sessions(ctx.runtime, Session.filter(contact_id=current.id))
            await email_changes.void_pending_for_contact(current, ctx.runtime.clock.now())
        if {"email", "active", "permissions"} & changed.keys():
            access_changed(current.account_id, contact_id=current.id)
        if invites:
            await _invite(ctx, await Contact.get(id=current.id))
    return True


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


async def _own_contact(ctx: Context, contact_id: str) -> Contact | None:
    """The contact, if it is in the acting person's account."""
    pk = pk_of(contact_id, "Contact")
    return await Contact.get_or_none(id=pk, account_id=ctx.acting.account_id) if pk else None


def _lacks_authority(ctx: Context, contact: Contact) -> list[Failure]:
    """Refused unless the acting person holds every permission the contact holds."""
    if missing := _not_held(ctx.acting, contact.permissions):
        return failed(ContactError.PERMISSION_NOT_HELD, ID_PATH, permissions=", ".join(missing)).failures
    return []


async def delete(ctx: Context, contact_id: str) -> Outcome[Contact]:
    """The value is the deleted contact."""
    contact = await _own_contact(ctx, contact_id)
    if contact is None:
        return failed(ContactError.NOT_FOUND, ID_PATH)
    if refused := _lacks_authority(ctx, contact):
        return Outcome(failures=refused)
    async with ctx.runtime.events.transaction():
        # Conditional on the version whose permissions were judged: a concurrent grant makes this refuse.
        if not await Contact.filter(id=contact.id, version=contact.version).delete():
            return failed(ContactError.STALE_VERSION, ID_PATH)
        await end_sessions(ctx.runtime, Session.filter(contact_id=contact.id))
        await activity.record(
            ctx, "contact.deleted", f"Contacto eliminado: {contact.first_name} {contact.last_name} <{contact.email}>"
        )
        await webhook_reports.contact_deleted(ctx.runtime, contact)
        access_changed(contact.account_id, contact_id=contact.id)
    return succeeded(contact)


async def resend_invitation(ctx: Context, contact_id: str) -> Outcome[Contact]:
    contact = await _own_contact(ctx, contact_id)
    if contact is None:
        return failed(ContactError.NOT_FOUND, ID_PATH)
    if refused := _lacks_authority(ctx, contact):
        return Outcome(failures=refused)
    if not contact.active or contact.password_hash is not None:
        return failed(ContactError.INVALID_STATE, ID_PATH)
    if wait := await _invitation_wait(ctx, contact.email, contact.account_id):
        return failed(ContactError.RATE_LIMITED, ID_PATH, seconds=wait)
    async with ctx.runtime.events.transaction():
        await _invite(ctx, contact)
        await activity.record(ctx, "contact.invitation_resent", f"Invitación reenviada a {contact.email}")
    return succeeded(contact)


async def accept_invitation(ctx: Context, token: str, password: str) -> Outcome[Contact]:
    """The invited contact chooses a password (the same policy as a password change) and is signed in."""
    runtime = ctx.runtime
    if wait := await runtime.limiter.hit(ACCEPTS_PER_IP, "invitation", ctx.ip_address or "?"):
        return failed(ContactError.RATE_LIMITED, None, seconds=wait)
    contact = await Contact.get_or_none(invitation_token_hash__in=runtime.secrets.digests(token.strip()), active=True)
    if contact is None or contact.password_hash is not None:
        return failed(ContactError.INVALID_CODE, TOKEN_PATH)
    if contact.invitation_expires_at is None or runtime.clock.now() >= contact.invitation_expires_at:
        return failed(ContactError.CODE_EXPIRED, TOKEN_PATH)
    account = await Account.get(id=contact.account_id)
    verdict = strength(
        password, context_words(contact.first_name, contact.last_name, contact.email, account.client_number)
    )
    if verdict.problem:
        return Outcome(failures=[refusal(ContactError.TOO_WEAK, ("input", "password"), verdict)])
    password_hash = await runtime.secrets.hash_password(password)
    claimed = await Contact.filter(id=contact.id, invitation_token_hash=contact.invitation_token_hash).update(
        password_hash=password_hash,
        password_changed_at=runtime.clock.now(),
        invitation_token_hash=None,
        invitation_expires_at=None,
    )
    if not claimed:
        return failed(ContactError.INVALID_CODE, TOKEN_PATH)
    await start_session(ctx, account, contact)
    await activity.record(ctx, "contact.invitation_accepted", f"{contact.email} eligió su clave e ingresó")
    return succeeded(await Contact.get(id=contact.id))
