"""The completion worker: lapsed codes expire, confirmed cancellations are carried out once due, and those past
their promised `effective_by` are flagged overdue (domain/deprovisioning).

DEPROVISION_BY=hook: DEPROVISION_HOOK deletes the service's content, then the cancellation is marked completed.
DEPROVISION_BY=webhook: the provider is asked (service.deprovision_requested) and its callback completes it.
Either way the ending is claimed on the service row (domain/service_ending), so it happens once, whoever else
tries."""

from __future__ import annotations

import asyncio

from tortoise.expressions import Q

from core.runtime import Runtime
from core.workers import beat
from domain import deprovisioning
from domain.cancellation import expire, transition
from domain.service_ending import Claim, end_once
from models import Cancellation, Service
from models.enums import CancellationStatus

# Confirmed, and not handed to the provider yet.
NOT_HANDED_OVER = Q(status=CancellationStatus.SCHEDULED, deprovision_requested_at__isnull=True)


async def complete_due(runtime: Runtime) -> int:
    """One pass of the completion worker: expire lapsed codes, carry out (or hand over) due cancellations, flag
    overdue ones; how many were carried out or handed over."""
    now = runtime.clock.now()
    lapsing = Cancellation.filter(status=CancellationStatus.AWAITING_CONFIRMATION, code_expires_at__lte=now)
    for lapsed in await lapsing.select_related("service"):
        await expire(runtime, None, lapsed)
    carry_out = deprovisioning.request if runtime.settings.deprovision_by == "webhook" else complete
    done = 0
    for row in await Cancellation.filter(NOT_HANDED_OVER, complete_after__lte=now).only("id"):
        done += await carry_out(runtime, row.id)
    await deprovisioning.flag_overdue(runtime)
    return done


async def complete(runtime: Runtime, cancellation_id: int) -> bool:
    """Claim the service's ending (domain/service_ending, shared with the renewal worker), deprovision through the
    hook, then mark done; False when another pass holds it or the cancellation was withdrawn meanwhile."""
    cancellation = await Cancellation.get_or_none(NOT_HANDED_OVER, id=cancellation_id)
    if cancellation is None:
        return False

    async def finish(held: Claim, service: Service, deleted: list[str]) -> bool:
        cancellation.service = service
        change = deprovisioning.completion(runtime.clock.now(), deleted, held.mine())
        return await transition(runtime, None, cancellation, change) is not None

    # A scheduled cancellation's service is pending cancellation until it is withdrawn (in one transaction).
    return await end_once(runtime, cancellation.service_id, deprovisioning.PENDING, finish)


async def complete_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS (the clock decides what is due)."""
    while True:
        await complete_due(runtime)
        beat(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
