"""Queueing email: render the templates, pick the recipients, archive and outbox in one go.

Call `queue_mail` inside the transaction of the change that causes the email: a rolled-back
change then sends nothing and a committed one is never lost. The archive (MailMessage) keeps
the message with one-time secrets redacted; the outbox keeps the real text until delivery.

Templates live in templates/mail/<lang>/<name>.j2 and define the blocks `subject`, `text`
and `html`; they extend `_layout.j2`, which shows the client number in every message (seed
001) and the provider's name, support contacts and legal footer from its branding file (`provider`; its
texts in the message's language with the `localized` filter). Mark secrets with the `secret` filter:
`{{ code | secret }}`.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from email.utils import make_msgid

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context as TemplateContext

from core.activity import fit
from core.i18n import Localized
from core.runtime import Runtime
from models import Account, Contact, Holder, MailMessage, MailRecipient, OutboxMessage
from models.enums import EmailCategory, Language
from models.mail import MailKind
from settings import PROJECT_DIR

TEMPLATES = PROJECT_DIR / "templates" / "mail"
REDACTED = {Language.ES: "[oculto]", Language.EN: "[hidden]"}
# What the holder may stop receiving (Holder.muted_categories): promotions only. Invoices and payment notes
# (PRODUCTS), renewals (DOMAINS) and ticket replies (SUPPORT) concern the account's owner, who always gets them,
# like GENERAL and security mail (seed 000: notices lost to a dead address are the customer's loss).
HOLDER_OPTIONAL = frozenset({EmailCategory.NOTES})


@pass_context
def _secret(context: TemplateContext, value: object) -> str:
    return REDACTED[context["language"]] if context["redact"] else str(value)


@pass_context
def _localized(context: TemplateContext, value: Localized) -> str:
    """A text of the branding file (the legal footer, support hours) in the message's language."""
    return value.in_language(context["language"])


def _environment(html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=html, default_for_string=html),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["secret"] = _secret
    env.filters["localized"] = _localized
    return env


_TEXT = _environment(html=False)
_HTML = _environment(html=True)


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(template: str, language: Language, values: dict[str, object], *, redact: bool) -> Rendered:
    """The subject, text and HTML of a template; with `redact`, secrets are replaced by a mark."""
    name = f"{language.value.lower()}/{template}.j2"
    context = {**values, "language": language, "redact": redact}
    text_template, html_template = _TEXT.get_template(name), _HTML.get_template(name)
    return Rendered(
        subject=" ".join(text_template.render(context, part="subject").split()),
        text=text_template.render(context, part="text").strip() + "\n",
        html=html_template.render(context, part="html").strip(),
    )


def searchable(*parts: str) -> str:
    """Lower case without accents, so "cancelacion" finds "cancelación"."""
    folded = unicodedata.normalize("NFKD", " ".join(parts).lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


@dataclass(frozen=True, slots=True)
class Recipient:
    address: str
    language: Language
    contact_id: int | None = None


async def recipients_for(
    account_id: int, category: EmailCategory, *, contact_id: int | None, personal: bool
) -> list[Recipient]:
    """Who gets a message.

    personal: only the person concerned (the holder, or the contact `contact_id`): security
    mail such as codes, links and password notices. Otherwise the holder's primary email
    (unless the category is one the holder may mute and did: HOLDER_OPTIONAL) and every active
    contact subscribed to the category."""
    holder = await Holder.get(account_id=account_id).only("email", "language", "muted_categories")
    if personal and contact_id is not None:
        contact = await Contact.get(id=contact_id, account_id=account_id)
        return [Recipient(contact.email, Language(contact.language), contact.id)] if contact.active else []
    found = [Recipient(holder.email, Language(holder.language))]
    if personal:
        return found
    if category in HOLDER_OPTIONAL and category.value in holder.muted_categories:
        found = []  # the holder muted this optional category
    for contact in await Contact.filter(account_id=account_id, active=True).order_by("id"):
        if category.value in contact.email_categories and contact.email != holder.email:
            found.append(Recipient(contact.email, Language(contact.language), contact.id))
    return found


async def queue_mail(
    runtime: Runtime,
    *,
    account_id: int,
    template: str,
    category: EmailCategory,
    values: dict[str, object] | None = None,
    service_id: int | None = None,
    contact_id: int | None = None,
    personal: bool = False,
    to: list[Recipient] | None = None,
    kind: MailKind | None = None,
) -> list[MailMessage]:
    """Archive and queue one message per recipient language; call inside the change's transaction.

    `to` overrides the routing (e.g. a notice to an old address that is no longer on file); such a
    message is personal like `personal` ones. `kind` (the budget it counts against when re-sent)
    defaults to SECURITY for personal messages and CUSTOMER for the others."""
    recipients = to
    if recipients is None:
        recipients = await recipients_for(account_id, category, contact_id=contact_id, personal=personal)
    personal = personal or to is not None
    kind = kind or (MailKind.SECURITY if personal else MailKind.CUSTOMER)
    account = await Account.get(id=account_id).only("id", "client_number")
    messages = []
    for language in (Language.ES, Language.EN):
        group = [r for r in recipients if r.language == language]
        if not group:
            continue
        context = {
            **(values or {}),
            "client_number": account.client_number,
            "base_url": runtime.settings.public_base_url,
            "provider": runtime.settings.branding,
        }
        archived = render(template, language, context, redact=True)
        real = render(template, language, context, redact=False)
        message = await archive_and_queue(
            runtime,
            account_id=account_id,
            category=category,
            template=template,
            kind=kind,
            personal=personal,
            service_id=service_id,
            resent_from_id=None,
            recipients=group,
            archived=archived,
            real=real,
        )
        messages.append(message)
    runtime.mail_wakeup.set()
    return messages


async def archive_and_queue(
    runtime: Runtime,
    *,
    account_id: int,
    category: EmailCategory,
    template: str,
    kind: MailKind,
    personal: bool,
    service_id: int | None,
    resent_from_id: int | None,
    recipients: list[Recipient],
    archived: Rendered,
    real: Rendered,
) -> MailMessage:
    """The archived (redacted) message, its recipients, and the outbox row that will send `real`."""
    now = runtime.clock.now()
    message = await MailMessage.create(
        account_id=account_id,
        service_id=service_id,
        resent_from_id=resent_from_id,
        category=category,
        template=template,
        kind=kind,
        personal=personal,
        message_id=new_message_id(runtime),
        subject=fit(MailMessage, "subject", archived.subject),
        text_body=archived.text,
        html_body=archived.html,
        search_text=searchable(archived.subject, archived.text),
        queued_at=now,
    )
    await MailRecipient.bulk_create(
        [MailRecipient(message_id=message.id, address=r.address, contact_id=r.contact_id) for r in recipients]
    )
    await OutboxMessage.create(message=message, text_body=real.text, html_body=real.html, next_attempt_at=now)
    return message


def new_message_id(runtime: Runtime) -> str:
    """A Message-ID at the sender's domain; stored, so every retry of a message carries the same one."""
    sender = runtime.settings.mail_from
    address = sender[sender.find("<") + 1 : sender.rfind(">")] if "<" in sender else sender
    return make_msgid(idstring=uuid.uuid4().hex, domain=address.rpartition("@")[2] or "localhost")
