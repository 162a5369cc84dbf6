"""Support's reset of the holder's lost second factors (issue 23, "Recovery cannot bypass it").

Neither the PIN nor the mailbox alone is enough, and the real holder gets time to stop it:
1. support checks the security PIN (domain/auth.verify_pin: attempt-limited, recorded, the holder emailed) and
   a confirmation link goes to the holder's primary email (valid CONFIRM_VALIDITY, once);
2. the link's page confirms it (a POST: opening the link changes nothing): the waiting period
   (FACTOR_RESET_WAIT_HOURS) starts, with a notice carrying a one-click cancel link to the holder's primary
   email and every active contact holding SECURITY; a signed-in holder (or such a contact) may cancel too;
3. after the wait, the worker removes the holder's factors (one transaction, a conditional UPDATE: once across
   processes), ends the holder's sessions, emails the holder and records it.
One reset is open per account at a time. Tokens are stored as keyed hashes; every step is in the history.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from core import activity
from core.access import access_changed
from core.authn import end_sessions
from core.context import Context
from core.i18n import Messages
from core.mail import Recipient, queue_mail
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from core.workers import beat
from domain import support
from domain.auth import verify_pin
from domain.factor_rule import factor_count, remove_factors
from models import Account, Contact, FactorReset, Holder, Session
from models.enums import EmailCategory, Language, Permission

CONFIRM_VALIDITY = timedelta(hours=24)
LEASE = timedelta(minutes=5)
CONFIRM_PATH = "/restablecer-verificacion"
CANCEL_PATH = "/anular-restablecimiento"
TOKEN_PATH = ("input", "token")
PIN_PATH = ("input", "pin")
# Who the history names for the steps taken from an emailed link (nobody signed in).
LINK_ACTOR = "Enlace enviado por email"

MESSAGES: Messages = {
    **support.MESSAGES,
    "INVALID_CREDENTIALS": ("El PIN de seguridad no es correcto.", "The security PIN is wrong."),
    "NO_FACTOR": (
        "El titular no tiene verificación en dos pasos: no hay nada que restablecer.",
        "The holder has no two-step verification: there is nothing to reset.",
    ),
    "ALREADY_PENDING": (
        "Ya hay un restablecimiento de la verificación en dos pasos en curso para esta cuenta.",
        "A reset of two-step verification is already under way for this account.",
    ),
    "INVALID_CODE": (
        "El enlace no es válido o ya fue usado.",
        "The link is not valid or was already used.",
    ),
    "CODE_EXPIRED": (
        "El enlace venció: pida a soporte que empiece de nuevo.",
        "The link has expired: ask support to start again.",
    ),
    "NOT_OPEN": (
        "El restablecimiento ya no está en curso (se anuló o ya se hizo).",
        "The reset is no longer under way (it was cancelled or already done).",
    ),
    "NOTHING_OPEN": (
        "No hay un restablecimiento de la verificación en dos pasos en curso.",
        "There is no reset of two-step verification under way.",
    ),
}


@error_codes(MESSAGES)
class FactorResetError(StrEnum):
    """What the reset refuses (public code names; the staff API's FactorResetErrorCode). NOT_FOUND,
    INVALID_STATE and TOO_MANY_ATTEMPTS of the PIN check come from domain/support."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_STATE = "INVALID_STATE"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    ALREADY_PENDING = "ALREADY_PENDING"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"


def open_resets(account_id: int, now: datetime) -> QuerySet[FactorReset]:
    """The account's reset under way: confirmed and waiting, or still awaiting its confirmation in time."""
    in_time = Q(confirmed_at__isnull=False) | Q(confirm_expires_at__gt=now)
    return FactorReset.filter(in_time, account_id=account_id, cancelled_at=None, completed_at=None)


async def open_reset(account_id: int, now: datetime) -> FactorReset | None:
    return await open_resets(account_id, now).order_by("-id").first()


def _when(runtime: Runtime, moment: datetime) -> str:
    return moment.astimezone(runtime.settings.zone).strftime("%d/%m/%Y %H:%M")


async def start(runtime: Runtime, client_number: str, pin: str, actor: str) -> Outcome[str]:
    """Support (`actor`) starts a reset for the caller who gave the right PIN: the confirmation link goes to the
    holder's primary email (the value: that address). Refused when the holder has no factor or a reset is
    already under way; a wrong PIN changes nothing but the PIN check's own record and count."""
    found = await support.find_account(client_number)
    if found.value is None:
        return Outcome[str]().extend(found.failures)
    account = found.value
    if not await factor_count(account.id, None):
        return failed(FactorResetError.INVALID_STATE, support.CLIENT_NUMBER_PATH, key="NO_FACTOR")
    if await open_resets(account.id, runtime.clock.now()).exists():
        return failed(FactorResetError.ALREADY_PENDING, support.CLIENT_NUMBER_PATH)
    checked = await verify_pin(runtime, client_number, pin, actor)
    if checked.value is None:
        return Outcome[str]().extend(checked.failures)
    if not checked.value:
        return failed(FactorResetError.INVALID_CREDENTIALS, PIN_PATH)
    token = runtime.secrets.new_token()
    now = runtime.clock.now()
    async with runtime.events.transaction():
        # One start at a time per account, so two concurrent ones cannot both open a reset.
        await Account.filter(id=account.id).select_for_update().first()
        if await open_resets(account.id, now).exists():
            return failed(FactorResetError.ALREADY_PENDING, support.CLIENT_NUMBER_PATH)
        await FactorReset.create(
            account_id=account.id,
            requested_by=actor[:200],
            requested_at=now,
            confirm_token_hash=runtime.secrets.digest(token),
            confirm_expires_at=now + CONFIRM_VALIDITY,
        )
        summary = "Restablecimiento de la verificación en dos pasos pedido a soporte"
        await activity.record_system(runtime, account.id, "second_factor.reset_requested", summary, actor)
        await queue_mail(
            runtime,
            account_id=account.id,
            template="factor_reset_confirm",
            category=EmailCategory.GENERAL,
            values={
                "link": f"{runtime.settings.public_base_url}{CONFIRM_PATH}?token={token}",
                "hours": int(CONFIRM_VALIDITY.total_seconds() // 3600),
                "wait_hours": runtime.settings.factor_reset_wait_hours,
            },
            personal=True,
        )
    holder = await Holder.get(account_id=account.id).only("id", "email")
    return succeeded(holder.email)


async def _watchers(account_id: int) -> list[Recipient]:
    """Every address told about a reset under way: the holder's primary email and each active contact with
    SECURITY (the people who could stop a reset the holder did not ask for)."""
    holder = await Holder.get(account_id=account_id).only("id", "email", "language")
    found = [Recipient(holder.email, Language(holder.language))]
    for contact in await Contact.filter(account_id=account_id, active=True).order_by("id"):
        if Permission.SECURITY.value in contact.permissions and contact.email != holder.email:
            found.append(Recipient(contact.email, Language(contact.language), contact.id))
    return found


async def confirm(ctx: Context, token: str) -> Outcome[datetime]:
    """The holder confirms from the link: the waiting period starts (the value: when the reset will happen),
    and every watcher gets a notice with the one-click cancel link."""
    runtime = ctx.runtime
    now = runtime.clock.now()
    found = await FactorReset.get_or_none(confirm_token_hash__in=runtime.secrets.digests(token.strip()))
    if found is None or found.confirmed_at is not None or found.cancelled_at is not None:
        return failed(FactorResetError.INVALID_CODE, TOKEN_PATH)
    if found.confirm_expires_at is None or now >= found.confirm_expires_at:
        return failed(FactorResetError.CODE_EXPIRED, TOKEN_PATH)
    cancel_token = runtime.secrets.new_token()
    effective_at = now + timedelta(hours=runtime.settings.factor_reset_wait_hours)
    async with runtime.events.transaction():
        confirmed = await FactorReset.filter(
            id=found.id, confirmed_at=None, cancelled_at=None, confirm_expires_at__gt=now
        ).update(
            confirmed_at=now,
            confirm_token_hash=None,
            cancel_token_hash=runtime.secrets.digest(cancel_token),
            effective_at=effective_at,
        )
        if not confirmed:
            return failed(FactorResetError.INVALID_CODE, TOKEN_PATH)
        summary = (
            f"Restablecimiento de la verificación en dos pasos confirmado: se hará el {_when(runtime, effective_at)}"
        )
        await activity.record(
            ctx, "second_factor.reset_confirmed", summary, account_id=found.account_id, actor=LINK_ACTOR
        )
        await queue_mail(
            runtime,
            account_id=found.account_id,
            template="factor_reset_pending",
            category=EmailCategory.GENERAL,
            values={
                "at": _when(runtime, effective_at),
                "link": f"{runtime.settings.public_base_url}{CANCEL_PATH}?token={cancel_token}",
            },
            to=await _watchers(found.account_id),
        )
    return succeeded(effective_at)


async def _cancel(ctx: Context, reset: FactorReset, actor: str | None) -> Outcome[None]:
    runtime = ctx.runtime
    async with runtime.events.transaction():
        still_open = FactorReset.filter(id=reset.id, cancelled_at=None, completed_at=None)
        if not await still_open.update(cancelled_at=runtime.clock.now(), cancel_token_hash=None):
            return failed(FactorResetError.INVALID_STATE, key="NOT_OPEN")
        summary = "Restablecimiento de la verificación en dos pasos anulado"
        await activity.record(ctx, "second_factor.reset_cancelled", summary, account_id=reset.account_id, actor=actor)
        await queue_mail(
            runtime,
            account_id=reset.account_id,
            template="factor_reset_cancelled",
            category=EmailCategory.GENERAL,
            to=await _watchers(reset.account_id),
        )
    return succeeded(None)


async def cancel_by_link(ctx: Context, token: str) -> Outcome[None]:
    """The notice's one-click cancel (nobody signed in): the reset stops for good."""
    found = await FactorReset.get_or_none(cancel_token_hash__in=ctx.runtime.secrets.digests(token.strip()))
    if found is None:
        return failed(FactorResetError.INVALID_CODE, TOKEN_PATH)
    outcome = await _cancel(ctx, found, LINK_ACTOR)
    if not outcome.ok:
        return failed(FactorResetError.INVALID_STATE, TOKEN_PATH, key="NOT_OPEN")
    return outcome


async def cancel_signed_in(ctx: Context) -> Outcome[None]:
    """The signed-in holder (or a contact with SECURITY: schema) stops the account's reset under way."""
    found = await open_reset(ctx.acting.account_id, ctx.runtime.clock.now())
    if found is None:
        return failed(FactorResetError.INVALID_STATE, key="NOTHING_OPEN")
    return await _cancel(ctx, found, None)


async def claim_due(runtime: Runtime) -> list[int]:
    """Confirmed resets past their wait, not cancelled nor done, whose lease is free: now leased to this pass."""
    now = runtime.clock.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = Q(free, cancelled_at=None, completed_at=None, effective_at__lte=now)
    waiting = [row["id"] for row in await FactorReset.filter(due).order_by("id").values("id")]
    # Conditional on the lease still being free: of several passes, exactly one takes each reset.
    return [pk for pk in waiting if await FactorReset.filter(due, id=pk).update(lease_until=now + LEASE)]


async def complete(runtime: Runtime, reset_id: int) -> bool:
    """Remove the holder's factors, end the holder's sessions, email and record it: once (the conditional UPDATE
    of `completed_at` in the same transaction), and never after a cancellation."""
    async with runtime.events.transaction():
        due = FactorReset.filter(id=reset_id, cancelled_at=None, completed_at=None)
        if not await due.update(completed_at=runtime.clock.now(), lease_until=None):
            return False
        reset = await FactorReset.get(id=reset_id)
        await remove_factors(runtime, reset.account_id, None)
        await end_sessions(runtime, Session.filter(account_id=reset.account_id, contact_id=None))
        access_changed(reset.account_id, holder=True, force=True)
        summary = "Verificación en dos pasos del titular restablecida por soporte"
        await activity.record_system(runtime, reset.account_id, "second_factor.reset_completed", summary)
        await queue_mail(
            runtime,
            account_id=reset.account_id,
            template="second_factor_reset",
            category=EmailCategory.GENERAL,
            values={"by": "support"},
            personal=True,
        )
    return True


async def complete_due(runtime: Runtime) -> int:
    """One pass: complete every reset whose wait is over; how many this pass completed."""
    return sum([await complete(runtime, reset_id) for reset_id in await claim_due(runtime)])


async def reset_factors_forever(runtime: Runtime) -> None:
    """The worker: a pass every WORKER_POLL_SECONDS (the clock decides what is due)."""
    while True:
        await complete_due(runtime)
        beat(runtime)
        await asyncio.sleep(runtime.settings.worker_poll_seconds)
