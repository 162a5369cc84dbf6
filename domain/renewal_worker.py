"""The renewal worker: a service whose renewal is off ends at its due date (the start of that day in the provider's
time zone): DEPROVISION_HOOK deletes its content, as for a completed cancellation, then it is marked cancelled,
with its activity entry, its notice and its live event.

The ending is claimed on the service row (domain/service_ending, shared with the cancellation completion), so any
number of processes run it side by side, a crash midway is taken over once its lease lapses, and a cancellation
confirmed meanwhile never deprovisions the service a second time.
"""

from __future__ import annotations

import asyncio

from tortoise.expressions import Q

from core import activity
from core.runtime import Runtime
from core.workers import beat
from domain import webhook_reports
from domain.cancellation import lapse_unconfirmed
from domain.live_cancellations import publish_service
from domain.renewal import queue_notice
from domain.service_ending import RUNNING, Claim, end_once
from models import Service
from models.enums import ServiceStatus


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
    """Claim (lapsing a cancellation still awaiting its code, in the same transaction), deprovision, then mark
    cancelled; False when another pass or a confirmed cancellation has it, or it no longer applies."""

    async def lapse() -> None:
        await lapse_unconfirmed(runtime, await Service.get(id=service_id))

    async def finish(held: Claim, service: Service, deleted: list[str]) -> bool:
        now = runtime.clock.now()
        async with runtime.events.transaction():
            if not await Service.filter(held.mine(), _unrenewed()).update(
                status=ServiceStatus.CANCELLED, cancelled_at=now
            ):
                return False  # taken over by another worker, which finishes it
            summary = "Servicio terminado sin renovar" + (f" ({'; '.join(deleted)})" if deleted else "")
            await activity.record_system(runtime, service.account_id, "renewal.ended", f"{summary}: {service.name}")
            ended = await Service.get(id=service_id)
            await webhook_reports.service_status_changed(runtime, ended, service.status)
            await queue_notice(runtime, ended, "renewal_ended")
            publish_service(ended)
        return True

    return await end_once(runtime, service_id, _unrenewed(), finish, with_claim=lapse)


async def end_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS (the clock decides what is due)."""
    while True:
        await end_due(runtime)
        beat(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
