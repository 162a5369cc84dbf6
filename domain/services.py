"""Services: listing them, and finding one by its global id, within the viewer's account (the fields declare
their permissions)."""

from __future__ import annotations

from core.context import Context
from core.ids import pk_of
from core.pagination import Page, paginate
from models import Service
from models.enums import ServiceStatus


async def services_page(
    ctx: Context,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    status: list[ServiceStatus] | None,
) -> Page[Service]:
    queryset = Service.filter(account_id=ctx.acting.account_id)
    if status:
        queryset = queryset.filter(status__in=[s.value for s in status])
    return await paginate(queryset, first=first, after=after, last=last, before=before)


async def own_service(ctx: Context, service_id: str) -> Service | None:
    """The account's service with this global id; None for an unknown id or another account's (alike)."""
    pk = pk_of(service_id, "Service")
    return await Service.get_or_none(id=pk, account_id=ctx.acting.account_id) if pk else None
