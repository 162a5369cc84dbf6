"""One record from the billing system (an account with its holder, or a service), checked and normalised.

The same checks as the panel's own forms (core/validation: email, phone, address, national ids), plus what
only billing sends (dates, amounts, currencies, statuses). Records arrive as the staff API's input or as
NDJSON lines, so every value is read from text here: a bad one is a failure under its field's path, never an
exception, and a record with any failure changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import partial
from typing import Any, TypeVar

import idna
import pycountry

from core import validation
from core.i18n import Messages
from core.outcome import Outcome, error_codes
from core.validation import Invalid, checked, text
from domain import service_status
from models import Service
from models.columns import column_length
from models.enums import HolderKind, Language, NationalIdType, PaymentMethod, ServiceKind, ServiceStatus

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
MAX_AMOUNT = Decimal("9999999999.99")  # Service.recurring_amount: 12 digits, 2 of them decimals

MESSAGES: Messages = {
    **validation.MESSAGES,
    "DUPLICATE": ("Ya está en uso.", "It is already in use."),
    "NOT_FOUND": ("No existe.", "It does not exist."),
    "CLIENT_NUMBER_TAKEN": (
        "Ese número de cliente ya es de otra cuenta (otro externalId).",
        "That client number belongs to another account (another externalId).",
    ),
    "ACCOUNT_NOT_FOUND": (
        "No hay ninguna cuenta con esa referencia: sincronice la cuenta antes que sus servicios.",
        "No account has that reference: sync the account before its services.",
    ),
    "ACCOUNT_REQUIRED": ("Indique accountExternalId o clientNumber.", "Give accountExternalId or clientNumber."),
    "SERVICE_OF_ANOTHER_ACCOUNT": (
        "Ese servicio es de otra cuenta: no se mueven servicios entre cuentas.",
        "That service belongs to another account: services are not moved between accounts.",
    ),
    "INVALID_CHOICE": ("Valor desconocido: use uno de {choices}.", "Unknown value: use one of {choices}."),
    "INVALID_DATE": (
        "Fecha inválida: use AAAA-MM-DD, p. ej. 2026-04-30.",
        "Invalid date: use YYYY-MM-DD, e.g. 2026-04-30.",
    ),
    "INVALID_AMOUNT": (
        "Importe inválido: un número de 0 a 9999999999.99 con hasta 2 decimales, p. ej. 1500.00.",
        "Invalid amount: a number from 0 to 9999999999.99 with at most 2 decimals, e.g. 1500.00.",
    ),
    "INVALID_CURRENCY": (
        "Moneda desconocida: use un código ISO 4217, p. ej. ARS o MXN.",
        "Unknown currency: use an ISO 4217 code, e.g. ARS or MXN.",
    ),
    "INVALID_DOMAIN": ("El dominio no es válido, p. ej. ejemplo.com.ar.", "The domain is not valid, e.g. example.com."),
    "STATUS_OWNED_BY_PANEL": (
        "El estado debe ser ACTIVE, SUSPENDED o CANCELLED: CANCELLATION_PENDING lo pone el panel al confirmarse una"
        " baja.",
        "The status must be ACTIVE, SUSPENDED or CANCELLED: CANCELLATION_PENDING is set by the panel when a"
        " cancellation is confirmed.",
    ),
    "ID_TYPE_REQUIRED": ("Indique el tipo del documento.", "Give the document's type."),
    "TOO_MANY_RECORDS": ("Como máximo {max} registros por pedido.", "At most {max} records per request."),
    "NOT_JSON_OBJECT": ("La línea no es un objeto JSON.", "The line is not a JSON object."),
    "UNKNOWN_TYPE": ('"type" debe ser "account" o "service".', '"type" must be "account" or "service".'),
    "UNKNOWN_FIELD": ("Campo desconocido.", "Unknown field."),
    "NOT_TEXT": ("Se esperaba un texto.", "A string was expected."),
    "NOT_OBJECT": ("Se esperaba un objeto JSON.", "A JSON object was expected."),
}


@error_codes(MESSAGES)
class SyncError(StrEnum):
    """Why a billing record was refused (the message says which rule: its key is more precise)."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"


@dataclass(frozen=True, slots=True, kw_only=True)
class HolderRecord:
    """The holder as billing has it; every value as text (enums by their names)."""

    first_name: str | None = None
    last_name: str | None = None
    kind: str | None = None
    company_name: str | None = None
    national_id_type: str | None = None
    national_id: str | None = None
    tax_id_type: str | None = None
    tax_id: str | None = None
    email: str | None = None
    phone: str | None = None
    street: str | None = None
    neighborhood: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country_code: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountRecord:
    external_id: str | None = None
    client_number: str | None = None
    holder: HolderRecord | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceRecord:
    """A service as billing has it: its account named by billing's reference (or the client number)."""

    external_id: str | None = None
    account_external_id: str | None = None
    client_number: str | None = None
    kind: str | None = None
    name: str | None = None
    domain: str | None = None
    status: str | None = None
    next_due_date: str | date | None = None
    recurring_amount: str | Decimal | None = None
    currency: str | None = None
    payment_method: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedAccount:
    """A valid account record: billing-owned holder columns (`identity`, applied on every upsert) and the
    panel-owned ones billing sent (`contact`: applied when the account is created, compared afterwards)."""

    external_id: str
    client_number: str
    identity: dict[str, Any]
    contact: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CheckedService:
    """A valid service record: its account's reference, and the columns billing owns (`columns`, the status apart)."""

    external_id: str
    account_external_id: str | None
    client_number: str | None
    columns: dict[str, Any]
    status: ServiceStatus


# Column -> the record's (API) field name, for paths and conflicts.
FIELD_NAMES = {
    "external_id": "externalId",
    "client_number": "clientNumber",
    "account_external_id": "accountExternalId",
    "first_name": "firstName",
    "last_name": "lastName",
    "company_name": "companyName",
    "national_id_type": "nationalIdType",
    "national_id": "nationalId",
    "tax_id_type": "taxIdType",
    "tax_id": "taxId",
    "postal_code": "postalCode",
    "country_code": "countryCode",
    "next_due_date": "nextDueDate",
    "recurring_amount": "recurringAmount",
    "payment_method": "paymentMethod",
}
ADDRESS = ("street", "neighborhood", "city", "state", "postal_code", "country_code")


def field_name(column: str) -> str:
    return FIELD_NAMES.get(column, column)


def choice(value: str, choices: type[E], allowed: Sequence[E] | None = None) -> E:
    """One of an enum's names (case as given), among `allowed` when given."""
    options = list(allowed or choices)
    for option in options:
        if value.strip() == option.value:
            return option
    raise Invalid("INVALID_CHOICE", choices=", ".join(options))


def due_date(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid("INVALID_DATE") from exc


def amount(value: str | Decimal) -> Decimal:
    """0 or more, at most 2 decimals, within the column: stored with exactly 2 ("1500" is 1500.00)."""
    try:
        number = value if isinstance(value, Decimal) else Decimal(value.strip())
    except InvalidOperation as exc:
        raise Invalid("INVALID_AMOUNT") from exc
    if not number.is_finite() or number < 0 or number > MAX_AMOUNT or number != number.quantize(Decimal("0.01")):
        raise Invalid("INVALID_AMOUNT")
    return number.quantize(Decimal("0.01"))


def currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise Invalid("INVALID_CURRENCY")
    return code


def domain(value: str) -> str:
    """A host name, lower case as the panel stores domains (Unicode names kept as written)."""
    name = value.strip().lower().rstrip(".")
    try:
        ascii_form = idna.encode(name, uts46=True).decode()
    except idna.IDNAError as exc:
        raise Invalid("INVALID_DOMAIN") from exc
    if "." not in name or len(ascii_form) > column_length(Service, "domain"):
        raise Invalid("INVALID_DOMAIN")
    return name


def reference(outcome: Outcome[Any], path: Sequence[str], value: str | None) -> str | None:
    """An external id or client number: required text within its column."""
    return checked(outcome, path, text, value, 100)


def as_sync_errors(outcome: Outcome[T]) -> Outcome[T]:
    """The failures under SyncError's codes, whose table holds every message key used here."""
    outcome.failures = [replace(failure, code=SyncError(failure.code.value)) for failure in outcome.failures]
    return outcome


def check_account(record: AccountRecord, path: Sequence[str]) -> Outcome[CheckedAccount]:
    outcome: Outcome[CheckedAccount] = Outcome()
    external_id = reference(outcome, [*path, "externalId"], record.external_id)
    client_number = checked(outcome, [*path, "clientNumber"], validation.client_number, record.client_number)
    identity, contact = holder_columns(outcome, record.holder or HolderRecord(), [*path, "holder"])
    if outcome.ok and external_id and client_number:
        outcome.value = CheckedAccount(external_id, client_number, identity, contact)
    return as_sync_errors(outcome)


def holder_columns(
    outcome: Outcome[Any], holder: HolderRecord, path: Sequence[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The holder's billing-owned columns and the panel-owned ones billing sent (failures go to `outcome`)."""
    return _identity(outcome, holder, path), _contact(outcome, holder, path)


def _identity(outcome: Outcome[Any], holder: HolderRecord, path: Sequence[str]) -> dict[str, Any]:
    """Names, kind and ids (billing's): a missing id clears it."""
    values: dict[str, Any] = {
        "first_name": checked(outcome, [*path, "firstName"], text, holder.first_name, 100),
        "last_name": checked(outcome, [*path, "lastName"], text, holder.last_name, 100),
        "kind": optional(outcome, [*path, "kind"], partial(choice, choices=HolderKind), holder.kind, HolderKind.PERSON),
    }
    for kind_name, value_name in (("national_id_type", "national_id"), ("tax_id_type", "tax_id")):
        kind_text, value = getattr(holder, kind_name), (getattr(holder, value_name) or "").strip()
        kind = optional(outcome, [*path, field_name(kind_name)], partial(choice, choices=NationalIdType), kind_text)
        values[kind_name], values[value_name] = (kind, None) if value else (None, None)
        if value and kind is None and not kind_text:
            outcome.fail(SyncError.REQUIRED, [*path, field_name(kind_name)], key="ID_TYPE_REQUIRED")
        elif value and kind is not None:
            values[value_name] = checked(outcome, [*path, field_name(value_name)], validation.national_id, kind, value)
    return values


def _contact(outcome: Outcome[Any], holder: HolderRecord, path: Sequence[str]) -> dict[str, Any]:
    """The panel-owned details billing sent (an address as a whole when any part of it is sent)."""
    values: dict[str, Any] = {"email": required(outcome, [*path, "email"], validation.email, holder.email)}
    if holder.company_name is not None:
        values["company_name"] = checked(
            outcome, [*path, "companyName"], text, holder.company_name, 200, required=False
        )
    if any(getattr(holder, name) for name in ADDRESS):
        parts = _AddressParts(
            holder.street or "",
            holder.neighborhood,
            holder.city or "",
            holder.state,
            holder.postal_code or "",
            holder.country_code or "",
        )
        address = validation.address(outcome, path, parts)
        if address is not None:
            values.update({name: getattr(address, name) for name in ADDRESS})
    if holder.phone:
        region = values.get("country_code")
        values["phone"] = checked(outcome, [*path, "phone"], validation.phone, holder.phone, region)
    if holder.language:
        values["language"] = checked(outcome, [*path, "language"], choice, holder.language, Language)
    return values


@dataclass(slots=True)
class _AddressParts:
    """A holder record's address, as core/validation.address reads one."""

    street: str
    neighborhood: str | None
    city: str
    state: str | None
    postal_code: str
    country_code: str


def check_service(record: ServiceRecord, path: Sequence[str]) -> Outcome[CheckedService]:
    outcome: Outcome[CheckedService] = Outcome()
    external_id = reference(outcome, [*path, "externalId"], record.external_id)
    account_external_id = checked(
        outcome, [*path, "accountExternalId"], text, record.account_external_id, 100, required=False
    )
    client_number = checked(
        outcome, [*path, "clientNumber"], validation.client_number, record.client_number, required=False
    )
    if not (record.account_external_id or "").strip() and not (record.client_number or "").strip():
        outcome.fail(SyncError.REQUIRED, [*path, "accountExternalId"], key="ACCOUNT_REQUIRED")
    columns, status = service_terms(outcome, record, path)
    if outcome.ok and external_id and status:
        outcome.value = CheckedService(external_id, account_external_id, client_number, columns, status)
    return as_sync_errors(outcome)


def service_terms(
    outcome: Outcome[Any], record: ServiceRecord, path: Sequence[str]
) -> tuple[dict[str, Any], ServiceStatus | None]:
    """The service's columns billing owns, and its status (failures go to `outcome`)."""
    columns: dict[str, Any] = {
        "name": checked(outcome, [*path, "name"], text, record.name, 200),
        "kind": required(outcome, [*path, "kind"], partial(choice, choices=ServiceKind), record.kind),
        "domain": optional(outcome, [*path, "domain"], domain, record.domain),
        "payment_method": optional(
            outcome, [*path, "paymentMethod"], partial(choice, choices=PaymentMethod), record.payment_method
        )
        or PaymentMethod.MANUAL,
        "currency": optional(outcome, [*path, "currency"], currency, record.currency, "ARS"),
        "recurring_amount": optional(outcome, [*path, "recurringAmount"], amount, record.recurring_amount),
        "next_due_date": optional(outcome, [*path, "nextDueDate"], due_date, record.next_due_date),
    }
    return columns, required(outcome, [*path, "status"], billing_status, record.status)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def optional(
    outcome: Outcome[Any], path: Sequence[str], validator: Callable[[Any], T], value: object, default: T | None = None
) -> T | None:
    """`validator(value)` when a value was sent (None and blank text are none), else `default`."""
    return default if _blank(value) else checked(outcome, path, validator, value)


def required(outcome: Outcome[Any], path: Sequence[str], validator: Callable[[Any], T], value: object) -> T | None:
    """`validator(value)`; REQUIRED when no value was sent."""
    if _blank(value):
        outcome.fail(SyncError.REQUIRED, path, key="REQUIRED")
        return None
    return checked(outcome, path, validator, value)


def billing_status(value: str) -> ServiceStatus:
    """A status billing may set (CANCELLATION_PENDING is the panel's)."""
    if value.strip() == ServiceStatus.CANCELLATION_PENDING:
        raise Invalid("STATUS_OWNED_BY_PANEL")
    return choice(value, ServiceStatus, service_status.BILLING_STATUSES)
