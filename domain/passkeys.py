"""Passkeys (issue 23): each person (the holder, or a contact) registers their own, several if they like, names
them, renames and removes them. The WebAuthn ceremonies are domain/webauthn's.

Registering starts after step-up (which, for a person with a factor, included it) and finishes with the
browser's answer to that person's challenge; like enrolling an authenticator app it ends the person's other
sessions. Removing needs step-up too. Every change is emailed to the person and recorded in the history.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise.exceptions import IntegrityError

from core import stepup
from core.access import access_changed
from core.authn import end_sessions
from core.context import Context
from core.i18n import Messages
from core.ids import pk_of
from core.outcome import Outcome, error_codes, failed, succeeded
from core.validation import checked, text
from domain import second_factor, webauthn
from domain.second_factor import Person, label, notify, signed_in_person
from models import Contact, Passkey, Session
from models.columns import column_length

NAME_MAX = column_length(Passkey, "name")
NAME_PATH = ("input", "name")
CREDENTIAL_PATH = ("input", "credential")
ID_PATH = ("input", "id")

MESSAGES: Messages = {
    "INVALID": (
        "La llave de acceso no fue registrada (o pasaron más de 5 minutos): vuelva a intentarlo.",
        "The passkey was not registered (or more than 5 minutes have passed): try again.",
    ),
    "NOT_FOUND": ("No existe esa llave de acceso.", "There is no such passkey."),
    "DUPLICATE": ("Esa llave de acceso ya está registrada.", "That passkey is already registered."),
}


@error_codes(MESSAGES)
class PasskeyError(StrEnum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"


async def _display_name(person: Person) -> str:
    """How the authenticator shows whose passkey it is: the contact's name, or the holder's client number."""
    if person.contact_id is None:
        return await label(person)
    contact = await Contact.get(id=person.contact_id).only("id", "first_name", "last_name")
    return f"{contact.first_name} {contact.last_name}"


async def registration_options(ctx: Context) -> Outcome[str]:
    """Creation options (JSON) for a new passkey of the signed-in person; after step-up."""
    principal, problem = signed_in_person(ctx)
    if problem:
        return failed(PasskeyError.STEP_UP_REQUIRED)
    person = Person.of(principal)
    options = await webauthn.registration_options(
        ctx.runtime, person.owner, await label(person), await _display_name(person)
    )
    return succeeded(options)


def _session_person(ctx: Context) -> Person:
    """The signed-in person; API tokens have no passkeys (FORBIDDEN)."""
    stepup.require_session(ctx.acting)
    return Person.of(ctx.acting)


async def register(ctx: Context, name: str, credential: str) -> Outcome[Passkey]:
    """Store the passkey the browser created for the person's challenge; their other sessions end."""
    person = _session_person(ctx)
    outcome: Outcome[Passkey] = Outcome()
    cleaned = checked(outcome, NAME_PATH, text, name, NAME_MAX)
    if cleaned is None:
        return outcome
    runtime = ctx.runtime
    new = await webauthn.registered(runtime, person.owner, credential)
    if new is None:
        return failed(PasskeyError.INVALID, CREDENTIAL_PATH)
    async with runtime.events.transaction():
        try:
            passkey = await Passkey.create(
                account_id=person.account_id,
                contact_id=person.contact_id,
                name=cleaned,
                credential_id=new.credential_id,
                public_key=new.public_key,
                sign_count=new.sign_count,
                transports=new.transports,
                backed_up=new.backed_up,
                created_at=runtime.clock.now(),
            )
        except IntegrityError:
            return failed(PasskeyError.DUPLICATE, CREDENTIAL_PATH)
        others = Session.filter(account_id=person.account_id, contact_id=person.contact_id)
        await end_sessions(runtime, others.exclude(id=ctx.acting.session_id))
        access_changed(person.account_id, contact_id=person.contact_id, holder=person.contact_id is None, force=True)
        summary = f"Llave de acceso registrada: {cleaned}"
        await notify(ctx, person, "passkey_added", "second_factor.passkey_added", summary)
    return succeeded(passkey)


async def step_up_options(ctx: Context) -> Outcome[str]:
    """Request options (JSON) for one of the signed-in person's passkeys, to send to `reauthenticate`."""
    return await second_factor.passkey_options(ctx, _session_person(ctx))


async def _own(ctx: Context, passkey_id: str) -> Passkey | None:
    """The signed-in person's passkey of that global id (another person's is not found)."""
    person = _session_person(ctx)
    pk = pk_of(passkey_id, "Passkey")
    if pk is None:
        return None
    return await person.passkeys().get_or_none(id=pk)


async def rename(ctx: Context, passkey_id: str, name: str) -> Outcome[Passkey]:
    """A new name for one of the signed-in person's passkeys."""
    outcome: Outcome[Passkey] = Outcome()
    cleaned = checked(outcome, NAME_PATH, text, name, NAME_MAX)
    passkey = await _own(ctx, passkey_id)
    if passkey is None:
        outcome.fail(PasskeyError.NOT_FOUND, ID_PATH)
    if passkey is None or cleaned is None:
        return outcome
    await Passkey.filter(id=passkey.id).update(name=cleaned)
    passkey.name = cleaned
    return succeeded(passkey)


async def remove(ctx: Context, passkey_id: str) -> Outcome[None]:
    """Remove one of the signed-in person's passkeys (after step-up); with no factor left, the password alone
    signs in again."""
    principal, problem = signed_in_person(ctx)
    if problem:
        return failed(PasskeyError.STEP_UP_REQUIRED)
    passkey = await _own(ctx, passkey_id)
    if passkey is None:
        return failed(PasskeyError.NOT_FOUND, ID_PATH)
    person = Person.of(principal)
    async with ctx.runtime.events.transaction():
        if not await Passkey.filter(id=passkey.id).delete():
            return failed(PasskeyError.NOT_FOUND, ID_PATH)
        summary = f"Llave de acceso eliminada: {passkey.name}"
        await notify(ctx, person, "passkey_removed", "second_factor.passkey_removed", summary)
    return succeeded(None)
