"""The completion worker: lapsed codes expire, and confirmed cancellations are carried out once due
(DEPROVISION_HOOK deletes the service's content, then the cancellation is marked completed). The ending is
claimed on the service row (domain/service_ending), so it happens once, whoever else tries."""

from __future__ import annotations

import asyncio

from tortoise.expressions import Q

from core.runtime import Runtime
from domain.cancellation import Change, expire, transition
from domain.service_ending import Claim, end_once
from models import Cancellation, Service
from models.enums import CancellationStatus, ServiceStatus


async def complete_due(runtime: Runtime) -> int:
    """One pass of the completion worker: expire lapsed codes, carry out due cancellations."""
    now = runtime.clock.now()
    lapsing = Cancellation.filter(status=CancellationStatus.AWAITING_CONFIRMATION, code_expires_at__lte=now)
    for lapsed in await lapsing.select_related("service"):
        await expire(runtime, None, lapsed)
    completed = 0
    due = await Cancellation.filter(status=CancellationStatus.SCHEDULED, complete_after__lte=now).only("id")
    for row in due:
        completed += await complete(runtime, row.id)
    return completed


async def complete(runtime: Runtime, cancellation_id: int) -> bool:
    """Claim the service's ending (domain/service_ending, shared with the renewal worker), deprovision, then mark
    done; False when another pass holds it or the cancellation was withdrawn meanwhile."""
    cancellation = await Cancellation.get_or_none(id=cancellation_id, status=CancellationStatus.SCHEDULED)
    if cancellation is None:
        return False

    async def finish(held: Claim, service: Service, deleted: list[str]) -> bool:
        cancellation.service = service
        now = runtime.clock.now()
        done = await transition(
            runtime,
            None,
            cancellation,
            Change(
                status=CancellationStatus.COMPLETED,
                expected=(CancellationStatus.SCHEDULED,),
                action="cancellation.completed",
                summary="Baja completada (" + "; ".join(deleted) + ")" if deleted else "Baja completada",
                fields={"completed_at": now},
                service_fields={"status": ServiceStatus.CANCELLED, "cancelled_at": now},
                service_condition=held.mine(),
                template="cancellation_completed",
            ),
        )
        return done is not None

    # A scheduled cancellation's service is pending cancellation until it is withdrawn (in one transaction).
    pending = Q(status=ServiceStatus.CANCELLATION_PENDING)
    return await end_once(runtime, cancellation.service_id, pending, finish)


async def complete_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS (the clock decides what is due)."""
    while True:
        await complete_due(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
