"""Enumerations shared by the models and the GraphQL schema (one source of truth)."""

from enum import Enum


class Permission(str, Enum):
    PROFILE = "PROFILE"
    CONTACTS = "CONTACTS"
    SERVICES = "SERVICES"
    MANAGE_SERVICES = "MANAGE_SERVICES"
    MAIL = "MAIL"
    SECURITY = "SECURITY"


class EmailCategory(str, Enum):
    GENERAL = "GENERAL"
    PRODUCTS = "PRODUCTS"
    DOMAINS = "DOMAINS"
    NOTES = "NOTES"
    SUPPORT = "SUPPORT"


class Language(str, Enum):
    ES = "ES"
    EN = "EN"


class HolderKind(str, Enum):
    PERSON = "PERSON"
    COMPANY = "COMPANY"


class NationalIdType(str, Enum):
    AR_DNI = "AR_DNI"
    AR_CUIT = "AR_CUIT"
    AR_CUIL = "AR_CUIL"
    MX_RFC = "MX_RFC"
    MX_CURP = "MX_CURP"
    PASSPORT = "PASSPORT"
    OTHER = "OTHER"


class ServiceStatus(str, Enum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    CANCELLATION_PENDING = "CANCELLATION_PENDING"
    CANCELLED = "CANCELLED"


class ServiceKind(str, Enum):
    HOSTING = "HOSTING"
    DOMAIN = "DOMAIN"
    EMAIL = "EMAIL"
    VPS = "VPS"
    OTHER = "OTHER"


class PaymentMethod(str, Enum):
    MANUAL = "MANUAL"
    AUTOMATIC_DEBIT = "AUTOMATIC_DEBIT"


class CancellationStatus(str, Enum):
    AWAITING_CONFIRMATION = "AWAITING_CONFIRMATION"
    SCHEDULED = "SCHEDULED"
    COMPLETED = "COMPLETED"
    WITHDRAWN = "WITHDRAWN"
    EXPIRED = "EXPIRED"


# A cancellation still in progress: at most one per service (the unique open marker).
OPEN_CANCELLATION = (CancellationStatus.AWAITING_CONFIRMATION, CancellationStatus.SCHEDULED)


class DeliveryStatus(str, Enum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"


ALL_PERMISSIONS = frozenset(Permission)
