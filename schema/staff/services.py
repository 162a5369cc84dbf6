"""Services' deprovisioning (scope SERVICES): the provider's callback once it deleted a cancelled service
(DEPROVISION_BY=webhook), and the cancellations overdue (effectiveBy passed, not completed yet)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from core.ids import to_global_id
from core.staff_context import StaffContext
from domain import deprovisioning
from domain.deprovisioning import CallbackResult, DeprovisioningError
from models.enums import StaffScope
from schema.staff.common import staff_errors
from schema.staff.scopes import scoped

strawberry.enum(DeprovisioningError, name="DeprovisionErrorCode")
strawberry.enum(
    CallbackResult,
    name="DeprovisionResult",
    description="COMPLETED: the cancellation is now completed; UNCHANGED: it already was (a repeated callback).",
)


@strawberry.type(description="Why a deprovisioning callback was refused.")
class DeprovisionError:
    field: list[str] | None
    code: DeprovisioningError
    message: str


@strawberry.input(description="The service the provider deleted: by serviceExternalId or by serviceId (one of them).")
class ServiceDeprovisionedInput:
    service_external_id: str | None = strawberry.field(default=None, description="Billing's own reference.")
    service_id: strawberry.ID | None = strawberry.field(
        default=None, description="The service's id, as in service.deprovision_requested's serviceId."
    )
    deleted: list[str] | None = strawberry.field(
        default=None, description="What was deleted, for the customer's activity history (at most 50 short lines)."
    )


@strawberry.type
class ServiceDeprovisionedPayload:
    result: CallbackResult | None
    errors: list[DeprovisionError]


@strawberry.type(description="A confirmed cancellation whose effectiveBy passed before it was completed.")
class OverdueCancellation:
    cancellation_id: strawberry.ID
    client_number: str
    service_id: strawberry.ID
    service_external_id: str | None
    service_name: str
    domain: str | None
    requested_at: datetime = strawberry.field(description="When the customer asked for the cancellation.")
    effective_by: datetime | None = strawberry.field(description="When it was promised to be completed.")
    deprovision_requested_at: datetime | None = strawberry.field(
        description="When the provider was asked to delete it (DEPROVISION_BY=webhook); null with the hook."
    )
    overdue_at: datetime

    @classmethod
    def of(cls, row: deprovisioning.Overdue) -> OverdueCancellation:
        cancellation, service = row.cancellation, row.service
        return cls(
            cancellation_id=strawberry.ID(to_global_id("Cancellation", cancellation.id)),
            client_number=row.client_number,
            service_id=strawberry.ID(to_global_id("Service", service.id)),
            service_external_id=service.external_id,
            service_name=service.name,
            domain=service.domain,
            requested_at=cancellation.requested_at,
            effective_by=cancellation.effective_by,
            deprovision_requested_at=cancellation.deprovision_requested_at,
            overdue_at=row.overdue_at,
        )


@strawberry.type
class Query:
    @strawberry.field(
        description="Every cancellation overdue and not completed yet, the longest overdue first.",
        extensions=scoped(StaffScope.SERVICES),
    )
    async def overdue_cancellations(self) -> list[OverdueCancellation]:
        return [OverdueCancellation.of(row) for row in await deprovisioning.overdue_cancellations()]


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="The provider deleted the service (after service.deprovision_requested): its cancellation"
        " completes, once; a repeated call answers UNCHANGED.",
        extensions=scoped(StaffScope.SERVICES),
    )
    async def service_deprovisioned(
        self, info: strawberry.Info[StaffContext, None], input: ServiceDeprovisionedInput
    ) -> ServiceDeprovisionedPayload:
        ctx = info.context
        outcome = await deprovisioning.deprovisioned(
            ctx.runtime,
            external_id=input.service_external_id,
            service_id=input.service_id,
            deleted=input.deleted,
            actor=ctx.actor,
        )
        errors = staff_errors(ctx, outcome, DeprovisionError, DeprovisioningError)
        return ServiceDeprovisionedPayload(result=outcome.value, errors=errors)
