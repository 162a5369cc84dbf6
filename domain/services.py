"""Services: listing them, and finding one by its global id, within the viewer's account (the fields declare
their permissions)."""

from __future__ import annotations

from core.context import Context
from core.ids import pk_of
from core.pagination import Listing, Page, paginate
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
    account_id = ctx.acting.account_id
    listed = (
        Service.filter(account_id=account_id, status__in=[each.value for each in status])
        if status
        else _SERVICES.of(account_id)  # the whole list (its SQL built once)
    )
    return await paginate(listed, first=first, after=after, last=last, before=before)


_SERVICES = Listing(Service, lambda values: Service.filter(account_id=values[0]))


async def own_service(ctx: Context, service_id: str) -> Service | None:
    """The account's service with this global id; None for an unknown id or another account's (alike)."""
    pk = pk_of(service_id, "Service")
    return await Service.get_or_none(id=pk, account_id=ctx.acting.account_id) if pk else None
