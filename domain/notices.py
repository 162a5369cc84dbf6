"""Notices the billing system sends the customer through the panel (issue 22; seed 004 5.1 and 5.3).

Payment notes and invoices go as PRODUCTS, renewals and registrations as DOMAINS, promotions as NOTES, ticket
replies as SUPPORT, anything else as GENERAL: the sender names the category, and the contacts' email flags route
it (core/mail.recipients_for) like every other message, into the same outbox and the "Emails Recibidos" archive.

The content is the sender's plain text (HTML optional, cleaned by core/mail_html) or one of a few template keys
with its values; the sender's text is only ever a value, never a template (no template injection), and is
escaped in the HTML. A promotion goes to each recipient in a message of its own, with its own unsubscribe link
(core/mail_unsubscribe).

Idempotent by the sender's `reference` (unique in the notice table): the same reference again answers the first
notice and sends nothing; two requests racing with one reference make one notice (the unique index decides);
a reference already used for another account is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from markupsafe import Markup
from tortoise.exceptions import IntegrityError

from core.i18n import Messages
from core.mail import Recipient, queue_mail, recipients_for
from core.mail_html import displayable
from core.mail_unsubscribe import UNSUBSCRIBABLE, unsubscribe_url
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from core.validation import MESSAGES as INPUT_MESSAGES
from core.validation import checked, text
from models import Account, MailMessage, MailRecipient, Notice, Service
from models.columns import column_length, find_by
from models.enums import EmailCategory
from models.mail import MailKind

MAX_SUBJECT = 200
MAX_TEXT = 100_000  # characters of the plain text, and of the HTML
MAX_VALUE = 20_000  # characters of one template value
# The template keys (templates/mail/<lang>/notice_<key>.j2) and the values each one needs, all of them required.
TEMPLATE_VALUES: Mapping[str, tuple[str, ...]] = {
    "invoice_issued": ("invoice_number", "amount", "due_date"),
    "payment_received": ("invoice_number", "amount", "paid_on"),
    "domain_renewal_due": ("domain", "due_date"),
    "ticket_reply": ("ticket_number", "ticket_subject", "reply"),
}
FREE_TEXT_TEMPLATE = "notice"

MESSAGES: Messages = {
    **{code: INPUT_MESSAGES[code] for code in ("REQUIRED", "INVALID", "TOO_LONG")},  # the field checks' own words
    "NOT_FOUND": ("No hay una cuenta con esa referencia.", "No account has that reference."),
    "DUPLICATE": (
        "Esa referencia ya se usó para un aviso a otra cuenta: use una referencia nueva.",
        "That reference was already used for a notice to another account: use a new reference.",
    ),
    "ACCOUNT_CHOICE": (
        "Indique la cuenta por externalId o por clientNumber (uno de los dos).",
        "Name the account by externalId or by clientNumber (exactly one of them).",
    ),
    "SERVICE_NOT_FOUND": (
        "La cuenta no tiene un servicio con esa referencia.",
        "The account has no service with that reference.",
    ),
    "CONTENT_CHOICE": (
        "Envíe asunto y texto, o una plantilla con sus valores (no ambos).",
        "Send a subject and text, or a template with its values (not both).",
    ),
    "UNKNOWN_TEMPLATE": ("Plantilla desconocida; las que hay: {hints}.", "Unknown template; the known ones: {hints}."),
    "VALUE_MISSING": ("Falta el valor {field} que usa la plantilla.", "The template needs the value {field}."),
    "VALUE_UNKNOWN": (
        "La plantilla no usa el valor {field}; usa: {hints}.",
        "The template has no value {field}; it uses: {hints}.",
    ),
    "VALUE_REPEATED": ("El valor {field} se envió dos veces.", "The value {field} was sent twice."),
}


@error_codes(MESSAGES)
class NoticeError(StrEnum):
    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"  # the reference belongs to a notice to another account


@dataclass(frozen=True, slots=True)
class NoticeRequest:
    """What the billing system sends: the account (externalId or clientNumber), and either subject + text
    (+ html) or a template key with its values."""

    reference: str
    category: EmailCategory
    external_id: str | None = None
    client_number: str | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    template: str | None = None
    values: Sequence[tuple[str, str]] = ()
    service_external_id: str | None = None


@dataclass(frozen=True, slots=True)
class SentNotice:
    notice: Notice
    account: Account
    duplicate: bool  # the reference was known: the first notice, nothing sent again
    recipients: list[str] = field(default_factory=list)  # the addresses it went to now (none for a duplicate)


@dataclass(frozen=True, slots=True)
class _Content:
    template: str
    values: dict[str, Any]


def _path(name: str) -> tuple[str, ...]:
    return ("input", name)


def _content(outcome: Outcome[Any], request: NoticeRequest) -> _Content | None:
    """The template and values to render, or None with the failures recorded."""
    free_text = request.subject is not None or request.text is not None or request.html is not None
    if free_text == (request.template is not None):
        outcome.fail(
            NoticeError.INVALID if free_text else NoticeError.REQUIRED, _path("template"), key="CONTENT_CHOICE"
        )
        return None
    if request.template is not None:
        return _template_content(outcome, request.template.strip(), request.values)
    subject = checked(outcome, _path("subject"), text, " ".join((request.subject or "").split()), MAX_SUBJECT)
    body = checked(outcome, _path("text"), text, request.text, MAX_TEXT, multiline=True)
    html = checked(outcome, _path("html"), text, request.html, MAX_TEXT, required=False, multiline=True)
    if not outcome.ok or body is None:
        return None
    paragraphs = [part.splitlines() for part in body.replace("\r\n", "\n").split("\n\n") if part.strip()]
    safe_html = Markup(displayable(html)) if html else None  # noqa: S704 - nh3 made it safe
    return _Content(FREE_TEXT_TEMPLATE, {"subject": subject, "text": body, "paragraphs": paragraphs, "html": safe_html})


def _template_content(outcome: Outcome[Any], key: str, given: Sequence[tuple[str, str]]) -> _Content | None:
    needed = TEMPLATE_VALUES.get(key)
    if needed is None:
        outcome.fail(NoticeError.INVALID, _path("template"), key="UNKNOWN_TEMPLATE", hints=", ".join(TEMPLATE_VALUES))
        return None
    values: dict[str, Any] = {}
    for name, value in given:
        path = ("input", "values", name)
        if name not in needed:
            outcome.fail(NoticeError.INVALID, path, key="VALUE_UNKNOWN", field=name, hints=", ".join(needed))
        elif name in values:
            outcome.fail(NoticeError.INVALID, path, key="VALUE_REPEATED", field=name)
        else:
            values[name] = checked(outcome, path, text, value, MAX_VALUE, multiline=True)
    for name in needed:
        if name not in values:
            outcome.fail(NoticeError.REQUIRED, ("input", "values", name), key="VALUE_MISSING", field=name)
    return _Content(f"{FREE_TEXT_TEMPLATE}_{key}", values) if outcome.ok else None


async def _account(outcome: Outcome[Any], request: NoticeRequest) -> Account | None:
    if (request.external_id is None) == (request.client_number is None):
        outcome.fail(NoticeError.INVALID, _path("externalId"), key="ACCOUNT_CHOICE")
        return None
    if request.external_id is not None:
        account = await find_by(Account, "external_id", request.external_id)
        path = _path("externalId")
    else:
        account = await find_by(Account, "client_number", request.client_number or "")
        path = _path("clientNumber")
    if account is None:
        outcome.fail(NoticeError.NOT_FOUND, path)
    return account


async def _service_id(outcome: Outcome[Any], account: Account, external_id: str | None) -> int | None:
    """The service the notice is about, among the account's own (another account's is not found)."""
    if external_id is None:
        return None
    service = await find_by(Service, "external_id", external_id, account_id=account.id)
    if service is None:
        outcome.fail(NoticeError.NOT_FOUND, _path("serviceExternalId"), key="SERVICE_NOT_FOUND")
        return None
    return service.id


async def _known(reference: str, account: Account) -> Outcome[SentNotice] | None:
    """The answer for a reference already used: the first notice (to this account), or the refusal."""
    notice = await Notice.get_or_none(reference=reference)
    if notice is None:
        return None
    if notice.account_id != account.id:
        return failed(NoticeError.DUPLICATE, _path("reference"))
    return succeeded(SentNotice(notice, account, duplicate=True))


async def send_notice(runtime: Runtime, request: NoticeRequest) -> Outcome[SentNotice]:
    """Archive and queue the notice for its category's recipients, once per reference."""
    outcome: Outcome[SentNotice] = Outcome()
    reference = checked(outcome, _path("reference"), text, request.reference, column_length(Notice, "reference"))
    content = _content(outcome, request)
    account = await _account(outcome, request)
    service_id = await _service_id(outcome, account, request.service_external_id) if account else None
    if not outcome.ok or reference is None or content is None or account is None:
        return outcome
    if (known := await _known(reference, account)) is not None:
        return known
    try:
        async with runtime.events.transaction():
            notice = await Notice.create(
                account_id=account.id, reference=reference, category=request.category, received_at=runtime.clock.now()
            )
            sent_to = await _queue(runtime, account.id, request.category, content, service_id)
    except IntegrityError:  # the same reference, committed meanwhile by a concurrent request
        return await _known(reference, account) or failed(NoticeError.DUPLICATE, _path("reference"))
    return succeeded(SentNotice(notice, account, duplicate=False, recipients=sent_to))


async def _queue(
    runtime: Runtime, account_id: int, category: EmailCategory, content: _Content, service_id: int | None
) -> list[str]:
    """Queue the messages (inside the notice's transaction); the addresses they go to."""
    groups: list[tuple[list[Recipient] | None, str | None]] = [(None, None)]  # routed by queue_mail itself
    if category in UNSUBSCRIBABLE:  # each recipient's own unsubscribe link: a message each, re-sent only to them
        recipients = await recipients_for(account_id, category, contact_id=None, personal=False)
        groups = [([r], unsubscribe_url(runtime, account_id, r.address, category)) for r in recipients]
    messages: list[MailMessage] = []
    for to, link in groups:
        messages += await queue_mail(
            runtime,
            account_id=account_id,
            template=content.template,
            category=category,
            values={**content.values, "unsubscribe_url": link},
            service_id=service_id,
            to=to,
            kind=MailKind.CUSTOMER,
        )
    rows = MailRecipient.filter(message_id__in=[m.id for m in messages]).order_by("id")
    return [str(address) for address in await rows.values_list("address", flat=True)]
