"""Deprovisioning a service once: the renewal worker (renewal off, due date reached) and the cancellation
completion (a confirmed cancellation, due) both delete a service's content through DEPROVISION_HOOK, and they
share one claim on the service row, so whichever starts first owns the ending and the other backs off.

The claim is a lease in `renewal_ending_started_at`: the moment it was taken or last renewed. While the hook runs
its worker renews it every HEARTBEAT, so a hook may take as long as it needs; a worker that stopped renewing it
for LEASE (it crashed, or lost the database that long) is taken over by the next pass. The column's value is the
holder's token: the finishing step applies only while it is still the value this worker wrote, so after a
takeover only one of the two marks the service ended (the hook, documented idempotent, may then have run twice).
Once taken, the claim stays: confirming or withdrawing a cancellation and switching renewal are refused. With
DEPROVISION_BY=webhook the claim is taken without a hook (claim_once) and kept while the provider deletes the
content (domain/deprovisioning); its lease then lapses, but nothing takes it over: the completion skips a
cancellation already handed over, and the renewal worker only ends running services.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from core.deprovision import hook_named
from core.runtime import Runtime
from models import Service
from models.enums import ServiceStatus

log = logging.getLogger("clientpanel.deprovision")

# The states in which a service still runs: it renews, or ends at its due date.
RUNNING = [ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED]
# A claim not renewed for this long is taken over; a running hook renews it every HEARTBEAT.
LEASE = timedelta(minutes=10)
HEARTBEAT = LEASE / 5

NOT_STARTED = Q(renewal_ending_started_at__isnull=True)


@dataclass
class Claim:
    """A worker's hold on a service's ending: `held` is the value it last wrote."""

    service_id: int
    held: datetime

    def mine(self) -> Q:
        """The service row, while this worker still holds it."""
        return Q(id=self.service_id, renewal_ending_started_at=self.held)


class NotClaimed(Exception):
    """Rolls back a claim's transaction when the service is not (or no longer) free to claim."""


async def _claim(runtime: Runtime, service_id: int, applies: Q) -> Claim:
    """Take the service's ending if it `applies` and nobody holds it; NotClaimed otherwise. Call it inside the
    transaction that goes with the claim (it rolls back with it)."""
    now = runtime.clock.now()
    free = NOT_STARTED | Q(renewal_ending_started_at__lt=now - LEASE)
    if not await Service.filter(free, applies, id=service_id).update(renewal_ending_started_at=now):
        raise NotClaimed
    return Claim(service_id, now)


async def _deprovision(runtime: Runtime, held: Claim) -> tuple[Service, list[str]]:
    """Call the hook on the claimed service, renewing the claim while it runs; the service and what was deleted."""
    service = await Service.get(id=held.service_id)
    keeper = asyncio.create_task(_keep(runtime, held))
    try:
        deleted = await hook_named(runtime.settings.deprovision_hook)(runtime, service)
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
    return service, deleted


async def _keep(runtime: Runtime, held: Claim) -> None:
    """Renew the claim every HEARTBEAT; stop once another worker took it over."""
    while True:
        await asyncio.sleep(HEARTBEAT.total_seconds())
        now = runtime.clock.now()
        try:
            renewed = await Service.filter(held.mine()).update(renewal_ending_started_at=now)
        except Exception:  # the database away: try again at the next beat
            log.exception("renewing the ending claim of service %s failed", held.service_id)
            continue
        if not renewed:
            log.warning("the ending of service %s was taken over by another worker", held.service_id)
            return
        held.held = now


async def claim_once(
    runtime: Runtime, service_id: int, applies: Q, with_claim: Callable[[], Awaitable[None]] | None = None
) -> Claim | None:
    """Claim the service's ending, with `with_claim`'s changes in the same transaction (raising NotClaimed there
    rolls both back); None when it was not ours to take."""
    try:
        async with runtime.events.transaction():
            held = await _claim(runtime, service_id, applies)
            if with_claim is not None:
                await with_claim()
    except NotClaimed:
        return None
    return held


async def end_once(
    runtime: Runtime,
    service_id: int,
    applies: Q,
    finish: Callable[[Claim, Service, list[str]], Awaitable[bool]],
    with_claim: Callable[[], Awaitable[None]] | None = None,
) -> bool:
    """Claim the service (claim_once), deprovision it, then `finish` (its own transaction, applied only while the
    claim is still held); False when the ending was not ours."""
    held = await claim_once(runtime, service_id, applies, with_claim)
    if held is None:
        return False
    service, deleted = await _deprovision(runtime, held)
    return await finish(held, service, deleted)
