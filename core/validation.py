"""Validation and normalisation of personal data: emails, phones, postal addresses, national ids.

Used for the holder and for contacts. Each check returns the normalised value or raises
`Invalid`; `checked` records the failure under the field's input path in an Outcome, so a form
shows every mistake at once and nothing is saved while any remains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from typing import Any, Generic, ParamSpec, Protocol, TypeVar

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email
from stdnum.ar import cuit, dni
from stdnum.exceptions import ValidationError
from stdnum.mx import curp, rfc
from strawberry import Maybe

from core.i18n import Messages
from core.outcome import Outcome, error_codes
from models.account import Account
from models.columns import column_length
from models.enums import Language, NationalIdType

T = TypeVar("T")
P = ParamSpec("P")

# Control, format, unassigned and private-use characters, and line and paragraph separators.
CONTROL_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs", "Zl", "Zp"})
MULTILINE_ALLOWED = "\n\r\t"
CLIENT_NUMBER = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")
CLIENT_NUMBER_MAX = column_length(Account, "client_number")

MESSAGES: Messages = {
    "INVALID": ("El dato no es válido.", "The value is not valid."),
    "REQUIRED": ("Este dato es obligatorio.", "This field is required."),
    "TOO_LONG": ("Admite como máximo {max} caracteres.", "At most {max} characters are allowed."),
    "INVALID_EMAIL": ("La dirección de email no es válida.", "The email address is not valid."),
    "CONTROL_CHARACTERS": (
        "No puede contener saltos de línea ni caracteres de control.",
        "It cannot hold line breaks or control characters.",
    ),
    "CLIENT_NUMBER": (
        "El número de cliente admite letras sin acentos, dígitos, punto, guion y guion bajo, y empieza por letra o"
        " dígito.",
        "A client number holds unaccented letters, digits, dot, hyphen and underscore, starting with a letter or"
        " digit.",
    ),
    "INVALID_PHONE": (
        "El número de teléfono no es válido (incluya el código de área).",
        "The phone number is not valid (include the area code).",
    ),
    "INVALID_COUNTRY": (
        "Código de país desconocido (use ISO 3166-1, p. ej. AR o MX).",
        "Unknown country code (use ISO 3166-1, e.g. AR or MX).",
    ),
    "INVALID_POSTAL_CODE": (
        "El código postal no es válido para {country}.",
        "The postal code is not valid for {country}.",
    ),
    "INVALID_NATIONAL_ID": ("El número no es un {kind} válido.", "The number is not a valid {kind}."),
}

POSTAL_CODES = {
    # Argentina: the old 4-digit code or the CPA (letter, 4 digits, 3 letters), e.g. C1043AAZ.
    "AR": re.compile(r"^(\d{4}|[A-Z]\d{4}[A-Z]{3})$"),
    "MX": re.compile(r"^\d{5}$"),
}
OTHER_POSTAL_CODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,9}$")
LOOSE_ID = re.compile(r"^[A-Z0-9]{3,20}$")
ID_NAMES = {
    NationalIdType.AR_DNI: "DNI",
    NationalIdType.AR_CUIT: "CUIT",
    NationalIdType.AR_CUIL: "CUIL",
    NationalIdType.MX_RFC: "RFC",
    NationalIdType.MX_CURP: "CURP",
    NationalIdType.PASSPORT: "pasaporte",
    NationalIdType.OTHER: "documento",
}


@error_codes(MESSAGES)
class InputError(StrEnum):
    """Why an input field was refused; the message says more (its key: INVALID_EMAIL, INVALID_PHONE...)."""

    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"


class Invalid(ValueError):
    """A refused value: its message key (more precise than its code) and what fills the message."""

    def __init__(self, key: str, code: InputError = InputError.INVALID, **values: Any) -> None:
        super().__init__(key)
        self.key, self.code, self.values = key, code, values


def checked(
    outcome: Outcome[Any], path: Sequence[str], validator: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T | None:
    """`validator(*args, **kwargs)`, or None with its failure recorded under `path`."""
    try:
        return validator(*args, **kwargs)
    except Invalid as invalid:
        outcome.fail(invalid.code, path, key=invalid.key, **invalid.values)
        return None


def text(value: str | None, max_length: int, *, required: bool = True, multiline: bool = False) -> str | None:
    """Trimmed text; empty is None (or REQUIRED). No control characters (a name or a reference ends up in mail
    headers and logs): `multiline` text (a notice's body) may hold line breaks and tabs."""
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise Invalid("REQUIRED", InputError.REQUIRED)
        return None
    if len(cleaned) > max_length:
        raise Invalid("TOO_LONG", InputError.TOO_LONG, max=max_length)
    allowed = MULTILINE_ALLOWED if multiline else ""
    if any(ch not in allowed and unicodedata.category(ch) in CONTROL_CATEGORIES for ch in cleaned):
        raise Invalid("CONTROL_CHARACTERS")
    return cleaned


def client_number(value: str | None, *, required: bool = True) -> str | None:
    """A client number as stored: letters, digits, `.`, `-`, `_`, in capitals (sign-in reads it in any case)."""
    cleaned = text(value, CLIENT_NUMBER_MAX, required=required)
    if cleaned is not None and not CLIENT_NUMBER.fullmatch(cleaned):
        raise Invalid("CLIENT_NUMBER")
    return cleaned.upper() if cleaned is not None else None


def email(value: str) -> str:
    """Syntax only (no DNS look-up), normalised to lower case."""
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid("INVALID_EMAIL") from exc


def country(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise Invalid("INVALID_COUNTRY")
    return code


def postal_code(value: str, country_code: str) -> str:
    code = re.sub(r"\s+", " ", value.strip().upper())
    pattern = POSTAL_CODES.get(country_code, OTHER_POSTAL_CODE)
    if not pattern.match(code):
        raise Invalid("INVALID_POSTAL_CODE", country=country_code)
    return code


def phone(value: str, default_country: str | None) -> str:
    """E.164, read with the address's country as the default region (AR when unknown)."""
    try:
        number = phonenumbers.parse(value, default_country or "AR")
    except phonenumbers.NumberParseException as exc:
        raise Invalid("INVALID_PHONE") from exc
    if not phonenumbers.is_valid_number(number):
        raise Invalid("INVALID_PHONE")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_id(kind: NationalIdType, value: str) -> str:
    """The id compacted (digits and letters only), check digits verified where the type has them."""
    validators = {
        NationalIdType.AR_DNI: dni.validate,
        NationalIdType.AR_CUIT: cuit.validate,
        NationalIdType.AR_CUIL: cuit.validate,  # a CUIL follows the CUIT's rules
        NationalIdType.MX_RFC: rfc.validate,
        NationalIdType.MX_CURP: curp.validate,
    }
    try:
        if kind in validators:
            return str(validators[kind](value))
    except ValidationError as exc:
        raise Invalid("INVALID_NATIONAL_ID", kind=ID_NAMES[kind]) from exc
    compact = re.sub(r"[\s.-]", "", value).upper()
    if not LOOSE_ID.match(compact):
        raise Invalid("INVALID_NATIONAL_ID", kind=ID_NAMES[kind])
    return compact


def formatted_national_id(kind: NationalIdType, value: str) -> str:
    """The usual print form: 20.123.456 for a DNI, 20-12345678-6 for a CUIT or CUIL."""
    if kind is NationalIdType.AR_DNI:
        return dni.format(value)
    if kind in (NationalIdType.AR_CUIT, NationalIdType.AR_CUIL):
        return cuit.format(value)
    return value


class AddressInput(Protocol):
    """A postal address as the caller typed it."""

    street: str
    neighborhood: str | None
    city: str
    state: str | None
    postal_code: str
    country_code: str


@dataclass(frozen=True, slots=True)
class Address:
    """A valid postal address, normalised; its fields are the address columns of models/address.py."""

    street: str
    neighborhood: str | None
    city: str
    state: str | None
    postal_code: str
    country_code: str


def address(outcome: Outcome[Any], path: Sequence[str], raw: AddressInput) -> Address | None:
    """A postal address input, or None with each invalid part recorded under its own path."""
    before = len(outcome.failures)
    street = checked(outcome, [*path, "street"], text, raw.street, 200)
    neighborhood = checked(outcome, [*path, "neighborhood"], text, raw.neighborhood, 100, required=False)
    city = checked(outcome, [*path, "city"], text, raw.city, 100)
    state = checked(outcome, [*path, "state"], text, raw.state, 100, required=False)
    country_code = checked(outcome, [*path, "countryCode"], country, raw.country_code)
    code = checked(outcome, [*path, "postalCode"], postal_code, raw.postal_code, country_code) if country_code else None
    if len(outcome.failures) > before or street is None or city is None or code is None or country_code is None:
        return None
    return Address(street, neighborhood, city, state, code, country_code)


def address_columns(outcome: Outcome[Any], path: Sequence[str], raw: AddressInput | None) -> dict[str, str | None]:
    """The address columns for a new address: all None when it is cleared, none when it is invalid."""
    if raw is None:
        return dict.fromkeys(field.name for field in fields(Address))
    parsed = address(outcome, path, raw)
    return asdict(parsed) if parsed is not None else {}


AddressT = TypeVar("AddressT", bound=AddressInput)


@dataclass(frozen=True, slots=True, kw_only=True)
class ContactDetails(Generic[AddressT]):
    """Contact data that the holder and contacts share, as given: None keeps a field, Some(None) clears it."""

    company_name: Maybe[str | None] = None
    email: Maybe[str | None] = None
    phone: Maybe[str | None] = None
    address: Maybe[AddressT | None] = None
    language: Maybe[Language | None] = None


def contact_details(outcome: Outcome[Any], details: ContactDetails[Any], region: str | None) -> dict[str, Any]:
    """Column values for the given details, normalised (failures go to `outcome`). A phone is read in the new
    address's country, else in `region`; a null language is no change."""
    values: dict[str, Any] = {}
    if details.company_name:
        values["company_name"] = checked(
            outcome, ["input", "companyName"], text, details.company_name.value, 200, required=False
        )
    if details.email:
        values["email"] = checked(outcome, ["input", "email"], email, details.email.value or "")
    if details.address:
        values.update(address_columns(outcome, ["input", "address"], details.address.value))
    if details.phone:
        number, region = details.phone.value, values.get("country_code", region)
        values["phone"] = checked(outcome, ["input", "phone"], phone, number, region) if number else None
    if details.language and details.language.value is not None:
        values["language"] = Language(details.language.value)
    return values


def changes_to(row: object, values: Mapping[str, Any]) -> dict[str, Any]:
    """The validated `values` that differ from what `row` stores: a save of nothing else changes nothing (no
    version, no activity). Lists (permissions, email categories) are sets: their order is no change."""
    return {name: value for name, value in values.items() if _differs(getattr(row, name), value)}


def _differs(stored: Any, value: Any) -> bool:
    if isinstance(stored, list) and isinstance(value, list):
        return sorted(stored) != sorted(value)
    return bool(stored != value)
