"""Cancelling a service (seed 003): preview the rules, request, confirm with the emailed code,
withdraw, expire, and complete within 24 hours of confirmation.

Every state change goes through `_transition`: one transaction holding the change, its
activity event, its email and its live event, so they are committed together or not at all.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from core import activity
from core.context import Context, Principal
from core.ids import pk_of
from core.mail import Recipient, queue_mail, recipients_for
from core.mail_limits import MailKind, Outgoing, mail_wait, mail_wait_all
from core.outcome import Failures
from core.runtime import Runtime
from domain.live_cancellations import publish_cancellation
from models import Cancellation, Holder, Service
from models.enums import (
    CancellationStatus,
    EmailCategory,
    Language,
    PaymentMethod,
    Permission,
    ServiceKind,
    ServiceStatus,
)

log = logging.getLogger("clientpanel.cancellation")
CODE_VALIDITY = timedelta(hours=24)
EFFECTIVE_WITHIN = timedelta(hours=24)
ATTEMPTS = 5
CODE_DIGITS = 6
MAX_REASON: int = Cancellation._meta.fields_map["reason"].max_length  # type: ignore[attr-defined]
RESENDS_PER_CANCELLATION = "3/hour"
# A completion that started this long ago without finishing (a crashed worker) is taken over.
COMPLETION_LEASE = timedelta(minutes=10)
OPEN = (CancellationStatus.AWAITING_CONFIRMATION, CancellationStatus.SCHEDULED)

MESSAGES: dict[str, tuple[str, str]] = {
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
    "DEADLINE_PASSED": (
        "La baja debía solicitarse antes de la fecha de vencimiento del servicio.",
        "The cancellation had to be requested before the service's due date.",
    ),
    "INVALID_CODE": (
        "El código de confirmación no es correcto. Le quedan {attempts} intentos.",
        "The confirmation code is not correct. {attempts} attempts left.",
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
    "NOT_FOUND": ("No existe o no le pertenece.", "It does not exist or does not belong to you."),
    "AUTOMATIC_DEBIT_WILL_BE_CHARGED": (
        "La solicitud se hizo después del día 1° del mes en que vence el servicio: el débito automático "
        "correspondiente será procesado y el importe debitado no será reintegrado.",
        "The request came after the 1st of the month in which the service falls due: the automatic debit will "
        "be processed and the amount debited will not be refunded.",
    ),
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
    blockers: list[str]
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


@dataclass
class Outcome(Failures):
    cancellation: Cancellation | None = None
    debit_will_be_charged: bool = False


def request_deadline(runtime: Runtime, service: Service) -> datetime | None:
    """The last moment a request is accepted: the start of the due date in the provider's time zone."""
    if service.next_due_date is None:
        return None
    return datetime.combine(service.next_due_date, time.min, tzinfo=runtime.settings.zone).astimezone(UTC)


def automatic_debit_cutoff(service: Service) -> date | None:
    """Automatic debit: the 1st of the month in which the service falls due (seed 003)."""
    if service.payment_method != PaymentMethod.AUTOMATIC_DEBIT or service.next_due_date is None:
        return None
    return service.next_due_date.replace(day=1)


def debit_will_be_charged(runtime: Runtime, service: Service) -> bool:
    cutoff = automatic_debit_cutoff(service)
    return cutoff is not None and runtime.clock.now().astimezone(runtime.settings.zone).date() >= cutoff


async def open_cancellation(service_id: int) -> Cancellation | None:
    return await Cancellation.filter(service_id=service_id, status__in=OPEN).first()


async def _has_open_cancellation(ctx: Context, service_id: int) -> bool:
    """Through the request's loader that Service.cancellation shares: one query for every service listed."""
    latest = await ctx.loaders.latest_cancellation.load(service_id)
    return latest is not None and latest.status in OPEN


async def preview(ctx: Context, service: Service) -> Preview:
    """What cancelling now would mean; no side effects."""
    principal = ctx.require(Permission.SERVICES)
    runtime = ctx.runtime
    deadline = request_deadline(runtime, service)
    blockers = []
    if service.status == ServiceStatus.CANCELLED:
        blockers.append("ALREADY_CANCELLED")
    elif await _has_open_cancellation(ctx, service.id):
        blockers.append("ALREADY_PENDING")
    if deadline is not None and runtime.clock.now() >= deadline and service.status != ServiceStatus.CANCELLED:
        blockers.append("PAST_DUE_DATE")
    if Permission.MANAGE_SERVICES not in principal.permissions:
        blockers.append("NOT_ALLOWED")
    spanish, english = DATA_DELETED[ServiceKind(service.kind)]
    return Preview(
        can_request=not blockers,
        blockers=blockers,
        request_deadline=deadline,
        automatic_debit_cutoff=automatic_debit_cutoff(service),
        next_debit_will_be_charged=debit_will_be_charged(runtime, service),
        data_deleted=english if ctx.language == Language.EN else spanish,
    )


async def _own_service(ctx: Context, service_id: str) -> Service | None:
    principal = ctx.require(Permission.MANAGE_SERVICES)
    pk = pk_of(service_id, "Service")
    return await Service.get_or_none(id=pk, account_id=principal.account_id) if pk else None


async def _own_cancellation(ctx: Context, cancellation_id: str) -> Cancellation | None:
    principal = ctx.require(Permission.MANAGE_SERVICES)
    pk = pk_of(cancellation_id, "Cancellation")
    if pk is None:
        return None
    return await Cancellation.get_or_none(id=pk, account_id=principal.account_id).select_related("service")


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


async def _transition(
    runtime: Runtime, ctx: Context | None, cancellation: Cancellation, change: Change
) -> Cancellation | None:
    """Apply `change` if the cancellation is still in one of `change.expected` (None if it was not)."""
    service = cancellation.service
    condition = Q(id=cancellation.id, status__in=list(change.expected))
    if change.extra_condition is not None:
        condition &= change.extra_condition
    open_marker = {"open_service_id": None} if change.status not in OPEN else {}
    async with runtime.events.transaction():
        updated = await Cancellation.filter(condition).update(status=change.status, **open_marker, **change.fields)
        if not updated:
            return None
        if change.service_fields:
            await Service.filter(id=service.id).update(**change.service_fields)
        summary = f"{change.summary}: {service.name}"
        if ctx is not None:
            await activity.record(ctx, change.action, summary)
        else:
            await activity.record_system(runtime, service.account_id, change.action, summary)
        fresh = await Cancellation.get(id=cancellation.id).select_related("service")
        if change.template:
            await queue_mail(
                runtime,
                account_id=service.account_id,
                template=change.template,
                category=EmailCategory.GENERAL,
                values={
                    **_mail_values(runtime, fresh),
                    **change.values,
                },
                service_id=service.id,
                contact_id=ctx.principal.contact_id if ctx and ctx.principal else None,
                personal=change.personal,
            )
        publish_cancellation(fresh, fresh.service)
    return fresh


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


async def request(ctx: Context, service_id: str, reason: str, acknowledged: bool) -> Outcome:
    runtime = ctx.runtime
    service = await _own_service(ctx, service_id)
    outcome = Outcome()
    if service is None:
        return outcome.fail("NOT_FOUND", ["input", "serviceId"])
    reason = reason.strip()
    if not reason:
        outcome.fail("REQUIRED", ["input", "reason"])
    elif len(reason) > MAX_REASON:
        outcome.fail("TOO_LONG", ["input", "reason"], max=MAX_REASON)
    if not acknowledged:
        outcome.fail("ACKNOWLEDGEMENT_REQUIRED", ["input", "acknowledgeDataDeletion"])
    if outcome.errors:
        return outcome
    deadline = request_deadline(runtime, service)
    if service.status == ServiceStatus.CANCELLED:
        return outcome.fail("INVALID_STATE", ["input", "serviceId"])
    if await open_cancellation(service.id) is not None:
        return outcome.fail("ALREADY_PENDING", ["input", "serviceId"])
    if deadline is not None and runtime.clock.now() >= deadline:
        return outcome.fail("DEADLINE_PASSED", ["input", "serviceId"])
    principal = ctx.principal
    assert principal is not None
    # A contact's request is told at once to the holder, who can withdraw it (never the code).
    holder = await Holder.get(account_id=service.account_id) if principal.contact_id is not None else None
    outgoing = [Outgoing(MailKind.SECURITY, await _code_addresses(service.account_id, principal))]
    if holder is not None:
        outgoing.append(Outgoing(MailKind.CUSTOMER, [holder.email]))
    code = runtime.secrets.new_code(CODE_DIGITS)
    now = runtime.clock.now()
    try:
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
                values={
                    "code": code,
                    **_mail_values(runtime, cancellation),
                },
                service_id=service.id,
                contact_id=principal.contact_id,
                personal=True,
            )
            if holder is not None:
                await _tell_holder(runtime, holder, cancellation, principal)
            publish_cancellation(cancellation, service)
    except IntegrityError:
        return outcome.fail("ALREADY_PENDING", ["input", "serviceId"])
    except MailRefused as refused:
        return outcome.fail("RATE_LIMITED", None, seconds=refused.wait)
    outcome.cancellation = cancellation
    outcome.debit_will_be_charged = debit_will_be_charged(runtime, service)
    return outcome


async def expire(runtime: Runtime, ctx: Context | None, cancellation: Cancellation) -> Cancellation | None:
    """A code never entered in time: the request lapses."""
    return await _transition(
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


async def confirm(ctx: Context, cancellation_id: str, code: str) -> Outcome:
    runtime = ctx.runtime
    cancellation = await _own_cancellation(ctx, cancellation_id)
    outcome = Outcome()
    if cancellation is None:
        return outcome.fail("NOT_FOUND", ["input", "cancellationId"])
    if cancellation.status in (CancellationStatus.SCHEDULED, CancellationStatus.COMPLETED):
        outcome.cancellation = cancellation  # confirmed already: nothing changes, nothing is sent
        return outcome
    if cancellation.status != CancellationStatus.AWAITING_CONFIRMATION:
        return outcome.fail("INVALID_STATE", ["input", "cancellationId"])
    now = runtime.clock.now()
    if cancellation.code_expires_at is None or now >= cancellation.code_expires_at:
        await expire(runtime, ctx, cancellation)
        return outcome.fail("CODE_EXPIRED", ["input", "code"])
    if not await _spend_attempt(cancellation):
        return await _not_compared(cancellation, outcome)
    if not runtime.secrets.matches(cancellation.code_hash, code.strip()):
        left = (await Cancellation.get(id=cancellation.id)).attempts_left
        if left <= 0:
            return outcome.fail("TOO_MANY_ATTEMPTS", ["input", "code"])
        return outcome.fail("INVALID_CODE", ["input", "code"], attempts=left)
    same_code = Q(code_hash=cancellation.code_hash)
    if wait := await mail_wait(
        runtime,
        account_id=cancellation.account_id,
        kind=MailKind.CUSTOMER,
        addresses=await _notice_addresses(cancellation.account_id),
    ):
        # The right code, but its notice cannot go yet: the attempt is given back.
        await Cancellation.filter(same_code, id=cancellation.id).update(attempts_left=F("attempts_left") + 1)
        return outcome.fail("RATE_LIMITED", None, seconds=wait)
    service = cancellation.service
    confirmed = await _transition(
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
            template="cancellation_scheduled",
            extra_condition=same_code,
        ),
    )
    outcome.cancellation = confirmed or await Cancellation.get(id=cancellation.id).select_related("service")
    if outcome.cancellation.status not in (CancellationStatus.SCHEDULED, CancellationStatus.COMPLETED):
        return outcome.fail("INVALID_STATE", ["input", "cancellationId"])  # withdrawn or given a new code meanwhile
    return outcome


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


async def _not_compared(cancellation: Cancellation, outcome: Outcome) -> Outcome:
    """Why no attempt was left to spend: attempts used up, the code replaced, or the request closed."""
    current = await Cancellation.get(id=cancellation.id)
    if current.status != CancellationStatus.AWAITING_CONFIRMATION:
        return outcome.fail("INVALID_STATE", ["input", "cancellationId"])
    if current.attempts_left <= 0:
        return outcome.fail("TOO_MANY_ATTEMPTS", ["input", "code"])
    return outcome.fail("INVALID_CODE", ["input", "code"], attempts=current.attempts_left)


async def resend_code(ctx: Context, cancellation_id: str) -> Outcome:
    runtime = ctx.runtime
    cancellation = await _own_cancellation(ctx, cancellation_id)
    outcome = Outcome()
    if cancellation is None:
        return outcome.fail("NOT_FOUND", ["input", "cancellationId"])
    if cancellation.status != CancellationStatus.AWAITING_CONFIRMATION:
        return outcome.fail("INVALID_STATE", ["input", "cancellationId"])
    principal = ctx.require(Permission.MANAGE_SERVICES)
    code_to = await _code_addresses(cancellation.account_id, principal)
    if wait := await runtime.limiter.hit(
        RESENDS_PER_CANCELLATION, "cancellation-code", str(cancellation.id)
    ) or await mail_wait(runtime, account_id=cancellation.account_id, kind=MailKind.SECURITY, addresses=code_to):
        return outcome.fail("RATE_LIMITED", None, seconds=wait)
    code = runtime.secrets.new_code(CODE_DIGITS)
    now = runtime.clock.now()
    resent = await _transition(
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
        return outcome.fail("INVALID_STATE", ["input", "cancellationId"])
    outcome.cancellation = resent
    return outcome


async def withdraw(ctx: Context, cancellation_id: str) -> Outcome:
    runtime = ctx.runtime
    cancellation = await _own_cancellation(ctx, cancellation_id)
    outcome = Outcome()
    if cancellation is None:
        return outcome.fail("NOT_FOUND", ["input", "cancellationId"])
    service = cancellation.service
    # Withdrawing stops a destructive change, so it is never refused; past the account's mail
    # budget it happens without its notice (the activity history still shows it).
    notice_to = await _notice_addresses(cancellation.account_id)
    mail_refused = await mail_wait(
        runtime, account_id=cancellation.account_id, kind=MailKind.CUSTOMER, addresses=notice_to
    )
    restore = {}
    if cancellation.status == CancellationStatus.SCHEDULED:
        restore = {
            "status": service.status_before_cancellation or ServiceStatus.ACTIVE,
            "status_before_cancellation": None,
        }
    withdrawn = await _transition(
        runtime,
        ctx,
        cancellation,
        Change(
            status=CancellationStatus.WITHDRAWN,
            expected=OPEN,
            action="cancellation.withdrawn",
            summary="Solicitud de baja retirada",
            fields={"withdrawn_at": runtime.clock.now(), "code_hash": None},
            service_fields=restore,
            template="cancellation_withdrawn" if mail_refused is None else None,
            extra_condition=Q(completion_started_at__isnull=True),
        ),
    )
    if withdrawn is None:
        return outcome.fail("INVALID_STATE", ["input", "cancellationId"])
    outcome.cancellation = withdrawn
    return outcome


Hook = Callable[[Runtime, Service], Awaitable[list[str]]]


@cache
def deprovision_hook(name: str) -> Hook:
    """The callable named by DEPROVISION_HOOK ("module:function"), resolved once."""
    module, _, function = name.partition(":")
    return getattr(importlib.import_module(module), function)


async def complete_due(runtime: Runtime) -> int:
    """One pass of the completion worker: expire lapsed codes, carry out due cancellations."""
    now = runtime.clock.now()
    lapsing = Cancellation.filter(status=CancellationStatus.AWAITING_CONFIRMATION, code_expires_at__lte=now)
    for lapsed in await lapsing.select_related("service"):
        await expire(runtime, None, lapsed)
    completed = 0
    due = await Cancellation.filter(status=CancellationStatus.SCHEDULED, complete_after__lte=now).values_list(
        "id", flat=True
    )
    for cancellation_id in due:
        completed += await complete(runtime, cancellation_id)
    return completed


async def complete(runtime: Runtime, cancellation_id: int) -> bool:
    """Claim, deprovision, then mark done. A crash after the claim is retried once the lease lapses;
    the hook must be idempotent (deleting what is already deleted is a no-op)."""
    now = runtime.clock.now()
    free = Q(completion_started_at__isnull=True) | Q(completion_started_at__lt=now - COMPLETION_LEASE)
    claimed = await Cancellation.filter(free, id=cancellation_id, status=CancellationStatus.SCHEDULED).update(
        completion_started_at=now
    )
    if not claimed:
        return False
    cancellation = await Cancellation.get(id=cancellation_id).select_related("service")
    deleted = await deprovision_hook(runtime.settings.deprovision_hook)(runtime, cancellation.service)
    done = await _transition(
        runtime,
        None,
        cancellation,
        Change(
            status=CancellationStatus.COMPLETED,
            expected=(CancellationStatus.SCHEDULED,),
            action="cancellation.completed",
            summary="Baja completada (" + "; ".join(deleted) + ")" if deleted else "Baja completada",
            fields={"completed_at": now},
            service_fields={"status": ServiceStatus.CANCELLED, "cancelled_at": now},
            template="cancellation_completed",
        ),
    )
    return done is not None


async def complete_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS (the clock decides what is due)."""
    while True:
        await complete_due(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
