"""What each change tells the provider's systems by webhook (core/webhook_events.emit), one function per kind of
resource, each called inside the transaction of the change.

The data holds ids, states and the person's details as they are after the change (the provider's billing
system keeps them in sync: the holder's contact data belongs to the panel), never a password, code, token or
hash. Holder and contact events carry the row's version, so a receiver keeps the newest.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.ids import to_global_id
from core.runtime import Runtime
from core.webhook_events import (
    ACCOUNT_ACCESS_RECOVERED,
    CANCELLATION_COMPLETED,
    CANCELLATION_CONFIRMED,
    CANCELLATION_EXPIRED,
    CANCELLATION_OVERDUE,
    CANCELLATION_WITHDRAWN,
    CONTACT_CREATED,
    CONTACT_DELETED,
    CONTACT_UPDATED,
    HOLDER_UPDATED,
    PASSWORD_CHANGED,
    SERVICE_DEPROVISION_REQUESTED,
    SERVICE_RENEWAL_CHANGED,
    SERVICE_STATUS_CHANGED,
    EventType,
    emit,
)
from models import Cancellation, Contact, Holder, Service
from models.enums import CancellationStatus, ServiceStatus

ADDRESS = ("street", "neighborhood", "city", "state", "postal_code", "country_code")
HOLDER_DATA = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "national_id_type",
    "national_id",
    "tax_id_type",
    "tax_id",
    "email",
    "phone",
    "language",
    *ADDRESS,
)
CONTACT_DATA = (
    "first_name",
    "last_name",
    "company_name",
    "email",
    "phone",
    "active",
    "permissions",
    "email_categories",
    "language",
    *ADDRESS,
)
# The event of each state a cancellation moves to (a new code moves it nowhere: no event).
CANCELLATION_EVENTS: dict[CancellationStatus, EventType] = {
    CancellationStatus.SCHEDULED: CANCELLATION_CONFIRMED,
    CancellationStatus.WITHDRAWN: CANCELLATION_WITHDRAWN,
    CancellationStatus.EXPIRED: CANCELLATION_EXPIRED,
    CancellationStatus.COMPLETED: CANCELLATION_COMPLETED,
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def _snapshot(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {_camel(name): getattr(row, name) for name in names}


async def cancellation_changed(
    runtime: Runtime, cancellation: Cancellation, service: Service, event_type: EventType | None = None
) -> None:
    """The cancellation's event (`event_type`, else the one of the state it reached, if any)."""
    event_type = event_type or CANCELLATION_EVENTS.get(cancellation.status)
    if event_type is None:
        return
    data = {
        "status": cancellation.status,
        "serviceId": to_global_id("Service", service.id),
        "effectiveBy": cancellation.effective_by.isoformat() if cancellation.effective_by else None,
    }
    await emit(runtime, event_type, service.account_id, ("Cancellation", cancellation.id), data=data)


async def deprovision_requested(
    runtime: Runtime, cancellation: Cancellation, service: Service, delete: list[str]
) -> None:
    """DEPROVISION_BY=webhook: the provider is to delete `delete` of the service by `effectiveBy`, then call the
    staff API's serviceDeprovisioned (this event's delivery is an acknowledgement only, never proof of deletion)."""
    data = {
        "serviceId": to_global_id("Service", service.id),
        "serviceExternalId": service.external_id,
        "kind": service.kind,
        "domain": service.domain,
        "cancellationId": to_global_id("Cancellation", cancellation.id),
        "effectiveBy": _iso(cancellation.effective_by),
        "delete": delete,
    }
    resource = ("Service", service.id)
    await emit(runtime, SERVICE_DEPROVISION_REQUESTED, service.account_id, resource, version=service.version, data=data)


async def cancellation_overdue(runtime: Runtime, cancellation: Cancellation, service: Service) -> None:
    """`effectiveBy` passed and the cancellation is not completed yet (with DEPROVISION_BY=webhook: no
    serviceDeprovisioned callback yet)."""
    data = {
        "status": cancellation.status,
        "serviceId": to_global_id("Service", service.id),
        "serviceExternalId": service.external_id,
        "effectiveBy": _iso(cancellation.effective_by),
        "deprovisionRequestedAt": _iso(cancellation.deprovision_requested_at),
        "overdueAt": _iso(cancellation.overdue_at),
    }
    await emit(runtime, CANCELLATION_OVERDUE, service.account_id, ("Cancellation", cancellation.id), data=data)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def service_status_changed(runtime: Runtime, service: Service, previous: ServiceStatus) -> None:
    """`service` (as it is now) left the `previous` status; nothing when it did not."""
    if service.status == previous:
        return
    data = {"status": service.status, "previousStatus": previous, "domain": service.domain}
    resource = ("Service", service.id)
    await emit(runtime, SERVICE_STATUS_CHANGED, service.account_id, resource, version=service.version, data=data)


async def renewal_changed(runtime: Runtime, service: Service, next_debit_will_be_charged: bool) -> None:
    """`service`'s renewal was switched (as it is now): billing stops or resumes renewing it, and learns whether the
    next automatic debit is still charged (turned off on or after the 1st of the due month)."""
    data = {
        "renews": service.renews,
        "renewalChangedAt": service.renewal_changed_at.isoformat() if service.renewal_changed_at else None,
        "nextDueDate": service.next_due_date.isoformat() if service.next_due_date else None,
        "nextDebitWillBeCharged": next_debit_will_be_charged,
    }
    await emit(runtime, SERVICE_RENEWAL_CHANGED, service.account_id, ("Service", service.id), data=data)


async def holder_updated(runtime: Runtime, account_id: int, changed: Iterable[str]) -> None:
    """The holder's new details (and the names of those that changed), with the holder's version."""
    holder = await Holder.get(account_id=account_id)
    data = {"changed": [_camel(name) for name in sorted(changed)], "holder": _snapshot(holder, HOLDER_DATA)}
    await emit(runtime, HOLDER_UPDATED, account_id, ("Holder", holder.id), version=holder.version, data=data)


async def contact_created(runtime: Runtime, contact: Contact) -> None:
    await _contact_event(runtime, CONTACT_CREATED, contact)


async def contact_updated(runtime: Runtime, contact_id: int, changed: Iterable[str]) -> None:
    """The contact as it is now, and the names of what changed."""
    await _contact_event(runtime, CONTACT_UPDATED, await Contact.get(id=contact_id), changed)


async def contact_deleted(runtime: Runtime, contact: Contact) -> None:
    """The contact as it was."""
    await _contact_event(runtime, CONTACT_DELETED, contact)


async def _contact_event(
    runtime: Runtime, event_type: EventType, contact: Contact, changed: Iterable[str] = ()
) -> None:
    data = {"changed": [_camel(name) for name in sorted(changed)], "contact": _snapshot(contact, CONTACT_DATA)}
    resource = ("Contact", contact.id)
    await emit(runtime, event_type, contact.account_id, resource, version=contact.version, data=data)


async def _person_event(runtime: Runtime, event_type: EventType, account_id: int, contact_id: int | None) -> None:
    resource = ("Contact", contact_id) if contact_id is not None else ("Account", account_id)
    data = {"person": "contact" if contact_id is not None else "holder"}
    await emit(runtime, event_type, account_id, resource, data=data)


async def password_changed(runtime: Runtime, account_id: int, contact_id: int | None) -> None:
    """The holder's (contact_id None) or a contact's password changed."""
    await _person_event(runtime, PASSWORD_CHANGED, account_id, contact_id)


async def access_recovered(runtime: Runtime, account_id: int, contact_id: int | None) -> None:
    """The holder or a contact recovered access (a temporary password; sessions and tokens ended)."""
    await _person_event(runtime, ACCOUNT_ACCESS_RECOVERED, account_id, contact_id)
