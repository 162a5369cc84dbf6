"""Enumerations shared by the models and the GraphQL schema (one source of truth)."""

import functools
from collections.abc import Collection
from enum import Enum, StrEnum
from typing import TypeVar

E = TypeVar("E", bound=Enum)


def members_in(kind: type[E], values: Collection[object]) -> list[E]:
    """The members of `kind` whose value is in `values` (stored texts, or members of a StrEnum), in the order they
    are declared: a contact's permissions, the categories a holder muted."""
    return [member for member in _members(kind) if member.value in values]


@functools.cache
def _members(kind: type[E]) -> tuple[E, ...]:
    """An enum's members, kept: iterating the class walks a generator, and lists of contacts did it per row."""
    return tuple(kind)


class Permission(StrEnum):
    PROFILE = "PROFILE"
    CONTACTS = "CONTACTS"
    SERVICES = "SERVICES"
    MANAGE_SERVICES = "MANAGE_SERVICES"
    MAIL = "MAIL"
    SECURITY = "SECURITY"


class EmailCategory(StrEnum):
    GENERAL = "GENERAL"
    PRODUCTS = "PRODUCTS"
    DOMAINS = "DOMAINS"
    NOTES = "NOTES"
    SUPPORT = "SUPPORT"


class Language(StrEnum):
    ES = "ES"
    EN = "EN"


class HolderKind(StrEnum):
    PERSON = "PERSON"
    COMPANY = "COMPANY"


class NationalIdType(StrEnum):
    AR_DNI = "AR_DNI"
    AR_CUIT = "AR_CUIT"
    AR_CUIL = "AR_CUIL"
    MX_RFC = "MX_RFC"
    MX_CURP = "MX_CURP"
    PASSPORT = "PASSPORT"
    OTHER = "OTHER"


class ServiceStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    CANCELLATION_PENDING = "CANCELLATION_PENDING"
    CANCELLED = "CANCELLED"


class ServiceKind(StrEnum):
    HOSTING = "HOSTING"
    DOMAIN = "DOMAIN"
    EMAIL = "EMAIL"
    VPS = "VPS"
    OTHER = "OTHER"


class PaymentMethod(StrEnum):
    MANUAL = "MANUAL"
    AUTOMATIC_DEBIT = "AUTOMATIC_DEBIT"


class CancellationStatus(StrEnum):
    AWAITING_CONFIRMATION = "AWAITING_CONFIRMATION"
    SCHEDULED = "SCHEDULED"
    COMPLETED = "COMPLETED"
    WITHDRAWN = "WITHDRAWN"
    EXPIRED = "EXPIRED"


# A cancellation still in progress: at most one per service (the unique open marker).
OPEN_CANCELLATION = (CancellationStatus.AWAITING_CONFIRMATION, CancellationStatus.SCHEDULED)


class DeliveryStatus(StrEnum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"


ALL_PERMISSIONS = frozenset(Permission)


class WebhookDeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class StaffScope(StrEnum):
    """What a staff API key may do (schema/staff declares the scope each operation needs)."""

    ACCOUNTS = "ACCOUNTS"  # upsert accounts and their holders, welcome emails
    SERVICES = "SERVICES"  # upsert services, their status, deprovisioning callbacks
    NOTICES = "NOTICES"  # send notices to customers
    WEBHOOKS = "WEBHOOKS"  # register and manage webhook endpoints, deliveries
    SUPPORT = "SUPPORT"  # look accounts up, verify PINs, correct identity, send recovery links
