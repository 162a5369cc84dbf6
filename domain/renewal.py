"""Renewal of a service (seed 003 "no renovar"): the customer turns it off, so the service ends at its due date
(domain/renewal_worker.py carries that out), or back on before then.

The dates are the cancellation rules' (domain/cancellation_rules.decide_renewal): a change is accepted until the
start of the due date in the provider's time zone, and with automatic debit, turning renewal off on or after the
1st of that month no longer stops the next debit. A change is one conditional UPDATE of the service row, so a
burst of switches applies each change once, with one activity entry, one notice and one live event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from core import activity
from core.context import Context
from core.i18n import Messages
from core.mail import Recipient, queue_mail, recipients_for
from core.mail_limits import MailKind, mail_wait
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from domain import cancellation, webhook_reports
from domain.cancellation import MailRefused
from domain.cancellation_rules import ENDED_OR_ENDING, RenewalRefusal, RenewalVerdict, decide_renewal
from domain.live_cancellations import publish_service
from domain.service_ending import NOT_STARTED, RUNNING
from domain.services import own_service
from models import Service
from models.enums import EmailCategory, Permission

SERVICE_ID = ("input", "serviceId")

# NOT_FOUND comes from the shared table (core/i18n).
MESSAGES: Messages = {
    "INVALID_STATE": (
        "La renovación no puede cambiarse en el estado actual del servicio.",
        "Renewal cannot be changed in the service's current state.",
    ),
    "ALREADY_CANCELLED": (
        "El servicio ya fue dado de baja: no hay renovación que cambiar.",
        "The service has already been cancelled: there is no renewal to change.",
    ),
    "CANCELLATION_PENDING": (
        "El servicio tiene una baja confirmada: ya no se renovará. Si retira la baja, podrá elegir la renovación.",
        "The service has a confirmed cancellation: it will not renew. Withdraw the cancellation to choose again.",
    ),
    "NO_DUE_DATE": (
        "El servicio no tiene fecha de vencimiento: no hay renovación que cambiar.",
        "The service has no due date: there is no renewal to change.",
    ),
    "DEADLINE_PASSED": (
        "La renovación debía cambiarse antes de la fecha de vencimiento del servicio.",
        "Renewal had to be changed before the service's due date.",
    ),
    "RATE_LIMITED": cancellation.MESSAGES["RATE_LIMITED"],
    "AUTOMATIC_DEBIT_WILL_BE_CHARGED": (
        "La renovación se desactivó después del día 1° del mes en que vence el servicio: el débito automático "
        "correspondiente será procesado y el importe debitado no será reintegrado.",
        "Renewal was turned off after the 1st of the month in which the service falls due: the automatic debit "
        "will be processed and the amount debited will not be refunded.",
    ),
}


@error_codes(MESSAGES)
class RenewalError(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    RATE_LIMITED = "RATE_LIMITED"
    AUTOMATIC_DEBIT_WILL_BE_CHARGED = "AUTOMATIC_DEBIT_WILL_BE_CHARGED"  # a warning (WarningCode)


class RenewalBlocker(StrEnum):
    """Why renewal cannot be switched now (the schema exposes this enum as it is)."""

    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    CANCELLATION_PENDING = "CANCELLATION_PENDING"
    NO_DUE_DATE = "NO_DUE_DATE"
    PAST_DEADLINE = "PAST_DEADLINE"
    NOT_ALLOWED = "NOT_ALLOWED"


# What each refusal of the rules is to the state (every one is listed) and to a change (the first one answers,
# with its own message). NOT_ALLOWED is the caller's: a change without MANAGE_SERVICES is refused FORBIDDEN first.
BLOCKERS: dict[RenewalRefusal, RenewalBlocker] = {refusal: RenewalBlocker(refusal.value) for refusal in RenewalRefusal}
CHANGE_ERRORS: dict[RenewalRefusal, tuple[RenewalError, str]] = {
    RenewalRefusal.ALREADY_CANCELLED: (RenewalError.INVALID_STATE, "ALREADY_CANCELLED"),
    RenewalRefusal.CANCELLATION_PENDING: (RenewalError.INVALID_STATE, "CANCELLATION_PENDING"),
    RenewalRefusal.NO_DUE_DATE: (RenewalError.INVALID_STATE, "NO_DUE_DATE"),
    RenewalRefusal.PAST_DEADLINE: (RenewalError.DEADLINE_PASSED, "DEADLINE_PASSED"),
}


@dataclass(frozen=True, slots=True)
class RenewalState:
    renews: bool
    can_change: bool
    blockers: list[RenewalBlocker]
    change_deadline: datetime | None
    ends_at: datetime | None
    next_debit_will_be_charged: bool


def _verdict_now(runtime: Runtime, service: Service) -> RenewalVerdict:
    return decide_renewal(service, now=runtime.clock.now(), zone=runtime.settings.zone)


def state(ctx: Context, service: Service) -> RenewalState:
    """Whether the service renews and whether the caller may switch that now; no side effects."""
    verdict = _verdict_now(ctx.runtime, service)
    blockers = [BLOCKERS[refusal] for refusal in verdict.refusals]
    if Permission.MANAGE_SERVICES not in ctx.acting.permissions:
        blockers.append(RenewalBlocker.NOT_ALLOWED)
    return RenewalState(
        renews=verdict.renews,
        can_change=not blockers,
        blockers=blockers,
        change_deadline=verdict.change_deadline,
        ends_at=verdict.ends_at,
        next_debit_will_be_charged=verdict.debit_will_be_charged,
    )


async def set_renewal(ctx: Context, service_id: str, renew: bool) -> Outcome[Service]:
    """Turn renewal on or off before the deadline; asking for the current state changes nothing and sends nothing."""
    service = await own_service(ctx, service_id)
    if service is None:
        return failed(RenewalError.NOT_FOUND, SERVICE_ID)
    verdict = _verdict_now(ctx.runtime, service)
    if service.renews == renew and service.status not in ENDED_OR_ENDING:
        return succeeded(service)
    if verdict.refusals:
        error, key = CHANGE_ERRORS[verdict.refusals[0]]
        return failed(error, SERVICE_ID, key=key)
    try:
        changed = await _switch(ctx, service, renew)
    except MailRefused as refused:
        return failed(RenewalError.RATE_LIMITED, None, seconds=refused.wait)
    if changed is None:  # a concurrent request made this very change first (or the service's ending began)
        current = await Service.get(id=service.id)
        if current.renews == renew and current.status in RUNNING:
            return succeeded(current)
        return failed(RenewalError.INVALID_STATE, SERVICE_ID)
    outcome = succeeded(changed)
    if not renew and _verdict_now(ctx.runtime, changed).debit_will_be_charged:
        outcome.warn(RenewalError.AUTOMATIC_DEBIT_WILL_BE_CHARGED)
    return outcome


async def _switch(ctx: Context, service: Service, renew: bool) -> Service | None:
    """The change itself, if the row still holds the opposite state and its ending has not begun: with its activity
    entry, its notice, its webhook event and its live event (domain/live_cancellations), all committed together.
    Turning renewal off over the mail budget is refused (MailRefused, rolled back); turning it back on stops the
    service's ending, so it is never refused and goes without its notice."""
    runtime = ctx.runtime
    now = runtime.clock.now()
    async with runtime.events.transaction():
        updated = await Service.filter(
            NOT_STARTED, id=service.id, account_id=service.account_id, renews=not renew, status__in=RUNNING
        ).update(renews=renew, renewal_changed_at=now)
        if not updated:
            return None
        # Counted once this request holds the change: a duplicate in a burst counts no mail.
        notice_to = [r.address for r in await _notice_recipients(service.account_id)]
        wait = await mail_wait(runtime, account_id=service.account_id, kind=MailKind.CUSTOMER, addresses=notice_to)
        if wait is not None and not renew:
            raise MailRefused(wait)
        changed = await Service.get(id=service.id)
        if renew:
            await activity.record(ctx, "renewal.on", f"Renovación reactivada: {service.name}")
        else:
            await activity.record(ctx, "renewal.off", f"Renovación desactivada: {service.name}")
        if wait is None:
            await queue_notice(runtime, changed, "renewal_on" if renew else "renewal_off", actor=ctx.acting.actor)
        await webhook_reports.renewal_changed(runtime, changed, _verdict_now(runtime, changed).debit_will_be_charged)
        publish_service(changed)
    return changed


async def _notice_recipients(account_id: int) -> list[Recipient]:
    """The holder and the contacts subscribed to general mail, as for cancellation notices."""
    return await recipients_for(account_id, EmailCategory.GENERAL, contact_id=None, personal=False)


def _day(day: date) -> str:
    """A date as the seeds write it: 9/12/2026."""
    return f"{day.day}/{day.month}/{day.year}"


async def queue_notice(runtime: Runtime, service: Service, template: str, *, actor: str = "") -> None:
    """A renewal notice to the holder and subscribed contacts: the service, its due date (the day it ends with
    renewal off), the last day to change it and, for automatic debit, whether the next debit is still charged."""
    due = service.next_due_date
    await queue_mail(
        runtime,
        account_id=service.account_id,
        template=template,
        category=EmailCategory.GENERAL,
        values={
            "service": service.name,
            "domain": service.domain or "",
            "actor": actor,
            "due": _day(due) if due else "",
            "last_day": _day(due - timedelta(days=1)) if due else "",
            "debit_charged": _verdict_now(runtime, service).debit_will_be_charged,
            "link": f"{runtime.settings.public_base_url}/#services",
        },
        service_id=service.id,
    )
