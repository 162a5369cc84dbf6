"""Cancelling a service (seed 003): preview the rules, request, confirm with the emailed code,
withdraw, resend the code, and let an unconfirmed request expire.

The rules themselves are in domain/cancellation_rules.py; the completion worker in
domain/cancellation_completion.py. Every state change goes through `transition`: one transaction
holding the change, its activity event, its email and its live event, so they are committed
together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from core import activity
from core.context import Context, Principal
from core.i18n import Messages
from core.ids import pk_of
from core.mail import Recipient, queue_mail, recipients_for
from core.mail_limits import MailKind, Outgoing, mail_wait, mail_wait_all
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from core.webhook_events import CANCELLATION_REQUESTED
from domain import webhook_reports
from domain.cancellation_rules import CancellationRefusal, Verdict, decide, request_deadline
from domain.live_cancellations import publish_cancellation
from domain.service_ending import NOT_STARTED, RUNNING
from models import Cancellation, Holder, Service
from models.columns import column_length
from models.enums import (
    OPEN_CANCELLATION,
    CancellationStatus,
    EmailCategory,
    Language,
    Permission,
    ServiceKind,
    ServiceStatus,
)

CODE_VALIDITY = timedelta(hours=24)
EFFECTIVE_WITHIN = timedelta(hours=24)
ATTEMPTS = 5
CODE_DIGITS = 6
MAX_REASON = column_length(Cancellation, "reason")
RESENDS_PER_CANCELLATION = "3/hour"

SERVICE_ID = ("input", "serviceId")
CANCELLATION_ID = ("input", "cancellationId")
CODE = ("input", "code")
# A confirmation needs its service still running and its ending not started (domain/service_ending).
RUNNING_AND_NOT_ENDING = Q(status__in=RUNNING) & NOT_STARTED

# NOT_FOUND comes from the shared table (core/i18n); RATE_LIMITED here also speaks of emails sent.
MESSAGES: Messages = {
    "REQUIRED": ("Indique el motivo de la baja.", "Give the reason for the cancellation."),
    "TOO_LONG": ("El motivo admite como máximo {max} caracteres.", "The reason allows at most {max} characters."),
    "ACKNOWLEDGEMENT_REQUIRED": (
        "Confirme que leyó que se eliminará todo el contenido del sitio y las casillas de email.",
        "Confirm you have read that all site content and mailboxes will be deleted.",
    ),
    "ALREADY_PENDING": (
        "Ya hay una solicitud de baja abierta para este servicio.",
        "This service already has an open cancellation.",
    ),
    "INVALID_STATE": ("La baja no es posible en el estado actual.", "This is not possible in the current state."),
    "ENDING_UNRENEWED": (
        "El servicio no se renueva y ya llegó a su fecha de vencimiento: se da de baja solo, no hace falta "
        "confirmar esta solicitud.",
        "The service does not renew and has reached its due date: it ends by itself, this request needs no "
        "confirmation.",
    ),
    "DEADLINE_PASSED": (
        "La baja debía solicitarse antes de la fecha de vencimiento del servicio.",
        "The cancellation had to be requested before the service's due date.",
    ),
    "INVALID_CODE": (
        "El código de confirmación no es correcto. Le quedan {attempts} intentos.",
        "The confirmation code is not correct. {attempts} attempts left.",
    ),
    "INVALID_CODE_ONE_LEFT": (
        "El código de confirmación no es correcto. Le queda 1 intento.",
        "The confirmation code is not correct. 1 attempt left.",
    ),
    "CODE_EXPIRED": (
        "El código de confirmación venció. Solicite la baja nuevamente.",
        "The confirmation code has expired. Request the cancellation again.",
    ),
    "TOO_MANY_ATTEMPTS": (
        "Demasiados intentos con un código incorrecto. Pida un código nuevo.",
        "Too many attempts with a wrong code. Ask for a new code.",
    ),
    "RATE_LIMITED": (
        "Demasiados pedidos o emails enviados. Vuelva a intentarlo en {seconds} segundos.",
        "Too many requests or emails sent. Try again in {seconds} seconds.",
    ),
    "AUTOMATIC_DEBIT_WILL_BE_CHARGED": (
        "La solicitud se hizo después del día 1° del mes en que vence el servicio: el débito automático "
        "correspondiente será procesado y el importe debitado no será reintegrado.",
        "The request came after the 1st of the month in which the service falls due: the automatic debit will "
        "be processed and the amount debited will not be refunded.",
    ),
}


@error_codes(MESSAGES)
class CancellationError(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    ACKNOWLEDGEMENT_REQUIRED = "ACKNOWLEDGEMENT_REQUIRED"
    ALREADY_PENDING = "ALREADY_PENDING"
    INVALID_STATE = "INVALID_STATE"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    RATE_LIMITED = "RATE_LIMITED"
    AUTOMATIC_DEBIT_WILL_BE_CHARGED = "AUTOMATIC_DEBIT_WILL_BE_CHARGED"  # a warning (WarningCode)


class CancellationBlocker(StrEnum):
    """Why the preview says a request is not possible now (the schema exposes this enum as it is)."""

    ALREADY_CANCELLED = "ALREADY_CANCELLED"
    ALREADY_PENDING = "ALREADY_PENDING"
    PAST_DUE_DATE = "PAST_DUE_DATE"
    NOT_ALLOWED = "NOT_ALLOWED"


# What each refusal of the rules is to the preview (every one is listed) and to a request (the first one answers).
# NOT_ALLOWED is the caller's, not the service's: a request without MANAGE_SERVICES is refused FORBIDDEN first.
BLOCKERS: dict[CancellationRefusal, CancellationBlocker] = {
    CancellationRefusal.ALREADY_CANCELLED: CancellationBlocker.ALREADY_CANCELLED,
    CancellationRefusal.ALREADY_PENDING: CancellationBlocker.ALREADY_PENDING,
    CancellationRefusal.PAST_DUE_DATE: CancellationBlocker.PAST_DUE_DATE,
}
REQUEST_ERRORS: dict[CancellationRefusal, CancellationError] = {
    CancellationRefusal.ALREADY_CANCELLED: CancellationError.INVALID_STATE,
    CancellationRefusal.ALREADY_PENDING: CancellationError.ALREADY_PENDING,
    CancellationRefusal.PAST_DUE_DATE: CancellationError.DEADLINE_PASSED,
}

DATA_DELETED: dict[ServiceKind, tuple[list[str], list[str]]] = {
    ServiceKind.HOSTING: (
        ["Todo el contenido del sitio (archivos y bases de datos)", "Todas las casillas de email y sus mensajes"],
        ["All site content (files and databases)", "All mailboxes and their messages"],
    ),
    ServiceKind.EMAIL: (["Todas las casillas de email y sus mensajes"], ["All mailboxes and their messages"]),
    ServiceKind.DOMAIN: (
        ["La zona DNS del dominio", "Las redirecciones de email del dominio"],
        ["The domain's DNS zone", "The domain's email forwarding"],
    ),
    ServiceKind.VPS: (
        ["El servidor virtual, sus discos y copias de seguridad"],
        ["The virtual server, its disks and backups"],
    ),
    ServiceKind.OTHER: (["Todos los datos del servicio"], ["All of the service's data"]),
}


@dataclass(frozen=True, slots=True)
class Preview:
    can_request: bool
    blockers: list[CancellationBlocker]
    request_deadline: datetime | None
    automatic_debit_cutoff: date | None
    next_debit_will_be_charged: bool
    data_deleted: list[str]
    effective_within_hours: int = int(EFFECTIVE_WITHIN.total_seconds() // 3600)


class MailRefused(Exception):
    """Rolls a request back when its mail is over budget."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


def _verdict_now(runtime: Runtime, service: Service, *, has_open: bool) -> Verdict:
    """The rules applied at the clock's now, in the provider's time zone."""
    return decide(service, has_open=has_open, now=runtime.clock.now(), zone=runtime.settings.zone)


async def _has_open_cancellation(ctx: Context, service_id: int) -> bool:
    """Through the request's loader that Service.cancellation shares: one query for every service listed."""
    latest = await ctx.loaders.latest_cancellation.load(service_id)
    return latest is not None and latest.status in OPEN_CANCELLATION


async def preview(ctx: Context, service: Service) -> Preview:
    """What cancelling now would mean; no side effects."""
    verdict = _verdict_now(ctx.runtime, service, has_open=await _has_open_cancellation(ctx, service.id))
    blockers = [BLOCKERS[refusal] for refusal in verdict.refusals]
    if Permission.MANAGE_SERVICES not in ctx.acting.permissions:
        blockers.append(CancellationBlocker.NOT_ALLOWED)
    spanish, english = DATA_DELETED[ServiceKind(service.kind)]
    return Preview(
        can_request=not blockers,
        blockers=blockers,
        request_deadline=verdict.request_deadline,
        automatic_debit_cutoff=verdict.automatic_debit_cutoff,
        next_debit_will_be_charged=verdict.debit_will_be_charged,
        data_deleted=english if ctx.language == Language.EN else spanish,
    )


async def _own_service(ctx: Context, service_id: str) -> Service | None:
    pk = pk_of(service_id, "Service")
    return await Service.get_or_none(id=pk, account_id=ctx.acting.account_id) if pk else None


async def _own_cancellation(ctx: Context, cancellation_id: str) -> Cancellation | None:
    pk = pk_of(cancellation_id, "Cancellation")
    if pk is None:
        return None
    return await Cancellation.get_or_none(id=pk, account_id=ctx.acting.account_id).select_related("service")


@dataclass(frozen=True, slots=True)
class Change:
    """One state change of a cancellation, with what it writes besides."""

    status: CancellationStatus
    expected: tuple[CancellationStatus, ...]
    action: str
    summary: str
    fields: dict[str, Any] = field(default_factory=dict)
    service_fields: dict[str, Any] = field(default_factory=dict)
    template: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    personal: bool = False
    extra_condition: Q | None = None
    # What the service must still be for `service_fields` to be written (and the change to apply).
    service_condition: Q = field(default_factory=Q)


class _Unchanged(Exception):
    """Rolls a change back when its cancellation or its service has moved on meanwhile."""


async def transition(
    runtime: Runtime,
    ctx: Context | None,
    cancellation: Cancellation,
    change: Change,
    actor: str = activity.SYSTEM_ACTOR,
) -> Cancellation | None:
    """Apply `change` if the cancellation is still in one of `change.expected` and its service still matches
    `change.service_condition` (None if not). The service row is written first, as when its ending is claimed
    (domain/service_ending), so two transactions never wait on each other's rows. Without a request (`ctx`
    None) the activity entry names `actor`."""
    service = cancellation.service
    condition = Q(id=cancellation.id, status__in=list(change.expected))
    if change.extra_condition is not None:
        condition &= change.extra_condition
    open_marker = {"open_service_id": None} if change.status not in OPEN_CANCELLATION else {}
    try:
        async with runtime.events.transaction():
            if change.service_fields and not await Service.filter(change.service_condition, id=service.id).update(
                **change.service_fields
            ):
                raise _Unchanged
            if not await Cancellation.filter(condition).update(status=change.status, **open_marker, **change.fields):
                raise _Unchanged
            summary = f"{change.summary}: {service.name}"
            if ctx is not None:
                await activity.record(ctx, change.action, summary)
            else:
                await activity.record_system(runtime, service.account_id, change.action, summary, actor)
            fresh = await Cancellation.get(id=cancellation.id).select_related("service")
            await webhook_reports.cancellation_changed(runtime, fresh, fresh.service)
            await webhook_reports.service_status_changed(runtime, fresh.service, service.status)
            if change.template:
                await _mail_change(runtime, ctx, fresh, change, change.template)
            publish_cancellation(fresh, fresh.service)
    except _Unchanged:
        return None
    return fresh


async def _mail_change(
    runtime: Runtime, ctx: Context | None, cancellation: Cancellation, change: Change, template: str
) -> None:
    """The email a change sends, to the account or, if personal, to whoever acted."""
    service = cancellation.service
    await queue_mail(
        runtime,
        account_id=service.account_id,
        template=template,
        category=EmailCategory.GENERAL,
        values={**_mail_values(runtime, cancellation), **change.values},
        service_id=service.id,
        contact_id=ctx.principal.contact_id if ctx and ctx.principal else None,
        personal=change.personal,
    )


def _mail_values(runtime: Runtime, cancellation: Cancellation) -> dict[str, str]:
    """What every cancellation email shows: the service (loaded with the cancellation) and its times, locally."""

    def local(moment: datetime | None) -> str:
        return moment.astimezone(runtime.settings.zone).strftime("%d/%m/%Y %H:%M") if moment else ""

    return {
        "service": cancellation.service.name,
        "domain": cancellation.service.domain or "",
        "requested_at": local(cancellation.requested_at),
        "effective_by": local(cancellation.effective_by),
        "code_expires_at": local(cancellation.code_expires_at),
    }


async def _code_addresses(account_id: int, principal: Principal) -> list[str]:
    """Where a code goes: only to the person who asks for it."""
    recipients = await recipients_for(account_id, EmailCategory.GENERAL, contact_id=principal.contact_id, personal=True)
    return [r.address for r in recipients]


async def _notice_addresses(account_id: int) -> list[str]:
    """Where a notice goes: the holder and the contacts subscribed to general mail."""
    return [r.address for r in await recipients_for(account_id, EmailCategory.GENERAL, contact_id=None, personal=False)]


async def _tell_holder(runtime: Runtime, holder: Holder, cancellation: Cancellation, principal: Principal) -> None:
    """The holder's notice of a contact's request, with the way to withdraw it."""
    service = cancellation.service
    await queue_mail(
        runtime,
        account_id=service.account_id,
        template="cancellation_requested",
        category=EmailCategory.GENERAL,
        values={
            "requester": principal.actor,
            "reason": cancellation.reason,
            "link": f"{runtime.settings.public_base_url}/#services",
            **_mail_values(runtime, cancellation),
        },
        service_id=service.id,
        to=[Recipient(holder.email, Language(holder.language))],
        kind=MailKind.CUSTOMER,
    )


def _checked_input(reason: str, acknowledged: bool) -> Outcome[Cancellation]:
    """The request's own fields: a reason that fits, and the acknowledged data deletion."""
    outcome: Outcome[Cancellation] = Outcome()
    if not reason:
        outcome.fail(CancellationError.REQUIRED, ["input", "reason"])
    elif len(reason) > MAX_REASON:
        outcome.fail(CancellationError.TOO_LONG, ["input", "reason"], max=MAX_REASON)
    if not acknowledged:
        outcome.fail(CancellationError.ACKNOWLEDGEMENT_REQUIRED, ["input", "acknowledgeDataDeletion"])
    return outcome


async def request(ctx: Context, service_id: str, reason: str, acknowledged: bool) -> Outcome[Cancellation]:
    """Open a cancellation awaiting its code, if the input is valid and the rules allow it now."""
    service = await _own_service(ctx, service_id)
    if service is None:
        return failed(CancellationError.NOT_FOUND, SERVICE_ID)
    reason = reason.strip()
    checked = _checked_input(reason, acknowledged)
    if not checked.ok:
        return checked
    # A fresh read (not the loader): the request is judged against what is committed now.
    has_open = await Cancellation.exists(service_id=service.id, status__in=OPEN_CANCELLATION)
    verdict = _verdict_now(ctx.runtime, service, has_open=has_open)
    if verdict.refusals:
        return failed(REQUEST_ERRORS[verdict.refusals[0]], SERVICE_ID)
    try:
        cancellation = await _open(ctx, service, reason)
    except IntegrityError:
        return failed(CancellationError.ALREADY_PENDING, SERVICE_ID)
    except MailRefused as refused:
        return failed(CancellationError.RATE_LIMITED, None, seconds=refused.wait)
    outcome = succeeded(cancellation)
    if verdict.debit_will_be_charged:
        outcome.warn(CancellationError.AUTOMATIC_DEBIT_WILL_BE_CHARGED)
    return outcome


async def _open(ctx: Context, service: Service, reason: str) -> Cancellation:
    """Create the request with its code, email the code to whoever asked and tell the holder of a contact's
    request (never the code); MailRefused (rolled back) when that mail is over budget."""
    runtime = ctx.runtime
    principal = ctx.acting
    holder = await Holder.get(account_id=service.account_id) if principal.contact_id is not None else None
    outgoing = [Outgoing(MailKind.SECURITY, await _code_addresses(service.account_id, principal))]
    if holder is not None:
        outgoing.append(Outgoing(MailKind.CUSTOMER, [holder.email]))
    code = runtime.secrets.new_code(CODE_DIGITS)
    now = runtime.clock.now()
    async with runtime.events.transaction():
        cancellation = await Cancellation.create(
            account_id=service.account_id,
            service=service,
            open_service_id=service.id,
            status=CancellationStatus.AWAITING_CONFIRMATION,
            reason=reason,
            requested_at=now,
            requested_by=activity.fit(Cancellation, "requested_by", principal.actor),
            code_hash=runtime.secrets.digest(code),
            code_expires_at=now + CODE_VALIDITY,
            attempts_left=ATTEMPTS,
        )
        # Counted once the request holds the service's one open slot: a duplicate counts no mail.
        if wait := await mail_wait_all(runtime, account_id=service.account_id, outgoing=outgoing):
            raise MailRefused(wait)
        await activity.record(ctx, "cancellation.requested", f"Baja solicitada: {service.name}")
        await queue_mail(
            runtime,
            account_id=service.account_id,
            template="cancellation_code",
            category=EmailCategory.GENERAL,
            values={"code": code, **_mail_values(runtime, cancellation)},
            service_id=service.id,
            contact_id=principal.contact_id,
            personal=True,
        )
        if holder is not None:
            await _tell_holder(runtime, holder, cancellation, principal)
        await webhook_reports.cancellation_changed(runtime, cancellation, service, CANCELLATION_REQUESTED)
        publish_cancellation(cancellation, service)
    return cancellation


async def expire(runtime: Runtime, ctx: Context | None, cancellation: Cancellation) -> Cancellation | None:
    """A code never entered in time: the request lapses."""
    return await transition(
        runtime,
        ctx,
        cancellation,
        Change(
            status=CancellationStatus.EXPIRED,
            expected=(CancellationStatus.AWAITING_CONFIRMATION,),
            action="cancellation.expired",
            summary="Solicitud de baja vencida sin confirmar",
            fields={"expired_at": runtime.clock.now(), "code_hash": None},
            extra_condition=Q(code_expires_at__lte=runtime.clock.now()),
        ),
    )


async def lapse_unconfirmed(runtime: Runtime, service: Service) -> None:
    """The service ended (unrenewed, or terminated by billing): a cancellation still awaiting its code has nothing
    left to cancel, so it lapses (its code stops working). Inside the ending's transaction."""
    now = runtime.clock.now()
    for row in await Cancellation.filter(service_id=service.id, status=CancellationStatus.AWAITING_CONFIRMATION):
        if await Cancellation.filter(id=row.id, status=CancellationStatus.AWAITING_CONFIRMATION).update(
            status=CancellationStatus.EXPIRED, open_service_id=None, code_hash=None, expired_at=now
        ):
            row.status = CancellationStatus.EXPIRED
            await webhook_reports.cancellation_changed(runtime, row, service)
            publish_cancellation(row, service)


async def confirm(ctx: Context, cancellation_id: str, code: str) -> Outcome[Cancellation]:
    """Schedule the cancellation if `code` is its current code, entered in time."""
    runtime = ctx.runtime
    cancellation = await _own_cancellation(ctx, cancellation_id)
    if cancellation is None:
        return failed(CancellationError.NOT_FOUND, CANCELLATION_ID)
    if cancellation.status in (CancellationStatus.SCHEDULED, CancellationStatus.COMPLETED):
        return succeeded(cancellation)  # confirmed already: nothing changes, nothing is sent
    if cancellation.status != CancellationStatus.AWAITING_CONFIRMATION:
        return failed(CancellationError.INVALID_STATE, CANCELLATION_ID)
    if _ending_unrenewed(runtime, cancellation.service):
        return failed(CancellationError.INVALID_STATE, CANCELLATION_ID, key="ENDING_UNRENEWED")
    if cancellation.code_expires_at is None or runtime.clock.now() >= cancellation.code_expires_at:
        await expire(runtime, ctx, cancellation)
        return failed(CancellationError.CODE_EXPIRED, CODE)
    if wrong := await _compare_code(runtime, cancellation, code):
        return wrong
    if wait := await mail_wait(
        runtime,
        account_id=cancellation.account_id,
        kind=MailKind.CUSTOMER,
        addresses=await _notice_addresses(cancellation.account_id),
    ):
        # The right code, but its notice cannot go yet: the attempt is given back.
        await Cancellation.filter(_same_code(cancellation), id=cancellation.id).update(
            attempts_left=F("attempts_left") + 1
        )
        return failed(CancellationError.RATE_LIMITED, None, seconds=wait)
    return await _schedule(ctx, cancellation)


def _ending_unrenewed(runtime: Runtime, service: Service) -> bool:
    """Renewal off and its due date begun (or its ending started): the service ends by itself, once
    (domain/renewal_worker), so a code asked for before the deadline confirms nothing any more."""
    if service.renewal_ending_started_at is not None:
        return True
    deadline = request_deadline(service, runtime.settings.zone)
    return not service.renews and deadline is not None and runtime.clock.now() >= deadline


def _same_code(cancellation: Cancellation) -> Q:
    """Still the code that was read (not replaced by a resend meanwhile)."""
    return Q(code_hash=cancellation.code_hash)


async def _compare_code(runtime: Runtime, cancellation: Cancellation, code: str) -> Outcome[Cancellation] | None:
    """None when `code` is right; else why not. An attempt is spent before comparing."""
    if not await _spend_attempt(cancellation):
        return await _not_compared(cancellation)
    if runtime.secrets.matches(cancellation.code_hash, code.strip()):
        return None
    left = (await Cancellation.get(id=cancellation.id)).attempts_left
    if left <= 0:
        return failed(CancellationError.TOO_MANY_ATTEMPTS, CODE)
    return _wrong_code(left)


def _wrong_code(left: int) -> Outcome[Cancellation]:
    """INVALID_CODE with the attempts left: "1 intento", singular, for the last one."""
    return failed(
        CancellationError.INVALID_CODE, CODE, key="INVALID_CODE_ONE_LEFT" if left == 1 else None, attempts=left
    )


async def _schedule(ctx: Context, cancellation: Cancellation) -> Outcome[Cancellation]:
    """The confirmation itself: the service is pending cancellation, carried out once its delay has passed."""
    runtime = ctx.runtime
    now = runtime.clock.now()
    service = cancellation.service
    confirmed = await transition(
        runtime,
        ctx,
        cancellation,
        Change(
            status=CancellationStatus.SCHEDULED,
            expected=(CancellationStatus.AWAITING_CONFIRMATION,),
            action="cancellation.confirmed",
            summary="Baja confirmada",
            fields={
                "confirmed_at": now,
                "effective_by": now + EFFECTIVE_WITHIN,
                "complete_after": now + timedelta(minutes=runtime.settings.cancellation_completion_delay_minutes),
                "code_hash": None,
            },
            service_fields={"status": ServiceStatus.CANCELLATION_PENDING, "status_before_cancellation": service.status},
            # Still the status read: one billing changed meanwhile (domain/service_status) is never lost.
            service_condition=RUNNING_AND_NOT_ENDING & Q(status=service.status),
            template="cancellation_scheduled",
            extra_condition=_same_code(cancellation),
        ),
    )
    current = confirmed or await Cancellation.get(id=cancellation.id).select_related("service")
    if current.status not in (CancellationStatus.SCHEDULED, CancellationStatus.COMPLETED):
        return failed(CancellationError.INVALID_STATE, CANCELLATION_ID)  # withdrawn or given a new code meanwhile
    return succeeded(current)


async def _spend_attempt(cancellation: Cancellation) -> bool:
    """Take one attempt from the code that was read, before comparing: a concurrent burst of guesses
    gets at most ATTEMPTS comparisons, whatever the number of processes."""
    spent = await Cancellation.filter(
        id=cancellation.id,
        status=CancellationStatus.AWAITING_CONFIRMATION,
        code_hash=cancellation.code_hash,
        attempts_left__gt=0,
    ).update(attempts_left=F("attempts_left") - 1)
    return bool(spent)


async def _not_compared(cancellation: Cancellation) -> Outcome[Cancellation]:
    """Why no attempt was left to spend: attempts used up, the code replaced, or the request closed."""
    current = await Cancellation.get(id=cancellation.id)
    if current.status != CancellationStatus.AWAITING_CONFIRMATION:
        return failed(CancellationError.INVALID_STATE, CANCELLATION_ID)
    if current.attempts_left <= 0:
        return failed(CancellationError.TOO_MANY_ATTEMPTS, CODE)
    return _wrong_code(current.attempts_left)


async def resend_code(ctx: Context, cancellation_id: str) -> Outcome[Cancellation]:
    """A new code for a request awaiting confirmation; the old one stops working."""
    runtime = ctx.runtime
    cancellation = await _own_cancellation(ctx, cancellation_id)
    if cancellation is None:
        return failed(CancellationError.NOT_FOUND, CANCELLATION_ID)
    if cancellation.status != CancellationStatus.AWAITING_CONFIRMATION:
        return failed(CancellationError.INVALID_STATE, CANCELLATION_ID)
    code_to = await _code_addresses(cancellation.account_id, ctx.acting)
    if wait := await runtime.limiter.hit(
        RESENDS_PER_CANCELLATION, "cancellation-code", str(cancellation.id)
    ) or await mail_wait(runtime, account_id=cancellation.account_id, kind=MailKind.SECURITY, addresses=code_to):
        return failed(CancellationError.RATE_LIMITED, None, seconds=wait)
    code = runtime.secrets.new_code(CODE_DIGITS)
    now = runtime.clock.now()
    resent = await transition(
        runtime,
        ctx,
        cancellation,
        Change(
            status=CancellationStatus.AWAITING_CONFIRMATION,
            expected=(CancellationStatus.AWAITING_CONFIRMATION,),
            action="cancellation.code_resent",
            summary="Nuevo código de confirmación de baja",
            fields={
                "code_hash": runtime.secrets.digest(code),
                "code_expires_at": now + CODE_VALIDITY,
                "attempts_left": ATTEMPTS,
            },
            template="cancellation_code",
            values={"code": code},
            personal=True,
        ),
    )
    if resent is None:
        return failed(CancellationError.INVALID_STATE, CANCELLATION_ID)
    return succeeded(resent)


async def withdraw(ctx: Context, cancellation_id: str) -> Outcome[Cancellation]:
    """Undo an open cancellation until its completion starts; a scheduled one gives the service its status back."""
    runtime = ctx.runtime
    cancellation = await _own_cancellation(ctx, cancellation_id)
    if cancellation is None:
        return failed(CancellationError.NOT_FOUND, CANCELLATION_ID)
    service = cancellation.service
    # Withdrawing stops a destructive change, so it is never refused; past the account's mail
    # budget it happens without its notice (the activity history still shows it).
    notice_to = await _notice_addresses(cancellation.account_id)
    mail_refused = await mail_wait(
        runtime, account_id=cancellation.account_id, kind=MailKind.CUSTOMER, addresses=notice_to
    )
    restore = {}
    unchanged = NOT_STARTED
    if cancellation.status == CancellationStatus.SCHEDULED:
        restore = {
            "status": service.status_before_cancellation or ServiceStatus.ACTIVE,
            "status_before_cancellation": None,
        }
        # Still what was read: a status billing set meanwhile (domain/service_status) is never undone.
        unchanged &= Q(
            status=ServiceStatus.CANCELLATION_PENDING, status_before_cancellation=service.status_before_cancellation
        )
    withdrawn = await transition(
        runtime,
        ctx,
        cancellation,
        Change(
            status=CancellationStatus.WITHDRAWN,
            expected=OPEN_CANCELLATION,
            action="cancellation.withdrawn",
            summary="Solicitud de baja retirada",
            fields={"withdrawn_at": runtime.clock.now(), "code_hash": None},
            service_fields=restore,
            service_condition=unchanged,
            template="cancellation_withdrawn" if mail_refused is None else None,
        ),
    )
    if withdrawn is None:
        return failed(CancellationError.INVALID_STATE, CANCELLATION_ID)
    return succeeded(withdrawn)
