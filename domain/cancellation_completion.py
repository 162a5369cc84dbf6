"""The completion worker: lapsed codes expire, and confirmed cancellations are carried out once due
(DEPROVISION_HOOK deletes the service's content, then the cancellation is marked completed)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tortoise.expressions import Q

from core.deprovision import hook_named
from core.runtime import Runtime
from domain.cancellation import Change, expire, transition
from models import Cancellation
from models.enums import CancellationStatus, ServiceStatus

# A completion that started this long ago without finishing (a crashed worker) is taken over.
COMPLETION_LEASE = timedelta(minutes=10)


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
    """Claim, deprovision, then mark done. A crash after the claim is retried once the lease lapses;
    the hook must be idempotent (deleting what is already deleted is a no-op)."""
    now = runtime.clock.now()
    free = Q(completion_started_at__isnull=True) | Q(completion_started_at__lt=now - COMPLETION_LEASE)
    claimed = await Cancellation.filter(free, id=cancellation_id, status=CancellationStatus.SCHEDULED).update(
        completion_started_at=now
    )
    if not claimed:
        return False
    cancellation = await Cancellation.get(id=cancellation_id).select_related("service")
    deleted = await hook_named(runtime.settings.deprovision_hook)(runtime, cancellation.service)
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
            template="cancellation_completed",
        ),
    )
    return done is not None


async def complete_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS (the clock decides what is due)."""
    while True:
        await complete_due(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
