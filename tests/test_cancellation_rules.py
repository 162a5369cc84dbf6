"""The cancellation rules (domain/cancellation_rules.decide) at their boundaries, without a database or a server:
the deadline second, the automatic-debit cutoff day, each service status; and preview and request agree."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.cancellation import BLOCKERS, REQUEST_ERRORS, CancellationBlocker, CancellationError
from domain.cancellation_rules import CancellationRefusal, decide
from models import Service
from models.enums import PaymentMethod, ServiceStatus

BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")  # UTC-3, no daylight saving time
DUE = date(2026, 4, 15)
DEADLINE = datetime(2026, 4, 15, 3, 0, tzinfo=UTC)  # the due date's first second in Buenos Aires
CUTOFF_STARTS = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)  # April 1st begins in Buenos Aires
EARLY = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

REFUSED = CancellationRefusal


def service(
    status: ServiceStatus = ServiceStatus.ACTIVE,
    due: date | None = DUE,
    payment: PaymentMethod = PaymentMethod.MANUAL,
) -> Service:
    return Service(name="Hosting Pyme", kind="HOSTING", status=status, next_due_date=due, payment_method=payment)


def refusals(subject: Service, now: datetime, *, has_open: bool = False) -> tuple[CancellationRefusal, ...]:
    return decide(subject, has_open=has_open, now=now, zone=BUENOS_AIRES).refusals


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 4, 15, 2, 59, 59, tzinfo=UTC), ()),
        (DEADLINE, (REFUSED.PAST_DUE_DATE,)),
        (datetime(2026, 4, 15, 3, 0, 1, tzinfo=UTC), (REFUSED.PAST_DUE_DATE,)),
    ],
    ids=["last-second-before", "deadline-second", "after"],
)
def test_the_deadline_is_the_start_of_the_due_date_in_the_providers_zone(now, expected) -> None:
    verdict = decide(service(), has_open=False, now=now, zone=BUENOS_AIRES)
    assert verdict.request_deadline == DEADLINE
    assert verdict.refusals == expected


def test_without_a_due_date_there_is_no_deadline() -> None:
    verdict = decide(service(due=None), has_open=False, now=datetime(2099, 1, 1, tzinfo=UTC), zone=BUENOS_AIRES)
    assert verdict.request_deadline is None
    assert verdict.refusals == ()


@pytest.mark.parametrize(
    ("now", "charged"),
    [
        (datetime(2026, 4, 1, 2, 59, 59, tzinfo=UTC), False),  # still March 31st in Buenos Aires
        (CUTOFF_STARTS, True),
        (datetime(2026, 4, 14, 12, 0, tzinfo=UTC), True),
    ],
    ids=["day-before-cutoff", "cutoff-day", "later-in-due-month"],
)
def test_the_automatic_debit_cutoff_is_the_first_of_the_due_month(now, charged) -> None:
    verdict = decide(service(payment=PaymentMethod.AUTOMATIC_DEBIT), has_open=False, now=now, zone=BUENOS_AIRES)
    assert verdict.automatic_debit_cutoff == date(2026, 4, 1)
    assert verdict.debit_will_be_charged is charged
    assert verdict.refusals == ()  # a charged debit warns; it does not refuse


def test_manual_payment_has_no_cutoff() -> None:
    verdict = decide(service(), has_open=False, now=CUTOFF_STARTS, zone=BUENOS_AIRES)
    assert verdict.automatic_debit_cutoff is None
    assert verdict.debit_will_be_charged is False


@pytest.mark.parametrize(
    ("status", "has_open", "now", "expected"),
    [
        (ServiceStatus.ACTIVE, False, EARLY, ()),
        (ServiceStatus.SUSPENDED, False, EARLY, ()),
        (ServiceStatus.CANCELLATION_PENDING, True, EARLY, (REFUSED.ALREADY_PENDING,)),
        (ServiceStatus.CANCELLED, False, EARLY, (REFUSED.ALREADY_CANCELLED,)),
        (ServiceStatus.ACTIVE, True, EARLY, (REFUSED.ALREADY_PENDING,)),
        (ServiceStatus.ACTIVE, True, DEADLINE, (REFUSED.ALREADY_PENDING, REFUSED.PAST_DUE_DATE)),
        (ServiceStatus.SUSPENDED, False, DEADLINE, (REFUSED.PAST_DUE_DATE,)),
        # A cancelled service is refused for that alone: neither its old request nor its old due date adds a reason.
        (ServiceStatus.CANCELLED, True, DEADLINE, (REFUSED.ALREADY_CANCELLED,)),
    ],
)
def test_each_status(status, has_open, now, expected) -> None:
    assert refusals(service(status=status), now, has_open=has_open) == expected


CASES = [(status, has_open, now) for status in ServiceStatus for has_open in (False, True) for now in (EARLY, DEADLINE)]


@pytest.mark.parametrize(("status", "has_open", "now"), CASES)
def test_preview_and_request_agree(status, has_open, now) -> None:
    """A request is refused exactly when the preview shows a blocker, with the error of the first one."""
    found = refusals(service(status=status), now, has_open=has_open)
    blockers = [BLOCKERS[refusal] for refusal in found]
    first_error = REQUEST_ERRORS[found[0]] if found else None
    expected = {
        CancellationBlocker.ALREADY_CANCELLED: CancellationError.INVALID_STATE,
        CancellationBlocker.ALREADY_PENDING: CancellationError.ALREADY_PENDING,
        CancellationBlocker.PAST_DUE_DATE: CancellationError.DEADLINE_PASSED,
    }
    assert first_error == (expected[blockers[0]] if blockers else None)


def test_every_refusal_has_a_blocker_and_a_request_error() -> None:
    assert set(BLOCKERS) == set(REQUEST_ERRORS) == set(CancellationRefusal)
