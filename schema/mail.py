"""The archive of every email sent to the customer ("Emails Recibidos", seed 004 5.3)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from core.loaders import recipients_of
from core.mail_html import displayable
from core.pagination import Page
from domain import mail
from models import enums
from models.enums import Permission
from schema.common import (
    NOT_LOADED,
    EmailCategory,
    Node,
    NotLoaded,
    PageInfo,
    UserError,
    connection_fields,
    loaded_or,
    payload_errors,
)
from schema.descriptions import GLOBAL_ID, After, Before, First, Last
from schema.permissions import needs

if TYPE_CHECKING:
    from schema.services import Service

# The model's enum, exposed as it is (strawberry.enum registers the class itself and returns it).
DeliveryStatus = enums.DeliveryStatus
strawberry.enum(DeliveryStatus)


@strawberry.type
class MailMessage(Node):
    model: strawberry.Private[models.MailMessage]
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID)
    category: EmailCategory
    subject: str
    text_body: str = strawberry.field(
        description="Plain-text body as sent, with one-time secrets (codes, passwords, links) redacted."
    )
    delivery_status: DeliveryStatus
    queued_at: datetime
    sent_at: datetime | None
    addressed_to: strawberry.Private[list[str] | NotLoaded] = NOT_LOADED
    about: strawberry.Private[models.Service | NotLoaded | None] = NOT_LOADED

    @classmethod
    def of(
        cls,
        message: models.MailMessage,
        addressed_to: list[str] | NotLoaded = NOT_LOADED,
        about: models.Service | NotLoaded | None = NOT_LOADED,
    ) -> MailMessage:
        """`addressed_to` and `about` (its recipients and its service), when a list loaded them up front."""
        return cls(
            addressed_to=addressed_to,
            about=about,
            model=message,
            id=strawberry.ID(to_global_id("MailMessage", message.id)),
            category=message.category,
            subject=message.subject,
            text_body=message.text_body,
            delivery_status=message.delivery_status,
            queued_at=message.queued_at,
            sent_at=message.sent_at,
        )

    @strawberry.field(
        description="HTML body as sent (secrets redacted as in textBody), made safe to show: no scripts, styles, "
        "forms, event handlers or remote images (a remote image tells the sender who read the mail); links only to "
        "http(s) and mailto addresses. Null when the message had no HTML part."
    )
    def html_body(self) -> str | None:
        return displayable(self.model.html_body) if self.model.html_body else None

    @strawberry.field
    def recipients(self, info: strawberry.Info[Context, None]) -> list[str]:
        return loaded_or(self.addressed_to, lambda: info.context.loaders.mail_recipients.load(self.model.id))

    @strawberry.field
    def service(
        self, info: strawberry.Info[Context, None]
    ) -> Annotated[Service, strawberry.lazy("schema.services")] | None:
        """Shown only to those who may see services."""
        from schema.services import Service

        if not mail.may_see_service(info.context, self.model):
            return None
        return loaded_or(
            Service.of(self.about) if isinstance(self.about, models.Service) else self.about,
            lambda: self._load_service(info.context),
        )

    async def _load_service(self, ctx: Context) -> Annotated[Service, strawberry.lazy("schema.services")] | None:
        from schema.services import Service

        service = await mail.service_of(ctx, self.model)
        return Service.of(service) if service else None

    @strawberry.field(description="The message this one re-sent, if it is a re-send.")
    async def resent_from(self, info: strawberry.Info[Context, None]) -> MailMessage | None:
        if self.model.resent_from_id is None:
            return None
        original = await mail.get_message(info.context, self.model.resent_from_id)
        return MailMessage.of(original) if original else None


@strawberry.type
class MailMessageEdge:
    cursor: str
    node: MailMessage


@strawberry.type
class MailMessageConnection:
    edges: list[MailMessageEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.MailMessage], recipients: dict[int, list[str]]) -> MailMessageConnection:
        """The page's messages come with their service (mail_page reads it in the same query) and `recipients`."""
        return cls(
            **connection_fields(
                page, MailMessageEdge, lambda row: MailMessage.of(row, recipients[row.id], mail.fetched_service(row))
            )
        )


@strawberry.input(
    description="Which archived emails to list; every field given narrows the list, null or omitted "
    "does not filter by it."
)
class MailFilter:
    categories: list[EmailCategory] | None = strawberry.field(default=None, description="Any of these categories.")
    service_id: strawberry.ID | None = strawberry.field(default=None, description="About this service (its global id).")
    search: str | None = strawberry.field(default=None, description="Words to find in subject or body.")
    since: datetime | None = strawberry.field(
        default=None, description="Queued at or after this instant (with its UTC offset)."
    )
    until: datetime | None = strawberry.field(
        default=None, description="Queued before this instant (with its UTC offset)."
    )


@strawberry.input(description="Send an archived email's original again.")
class MailResendInput:
    message_id: strawberry.ID = strawberry.field(description="The archived message's global id (MailMessage.id).")


@strawberry.type
class MailResendPayload:
    message: MailMessage | None
    errors: list[UserError]


@strawberry.type
class AccountFields:
    """Account fields of the mail domain."""

    @strawberry.field(
        description='Every email sent to the account, newest first ("Emails Recibidos").',
        extensions=needs(Permission.MAIL, narrowed=True),
    )
    async def mail(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        filter: MailFilter | None = None,
    ) -> MailMessageConnection:
        f = filter or MailFilter()
        query = mail.MailQuery(f.categories, f.service_id, f.search, f.since, f.until)
        page = await mail.mail_page(info.context, query, first, after, last, before)
        return MailMessageConnection.of(page, await recipients_of(page.items))


@strawberry.type
class Query:
    """Mail queries."""


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Send an archived message's original again: a personal one (a code, a notice to one person) only "
        "to the people it was for, any other to its category's current recipients.",
        extensions=needs(Permission.MAIL),
    )
    async def mail_resend(self, info: strawberry.Info[Context, None], input: MailResendInput) -> MailResendPayload:
        ctx = info.context
        outcome = await mail.resend(ctx, input.message_id)
        message = MailMessage.of(outcome.value) if outcome.value else None
        return MailResendPayload(message=message, errors=payload_errors(ctx, outcome))
