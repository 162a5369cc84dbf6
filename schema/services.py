"""Services, their cancellation and their renewal (seed 003)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from core.loaders import latest_cancellations_of
from core.outcome import Outcome
from core.pagination import Page
from domain import cancellation, renewal, services
from models import enums
from models.enums import Permission
from schema.common import (
    NOT_LOADED,
    Node,
    NotLoaded,
    PageInfo,
    PayloadWarning,
    UserError,
    connection_fields,
    loaded_or,
    payload_errors,
    payload_warnings,
)
from schema.descriptions import GLOBAL_ID, After, Before, First, Last
from schema.permissions import needs

# The models' and the domain's enums, exposed as they are (strawberry.enum registers the class itself and returns it).
ServiceStatus = enums.ServiceStatus
CancellationStatus = enums.CancellationStatus
CancellationBlocker = cancellation.CancellationBlocker
RenewalBlocker = renewal.RenewalBlocker
ServiceKind = enums.ServiceKind
PaymentMethod = enums.PaymentMethod
for exposed in (ServiceStatus, CancellationStatus, CancellationBlocker, RenewalBlocker, ServiceKind, PaymentMethod):
    strawberry.enum(exposed)


@strawberry.type
class Money:
    amount: str = strawberry.field(description='Decimal string, e.g. "1500.00".')
    currency: str = strawberry.field(description="ISO 4217.")


@strawberry.type
class Service(Node):
    model: strawberry.Private[models.Service]
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID)
    name: str
    kind: ServiceKind
    domain: str | None
    status: ServiceStatus
    payment_method: PaymentMethod
    recurring_amount: Money | None
    started_at: datetime
    next_due_date: date | None
    cancelled_at: datetime | None
    latest_cancellation: strawberry.Private[models.Cancellation | NotLoaded | None] = NOT_LOADED

    @strawberry.field(description="The open or most recent cancellation.")
    def cancellation(self, info: strawberry.Info[Context, None]) -> Cancellation | None:
        """The services list loads its page's cancellations in one query; a service read on its own, here."""
        return loaded_or(self._cancellation(self.latest_cancellation), lambda: self._load_cancellation(info.context))

    def _cancellation(self, row: models.Cancellation | NotLoaded | None) -> Cancellation | NotLoaded | None:
        return Cancellation.of(row, self.model) if isinstance(row, models.Cancellation) else row

    async def _load_cancellation(self, ctx: Context) -> Cancellation | None:
        latest = await ctx.loaders.latest_cancellation.load(self.model.id)
        return Cancellation.of(latest, self.model) if latest else None

    @strawberry.field(
        description="What cancelling now would mean; no side effects.", extensions=needs(Permission.SERVICES)
    )
    async def cancellation_preview(self, info: strawberry.Info[Context, None]) -> CancellationPreview:
        preview = await cancellation.preview(info.context, self.model)
        return CancellationPreview(
            can_request=preview.can_request,
            blockers=preview.blockers,
            request_deadline=preview.request_deadline,
            automatic_debit_cutoff=preview.automatic_debit_cutoff,
            next_debit_will_be_charged=preview.next_debit_will_be_charged,
            data_deleted=preview.data_deleted,
            effective_within_hours=preview.effective_within_hours,
        )

    @strawberry.field(
        description='Whether the service renews at its due date, and whether the caller may switch that now ("no '
        'renovar", seed 003); no side effects.',
        extensions=needs(Permission.SERVICES),
    )
    def renewal(self, info: strawberry.Info[Context, None]) -> ServiceRenewal:
        found = renewal.state(info.context, self.model)
        return ServiceRenewal(
            renews=found.renews,
            can_change=found.can_change,
            blockers=found.blockers,
            change_deadline=found.change_deadline,
            ends_at=found.ends_at,
            next_debit_will_be_charged=found.next_debit_will_be_charged,
        )

    @classmethod
    def of(
        cls, service: models.Service, latest_cancellation: models.Cancellation | NotLoaded | None = NOT_LOADED
    ) -> Service:
        amount = service.recurring_amount
        return cls(
            latest_cancellation=latest_cancellation,
            model=service,
            id=strawberry.ID(to_global_id("Service", service.id)),
            name=service.name,
            kind=service.kind,
            domain=service.domain,
            status=service.status,
            payment_method=service.payment_method,
            recurring_amount=Money(amount=f"{amount:.2f}", currency=service.currency) if amount is not None else None,
            started_at=service.started_at,
            next_due_date=service.next_due_date,
            cancelled_at=service.cancelled_at,
        )


@strawberry.type
class Cancellation(Node):
    model: strawberry.Private[models.Cancellation]
    service_model: strawberry.Private[models.Service]
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID)
    status: CancellationStatus
    reason: str
    requested_at: datetime
    requested_by: str
    code_expires_at: datetime | None
    attempts_left: int
    confirmed_at: datetime | None
    effective_by: datetime | None = strawberry.field(
        description="When the service will be (or was) removed: at most 24 hours after confirmation."
    )
    completed_at: datetime | None
    withdrawn_at: datetime | None
    overdue_at: datetime | None = strawberry.field(
        description="Set when effectiveBy passed before the cancellation was completed: while still SCHEDULED it"
        " is being processed (the provider is completing the deletion)."
    )

    @strawberry.field
    def service(self) -> Service:
        return Service.of(self.service_model)

    @classmethod
    def of(cls, row: models.Cancellation, service: models.Service) -> Cancellation:
        return cls(
            model=row,
            service_model=service,
            id=strawberry.ID(to_global_id("Cancellation", row.id)),
            status=row.status,
            reason=row.reason,
            requested_at=row.requested_at,
            requested_by=row.requested_by,
            code_expires_at=(
                row.code_expires_at if row.status == enums.CancellationStatus.AWAITING_CONFIRMATION else None
            ),
            attempts_left=row.attempts_left,
            confirmed_at=row.confirmed_at,
            effective_by=row.effective_by,
            completed_at=row.completed_at,
            withdrawn_at=row.withdrawn_at,
            overdue_at=row.overdue_at,
        )


@strawberry.type
class CancellationPreview:
    can_request: bool
    blockers: list[CancellationBlocker]
    request_deadline: datetime | None = strawberry.field(
        description="Last moment a request is accepted (before the due date)."
    )
    automatic_debit_cutoff: date | None = strawberry.field(
        description="Automatic debit only: requests after this date no longer stop the next debit."
    )
    next_debit_will_be_charged: bool = strawberry.field(
        description="Automatic debit only: true when the next debit will still be processed and not refunded."
    )
    data_deleted: list[str] = strawberry.field(
        description="Everything that will be deleted, e.g. site content, mailboxes."
    )
    effective_within_hours: int


@strawberry.type(description="A service's renewal: with it off, the service ends at its due date.")
class ServiceRenewal:
    renews: bool = strawberry.field(
        description="True while the service renews at its due date (false once cancelled or with a confirmed "
        "cancellation)."
    )
    can_change: bool = strawberry.field(
        description="The caller may switch renewal now (MANAGE_SERVICES, before the deadline, the service open)."
    )
    blockers: list[RenewalBlocker] = strawberry.field(description="Why renewal cannot be switched now.")
    change_deadline: datetime | None = strawberry.field(
        description="Last moment to switch renewal: the start of the due date in the provider's time zone (the "
        "cancellation request deadline)."
    )
    ends_at: datetime | None = strawberry.field(
        description="With renewal off: when the service ends (the start of its due date in the provider's time "
        "zone); null while it renews."
    )
    next_debit_will_be_charged: bool = strawberry.field(
        description="Automatic debit only: true when turning renewal off now (or when it was turned off) no longer "
        "stops the next debit, which is processed and not refunded (from the 1st of the month of the due date)."
    )


@strawberry.type
class ServiceEdge:
    cursor: str
    node: Service


@strawberry.type
class ServiceConnection:
    edges: list[ServiceEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Service], latest: dict[int, models.Cancellation | None]) -> ServiceConnection:
        """`latest`: each service's open or most recent cancellation."""
        return cls(**connection_fields(page, ServiceEdge, lambda row: Service.of(row, latest[row.id])))


@strawberry.input(
    description="Ask to cancel a service: a confirmation code is emailed to the holder (valid 24 hours, 5 attempts)."
)
class ServiceCancellationRequestInput:
    service_id: strawberry.ID = strawberry.field(description="The service's global id (Service.id).")
    reason: str = strawberry.field(description="Why the service is cancelled, in the customer's words.")
    acknowledge_data_deletion: bool = strawberry.field(
        description="Must be true: the caller has read that all site content and mailboxes will be deleted."
    )


PAYLOAD_CANCELLATION = (
    "The cancellation as it is now; null when the change failed, or when the caller does not hold SERVICES "
    "(MANAGE_SERVICES alone acts on a service without reading it)."
)


@strawberry.type
class ServiceCancellationRequestPayload:
    cancellation: Cancellation | None = strawberry.field(description=PAYLOAD_CANCELLATION)
    errors: list[UserError]
    warnings: list[PayloadWarning]


@strawberry.input(description="Confirm a requested cancellation with the emailed code.")
class ServiceCancellationConfirmInput:
    cancellation_id: strawberry.ID = strawberry.field(description="The cancellation's global id (Cancellation.id).")
    code: str = strawberry.field(description="The code from the confirmation email.")


@strawberry.type
class ServiceCancellationConfirmPayload:
    cancellation: Cancellation | None = strawberry.field(description=PAYLOAD_CANCELLATION)
    errors: list[UserError]


@strawberry.input(description="Withdraw a cancellation before it is carried out.")
class ServiceCancellationWithdrawInput:
    cancellation_id: strawberry.ID = strawberry.field(description="The cancellation's global id (Cancellation.id).")


@strawberry.type
class ServiceCancellationWithdrawPayload:
    cancellation: Cancellation | None = strawberry.field(description=PAYLOAD_CANCELLATION)
    errors: list[UserError]


@strawberry.input(description="Email a new confirmation code for a requested cancellation; the old code stops working.")
class ServiceCancellationCodeResendInput:
    cancellation_id: strawberry.ID = strawberry.field(description="The cancellation's global id (Cancellation.id).")


@strawberry.type
class ServiceCancellationCodeResendPayload:
    cancellation: Cancellation | None = strawberry.field(description=PAYLOAD_CANCELLATION)
    errors: list[UserError]


@strawberry.input(description='Turn a service\'s renewal off ("no renovar": it ends at its due date) or back on.')
class ServiceRenewalSetInput:
    service_id: strawberry.ID = strawberry.field(description="The service's global id (Service.id).")
    renew: bool = strawberry.field(description="False: the service ends at its due date; true: it renews.")


@strawberry.type
class ServiceRenewalSetPayload:
    service: Service | None = strawberry.field(
        description="The service as it is now; null when the change failed, or when the caller does not hold "
        "SERVICES (MANAGE_SERVICES alone acts on a service without reading it)."
    )
    errors: list[UserError]
    warnings: list[PayloadWarning]


def _cancellation(ctx: Context, outcome: Outcome[models.Cancellation]) -> Cancellation | None:
    """The cancellation shows its service: only to those who may see services (MANAGE_SERVICES alone acts
    without reading)."""
    row = outcome.value
    if row is None or not outcome.ok or Permission.SERVICES not in ctx.acting.permissions:
        return None
    return Cancellation.of(row, row.service)


@strawberry.type
class AccountFields:
    """Account fields of the services domain."""

    @strawberry.field(
        description="Active, suspended, pending-cancellation and cancelled services (seed 003).",
        extensions=needs(Permission.SERVICES),
    )
    async def services(
        self,
        info: strawberry.Info[Context, None],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        status: list[ServiceStatus] | None = None,
    ) -> ServiceConnection:
        page = await services.services_page(info.context, first, after, last, before, status)
        return ServiceConnection.of(page, await latest_cancellations_of(page.items))


@strawberry.type
class Query:
    """Queries of the services domain."""


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Ask to cancel a service (seed 003): a confirmation code is emailed to whoever asks; "
        "a contact's request is also told at once to the holder, who can withdraw it.",
        extensions=needs(Permission.MANAGE_SERVICES),
    )
    async def service_cancellation_request(
        self, info: strawberry.Info[Context, None], input: ServiceCancellationRequestInput
    ) -> ServiceCancellationRequestPayload:
        ctx = info.context
        outcome = await cancellation.request(ctx, input.service_id, input.reason, input.acknowledge_data_deletion)
        return ServiceCancellationRequestPayload(
            cancellation=_cancellation(info.context, outcome),
            errors=payload_errors(ctx, outcome),
            warnings=payload_warnings(ctx, outcome),
        )

    @strawberry.mutation(
        description="Confirm a cancellation with the emailed code.", extensions=needs(Permission.MANAGE_SERVICES)
    )
    async def service_cancellation_confirm(
        self, info: strawberry.Info[Context, None], input: ServiceCancellationConfirmInput
    ) -> ServiceCancellationConfirmPayload:
        outcome = await cancellation.confirm(info.context, input.cancellation_id, input.code)
        return ServiceCancellationConfirmPayload(
            cancellation=_cancellation(info.context, outcome), errors=payload_errors(info.context, outcome)
        )

    @strawberry.mutation(
        description="Withdraw a cancellation before it is carried out; the holder (and anyone with MANAGE_SERVICES) "
        "may withdraw any of the account's requests.",
        extensions=needs(Permission.MANAGE_SERVICES),
    )
    async def service_cancellation_withdraw(
        self, info: strawberry.Info[Context, None], input: ServiceCancellationWithdrawInput
    ) -> ServiceCancellationWithdrawPayload:
        outcome = await cancellation.withdraw(info.context, input.cancellation_id)
        return ServiceCancellationWithdrawPayload(
            cancellation=_cancellation(info.context, outcome), errors=payload_errors(info.context, outcome)
        )

    @strawberry.mutation(
        description="Email a new confirmation code; the old one stops working.",
        extensions=needs(Permission.MANAGE_SERVICES),
    )
    async def service_cancellation_code_resend(
        self, info: strawberry.Info[Context, None], input: ServiceCancellationCodeResendInput
    ) -> ServiceCancellationCodeResendPayload:
        outcome = await cancellation.resend_code(info.context, input.cancellation_id)
        return ServiceCancellationCodeResendPayload(
            cancellation=_cancellation(info.context, outcome), errors=payload_errors(info.context, outcome)
        )

    @strawberry.mutation(
        description='Turn a service\'s renewal off ("no renovar": it ends at its due date, its content deleted) or '
        "back on, until the start of its due date in the provider's time zone. The holder and the contacts "
        "subscribed to general mail are told; asking for the current state changes nothing.",
        extensions=needs(Permission.MANAGE_SERVICES),
    )
    async def service_renewal_set(
        self, info: strawberry.Info[Context, None], input: ServiceRenewalSetInput
    ) -> ServiceRenewalSetPayload:
        ctx = info.context
        outcome = await renewal.set_renewal(ctx, input.service_id, input.renew)
        readable = outcome.ok and outcome.value is not None and Permission.SERVICES in ctx.acting.permissions
        return ServiceRenewalSetPayload(
            service=Service.of(outcome.value) if readable and outcome.value is not None else None,
            errors=payload_errors(ctx, outcome),
            warnings=payload_warnings(ctx, outcome),
        )
