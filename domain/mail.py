"""The "Emails Recibidos" archive (seed 004 5.3): find a message, open it, send it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from core import activity
from core.context import Context
from core.i18n import Messages
from core.ids import pk_of
from core.mail import Recipient, Rendered, archive_and_queue, recipients_for, searchable
from core.mail_limits import mail_wait
from core.outcome import Outcome, error_codes, failed, succeeded
from core.pagination import Bound, Listing, Page, paginate
from core.runtime import Runtime
from models import Holder, MailMessage, MailRecipient, Service
from models.enums import EmailCategory, Language, Permission

RESENDS_PER_MESSAGE = "3/hour"


@dataclass(frozen=True, slots=True)
class MailQuery:
    categories: list[EmailCategory] | None = None
    service_id: str | None = None
    search: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def visible_mail(ctx: Context) -> QuerySet[MailMessage]:
    """The holder and contacts with MAIL see the whole archive; other contacts, what was sent to them
    (Account.mail is narrowed, not refused)."""
    return _visible(ctx).queryset()


def _visible(ctx: Context) -> Bound[MailMessage]:
    principal = ctx.acting
    if Permission.MAIL in principal.permissions:
        return _ACCOUNT_MAIL.of(principal.account_id)
    if principal.contact_id is None:
        return _NO_MAIL.of(principal.account_id)
    return _ADDRESSED_MAIL.of(principal.account_id, principal.contact_id)


def _addressed_mail(values: list[Any]) -> QuerySet[MailMessage]:
    account_id, contact_id = values
    addressed = MailRecipient.filter(contact_id=contact_id).values("message_id")
    return MailMessage.filter(account_id=account_id, id__in=Subquery(addressed))


# Each with its service (MailMessage.service, without a query of its own).
_ACCOUNT_MAIL = Listing(MailMessage, lambda values: MailMessage.filter(account_id=values[0]).select_related("service"))
_NO_MAIL = Listing(MailMessage, lambda values: MailMessage.filter(account_id=values[0], id=0).select_related("service"))
_ADDRESSED_MAIL = Listing(MailMessage, lambda values: _addressed_mail(values).select_related("service"))


async def mail_page(
    ctx: Context, query: MailQuery, first: int | None, after: str | None, last: int | None, before: str | None
) -> Page[MailMessage]:
    """Newest first; words are matched case- and accent-insensitively against subject and body."""
    visible = _visible(ctx)
    if query == MailQuery():  # the whole archive (its SQL built once)
        return await paginate(visible, first=first, after=after, last=last, before=before, newest_first=True)
    queryset = visible.queryset()
    if query.categories:
        queryset = queryset.filter(category__in=[c.value for c in query.categories])
    if query.service_id is not None:
        queryset = queryset.filter(service_id=pk_of(query.service_id, "Service") or 0)
    for word in searchable(query.search or "").split():
        queryset = queryset.filter(search_text__contains=word)
    if query.since is not None:
        queryset = queryset.filter(queued_at__gte=query.since)
    if query.until is not None:
        queryset = queryset.filter(queued_at__lt=query.until)
    return await paginate(queryset, first=first, after=after, last=last, before=before, newest_first=True)


async def get_message(ctx: Context, pk: int) -> MailMessage | None:
    return await visible_mail(ctx).filter(id=pk).first()


def may_see_service(ctx: Context, message: MailMessage) -> bool:
    """A message's service is shown only to those who may see services."""
    return (
        message.service_id is not None
        and ctx.principal is not None
        and Permission.SERVICES in ctx.principal.permissions
    )


def fetched_service(message: MailMessage) -> Service | None:
    """The service mail_page read with the message (in the same query)."""
    return message.service


async def service_of(ctx: Context, message: MailMessage) -> Service | None:
    """The message's service, shown only to those who may see services."""
    if message.service_id is None or not may_see_service(ctx, message):
        return None
    return await ctx.loaders.service.load(message.service_id)


MESSAGES: Messages = {
    "RATE_LIMITED": (
        "Se enviaron demasiados emails. Vuelva a intentarlo en {seconds} segundos.",
        "Too many emails were sent. Try again in {seconds} seconds.",
    ),
    # A personal message whose person no longer uses the address it went to.
    "INVALID_STATE": (
        "Este mensaje era solo para una persona que ya no lo recibe en esa dirección: no se reenvía a nadie más.",
        "This message was only for a person who no longer receives it at that address: it is not sent to anyone else.",
    ),
}


@error_codes(MESSAGES)
class MailError(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    RATE_LIMITED = "RATE_LIMITED"


async def original_of(message: MailMessage) -> MailMessage:
    """The message a re-send copies (itself when it is not a re-send)."""
    while message.resent_from_id is not None:
        message = await MailMessage.get(id=message.resent_from_id)
    return message


async def personal_recipients(message: MailMessage) -> list[Recipient] | None:
    """The people a personal message was for, at the addresses it went to; None when any of them no
    longer uses that address (a re-send never reaches anyone else)."""
    holder = await Holder.get(account_id=message.account_id).only("email", "language")
    found = []
    for row in await MailRecipient.filter(message_id=message.id).select_related("contact").order_by("id"):
        contact = row.contact
        if contact is not None and contact.active and contact.email.casefold() == row.address.casefold():
            found.append(Recipient(contact.email, Language(contact.language), contact.id))
        elif row.contact_id is None and holder.email.casefold() == row.address.casefold():
            found.append(Recipient(holder.email, Language(holder.language)))
        else:
            return None
    return found


async def _recipients(message: MailMessage) -> list[Recipient] | None:
    """Who a re-send of `message` (an original) goes to; None when a personal one can no longer reach its people."""
    if message.personal:
        return await personal_recipients(message)
    return await recipients_for(message.account_id, message.category, contact_id=None, personal=False)


async def _resend_wait(runtime: Runtime, original: MailMessage, recipients: list[Recipient]) -> int:
    """Seconds to wait: per message, and the budgets of the original's kind (a re-send counts as it)."""
    if wait := await runtime.limiter.hit(RESENDS_PER_MESSAGE, "mail-resend", str(original.id)):
        return wait
    addresses = [r.address for r in recipients]
    return await mail_wait(runtime, account_id=original.account_id, kind=original.kind, addresses=addresses) or 0


async def resend(ctx: Context, message_id: str) -> Outcome[MailMessage]:
    """Send the original of a message again, as a new archived message: a personal one to the same
    people only, any other to its category's current recipients. It counts as the original's kind.

    It is the archived copy that goes out: one-time secrets stay redacted (ask for a new code)."""
    pk = pk_of(message_id, "MailMessage")
    shown = await get_message(ctx, pk) if pk else None
    if shown is None:
        return failed(MailError.NOT_FOUND, ["input", "messageId"])
    original = await original_of(shown)
    recipients = await _recipients(original)
    if recipients is None:
        return failed(MailError.INVALID_STATE, ["input", "messageId"])
    runtime = ctx.runtime
    if wait := await _resend_wait(runtime, original, recipients):
        return failed(MailError.RATE_LIMITED, None, seconds=wait)
    copy = Rendered(subject=original.subject, text=original.text_body, html=original.html_body or "")
    async with runtime.events.transaction():
        message = await archive_and_queue(
            runtime,
            account_id=original.account_id,
            category=original.category,
            template=original.template,
            kind=original.kind,
            personal=original.personal,
            service_id=original.service_id,
            resent_from_id=original.id,
            recipients=recipients,
            archived=copy,
            real=copy,
        )
        await activity.record(ctx, "mail.resent", f"Email reenviado: {original.subject}")
    runtime.mail_wakeup.set()
    return succeeded(message)
