"""Services: listing them, within the viewer's account (the field declares SERVICES)."""

from __future__ import annotations

from core.context import Context
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
