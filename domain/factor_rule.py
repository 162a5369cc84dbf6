"""The account's rule for contacts' two-step sign-in, and the holder's reset of a contact's lost factors (issue 23).

With the rule on, a contact without a second factor (core/authn.must_enrol) signs in with the password to a
session that may only enrol (SECOND_FACTOR_ENROLMENT_REQUIRED elsewhere), and their API tokens do nothing until
then. Turning it on ends no session by itself: every request is judged again, and live sockets of those
contacts close (an "access changed" event for the account). A contact's factors are reset by the holder only,
never by staff: support resets the holder's own (domain/factor_reset).
"""

from __future__ import annotations

from enum import StrEnum

from core import activity
from core.access import access_changed
from core.authn import end_sessions
from core.context import Context
from core.i18n import Messages
from core.ids import pk_of
from core.mail import queue_mail
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from core.stepup import lacks_step_up
from models import Account, Contact, Passkey, RecoveryCode, Session, SignInChallenge, TotpFactor
from models.enums import EmailCategory

CONTACT_PATH = ("input", "contactId")

MESSAGES: Messages = {
    "NOT_FOUND": (
        "El contacto no existe o no pertenece a su cuenta.",
        "The contact does not exist or is not in your account.",
    ),
    "INVALID_STATE": (
        "Este contacto no tiene verificación en dos pasos: no hay nada que restablecer.",
        "This contact has no two-step verification: there is nothing to reset.",
    ),
}


@error_codes(MESSAGES)
class FactorRuleError(StrEnum):
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"


async def set_rule(ctx: Context, required: bool) -> Outcome[bool]:
    """The holder (schema: holder only) requires, or no longer requires, a second factor of every contact;
    after step-up. The value is the rule as it now stands."""
    principal = ctx.acting
    if lacks_step_up(ctx, principal):
        return failed(FactorRuleError.STEP_UP_REQUIRED)
    async with ctx.runtime.events.transaction():
        changed = await Account.filter(id=principal.account_id, contacts_need_second_factor=not required).update(
            contacts_need_second_factor=required
        )
        if changed:
            if required:
                action, summary = (
                    "account.contacts_second_factor_required",
                    "Verificación en dos pasos obligatoria para los contactos",
                )
            else:
                action, summary = (
                    "account.contacts_second_factor_optional",
                    "Verificación en dos pasos opcional para los contactos",
                )
            await activity.record(ctx, action, summary)
            access_changed(principal.account_id)  # live sockets of contacts without a factor close
    return succeeded(required)


async def factor_count(account_id: int, contact_id: int | None) -> int:
    """A person's second factors: a confirmed authenticator app, and each passkey."""
    mine = {"account_id": account_id, "contact_id": contact_id}
    return await TotpFactor.filter(**mine, confirmed_at__isnull=False).count() + await Passkey.filter(**mine).count()


async def remove_factors(runtime: Runtime, account_id: int, contact_id: int | None) -> int:
    """Delete a person's second factors: the authenticator app (pending or not), recovery codes, passkeys, and
    the sign-in challenges waiting for one. How many factors (confirmed app, passkeys) there were: with none,
    nothing is deleted.

    Call inside the change's transaction."""
    factors = await factor_count(account_id, contact_id)
    if not factors:
        return 0
    mine = {"account_id": account_id, "contact_id": contact_id}
    await TotpFactor.filter(**mine).delete()
    await RecoveryCode.filter(**mine).delete()
    await Passkey.filter(**mine).delete()
    await SignInChallenge.filter(**mine).delete()
    return factors


async def reset_contact(ctx: Context, contact_id: str) -> Outcome[Contact]:
    """The holder (schema: holder only), after step-up, removes a contact's factors: the contact's sessions end,
    they are emailed, the history records it. With the rule on, the contact's next sign-in leads to enrolment."""
    principal = ctx.acting
    if lacks_step_up(ctx, principal):
        return failed(FactorRuleError.STEP_UP_REQUIRED)
    pk = pk_of(contact_id, "Contact")
    contact = await Contact.get_or_none(id=pk, account_id=principal.account_id) if pk else None
    if contact is None:
        return failed(FactorRuleError.NOT_FOUND, CONTACT_PATH)
    runtime = ctx.runtime
    async with runtime.events.transaction():
        if not await remove_factors(runtime, contact.account_id, contact.id):
            return failed(FactorRuleError.INVALID_STATE, CONTACT_PATH)
        await end_sessions(runtime, Session.filter(contact_id=contact.id))
        access_changed(contact.account_id, contact_id=contact.id, force=True)
        summary = f"Verificación en dos pasos de {contact.email} restablecida por el titular"
        await activity.record(ctx, "second_factor.contact_reset", summary)
        await queue_mail(
            runtime,
            account_id=contact.account_id,
            template="second_factor_reset",
            category=EmailCategory.GENERAL,
            values={"by": "holder"},
            contact_id=contact.id,
            personal=True,
        )
    return succeeded(contact)
