"""The holder's personal data (seed 000 "Datos del titular", seed 004 "Editar detalles de la cuenta").

Identity fields (names, national and tax ids) are not editable here: changing them is a
change of ownership, a separate process (seed 000); support staff correct mistakes in them
(`correct_identity`: the staff API's holderIdentityCorrect, or the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from tortoise.expressions import F

from core import activity
from core.context import Context
from core.outcome import Failure, Outcome, error_codes, failed
from core.runtime import Runtime
from core.validation import (
    AddressT,
    ContactDetails,
    InputError,
    changes_to,
    checked,
    contact_details,
    national_id,
    text,
)
from domain import email_changes, support, webhook_reports
from domain.email_changes import EmailChangeError
from models import Account, Holder, Service
from models.columns import column_length
from models.enums import NationalIdType, ServiceStatus

STAFF_ACTOR = "Staff"
EMAIL_PATH = ("input", "email")

MESSAGES: dict[str, tuple[str, str]] = {
    "EMAIL_AT_OWN_DOMAIN": (
        "Su email está en un dominio de sus propios servicios: si un servicio se suspende o tiene problemas, "
        "no podremos contactarlo. Recomendamos una dirección de un proveedor externo (Gmail, Outlook, Yahoo...).",
        "This email is at a domain hosted on your own services: if a service is suspended or has problems, "
        "we cannot reach you. We recommend an address at an external provider (Gmail, Outlook, Yahoo...).",
    ),
}


@error_codes(MESSAGES)
class HolderError(StrEnum):
    STALE_VERSION = "STALE_VERSION"


@error_codes(MESSAGES)
class HolderWarning(StrEnum):
    EMAIL_AT_OWN_DOMAIN = "EMAIL_AT_OWN_DOMAIN"


@dataclass(frozen=True, slots=True, kw_only=True)
class HolderChanges(ContactDetails[AddressT]):
    """What the caller asked to change, guarded by the version they edited."""

    expected_version: int


async def get_holder(ctx: Context) -> Holder:
    return await Holder.get(account_id=ctx.acting.account_id)


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


def _stale() -> Outcome[Holder]:
    return failed(HolderError.STALE_VERSION, ["input", "expectedVersion"])


async def update_holder(ctx: Context, changes: HolderChanges) -> Outcome[Holder]:
    """A partial update guarded by `expectedVersion`: of two concurrent ones, exactly one wins. A stale version
    is refused even when nothing would change; values equal to the stored ones (once normalised) change
    nothing, so they neither bump the version nor record activity.

    The primary email receives every secret, so it is not changed here: only the holder may ask,
    after step-up, and it changes when the link sent to the new address is followed."""
    account_id = ctx.acting.account_id
    current = await Holder.get(account_id=account_id)
    outcome: Outcome[Holder] = Outcome()
    values = contact_details(outcome, changes, current.country_code)
    if not outcome.ok:
        return outcome
    if current.version != changes.expected_version:  # before any side effect (the email link)
        return _stale()
    changed = changes_to(current, values)
    new_email = changed.pop("email", None)
    if new_email is not None and (refused := await _ask_for_new_email(ctx, new_email)):
        return outcome.extend(refused)
    if not changed:  # nothing stored changes: the same holder, the same version, nothing recorded
        outcome.value = current
    elif not await _save(ctx, changed, changes.expected_version):
        return _stale()
    else:
        outcome.value = await Holder.get(account_id=account_id)
    if new_email is not None and await email_at_own_domain(account_id, new_email):
        outcome.warn(HolderWarning.EMAIL_AT_OWN_DOMAIN, EMAIL_PATH)
    return outcome


async def _ask_for_new_email(ctx: Context, new_email: str) -> list[Failure]:
    """Only the holder may ask for a new primary email; the failures of asking, if any."""
    if not ctx.acting.is_holder:
        return failed(EmailChangeError.PERMISSION_NOT_HELD, EMAIL_PATH).failures
    return (await email_changes.request_change(ctx, new_email, EMAIL_PATH)).failures


async def _save(ctx: Context, changed: dict[str, Any], expected_version: int) -> bool:
    """Store the changes if the row is still at `expected_version` (False when it is not)."""
    async with ctx.runtime.events.transaction():
        updated = await Holder.filter(account_id=ctx.acting.account_id, version=expected_version).update(
            **changed, version=F("version") + 1, updated_at=ctx.runtime.clock.now()
        )
        if updated:
            await activity.record(
                ctx, "holder.updated", "Datos del titular actualizados: " + ", ".join(sorted(changed))
            )
            await webhook_reports.holder_updated(ctx.runtime, ctx.acting.account_id, changed)
    return bool(updated)


@dataclass(frozen=True, slots=True)
class IdentityCorrection:
    """The identity fields staff correct; None leaves a field as it is."""

    first_name: str | None = None
    last_name: str | None = None
    national_id_type: NationalIdType | None = None
    national_id: str | None = None
    tax_id_type: NationalIdType | None = None
    tax_id: str | None = None


@dataclass(frozen=True, slots=True)
class IdentityCorrected:
    holder: Holder
    changed: list[str]  # the fields whose stored value changed, sorted


NAME_MAX = column_length(Holder, "first_name")
IDS = (
    ("national_id_type", "national_id", "nationalIdType", "nationalId"),
    ("tax_id_type", "tax_id", "taxIdType", "taxId"),
)


def _identity_values(outcome: Outcome[Any], holder: Holder, correction: IdentityCorrection) -> dict[str, Any]:
    """The corrected values, checked as when an account is created (failures recorded in `outcome`). An id
    given without its type keeps the stored type; a type given alone re-checks the stored id under it."""
    values: dict[str, Any] = {}
    for name, path in (("first_name", "firstName"), ("last_name", "lastName")):
        if (given := getattr(correction, name)) is not None:
            values[name] = checked(outcome, ["input", path], text, given, NAME_MAX)
    for kind_name, value_name, kind_path, value_path in IDS:
        kind, value = getattr(correction, kind_name), getattr(correction, value_name)
        if kind is None and value is None:
            continue
        kind = kind or getattr(holder, kind_name)
        value = value if value is not None else getattr(holder, value_name)
        if kind is None:
            outcome.fail(InputError.REQUIRED, ["input", kind_path])
        elif not (value or "").strip():
            outcome.fail(InputError.REQUIRED, ["input", value_path])
        else:
            values[kind_name] = NationalIdType(kind)
            values[value_name] = checked(outcome, ["input", value_path], national_id, NationalIdType(kind), value)
    return values


async def correct_identity(
    runtime: Runtime, client_number: str, correction: IdentityCorrection, actor: str = STAFF_ACTOR
) -> Outcome[IdentityCorrected]:
    """Staff correct the holder's names or ids (a mistake, never a change of ownership), each checked as at
    account creation; what changed raises the holder's version, is written to the activity under `actor` and
    reported to billing (holder.updated). Nothing changes when any value is refused."""
    found = await support.find_account(client_number)
    if found.value is None:
        return Outcome[IdentityCorrected]().extend(found.failures)
    outcome: Outcome[IdentityCorrected] = Outcome()
    async with runtime.events.transaction():
        holder = await Holder.filter(account_id=found.value.id).select_for_update().get()
        values = _identity_values(outcome, holder, correction)
        if not outcome.ok:
            return outcome
        changed = sorted(name for name, value in values.items() if getattr(holder, name) != value)
        if changed:
            await Holder.filter(id=holder.id).update(
                **{name: values[name] for name in changed}, version=F("version") + 1, updated_at=runtime.clock.now()
            )
            summary = "Corrección de identidad por staff: " + ", ".join(changed)
            await activity.record_system(runtime, holder.account_id, "holder.identity_corrected", summary, actor)
            await webhook_reports.holder_updated(runtime, holder.account_id, changed)
    outcome.value = IdentityCorrected(await Holder.get(id=holder.id), changed)
    return outcome
