"""Support staff's tools (issue 22 "Support"): find an account, send a recovery link; checking a caller's PIN is
domain/auth.verify_pin and correcting the holder's identity domain/holder.correct_identity.

Matching is exact after normalisation (lower case; a domain in its www., Unicode and xn-- forms, or a host
name under it): there is no partial or wildcard search, so a staff key cannot list accounts by guessing.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from tortoise.functions import Max

from core import validation
from core.deliverability import deliverability_of
from core.i18n import Messages
from core.outcome import Outcome, error_codes, failed, succeeded
from core.runtime import Runtime
from core.validation import CLIENT_NUMBER_MAX
from domain import recovery_worker
from domain.recovery import domain_forms
from domain.recovery_worker import Person
from models import Account, Cancellation, Contact, Holder, Service, Session
from models.columns import column_length
from models.enums import CancellationStatus, Language, ServiceStatus

EMAIL_MAX = column_length(Contact, "email")
DOMAIN_MAX = column_length(Service, "domain")
RECOVERY_LINKS_PER_ACCOUNT = "3/hour"
RECOVERY_METHOD = "SUPPORT"  # how the activity history names who asked for the link (core/activity)
CLIENT_NUMBER_PATH = ("input", "clientNumber")

PIN_NOT_SET = (
    "El titular no estableció un PIN de seguridad: verifique su identidad de otra forma.",
    "The holder has not set a security PIN: verify their identity another way.",
)
MESSAGES: Messages = {
    **validation.MESSAGES,
    "ACCOUNT_NOT_FOUND": (
        "No existe una cuenta con ese número de cliente.",
        "There is no account with that client number.",
    ),
    "CONTACT_NOT_FOUND": (
        "Esa cuenta no tiene un contacto activo con ese email.",
        "That account has no active contact with that email.",
    ),
    "PIN_NOT_SET": PIN_NOT_SET,
    "INVALID_STATE": PIN_NOT_SET,  # the only state support refuses in
    "TOO_MANY_ATTEMPTS": (
        "Demasiadas verificaciones de PIN para esta cuenta. Vuelva a intentarlo en {seconds} segundos.",
        "Too many PIN checks for this account. Try again in {seconds} seconds.",
    ),
    "RATE_LIMITED": (
        "Demasiados enlaces de recuperación para esta cuenta o dirección. Vuelva a intentarlo en {seconds} segundos.",
        "Too many recovery links for this account or address. Try again in {seconds} seconds.",
    ),
}


@error_codes(MESSAGES)
class SupportError(StrEnum):
    """What support operations refuse (the staff API's SupportErrorCode; public code names, as every domain's).
    Field errors of the identity correction (INVALID, REQUIRED, TOO_LONG) come from core.validation."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"  # pinVerify: the holder set no PIN (message key PIN_NOT_SET)
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"


class LookupBy(enum.Enum):
    CLIENT_NUMBER = "CLIENT_NUMBER"
    EMAIL = "EMAIL"
    DOMAIN = "DOMAIN"


@dataclass(frozen=True, slots=True)
class ServiceView:
    name: str
    domain: str | None
    status: ServiceStatus
    next_due_date: date | None
    open_cancellation: CancellationStatus | None


@dataclass(frozen=True, slots=True)
class ContactView:
    first_name: str
    last_name: str
    email: str
    active: bool
    email_deliverable: bool


@dataclass(frozen=True, slots=True)
class AccountView:
    """What support sees of an account: enough to recognise the caller, nothing secret."""

    account: Account
    holder: Holder
    email_deliverable: bool
    has_pin: bool
    last_sign_in_at: datetime | None
    services: list[ServiceView]
    contacts: list[ContactView]


async def find_account(client_number: str) -> Outcome[Account]:
    """The account of `client_number` (trimmed, in capitals as stored), or NOT_FOUND on input.clientNumber."""
    number = client_number.strip().upper()
    account = await Account.get_or_none(client_number=number) if 0 < len(number) <= CLIENT_NUMBER_MAX else None
    if account is None:
        return failed(SupportError.NOT_FOUND, CLIENT_NUMBER_PATH, key="ACCOUNT_NOT_FOUND")
    return succeeded(account)


def host_forms(value: str) -> list[str]:
    """The domain's forms (domain_forms) and those of each parent domain of two labels or more, so that a
    host name under a service's domain (tienda.ejemplo.com.ar) finds it; exact names, never a pattern."""
    forms = set(domain_forms(value))
    for form in list(forms):
        labels = form.split(".")
        forms |= {".".join(labels[start:]) for start in range(1, len(labels) - 1)}
    return sorted(form for form in forms if 0 < len(form) <= DOMAIN_MAX)


async def _matching_accounts(by: LookupBy, value: str) -> list[int]:
    if by is LookupBy.CLIENT_NUMBER:
        found = await find_account(value)
        return [found.value.id] if found.value is not None else []
    if by is LookupBy.EMAIL:
        address = value.strip().lower()
        if not 0 < len(address) <= EMAIL_MAX:
            return []
        rows = [*await Holder.filter(email=address).values("account_id")]
        rows += await Contact.filter(email=address).values("account_id")
    else:
        forms = host_forms(value)
        rows = await Service.filter(domain__in=forms).values("account_id") if forms else []
    return sorted({row["account_id"] for row in rows})


async def lookup(by: LookupBy, value: str) -> list[AccountView]:
    """Every account that `value` names exactly (an email may be the holder's or a contact's in several)."""
    account_ids = await _matching_accounts(by, value)
    if not account_ids:
        return []
    holders = {h.account_id: h for h in await Holder.filter(account_id__in=account_ids)}
    contacts: defaultdict[int, list[Contact]] = defaultdict(list)
    for contact in await Contact.filter(account_id__in=account_ids).order_by("id"):
        contacts[contact.account_id].append(contact)
    services: defaultdict[int, list[Service]] = defaultdict(list)
    for service in await Service.filter(account_id__in=account_ids).order_by("id"):
        services[service.account_id].append(service)
    open_cancellations: dict[int, CancellationStatus] = dict(
        await Cancellation.filter(account_id__in=account_ids, open_service_id__isnull=False).values_list(
            "service_id", "status"
        )
    )
    signed_in = await (
        Session.filter(account_id__in=account_ids, contact_id__isnull=True)
        .annotate(last=Max("created_at"))
        .group_by("account_id")
        .values_list("account_id", "last")
    )
    last_sign_in = dict(signed_in)
    addresses = [h.email for h in holders.values()] + [c.email for group in contacts.values() for c in group]
    deliverable = await deliverability_of(addresses)
    return [
        AccountView(
            account=account,
            holder=holders[account.id],
            email_deliverable=deliverable[holders[account.id].email],
            has_pin=account.pin_hash is not None,
            last_sign_in_at=last_sign_in.get(account.id),
            services=[
                ServiceView(s.name, s.domain, ServiceStatus(s.status), s.next_due_date, open_cancellations.get(s.id))
                for s in services[account.id]
            ],
            contacts=[
                ContactView(c.first_name, c.last_name, c.email, c.active, deliverable[c.email])
                for c in contacts[account.id]
            ],
        )
        for account in await Account.filter(id__in=account_ids).order_by("id")
    ]


async def send_recovery_link(
    runtime: Runtime, client_number: str, contact_email: str | None, actor: str
) -> Outcome[str]:
    """The access-recovery link (domain/recovery_worker), mailed to the holder's address on file or to that of
    one of the account's active contacts: never to an address the caller dictates. The address it went to.

    At most RECOVERY_LINKS_PER_ACCOUNT an hour, and within the address's security-mail budget."""
    found = await find_account(client_number)
    if found.value is None:
        return Outcome[str]().extend(found.failures)
    account = found.value
    if contact_email is None:
        holder = await Holder.get(account_id=account.id)
        person = Person(account.id, None, account.client_number, holder.email, Language(holder.language))
    else:
        address = contact_email.strip().lower()
        if not address:
            return failed(SupportError.REQUIRED, ["input", "contactEmail"])
        contact = (
            await Contact.get_or_none(account_id=account.id, email=address, active=True)
            if len(address) <= EMAIL_MAX
            else None
        )
        if contact is None:
            return failed(SupportError.NOT_FOUND, ["input", "contactEmail"], key="CONTACT_NOT_FOUND")
        person = Person(account.id, contact.id, account.client_number, contact.email, Language(contact.language))
    if wait := await runtime.limiter.hit(RECOVERY_LINKS_PER_ACCOUNT, "support-recovery", str(account.id)):
        return failed(SupportError.RATE_LIMITED, seconds=wait)
    async with runtime.events.transaction():
        # One send at a time per account, so each voids the link before it (concurrent ones would both live).
        await Account.filter(id=account.id).select_for_update().first()
        wait = await recovery_worker.mail_links(runtime, person.address, [person], RECOVERY_METHOD, actor)
    if wait:
        return failed(SupportError.RATE_LIMITED, seconds=wait)
    return succeeded(person.address)
