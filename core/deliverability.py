"""Whether mail reaches an address, as the SMTP servers told us (seed 000: notices are lost to dead addresses).

A permanent refusal (5xx) marks the address undeliverable and, on that transition only, tells the provider's
systems about each holder and contact using it (`email.undeliverable`); a later accepted delivery makes it
deliverable again. A temporary refusal (4xx: a full mailbox, greylisting) is recorded on the recipient row and
retried, never marking the address. An address nobody refused (a new one, say) is deliverable.

The webhook payloads are built here, not in domain/webhook_reports, because the mail worker that reports them is
core and core never imports the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.ids import to_global_id
from core.runtime import Runtime
from core.webhook_events import EMAIL_UNDELIVERABLE, MAIL_FAILED, emit
from models import AddressDeliverability, Contact, Holder, MailMessage

REFUSAL_LENGTH = 300  # MailRecipient.refused, AddressDeliverability.last_refusal


@dataclass(frozen=True, slots=True)
class Refusal:
    """A receiving server's answer refusing one recipient."""

    code: int
    reply: str

    @property
    def permanent(self) -> bool:
        return self.code >= 500

    @property
    def text(self) -> str:
        """The code and the server's reply on one line, cut to fit its columns."""
        printable = "".join(ch if ch.isprintable() else " " for ch in f"{self.code} {self.reply}")
        return " ".join(printable.split())[:REFUSAL_LENGTH]


def is_temporary(refused: str) -> bool:
    """Whether a recorded refusal (`Refusal.text`) was temporary (4xx), hence worth another attempt."""
    return refused.startswith("4")


async def deliverability_of(addresses: list[str]) -> dict[str, bool]:
    """Each of `addresses` (as given) -> whether mail reaches it; one query, case-insensitive."""
    refused = await refused_since(addresses)
    return {address: refused[address] is None for address in addresses}


async def refused_since(addresses: list[str]) -> dict[str, datetime | None]:
    """Each of `addresses` (as given) -> when it was last refused if it is undeliverable, else None; one query."""
    rows = await AddressDeliverability.filter(
        address__in={address.lower() for address in addresses}, deliverable=False
    ).values_list("address", "refused_at")
    found: dict[str, datetime | None] = dict(rows)
    return {address: found.get(address.lower()) for address in addresses}


async def record_refused(runtime: Runtime, address: str, refusal: Refusal) -> None:
    """A permanent refusal of `address`, in one transaction with the event it may report."""
    address = address.lower()
    now = runtime.clock.now()
    async with in_transaction():
        await AddressDeliverability.bulk_create([AddressDeliverability(address=address)], ignore_conflicts=True)
        # Conditional on the address being deliverable: of several concurrent refusals exactly one reports it.
        became_undeliverable = await AddressDeliverability.filter(address=address, deliverable=True).update(
            deliverable=False
        )
        await AddressDeliverability.filter(address=address).update(
            refusals=F("refusals") + 1, last_refusal=refusal.text, refused_at=now
        )
        if became_undeliverable:
            await _report_undeliverable(runtime, address, refusal, now)


async def record_accepted(runtime: Runtime, addresses: list[str]) -> None:
    """A server accepted mail for `addresses`: they are deliverable (again)."""
    if addresses:
        await AddressDeliverability.filter(address__in={address.lower() for address in addresses}).update(
            deliverable=True, accepted_at=runtime.clock.now()
        )


async def _report_undeliverable(runtime: Runtime, address: str, refusal: Refusal, now: datetime) -> None:
    """`email.undeliverable` for every holder and contact whose email `address` is, in their own account. The
    data names the domain, not the address: the event's resource and version say whose address it is."""
    data = {"emailDomain": address.rpartition("@")[2], "code": refusal.code, "refusedAt": now.isoformat()}
    holders = await Holder.filter(email__iexact=address).order_by("id")
    contacts = await Contact.filter(email__iexact=address).order_by("id")
    people: list[tuple[str, Holder | Contact]] = [("Holder", h) for h in holders] + [("Contact", c) for c in contacts]
    for type_name, person in people:
        resource = (type_name, person.id)
        person_data = {"person": type_name.lower(), **data}
        await emit(runtime, EMAIL_UNDELIVERABLE, person.account_id, resource, version=person.version, data=person_data)


async def report_mail_failed(runtime: Runtime, message: MailMessage, attempts: int, *, refused: bool) -> None:
    """`mail.failed`: `message` reached nobody, because every recipient was refused for good (`refused`) or
    because its attempts ran out."""
    data = {
        "messageId": to_global_id("MailMessage", message.id),
        "category": message.category,
        "template": message.template,
        "reason": "REFUSED" if refused else "ATTEMPTS_EXHAUSTED",
        "attempts": attempts,
        "queuedAt": message.queued_at.isoformat(),
    }
    await emit(runtime, MAIL_FAILED, message.account_id, ("MailMessage", message.id), data=data)
