"""The cancellation rules (seed 003), in one place: may this service be cancelled now, and if not, why not;
and the same dates for switching its renewal ("no renovar"), which follows the request deadline and the
automatic-debit cutoff.

Pure (no I/O): the caller brings the service, whether it has an open cancellation, the moment and the
provider's time zone. `preview` shows every refusal as a blocker; `request` answers the first one as its error
(domain/cancellation.py holds both translations, side by side; domain/renewal.py those of `decide_renewal`).
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


def _debit_charged(cutoff: date | None, moment: datetime, zone: tzinfo) -> bool:
    """Whether a decision taken at `moment` comes too late to stop the next automatic debit."""
    return cutoff is not None and moment.astimezone(zone).date() >= cutoff


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
        debit_will_be_charged=_debit_charged(cutoff, now, zone),
    )


class RenewalRefusal(StrEnum):
    """Why a service's renewal cannot be switched now, in the order a change reports them."""

    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    CANCELLATION_PENDING = "CANCELLATION_PENDING"
    NO_DUE_DATE = "NO_DUE_DATE"
    PAST_DEADLINE = "PAST_DEADLINE"


# A service in these states has its end decided already: renewal is moot.
ENDED_OR_ENDING = {
    ServiceStatus.CANCELLED: RenewalRefusal.ALREADY_CANCELLED,
    ServiceStatus.CANCELLATION_PENDING: RenewalRefusal.CANCELLATION_PENDING,
}


@dataclass(frozen=True, slots=True)
class RenewalVerdict:
    """The refusals (none: renewal may be switched now) and the dates they were judged by."""

    refusals: tuple[RenewalRefusal, ...]
    renews: bool
    change_deadline: datetime | None
    ends_at: datetime | None
    debit_will_be_charged: bool


def _renewal_refusals(service: Service, past_deadline: bool) -> tuple[RenewalRefusal, ...]:
    """A cancelled or cancelling service is refused for that alone; otherwise a missing due date or a passed
    deadline."""
    if (ended := ENDED_OR_ENDING.get(ServiceStatus(service.status))) is not None:
        return (ended,)
    if service.next_due_date is None:
        return (RenewalRefusal.NO_DUE_DATE,)
    return (RenewalRefusal.PAST_DEADLINE,) if past_deadline else ()


def decide_renewal(service: Service, *, now: datetime, zone: tzinfo) -> RenewalVerdict:
    """Whether `service`'s renewal may be switched at `now`, when it ends with renewal off, and whether its next
    automatic debit is still charged: judged now while it renews, at the moment it was turned off otherwise."""
    deadline = request_deadline(service, zone)
    renews = service.renews and service.status not in ENDED_OR_ENDING
    turned_off_at = now if service.renews else service.renewal_changed_at or now
    return RenewalVerdict(
        refusals=_renewal_refusals(service, deadline is not None and now >= deadline),
        renews=renews,
        change_deadline=deadline,
        ends_at=None if service.renews else deadline,
        debit_will_be_charged=_debit_charged(automatic_debit_cutoff(service), turned_off_at, zone),
    )
