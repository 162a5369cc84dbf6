"""Which optional notices reach people: the holder's muted categories, and the promotions' unsubscribe link.

The holder is the account's owner: GENERAL, security mail, invoices and payment notes (PRODUCTS), renewals
(DOMAINS) and ticket replies (SUPPORT) always reach the holder; only the categories in core.mail.HOLDER_OPTIONAL
(promotions, NOTES) may be muted. Contacts choose their categories in their own data (contacts' email flags).

The unsubscribe link (core/mail_unsubscribe) mutes promotions for the address it was sent to, in its account: the
holder's (muted_categories) and any contact's there (NOTES leaves its flags). Opening the link changes nothing
(mail scanners prefetch links): the page asks for a click, which calls `unsubscribe`; so does a mail client's
one-click POST (RFC 8058). Only failed attempts count against the per-IP limit: a valid token cannot be guessed,
and one-click POSTs of many customers come from the few addresses of their mail providers.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from tortoise.expressions import F

from core import activity
from core.context import Context
from core.i18n import Messages
from core.mail import HOLDER_OPTIONAL
from core.mail_unsubscribe import UNSUBSCRIBABLE, addresses_matching, parse_token
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from domain import webhook_reports
from models import Contact, Holder
from models.enums import EmailCategory, members_in

FAILED_UNSUBSCRIBES_PER_IP = "20/hour"
UNSUBSCRIBE_ACTOR = "Enlace de baja"
MUTED_PATH = ("input", "mutedCategories")
TOKEN_PATH = ("input", "token")
# What the activity history says when the holder mutes, or unmutes, each optional category.
PREFERENCE_EVENTS: dict[EmailCategory, tuple[tuple[str, str], tuple[str, str]]] = {
    EmailCategory.NOTES: (
        ("mail.promotions_muted", "El titular dejó de recibir promociones"),
        ("mail.promotions_unmuted", "El titular vuelve a recibir promociones"),
    ),
}

MESSAGES: Messages = {
    "INVALID": (
        "El titular recibe siempre los emails generales, de productos, de dominios y de soporte: solo puede dejar "
        "de recibir las promociones.",
        "The holder always receives general, product, domain and support emails: only promotions can be muted.",
    ),
    # One answer for a malformed, tampered or outdated link: it tells nothing about the account.
    "INVALID_CODE": (
        "El enlace para dejar de recibir promociones no es válido o la dirección ya no está registrada.",
        "The unsubscribe link is not valid, or its address is no longer on file.",
    ),
    "RATE_LIMITED": (
        "Demasiados intentos. Vuelva a intentarlo en {seconds} segundos.",
        "Too many attempts. Try again in {seconds} seconds.",
    ),
}


@error_codes(MESSAGES)
class MailPreferencesError(StrEnum):
    INVALID = "INVALID"  # a category the holder always receives
    INVALID_CODE = "INVALID_CODE"
    RATE_LIMITED = "RATE_LIMITED"


def optional_categories() -> list[EmailCategory]:
    """What the holder may mute, in the enum's order."""
    return members_in(EmailCategory, HOLDER_OPTIONAL)


async def muted_categories(account_id: int) -> list[EmailCategory]:
    holder = await Holder.get(account_id=account_id).only("muted_categories")
    return members_in(EmailCategory, holder.muted_categories)


async def set_muted(ctx: Context, categories: Sequence[EmailCategory]) -> Outcome[list[EmailCategory]]:
    """The holder's choice of optional categories it does not want; the mandatory ones are refused."""
    if any(category not in HOLDER_OPTIONAL for category in categories):
        return failed(MailPreferencesError.INVALID, MUTED_PATH)
    account_id = ctx.acting.account_id
    wanted = sorted({category.value for category in categories})
    async with ctx.runtime.events.transaction():
        holder = await Holder.select_for_update().get(account_id=account_id)
        before = set(holder.muted_categories)
        if before != set(wanted):
            await Holder.filter(id=holder.id).update(muted_categories=wanted)
            for category in HOLDER_OPTIONAL:
                now_muted = category.value in wanted
                if now_muted != (category.value in before):
                    muted_event, unmuted_event = PREFERENCE_EVENTS[category]
                    await activity.record(ctx, *(muted_event if now_muted else unmuted_event))
    return succeeded(await muted_categories(account_id))


async def unsubscribe(runtime: Runtime, token: str, ip_address: str | None) -> Outcome[EmailCategory]:
    """Mute the token's category for the address it was made for; doing it again changes nothing."""
    ip = ip_address or "unknown"
    if wait := await runtime.limiter.peek(FAILED_UNSUBSCRIBES_PER_IP, "unsubscribe", ip):
        return failed(MailPreferencesError.RATE_LIMITED, None, seconds=wait)
    parsed = parse_token(token)
    if parsed is None or parsed[1] not in UNSUBSCRIBABLE or not await _mute(runtime, token, parsed[0], parsed[1]):
        await runtime.limiter.hit(FAILED_UNSUBSCRIBES_PER_IP, "unsubscribe", ip)
        return failed(MailPreferencesError.INVALID_CODE, TOKEN_PATH)
    return succeeded(parsed[1])


async def _mute(runtime: Runtime, token: str, account_id: int, category: EmailCategory) -> bool:
    """Whether the token matched an address on file in the account (then muted there, in one transaction)."""
    async with runtime.events.transaction():
        holder = await Holder.select_for_update().get_or_none(account_id=account_id)
        if holder is None:
            return False
        contacts = await Contact.select_for_update().filter(account_id=account_id).order_by("id")
        found = addresses_matching(runtime, token, [holder.email, *(contact.email for contact in contacts)])
        if not found:
            return False
        changed = False
        if holder.email.casefold() in found and category.value not in holder.muted_categories:
            muted = sorted([*holder.muted_categories, category.value])
            changed = bool(await Holder.filter(id=holder.id).update(muted_categories=muted))
        for contact in contacts:
            if contact.email.casefold() in found and category.value in contact.email_categories:
                remaining = [value for value in contact.email_categories if value != category.value]
                await Contact.filter(id=contact.id).update(email_categories=remaining, version=F("version") + 1)
                await webhook_reports.contact_updated(runtime, contact.id, ["email_categories"])
                changed = True
        if changed:  # a second click finds nothing to change and records nothing
            summary = f"Baja de promociones con el enlace del email: {next(iter(found))}"
            await activity.record_system(runtime, account_id, "mail.unsubscribed", summary, UNSUBSCRIBE_ACTOR)
    return True
