"""What hosting staff do from the CLI: there is no public sign-up.

`add_account` and `add_service` check their input as the billing system's records are checked
(domain/sync_records); `create_account`, `create_service` and `create_contact` take values already
valid (tests' factory, the demo data).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from core import validation
from core.activity import record_system
from core.outcome import Outcome, failed, succeeded
from core.runtime import Runtime
from core.validation import checked
from domain.sync_records import (
    HolderRecord,
    ServiceRecord,
    SyncError,
    as_sync_errors,
    holder_columns,
    service_terms,
)
from models import Account, Contact, Holder, Service
from models.columns import find_by
from models.enums import HolderKind, Language, NationalIdType, PaymentMethod, ServiceKind, ServiceStatus

STAFF_ACTOR = "Staff"


@dataclass(frozen=True, slots=True)
class NewHolder:
    first_name: str
    last_name: str
    email: str
    kind: HolderKind = HolderKind.PERSON
    company_name: str | None = None
    national_id_type: NationalIdType | None = None
    national_id: str | None = None
    tax_id_type: NationalIdType | None = None
    tax_id: str | None = None
    phone: str | None = None
    street: str | None = None
    neighborhood: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    language: Language = Language.ES


async def create_account(runtime: Runtime, client_number: str, password: str, holder: NewHolder) -> Account:
    now = runtime.clock.now()
    password_hash = await runtime.secrets.hash_password(password)
    async with in_transaction():
        account = await Account.create(client_number=client_number, password_hash=password_hash, created_at=now)
        await Holder.create(account=account, updated_at=now, **{**asdict(holder), "email": holder.email.lower()})
        await record_system(runtime, account.id, "account.created", f"Cuenta {client_number} creada", STAFF_ACTOR)
    return account


async def add_account(runtime: Runtime, client_number: str, password: str, holder: HolderRecord) -> Outcome[Account]:
    """A new account with a password already set (no welcome email), its input checked like billing's records;
    a client number in use is refused (DUPLICATE)."""
    outcome: Outcome[Account] = Outcome()
    number = checked(outcome, ["clientNumber"], validation.client_number, client_number)
    identity, contact = holder_columns(outcome, holder, ["holder"])
    if not outcome.ok or number is None:
        return as_sync_errors(outcome)
    try:
        return succeeded(await create_account(runtime, number, password, NewHolder(**identity, **contact)))
    except IntegrityError:
        return failed(SyncError.DUPLICATE, ["clientNumber"], key="DUPLICATE")


async def add_service(runtime: Runtime, client_number: str, service: ServiceRecord) -> Outcome[Service]:
    """A new service of the account with that client number, its input checked like billing's records."""
    outcome: Outcome[Service] = Outcome()
    columns, status = service_terms(outcome, service, [])
    if not outcome.ok or status is None:
        return as_sync_errors(outcome)
    account = await find_by(Account, "client_number", client_number)
    if account is None:
        return failed(SyncError.NOT_FOUND, ["clientNumber"], key="ACCOUNT_NOT_FOUND")
    name, kind = columns.pop("name"), columns.pop("kind")
    return succeeded(await create_service(runtime, account, name, kind, status=status, **columns))


async def create_service(
    runtime: Runtime,
    account: Account,
    name: str,
    kind: ServiceKind,
    *,
    domain: str | None = None,
    status: ServiceStatus = ServiceStatus.ACTIVE,
    payment_method: PaymentMethod = PaymentMethod.MANUAL,
    recurring_amount: Decimal | None = None,
    currency: str = "ARS",
    next_due_date: date | None = None,
) -> Service:
    async with in_transaction():
        service = await Service.create(
            account=account,
            name=name,
            kind=kind,
            domain=domain.lower() if domain else None,
            status=status,
            payment_method=payment_method,
            recurring_amount=recurring_amount,
            currency=currency,
            started_at=runtime.clock.now(),
            next_due_date=next_due_date,
        )
        await record_system(runtime, account.id, "service.created", f"Servicio {name} creado", STAFF_ACTOR)
    return service


async def create_contact(
    runtime: Runtime,
    account: Account,
    first_name: str,
    last_name: str,
    email: str,
    *,
    password: str | None = None,
    permissions: list[str] | None = None,
    email_categories: list[str] | None = None,
    active: bool = True,
) -> Contact:
    """A contact with a password already set (demo data, staff); the API invites instead."""
    password_hash = await runtime.secrets.hash_password(password) if password else None
    return await Contact.create(
        account=account,
        first_name=first_name,
        last_name=last_name,
        email=email.lower(),
        password_hash=password_hash,
        permissions=permissions or [],
        email_categories=email_categories or [],
        active=active,
        created_at=runtime.clock.now(),
    )
