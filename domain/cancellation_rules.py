"""The cancellation rules (seed 003), in one place: may this service be cancelled now, and if not, why not.

Pure (no I/O): the caller brings the service, whether it has an open cancellation, the moment and the
provider's time zone. `preview` shows every refusal as a blocker; `request` answers the first one as its error
(domain/cancellation.py holds both translations, side by side).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum

from models import Service
from models.enums import PaymentMethod, ServiceStatus


class CancellationRefusal(StrEnum):
    """Why a service cannot be cancelled now, in the order a request reports them."""

    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    ALREADY_PENDING = "ALREADY_PENDING"
    PAST_DUE_DATE = "PAST_DUE_DATE"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The refusals (none: a request is accepted) and the dates they were judged by."""

    refusals: tuple[CancellationRefusal, ...]
    request_deadline: datetime | None
    automatic_debit_cutoff: date | None
    debit_will_be_charged: bool


def request_deadline(service: Service, zone: tzinfo) -> datetime | None:
    """The last moment a request is accepted: the start of the due date in the provider's time zone."""
    if service.next_due_date is None:
        return None
    return datetime.combine(service.next_due_date, time.min, tzinfo=zone).astimezone(UTC)


def automatic_debit_cutoff(service: Service) -> date | None:
    """Automatic debit: the 1st of the month in which the service falls due (seed 003)."""
    if service.payment_method != PaymentMethod.AUTOMATIC_DEBIT or service.next_due_date is None:
        return None
    return service.next_due_date.replace(day=1)


def _refusals(service: Service, has_open: bool, past_deadline: bool) -> tuple[CancellationRefusal, ...]:
    """A cancelled service is refused for that alone; otherwise a pending request and a passed deadline both count."""
    if service.status == ServiceStatus.CANCELLED:
        return (CancellationRefusal.ALREADY_CANCELLED,)
    refusals = []
    if has_open:
        refusals.append(CancellationRefusal.ALREADY_PENDING)
    if past_deadline:
        refusals.append(CancellationRefusal.PAST_DUE_DATE)
    return tuple(refusals)


def decide(service: Service, *, has_open: bool, now: datetime, zone: tzinfo) -> Verdict:
    """Whether `service` may be cancelled at `now`, and what a cancellation then means for its next debit."""
    deadline = request_deadline(service, zone)
    cutoff = automatic_debit_cutoff(service)
    return Verdict(
        refusals=_refusals(service, has_open, deadline is not None and now >= deadline),
        request_deadline=deadline,
        automatic_debit_cutoff=cutoff,
        debit_will_be_charged=cutoff is not None and now.astimezone(zone).date() >= cutoff,
    )
