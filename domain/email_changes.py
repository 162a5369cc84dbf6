"""Changing the address that receives a person's secrets (seed 000: notices, codes and access data).

The holder's primary email and a person's own email change only after step-up, and only when
the link sent to the new address is followed: until then the old address keeps receiving
everything, recovery included, and it is told at once. A newer request voids older ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import activity
from core.access import access_changed
from core.context import Context, Principal
from core.mail import Recipient, queue_mail
from core.mail_limits import MailKind, mail_wait
from core.outcome import Outcome, error_codes, failed, succeeded
from core.stepup import lacks_step_up
from core.validation import checked, email
from domain import webhook_reports
from models import Contact, EmailChange, Holder
from models.enums import EmailCategory, Language
from models.recovery import void_links

LINK_VALIDITY = timedelta(hours=24)
CONFIRMS_PER_IP = "20/hour"
REQUESTS_PER_PERSON = "5/day"
FRONTEND_PATH = "/confirmar-email"

MESSAGES: dict[str, tuple[str, str]] = {
    "PERMISSION_NOT_HELD": (
        "Solo el titular puede cambiar el email principal de la cuenta.",
        "Only the account holder can change the account's primary email.",
    ),
    "RATE_LIMITED": (
        "Se enviaron demasiados emails. Vuelva a intentarlo en {seconds} segundos.",
        "Too many emails were sent. Try again in {seconds} seconds.",
    ),
    "INVALID_CODE": ("El enlace no es válido o ya fue usado.", "The link is not valid or was already used."),
    "CODE_EXPIRED": ("El enlace venció. Vuelva a pedir el cambio.", "The link has expired. Ask for the change again."),
    "DUPLICATE": ("Ya hay un contacto con ese email.", "A contact with that email already exists."),
}


@error_codes(MESSAGES)
class EmailChangeError(StrEnum):
    PERMISSION_NOT_HELD = "PERMISSION_NOT_HELD"  # the primary email is the holder's alone
    STEP_UP_REQUIRED = "STEP_UP_REQUIRED"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_CODE = "INVALID_CODE"
    CODE_EXPIRED = "CODE_EXPIRED"
    DUPLICATE = "DUPLICATE"


async def _current_address(principal: Principal) -> tuple[str, Language]:
    if principal.contact_id is not None:
        contact = await Contact.get(id=principal.contact_id).only("email", "language")
        return contact.email, Language(contact.language)
    holder = await Holder.get(account_id=principal.account_id).only("email", "language")
    return holder.email, Language(holder.language)


async def request(ctx: Context, typed_email: str) -> Outcome[str]:
    """The signed-in person asks to move their own address to `typed_email` (checked first)."""
    path = ["input", "email"]
    outcome: Outcome[str] = Outcome()
    new_email = checked(outcome, path, email, typed_email)
    if new_email is None:
        return outcome
    return await request_change(ctx, new_email, path)


async def request_change(ctx: Context, new_email: str, path: Sequence[str]) -> Outcome[str]:
    """Email a confirmation link to `new_email` for the signed-in person's own address (the holder's is
    the primary email), tell the old address; nothing changes until the link is followed. The value is
    the pending address (None when `new_email` is the current one: a pending change is withdrawn)."""
    principal = ctx.acting
    if lacks_step_up(ctx, principal):
        return failed(EmailChangeError.STEP_UP_REQUIRED, path)
    runtime = ctx.runtime
    old_email, language = await _current_address(principal)
    if new_email == old_email:  # asking for the current address withdraws a pending change
        async with runtime.events.transaction():
            await void_pending(principal.account_id, principal.contact_id, runtime.clock.now())
        return Outcome()
    if wait := await _request_wait(ctx, principal, [new_email, old_email]):
        return failed(EmailChangeError.RATE_LIMITED, path, seconds=wait)
    await _send_link(ctx, principal, old_email, new_email, language)
    return succeeded(new_email)


async def _request_wait(ctx: Context, principal: Principal, addresses: list[str]) -> int | None:
    """Seconds to wait before the person may ask again, or before mail to these addresses may go."""
    runtime = ctx.runtime
    if wait := await runtime.limiter.hit(
        REQUESTS_PER_PERSON, "email-change", f"{principal.account_id}:{principal.contact_id}"
    ):
        return wait
    return await mail_wait(runtime, account_id=principal.account_id, kind=MailKind.SECURITY, addresses=addresses)


async def _send_link(ctx: Context, principal: Principal, old_email: str, new_email: str, language: Language) -> None:
    """A new pending change (older ones die), its link to the new address and a notice to the old one."""
    runtime = ctx.runtime
    token = runtime.secrets.new_token()
    now = runtime.clock.now()
    async with runtime.events.transaction():
        await void_pending(principal.account_id, principal.contact_id, now)
        await EmailChange.create(
            account_id=principal.account_id,
            contact_id=principal.contact_id,
            new_email=new_email,
            token_hash=runtime.secrets.digest(token),
            created_at=now,
            expires_at=now + LINK_VALIDITY,
        )
        await activity.record(ctx, "email.change_requested", f"Cambio de email pedido: {old_email} → {new_email}")
        values: dict[str, object] = {"old_email": old_email, "new_email": new_email}
        await queue_mail(
            runtime,
            account_id=principal.account_id,
            template="email_change_link",
            category=EmailCategory.GENERAL,
            values={**values, "link": f"{runtime.settings.public_base_url}{FRONTEND_PATH}?token={token}"},
            to=[Recipient(new_email, language, principal.contact_id)],
        )
        await queue_mail(
            runtime,
            account_id=principal.account_id,
            template="email_change_requested",
            category=EmailCategory.GENERAL,
            values=values,
            to=[Recipient(old_email, language, principal.contact_id)],
        )


async def void_pending(account_id: int, contact_id: int | None, now: datetime) -> None:
    """The person's pending change dies: asked again, cancelled, or its requester's access is in doubt
    (password changed, access recovered, a session revoked, the contact deactivated)."""
    await EmailChange.filter(account_id=account_id, contact_id=contact_id, confirmed_at=None, voided_at=None).update(
        voided_at=now
    )


async def cancel(ctx: Context) -> None:
    """The person withdraws their own pending change (e.g. told of one they did not ask for)."""
    principal = ctx.acting
    async with ctx.runtime.events.transaction():
        await void_pending(principal.account_id, principal.contact_id, ctx.runtime.clock.now())
        await activity.record(ctx, "email.change_cancelled", "Cambio de email pendiente anulado")


async def void_pending_for_contact(contact: Contact, now: datetime) -> None:
    """A contact's address was replaced by someone else: its own pending change and recovery links die."""
    await void_pending(contact.account_id, contact.id, now)
    await void_links(contact.account_id, contact.id, now)


async def pending_email(account_id: int, contact_id: int | None, ctx: Context) -> str | None:
    """The address waiting for confirmation, if a live request exists."""
    change = (
        await EmailChange.filter(
            account_id=account_id,
            contact_id=contact_id,
            confirmed_at=None,
            voided_at=None,
            expires_at__gt=ctx.runtime.clock.now(),
        )
        .order_by("-id")
        .first()
    )
    return change.new_email if change else None


async def confirm(ctx: Context, token: str) -> Outcome[EmailChange]:
    """Follow the link: the new address replaces the old one, which is told. The value is the change."""
    runtime = ctx.runtime
    path = ["input", "token"]
    if wait := await runtime.limiter.hit(CONFIRMS_PER_IP, "email-change-confirm", ctx.ip_address or "?"):
        return failed(EmailChangeError.RATE_LIMITED, None, seconds=wait)
    change = await EmailChange.get_or_none(token_hash__in=runtime.secrets.digests(token.strip()))
    if change is None or change.confirmed_at is not None or change.voided_at is not None:
        return failed(EmailChangeError.INVALID_CODE, path)
    now = runtime.clock.now()
    if now >= change.expires_at:
        return failed(EmailChangeError.CODE_EXPIRED, path)
    try:
        async with runtime.events.transaction():
            claimed = await EmailChange.filter(id=change.id, confirmed_at=None, voided_at=None).update(confirmed_at=now)
            if not claimed:
                return failed(EmailChangeError.INVALID_CODE, path)
            await _carry_out(ctx, change, now)
    except IntegrityError:
        return failed(EmailChangeError.DUPLICATE, path)
    return succeeded(change)


async def _carry_out(ctx: Context, change: EmailChange, now: datetime) -> None:
    """Store the new address, record it, tell both addresses, re-check the person's sockets."""
    old_email, language = await _apply(change, now)
    await activity.record(
        ctx,
        "email.changed",
        f"Email cambiado: {old_email} → {change.new_email}",
        account_id=change.account_id,
        actor=change.new_email,
    )
    if change.contact_id is None:
        await webhook_reports.holder_updated(ctx.runtime, change.account_id, ["email"])
    else:
        await webhook_reports.contact_updated(ctx.runtime, change.contact_id, ["email"])
    await queue_mail(
        ctx.runtime,
        account_id=change.account_id,
        template="email_changed",
        category=EmailCategory.GENERAL,
        values={"old_email": old_email, "new_email": change.new_email},
        to=[
            Recipient(old_email, language, change.contact_id),
            Recipient(change.new_email, language, change.contact_id),
        ],
    )
    access_changed(change.account_id, contact_id=change.contact_id, holder=change.contact_id is None)


async def _apply(change: EmailChange, now: datetime) -> tuple[str, Language]:
    """Store the new address; the old one's pending recovery links stop working."""
    if change.contact_id is None:
        holder = await Holder.get(account_id=change.account_id)
        await Holder.filter(id=holder.id).update(email=change.new_email, updated_at=now, version=F("version") + 1)
        await void_links(change.account_id, None, now)
        return holder.email, Language(holder.language)
    contact = await Contact.get(id=change.contact_id)
    await Contact.filter(id=contact.id).update(email=change.new_email, version=F("version") + 1)
    await void_links(contact.account_id, contact.id, now)
    return contact.email, Language(contact.language)
