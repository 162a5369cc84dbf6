"""Sending the customer a notice from the billing system: an invoice, a payment, a renewal, a promotion, a reply."""

from __future__ import annotations

from datetime import datetime

import strawberry

from core.staff_context import StaffContext
from domain import notices
from models.enums import StaffScope
from schema.common import EmailCategory
from schema.staff.common import staff_errors
from schema.staff.scopes import scoped

# The domain's enum, exposed as it is under its GraphQL name (strawberry.enum registers the class itself).
strawberry.enum(notices.NoticeError, name="NoticeErrorCode")

TEMPLATE_KEYS = "; ".join(f"{key}: {', '.join(names)}" for key, names in notices.TEMPLATE_VALUES.items())


@strawberry.type(name="NoticeError")
class NoticeFailure:
    field: list[str] | None
    code: notices.NoticeError
    message: str


@strawberry.input(description="One value a template key needs.")
class NoticeValueInput:
    name: str
    value: str = strawberry.field(description="Plain text, shown as it is (escaped in the HTML).")


@strawberry.input(
    description="A notice to one account (externalId or clientNumber, exactly one): subject and text (html "
    "optional), or a template key with its values."
)
class NoticeSendInput:
    reference: str = strawberry.field(
        description="The sender's own unique reference (at most 200 characters): sending it again sends nothing "
        "and answers the first notice; used for another account, it is refused (DUPLICATE)."
    )
    category: EmailCategory = strawberry.field(
        description="Routes the notice by the contacts' email flags: invoices and payment notes PRODUCTS, renewals "
        "and registrations DOMAINS, promotions NOTES (with an unsubscribe link), ticket replies SUPPORT, anything "
        "else GENERAL. The holder gets every category except NOTES after muting it."
    )
    external_id: str | None = None
    client_number: str | None = None
    service_external_id: str | None = strawberry.field(
        default=None, description="The account's service the notice is about (the archive files it there)."
    )
    subject: str | None = strawberry.field(default=None, description=f"At most {notices.MAX_SUBJECT} characters.")
    text: str | None = strawberry.field(
        default=None,
        description=f"The plain text, always needed with a subject (at most {notices.MAX_TEXT} characters).",
    )
    html: str | None = strawberry.field(
        default=None,
        description=f"Optional HTML body (at most {notices.MAX_TEXT} characters), cleaned before it is sent or "
        "archived: no scripts, styles, forms or remote images; links only to web and mail addresses.",
    )
    template: str | None = strawberry.field(
        default=None,
        description=f"Instead of subject and text, a template key rendered in each recipient's language, with every "
        f"value it names: {TEMPLATE_KEYS}.",
    )
    values: list[NoticeValueInput] = strawberry.field(default_factory=list)


@strawberry.type(name="Notice", description="A notice as the panel received it.")
class NoticeInfo:
    id: strawberry.ID
    reference: str
    category: EmailCategory
    client_number: str
    external_id: str | None = strawberry.field(description="The account's reference in the billing system.")
    received_at: datetime


@strawberry.type
class NoticeSendPayload:
    notice: NoticeInfo | None
    duplicate: bool = strawberry.field(description="True when the reference was already known: nothing was sent.")
    recipients: list[str] = strawberry.field(
        description="The addresses this request sent it to (none for a duplicate, none when nobody receives the "
        "category); each also finds it in the account's archive."
    )
    errors: list[NoticeFailure]


def _request(input: NoticeSendInput) -> notices.NoticeRequest:
    return notices.NoticeRequest(
        reference=input.reference,
        category=input.category,
        external_id=input.external_id,
        client_number=input.client_number,
        subject=input.subject,
        text=input.text,
        html=input.html,
        template=input.template,
        values=[(value.name, value.value) for value in input.values],
        service_external_id=input.service_external_id,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description='Send an account a notice through the panel\'s outbox, archived in its "Emails Recibidos"; '
        "idempotent by `reference`.",
        extensions=scoped(StaffScope.NOTICES),
    )
    async def notice_send(self, info: strawberry.Info[StaffContext, None], input: NoticeSendInput) -> NoticeSendPayload:
        ctx = info.context
        outcome = await notices.send_notice(ctx.runtime, _request(input))
        sent = outcome.value
        notice = None
        if sent is not None:
            notice = NoticeInfo(
                id=strawberry.ID(str(sent.notice.id)),
                reference=sent.notice.reference,
                category=sent.notice.category,
                client_number=sent.account.client_number,
                external_id=sent.account.external_id,
                received_at=sent.notice.received_at,
            )
        return NoticeSendPayload(
            notice=notice,
            duplicate=bool(sent and sent.duplicate),
            recipients=sent.recipients if sent else [],
            errors=staff_errors(ctx, outcome, NoticeFailure, notices.NoticeError),
        )
