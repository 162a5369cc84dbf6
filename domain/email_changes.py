"""Changing the address that receives a person's secrets (seed 000: notices, codes and access data).

The holder's primary email and a person's own email change only after step-up, and only when
the link sent to the new address is followed: until then the old address keeps receiving
everything, recovery included, and it is told at once. A newer request voids older ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from core import activity
from core.context import Context, Principal
from core.mail import Recipient, queue_mail
from core.mail_limits import MailKind, mail_wait
from core.outcome import Failures
from core.sockets import access_changed
from core.stepup import STEP_UP_REQUIRED, lacks_step_up
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


@dataclass
class ChangeResult(Failures):
    pending_email: str | None = None


async def _current_address(principal: Principal) -> tuple[str, Language]:
    if principal.contact_id is not None:
        contact = await Contact.get(id=principal.contact_id).only("email", "language")
        return contact.email, Language(contact.language)
    holder = await Holder.get(account_id=principal.account_id).only("email", "language")
    return holder.email, Language(holder.language)


async def request_change(ctx: Context, principal: Principal, new_email: str, path: list[str]) -> ChangeResult:
    """Email a confirmation link to `new_email` for the signed-in person's own address (the holder's is
    the primary email), tell the old address; nothing changes until the link is followed."""
    result = ChangeResult()
    if lacks_step_up(ctx, principal):
        return result.fail(STEP_UP_REQUIRED, path)
    runtime = ctx.runtime
    old_email, language = await _current_address(principal)
    if new_email == old_email:  # asking for the current address withdraws a pending change
        async with runtime.events.transaction():
            await void_pending(principal.account_id, principal.contact_id, runtime.clock.now())
        return result
    if wait := await runtime.limiter.hit(
        REQUESTS_PER_PERSON, "email-change", f"{principal.account_id}:{principal.contact_id}"
    ):
        return result.fail("RATE_LIMITED", path, seconds=wait)
    if wait := await mail_wait(
        runtime, account_id=principal.account_id, kind=MailKind.SECURITY, addresses=[new_email, old_email]
    ):
        return result.fail("RATE_LIMITED", path, seconds=wait)
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
        values = {"old_email": old_email, "new_email": new_email}
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
    result.pending_email = new_email
    return result


async def void_pending(account_id: int, contact_id: int | None, now: datetime) -> None:
    """The person's pending change dies: asked again, cancelled, or its requester's access is in doubt
    (password changed, access recovered, a session revoked, the contact deactivated)."""
    await EmailChange.filter(account_id=account_id, contact_id=contact_id, confirmed_at=None, voided_at=None).update(
        voided_at=now
    )


async def cancel(ctx: Context, principal: Principal) -> None:
    """The person withdraws their own pending change (e.g. told of one they did not ask for)."""
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


async def confirm(ctx: Context, token: str) -> ChangeResult:
    """Follow the link: the new address replaces the old one, which is told."""
    runtime = ctx.runtime
    result = ChangeResult()
    if wait := await runtime.limiter.hit(CONFIRMS_PER_IP, "email-change-confirm", ctx.ip_address or "?"):
        return result.fail("RATE_LIMITED", None, seconds=wait)
    change = await EmailChange.get_or_none(token_hash=runtime.secrets.digest(token.strip()))
    if change is None or change.confirmed_at is not None or change.voided_at is not None:
        return result.fail("INVALID_CODE", ["input", "token"])
    now = runtime.clock.now()
    if now >= change.expires_at:
        return result.fail("CODE_EXPIRED", ["input", "token"])
    try:
        async with runtime.events.transaction():
            claimed = await EmailChange.filter(id=change.id, confirmed_at=None, voided_at=None).update(confirmed_at=now)
            if not claimed:
                return result.fail("INVALID_CODE", ["input", "token"])
            old_email, language = await _apply(change, now)
            await activity.record(
                ctx,
                "email.changed",
                f"Email cambiado: {old_email} → {change.new_email}",
                account_id=change.account_id,
                actor=change.new_email,
            )
            await queue_mail(
                runtime,
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
    except IntegrityError:
        return result.fail("DUPLICATE", ["input", "token"])
    result.pending_email = None
    return result


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
