"""Services and their cancellation (seed 003)."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

import models
from core.context import Context
from core.ids import to_global_id
from core.pagination import Page
from models import enums
from resolvers import services
from schema.common import Node, PageInfo

ServiceStatus = strawberry.enum(enums.ServiceStatus)
ServiceKind = strawberry.enum(enums.ServiceKind)
PaymentMethod = strawberry.enum(enums.PaymentMethod)


@strawberry.type
class Money:
    amount: str = strawberry.field(description='Decimal string, e.g. "1500.00".')
    currency: str = strawberry.field(description="ISO 4217.")


@strawberry.type
class Service(Node):
    model: strawberry.Private[models.Service]
    id: strawberry.ID
    name: str
    kind: ServiceKind
    domain: str | None
    status: ServiceStatus
    payment_method: PaymentMethod
    recurring_amount: Money | None
    started_at: datetime
    next_due_date: date | None
    cancelled_at: datetime | None

    @classmethod
    def of(cls, service: models.Service) -> Service:
        amount = service.recurring_amount
        return cls(
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
class ServiceEdge:
    cursor: str
    node: Service


@strawberry.type
class ServiceConnection:
    edges: list[ServiceEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: Page[models.Service]) -> ServiceConnection:
        edges = [ServiceEdge(cursor=c, node=Service.of(s)) for c, s in zip(page.cursors, page.items, strict=True)]
        return cls(edges=edges, page_info=PageInfo.of(page), total_count=page.total_count)


async def load_service(ctx: Context, pk: int) -> Service | None:
    service = await services.get_service(ctx, pk)
    return Service.of(service) if service else None


NODE_LOADERS = {"Service": load_service}


@strawberry.type
class AccountFields:
    """Account fields of the services domain."""

    @strawberry.field(description="Active, suspended, pending-cancellation and cancelled services (seed 003).")
    async def services(
        self,
        info: strawberry.Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        status: list[ServiceStatus] | None = None,
    ) -> ServiceConnection:
        page = await services.services_page(info.context, first, after, last, before, status)
        return ServiceConnection.of(page)


@strawberry.type
class Query:
    """Queries of the services domain."""


@strawberry.type
class Mutation:
    """Mutations of the services domain."""
