"""The billing system's status of a service, applied against the panel's own cancellation states (issue 22).

Billing owns ACTIVE, SUSPENDED and CANCELLED; CANCELLATION_PENDING is the panel's (a confirmed cancellation)
and is never taken from billing. With a cancellation open:
- SCHEDULED (the service pending cancellation): a suspension or reactivation only changes the status a withdrawal
  gives back (`status_before_cancellation`), so a withdrawal never undoes billing's suspension and the customer
  still sees the pending cancellation; a termination completes the cancellation there and then, without the
  panel deprovisioning anything (billing's termination is its own: no hook, no deprovision_requested), so the
  completion worker finds nothing SCHEDULED to carry out afterwards.
- AWAITING_CONFIRMATION (the service still running): a suspension or reactivation applies as it is (a later
  confirmation keeps it as the status to give back); a termination lapses the request (EXPIRED, its code void),
  as when the renewal worker ends the service.
A cancelled service is not ended again: the renewal worker and the completion only end running or pending ones.
"""

from __future__ import annotations

from core import activity
from core.runtime import Runtime
from domain import webhook_reports
from domain.cancellation import lapse_unconfirmed
from domain.live_cancellations import publish_cancellation, publish_service
from models import Cancellation, Service
from models.enums import OPEN_CANCELLATION, CancellationStatus, ServiceStatus

# What billing may set; CANCELLATION_PENDING only follows from a customer's confirmed cancellation.
BILLING_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED, ServiceStatus.CANCELLED)
SUMMARIES = {
    ServiceStatus.ACTIVE: "Servicio activado por facturación",
    ServiceStatus.SUSPENDED: "Servicio suspendido por facturación",
    ServiceStatus.CANCELLED: "Servicio dado de baja por facturación",
}


async def apply_billing_status(runtime: Runtime, service: Service, status: ServiceStatus, actor: str) -> bool:
    """Apply billing's `status` to `service` (True: something changed; False: it already was so). Call it inside
    the upsert's `runtime.events.transaction()`, with the service row locked (select_for_update); `service` is
    updated in memory to what was written. The record's check (domain/sync_records) admits BILLING_STATUSES only,
    so another status here is a programming error."""
    if status not in BILLING_STATUSES:
        raise ValueError(f"billing cannot set {status}: the panel sets CANCELLATION_PENDING")
    async with runtime.events.transaction():
        cancellation = await Cancellation.get_or_none(service_id=service.id, status__in=OPEN_CANCELLATION)
        if cancellation is not None and cancellation.status == CancellationStatus.SCHEDULED:
            changed = await _while_scheduled(runtime, service, cancellation, status, actor)
        else:
            changed = await _set(runtime, service, status, actor)
    return changed


async def _set(runtime: Runtime, service: Service, status: ServiceStatus, actor: str) -> bool:
    """No scheduled cancellation: the status as billing says (a request awaiting its code lapses on termination)."""
    if service.status == status:
        return False
    previous = ServiceStatus(service.status)
    fields: dict[str, object] = {"status": status}
    if status == ServiceStatus.CANCELLED:
        fields["cancelled_at"] = runtime.clock.now()
    elif previous == ServiceStatus.CANCELLED:
        # Reinstated by billing: it may be cancelled, or end unrenewed, again.
        fields.update(cancelled_at=None, renewal_ending_started_at=None)
    await _write(service, fields)
    if status == ServiceStatus.CANCELLED:
        await lapse_unconfirmed(runtime, service)
    await activity.record_system(runtime, service.account_id, "service.status", _summary(service), actor)
    await webhook_reports.service_status_changed(runtime, service, previous)
    publish_service(service)
    return True


async def _while_scheduled(
    runtime: Runtime, service: Service, cancellation: Cancellation, status: ServiceStatus, actor: str
) -> bool:
    """A confirmed cancellation: termination completes it; anything else is what a withdrawal gives back."""
    if status != ServiceStatus.CANCELLED:
        if service.status_before_cancellation == status:
            return False
        await _write(service, {"status_before_cancellation": status})
        summary = f"{SUMMARIES[status]}; si se retira la baja queda así: {service.name}"
        await activity.record_system(runtime, service.account_id, "service.status", summary, actor)
        return True
    now = runtime.clock.now()
    await _write(service, {"status": ServiceStatus.CANCELLED, "cancelled_at": now})
    await Cancellation.filter(id=cancellation.id, status=CancellationStatus.SCHEDULED).update(
        status=CancellationStatus.COMPLETED, open_service_id=None, completed_at=now
    )
    cancellation.status, cancellation.completed_at = CancellationStatus.COMPLETED, now
    summary = f"Baja completada por facturación: {service.name}"
    await activity.record_system(runtime, service.account_id, "cancellation.completed", summary, actor)
    await webhook_reports.cancellation_changed(runtime, cancellation, service)
    await webhook_reports.service_status_changed(runtime, service, ServiceStatus.CANCELLATION_PENDING)
    publish_cancellation(cancellation, service)
    return True


def _summary(service: Service) -> str:
    return f"{SUMMARIES[ServiceStatus(service.status)]}: {service.name}"


async def _write(service: Service, fields: dict[str, object]) -> None:
    """Write `fields` on the (locked) service row and on the caller's copy."""
    await Service.filter(id=service.id).update(**fields)
    for name, value in fields.items():
        setattr(service, name, value)
