"""The renewal worker: a service whose renewal is off ends at its due date (the start of that day in the provider's
time zone): DEPROVISION_HOOK deletes its content, as for a completed cancellation, then it is marked cancelled,
with its activity entry, its notice and its live event.

Rows are claimed with a lease (a conditional UPDATE), so any number of processes run it side by side and a
crash midway is taken over once the lease lapses; the hook must be idempotent.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tortoise.expressions import Q

from core import activity
from core.deprovision import hook_named
from core.runtime import Runtime
from domain import webhook_reports
from domain.live_cancellations import publish_cancellation, publish_service
from domain.renewal import RUNNING, queue_notice
from models import Cancellation, Service
from models.enums import CancellationStatus, ServiceStatus

# An ending that started this long ago without finishing (a crashed worker) is taken over.
ENDING_LEASE = timedelta(minutes=10)


def _unrenewed() -> Q:
    return Q(renews=False, status__in=RUNNING)


async def end_due(runtime: Runtime) -> int:
    """One pass: end every unrenewed service whose due date has begun in the provider's time zone."""
    today = runtime.clock.now().astimezone(runtime.settings.zone).date()
    due = await Service.filter(_unrenewed(), next_due_date__lte=today).only("id")
    ended = 0
    for row in due:
        ended += await end(runtime, row.id)
    return ended


async def end(runtime: Runtime, service_id: int) -> bool:
    """Claim, deprovision, then mark cancelled (False when another pass has it or it no longer applies)."""
    now = runtime.clock.now()
    free = Q(renewal_ending_started_at__isnull=True) | Q(renewal_ending_started_at__lt=now - ENDING_LEASE)
    if not await Service.filter(free, _unrenewed(), id=service_id).update(renewal_ending_started_at=now):
        return False
    service = await Service.get(id=service_id)
    deleted = await hook_named(runtime.settings.deprovision_hook)(runtime, service)
    async with runtime.events.transaction():
        if not await Service.filter(_unrenewed(), id=service_id).update(
            status=ServiceStatus.CANCELLED, cancelled_at=now
        ):
            return False  # a cancellation was confirmed meanwhile: its own completion ends the service
        summary = (
            f"Servicio terminado sin renovar ({'; '.join(deleted)})" if deleted else "Servicio terminado sin renovar"
        )
        await activity.record_system(runtime, service.account_id, "renewal.ended", f"{summary}: {service.name}")
        ended = await Service.get(id=service_id)
        await webhook_reports.service_status_changed(runtime, ended, service.status)
        await queue_notice(runtime, ended, "renewal_ended")
        await _close_unconfirmed_cancellation(runtime, ended)
        publish_service(ended)
    return True


async def _close_unconfirmed_cancellation(runtime: Runtime, service: Service) -> None:
    """A cancellation still awaiting its code has nothing left to cancel: it lapses (its code stops working)."""
    now = runtime.clock.now()
    for row in await Cancellation.filter(service_id=service.id, status=CancellationStatus.AWAITING_CONFIRMATION):
        if await Cancellation.filter(id=row.id, status=CancellationStatus.AWAITING_CONFIRMATION).update(
            status=CancellationStatus.EXPIRED, open_service_id=None, code_hash=None, expired_at=now
        ):
            row.status = CancellationStatus.EXPIRED
            await webhook_reports.cancellation_changed(runtime, row, service)
        publish_cancellation(row, service)


async def end_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS (the clock decides what is due)."""
    while True:
        await end_due(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
