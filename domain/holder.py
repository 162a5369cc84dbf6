"""The holder's personal data (seed 000 "Datos del titular", seed 004 "Editar detalles de la cuenta").

Identity fields (names, national and tax ids) are not editable here: changing them is a
change of ownership, a separate process (seed 000); staff correct them from the CLI.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from tortoise.expressions import F

from core import activity
from core.context import Context
from core.outcome import Failures
from core.runtime import Runtime
from core.validation import FieldErrors, Invalid, Problem, address, email, national_id, phone, text
from domain import email_changes
from models import Account, Holder, Service
from models.enums import Language, NationalIdType, Permission, ServiceStatus

UNCHANGED: Any = object()
STAFF_ACTOR = "Staff"


@dataclass
class HolderChanges:
    """What the caller asked to change; UNCHANGED for fields not given (None clears a field)."""

    expected_version: int
    company_name: Any = UNCHANGED
    email: Any = UNCHANGED
    phone: Any = UNCHANGED
    address: Any = UNCHANGED
    language: Any = UNCHANGED


@dataclass
class UpdateResult(Failures):
    holder: Holder | None = None
    problems: list[Problem] = field(default_factory=list)
    stale: bool = False
    email_at_own_domain: bool = False


async def get_holder(ctx: Context) -> Holder:
    principal = ctx.require(Permission.PROFILE)
    return await Holder.get(account_id=principal.account_id)


async def has_security_pin(account_id: int) -> bool:
    return await Account.filter(id=account_id, pin_hash__isnull=False).exists()


async def email_at_own_domain(account_id: int, address_: str) -> bool:
    """Is the email's domain (or a parent of it) hosted on one of the account's live services?"""
    domain = address_.rpartition("@")[2].lower()
    hosted = (
        await Service.filter(account_id=account_id, domain__isnull=False)
        .exclude(status=ServiceStatus.CANCELLED)
        .values_list("domain", flat=True)
    )
    return any(domain == d or domain.endswith(f".{d}") for d in hosted if d)


ADDRESS_COLUMNS = ("street", "neighborhood", "city", "state", "postal_code", "country_code")


def _validated(changes: HolderChanges, errors: FieldErrors, current: Holder) -> dict[str, Any]:
    """Column values for the given fields, normalised; problems go to `errors`."""
    values: dict[str, Any] = {}
    if changes.company_name is not UNCHANGED:
        values["company_name"] = errors.check(["input", "companyName"], text, changes.company_name, 200, required=False)
    if changes.email is not UNCHANGED:
        values["email"] = errors.check(["input", "email"], email, changes.email or "")
    if changes.address is None:
        values.update(dict.fromkeys(ADDRESS_COLUMNS))
    elif changes.address is not UNCHANGED:
        new_address = address(errors, ["input", "address"], changes.address)
        if new_address is not None:
            values.update(asdict(new_address))
    if changes.phone is not UNCHANGED:
        region = values.get("country_code", current.country_code)
        values["phone"] = errors.check(["input", "phone"], phone, changes.phone, region) if changes.phone else None
    if changes.language not in (UNCHANGED, None):
        values["language"] = Language(changes.language)
    return values


async def update_holder(ctx: Context, changes: HolderChanges) -> UpdateResult:
    """A partial update guarded by `expectedVersion`: of two concurrent ones, exactly one wins.

    The primary email receives every secret, so it is not changed here: only the holder may ask,
    after step-up, and it changes when the link sent to the new address is followed."""
    principal = ctx.require(Permission.PROFILE)
    current = await Holder.get(account_id=principal.account_id)
    errors = FieldErrors()
    values = _validated(changes, errors, current)
    if errors:
        return UpdateResult(problems=errors.problems)
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    result = UpdateResult()
    if current.version != changes.expected_version:  # before any side effect (the email link)
        return UpdateResult(stale=True)
    new_email = changed.pop("email", None)
    if new_email is not None:
        if not principal.is_holder:
            return result.fail("PERMISSION_NOT_HELD", ["input", "email"])
        request = await email_changes.request_change(ctx, principal, new_email, ["input", "email"])
        if request.errors:
            result.errors = request.errors
            return result
    now = ctx.runtime.clock.now()
    async with ctx.runtime.events.transaction():
        updated = await Holder.filter(account_id=principal.account_id, version=changes.expected_version).update(
            **changed, version=F("version") + 1, updated_at=now
        )
        if not updated:
            return UpdateResult(stale=True)
        if changed:
            await activity.record(
                ctx, "holder.updated", "Datos del titular actualizados: " + ", ".join(sorted(changed))
            )
    result.holder = await Holder.get(account_id=principal.account_id)
    result.email_at_own_domain = new_email is not None and await email_at_own_domain(principal.account_id, new_email)
    return result


@dataclass(frozen=True, slots=True)
class IdentityCorrection:
    first_name: str | None = None
    last_name: str | None = None
    national_id_type: NationalIdType | None = None
    national_id: str | None = None
    tax_id_type: NationalIdType | None = None
    tax_id: str | None = None


async def correct_identity(runtime: Runtime, client_number: str, correction: IdentityCorrection) -> list[str]:
    """Staff correct identity fields (never a change of ownership); the changed fields."""
    holder = await Holder.get(account__client_number=client_number)
    values: dict[str, Any] = {}
    for name in ("first_name", "last_name"):
        if getattr(correction, name):
            values[name] = getattr(correction, name).strip()
    for kind_name, value_name in (("national_id_type", "national_id"), ("tax_id_type", "tax_id")):
        kind, value = getattr(correction, kind_name), getattr(correction, value_name)
        if value:
            kind = kind or getattr(holder, kind_name)
            if kind is None:
                raise Invalid("INVALID_NATIONAL_ID", kind="?")
            values[kind_name], values[value_name] = kind, national_id(NationalIdType(kind), value)
    changed = sorted(name for name, value in values.items() if getattr(holder, name) != value)
    if changed:
        async with runtime.events.transaction():
            await Holder.filter(id=holder.id).update(**values, version=F("version") + 1, updated_at=runtime.clock.now())
            await activity.record_system(
                runtime,
                holder.account_id,
                "holder.identity_corrected",
                "Corrección de identidad por staff: " + ", ".join(changed),
                STAFF_ACTOR,
            )
    return changed
