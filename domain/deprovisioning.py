"""Deprovisioning handed to the provider (DEPROVISION_BY=webhook), and cancellations past their promise (seed 003:
removed within 24 hours of the confirmation, the contract's `effectiveBy`).

At the scheduled time the completion worker claims the service's ending (domain/service_ending: once, whatever the
number of processes), stamps `deprovision_requested_at` and emits `service.deprovision_requested`, in one
transaction. The cancellation stays SCHEDULED (the service pending cancellation, its claim kept: too late to
withdraw) until the provider calls the staff API's serviceDeprovisioned; then it completes as with the hook
(COMPLETED, the service CANCELLED, the customer emailed, `cancellation.completed`), once. A webhook's 2xx is only an
acknowledgement: nothing completes on delivery.

In either mode a cancellation still SCHEDULED once its `effective_by` has passed becomes overdue, once: it emits
`cancellation.overdue`, logs a WARNING (ids only), alerts staff (core/staff_alerts), the customer sees that it is
being processed, and the staff API lists it (overdueCancellations). A later callback still completes it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from tortoise.expressions import Q

from core import activity
from core.deprovision import WHAT
from core.i18n import Messages
from core.ids import pk_of, to_global_id
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from core.staff_alerts import alert_staff
from domain import webhook_reports
from domain.cancellation import Change, transition
from domain.live_cancellations import publish_cancellation
from domain.service_ending import NotClaimed, claim_once
from models import Cancellation, Service
from models.columns import find_by
from models.enums import CancellationStatus, ServiceKind, ServiceStatus

log = logging.getLogger("clientpanel.deprovision")

MAX_DELETED = 50
MAX_DELETED_ITEM = 200
PENDING = Q(status=ServiceStatus.CANCELLATION_PENDING)

MESSAGES: Messages = {
    "NOT_FOUND": ("No existe ese servicio.", "There is no such service."),
    "SERVICE_REFERENCE": (
        "Indique el servicio por serviceExternalId o por serviceId (uno de los dos).",
        "Name the service by serviceExternalId or by serviceId (one of them).",
    ),
    "DELETED_ITEMS": ("Indique como máximo {max} elementos eliminados.", "Give at most {max} deleted items."),
    "DELETED_ITEM": (
        "Cada elemento eliminado lleva entre 1 y {max} caracteres, sin caracteres de control.",
        "Each deleted item has 1 to {max} characters, without control characters.",
    ),
    "INVALID": ("Revise el servicio y lo eliminado que indica.", "Check the service and the deleted items given."),
    "INVALID_STATE": (
        "El panel no pidió eliminar este servicio: lo pide con el evento service.deprovision_requested cuando su"
        " baja confirmada vence.",
        "The panel did not ask for this service's deletion: it asks with the service.deprovision_requested event"
        " when its confirmed cancellation falls due.",
    ),
}


@error_codes(MESSAGES)
class DeprovisioningError(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID = "INVALID"
    INVALID_STATE = "INVALID_STATE"


class CallbackResult(StrEnum):
    """What a serviceDeprovisioned callback did: completed the cancellation, or nothing (it was already)."""

    COMPLETED = "COMPLETED"
    UNCHANGED = "UNCHANGED"


def completion(now: datetime, deleted: list[str], service_condition: Q, **fields: object) -> Change:
    """The change that completes a cancellation, by the hook or by the provider's callback."""
    return Change(
        status=CancellationStatus.COMPLETED,
        expected=(CancellationStatus.SCHEDULED,),
        action="cancellation.completed",
        summary="Baja completada (" + "; ".join(deleted) + ")" if deleted else "Baja completada",
        fields={"completed_at": now, **fields},
        service_fields={"status": ServiceStatus.CANCELLED, "cancelled_at": now},
        service_condition=service_condition,
        template="cancellation_completed",
    )


async def request(runtime: Runtime, cancellation_id: int) -> bool:
    """Hand a due cancellation's deletion to the provider, once (False: another pass has it, or it moved on)."""
    cancellation = await Cancellation.get_or_none(
        id=cancellation_id, status=CancellationStatus.SCHEDULED, deprovision_requested_at__isnull=True
    )
    if cancellation is None:
        return False

    async def hand_over() -> None:
        now = runtime.clock.now()
        if not await Cancellation.filter(
            id=cancellation_id, status=CancellationStatus.SCHEDULED, deprovision_requested_at__isnull=True
        ).update(deprovision_requested_at=now):
            raise NotClaimed
        cancellation.deprovision_requested_at = now
        service = await Service.get(id=cancellation.service_id)
        summary = f"Eliminación del contenido pedida al proveedor: {service.name}"
        await activity.record_system(runtime, service.account_id, "cancellation.deprovision_requested", summary)
        delete = WHAT[ServiceKind(service.kind)]
        await webhook_reports.deprovision_requested(runtime, cancellation, service, delete)

    return await claim_once(runtime, cancellation.service_id, PENDING, hand_over) is not None


def _checked_deleted(deleted: list[str] | None) -> Outcome[list[str]]:
    """What the provider says it deleted (shown in the activity history): a few short printable lines."""
    items = [item.strip() for item in deleted or []]
    if len(items) > MAX_DELETED:
        return failed(DeprovisioningError.INVALID, ["input", "deleted"], key="DELETED_ITEMS", max=MAX_DELETED)
    for index, item in enumerate(items):
        if not item or len(item) > MAX_DELETED_ITEM or not item.isprintable():
            path = ["input", "deleted", str(index)]
            return failed(DeprovisioningError.INVALID, path, key="DELETED_ITEM", max=MAX_DELETED_ITEM)
    return succeeded(items)


async def _service(external_id: str | None, service_id: str | None) -> Outcome[Service]:
    """The service named by exactly one of its references."""
    if (external_id is None) == (service_id is None):
        return failed(DeprovisioningError.INVALID, ["input"], key="SERVICE_REFERENCE")
    if external_id is not None:
        service = await find_by(Service, "external_id", external_id)
        path = ["input", "serviceExternalId"]
    else:
        pk = pk_of(service_id or "", "Service")
        service = await Service.get_or_none(id=pk) if pk is not None else None
        path = ["input", "serviceId"]
    return succeeded(service) if service is not None else failed(DeprovisioningError.NOT_FOUND, path)


async def deprovisioned(
    runtime: Runtime, *, external_id: str | None, service_id: str | None, deleted: list[str] | None, actor: str
) -> Outcome[CallbackResult]:
    """The provider deleted the service: complete its cancellation (once; a repeated callback is UNCHANGED)."""
    items = _checked_deleted(deleted)
    if items.value is None:
        return Outcome(failures=items.failures)
    found = await _service(external_id, service_id)
    if found.value is None:
        return Outcome(failures=found.failures)
    latest = await Cancellation.filter(service_id=found.value.id).order_by("-id").first().select_related("service")
    if latest is None or latest.deprovision_requested_at is None:
        return failed(DeprovisioningError.INVALID_STATE, ["input"])
    if latest.status == CancellationStatus.SCHEDULED:
        now = runtime.clock.now()
        change = completion(now, items.value, PENDING, deprovisioned_at=now)
        if await transition(runtime, None, latest, change, actor) is not None:
            return succeeded(CallbackResult.COMPLETED)
        await latest.refresh_from_db()
    if latest.status == CancellationStatus.COMPLETED:
        return succeeded(CallbackResult.UNCHANGED)
    return failed(DeprovisioningError.INVALID_STATE, ["input"])


async def flag_overdue(runtime: Runtime) -> int:
    """Mark every cancellation still SCHEDULED past its effective_by as overdue, once each, and alert staff."""
    now = runtime.clock.now()
    late = Cancellation.filter(status=CancellationStatus.SCHEDULED, effective_by__lte=now, overdue_at__isnull=True)
    flagged = 0
    for row in await late.select_related("service", "account"):
        if await _flag(runtime, row, now):
            flagged += 1
            await _alert(runtime, row)
    return flagged


async def _flag(runtime: Runtime, cancellation: Cancellation, now: datetime) -> bool:
    """The overdue mark with its event, activity entry and live event, in one transaction; False if taken."""
    service = cancellation.service
    async with runtime.events.transaction():
        if not await Cancellation.filter(
            id=cancellation.id, status=CancellationStatus.SCHEDULED, overdue_at__isnull=True
        ).update(overdue_at=now):
            return False
        cancellation.overdue_at = now
        summary = f"Baja en proceso: el proveedor está completando la baja: {service.name}"
        await activity.record_system(runtime, service.account_id, "cancellation.overdue", summary)
        await webhook_reports.cancellation_overdue(runtime, cancellation, service)
        publish_cancellation(cancellation, service)
    return True


async def _alert(runtime: Runtime, cancellation: Cancellation) -> None:
    """After the commit: a WARNING with ids only, and an email to STAFF_ALERT_EMAIL if set."""
    service = cancellation.service
    client_number = cancellation.account.client_number
    log.warning(
        "cancellation %s of service %s (account %s) is overdue: effectiveBy passed without completion",
        cancellation.id,
        service.id,
        cancellation.account_id,
    )
    reference = service.external_id or to_global_id("Service", service.id)
    requested = cancellation.deprovision_requested_at
    await alert_staff(
        runtime,
        f"Baja demorada: servicio {reference} (cliente {client_number})",
        "\n".join(
            (
                f"La baja del servicio {reference} (cliente {client_number}) debía completarse antes de"
                f" {_iso(cancellation.effective_by)} y sigue pendiente.",
                f"Eliminación pedida al proveedor: {_iso(requested) if requested else 'no (DEPROVISION_BY=hook)'}.",
                "El proveedor confirma la eliminación con serviceDeprovisioned en la API de staff;"
                " overdueCancellations lista las bajas demoradas.",
            )
        ),
    )


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


@dataclass(frozen=True, slots=True)
class Overdue:
    """An overdue cancellation as staff see it."""

    cancellation: Cancellation
    service: Service
    client_number: str
    overdue_at: datetime


async def overdue_cancellations() -> list[Overdue]:
    """Every cancellation overdue and still not completed, the longest overdue first."""
    rows = Cancellation.filter(status=CancellationStatus.SCHEDULED, overdue_at__isnull=False)
    return [
        Overdue(row, row.service, row.account.client_number, overdue_at)
        for row in await rows.order_by("effective_by", "id").select_related("service", "account")
        if (overdue_at := row.overdue_at) is not None
    ]
