"""The billing system's upserts and bulk syncs of accounts (with their holders) and services, by its own
reference `externalId` (domain/billing_sync explains results, ownership and conflicts)."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import strawberry

from core.ids import to_global_id
from core.outcome import Failure, Outcome
from core.staff_context import StaffContext
from domain import billing_sync, sync_accounts, sync_services
from domain.sync_records import AccountRecord, HolderRecord, ServiceRecord, SyncError
from models import Service
from models.enums import StaffScope
from schema.common import Language
from schema.holder import HolderKind, NationalIdType
from schema.services import PaymentMethod, ServiceKind, ServiceStatus
from schema.staff.common import staff_errors
from schema.staff.scopes import scoped

# The domain's enums, exposed as they are under their GraphQL names (strawberry.enum registers the class itself).
strawberry.enum(SyncError, name="SyncErrorCode")
strawberry.enum(billing_sync.SyncResult, name="SyncResult", description="What an upsert did with its record.")

PANEL_OWNED = "Panel-owned once the account exists: used on creation, afterwards a different value is a conflict."
MAX = f"At most {billing_sync.MAX_RECORDS} records per call (more: INVALID, nothing applied)."


@strawberry.type(name="SyncError")
class SyncFailure:
    field: list[str] | None
    code: SyncError
    message: str


@strawberry.type(description="A panel-owned value that billing sees otherwise: the panel's stays.")
class SyncConflict:
    field: str
    panel_value: str | None
    billing_value: str | None


@strawberry.input(description="The holder as billing has it. Names, kind and ids are billing's: always applied.")
class AccountHolderInput:
    first_name: str
    last_name: str
    kind: HolderKind | None = strawberry.field(default=None, description="PERSON when not given.")
    national_id_type: NationalIdType | None = None
    national_id: str | None = strawberry.field(default=None, description="Missing: the stored one is cleared.")
    tax_id_type: NationalIdType | None = None
    tax_id: str | None = strawberry.field(default=None, description="Missing: the stored one is cleared.")
    email: str = strawberry.field(description=PANEL_OWNED)
    company_name: str | None = strawberry.field(default=None, description=PANEL_OWNED)
    phone: str | None = strawberry.field(default=None, description=PANEL_OWNED)
    street: str | None = strawberry.field(default=None, description=f"{PANEL_OWNED} The address goes as a whole.")
    neighborhood: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country_code: str | None = strawberry.field(default=None, description="ISO 3166-1 alpha-2, e.g. AR or MX.")
    language: Language | None = strawberry.field(default=None, description=f"{PANEL_OWNED} ES when not given.")


@strawberry.input
class AccountUpsertInput:
    external_id: str = strawberry.field(description="The billing system's own reference for the account.")
    client_number: str = strawberry.field(
        description="What the holder signs in with; an account the CLI created with it and no externalId is linked."
    )
    holder: AccountHolderInput


@strawberry.input(description="A service as billing has it: every field billing's, a missing one cleared.")
class ServiceUpsertInput:
    external_id: str = strawberry.field(description="The billing system's own reference for the service.")
    account_external_id: str | None = strawberry.field(
        default=None, description="The account's externalId (or give clientNumber)."
    )
    client_number: str | None = None
    kind: ServiceKind
    name: str
    domain: str | None = None
    status: ServiceStatus = strawberry.field(description="ACTIVE, SUSPENDED or CANCELLED (the panel sets the rest).")
    next_due_date: str | None = strawberry.field(default=None, description="YYYY-MM-DD.")
    recurring_amount: str | None = strawberry.field(default=None, description='Decimal string, e.g. "1500.00".')
    currency: str | None = strawberry.field(default=None, description="ISO 4217; ARS when not given.")
    payment_method: PaymentMethod | None = strawberry.field(default=None, description="MANUAL when not given.")


@strawberry.type
class SyncedAccount:
    id: strawberry.ID
    external_id: str | None
    client_number: str
    holder_version: int
    has_password: bool = strawberry.field(description="False until the holder follows the welcome link.")


@strawberry.type
class SyncedService:
    id: strawberry.ID
    external_id: str | None
    account_id: strawberry.ID
    status: ServiceStatus
    version: int


@strawberry.type
class AccountUpsertPayload:
    result: billing_sync.SyncResult | None
    account: SyncedAccount | None
    conflicts: list[SyncConflict]
    errors: list[SyncFailure]


@strawberry.type
class ServiceUpsertPayload:
    result: billing_sync.SyncResult | None
    service: SyncedService | None
    errors: list[SyncFailure]


@strawberry.type(description="A record refused (its errors, paths within the record) or applied with conflicts.")
class SyncRecordReport:
    index: int = strawberry.field(description="Its position in `records`, from 0.")
    external_id: str | None
    errors: list[SyncFailure]
    conflicts: list[SyncConflict]


@strawberry.type
class SyncReport:
    created: int
    updated: int
    unchanged: int
    refused: int
    refusals: list[SyncRecordReport]
    conflicts: list[SyncRecordReport]


@strawberry.type
class SyncPayload:
    report: SyncReport | None
    errors: list[SyncFailure]


def _record(record_type: type[Any], given: object, **values: object) -> Any:
    """The domain record of an input: the same field names, as given."""
    return record_type(
        **{f.name: getattr(given, f.name) for f in fields(record_type) if f.name not in values}, **values
    )


def account_record(given: AccountUpsertInput) -> AccountRecord:
    return AccountRecord(
        external_id=given.external_id, client_number=given.client_number, holder=_record(HolderRecord, given.holder)
    )


def service_record(given: ServiceUpsertInput) -> ServiceRecord:
    record: ServiceRecord = _record(ServiceRecord, given)
    return record


def _conflicts(found: list[billing_sync.Conflict]) -> list[SyncConflict]:
    return [SyncConflict(field=c.field, panel_value=c.panel_value, billing_value=c.billing_value) for c in found]


def _errors(ctx: StaffContext, failures: list[Failure]) -> list[SyncFailure]:
    return staff_errors(ctx, Outcome(failures=failures), SyncFailure, SyncError)


def synced_account(synced: sync_accounts.SyncedAccount) -> SyncedAccount:
    account = synced.account
    return SyncedAccount(
        id=strawberry.ID(to_global_id("Account", account.id)),
        external_id=account.external_id,
        client_number=account.client_number,
        holder_version=synced.holder.version,
        has_password=bool(account.password_hash),
    )


def synced_service(service: Service) -> SyncedService:
    return SyncedService(
        id=strawberry.ID(to_global_id("Service", service.id)),
        external_id=service.external_id,
        account_id=strawberry.ID(to_global_id("Account", service.account_id)),
        status=ServiceStatus(service.status),
        version=service.version,
    )


def sync_payload(ctx: StaffContext, outcome: Outcome[billing_sync.SyncReport]) -> SyncPayload:
    report = outcome.value
    if report is None:
        return SyncPayload(report=None, errors=_errors(ctx, outcome.failures))

    def row(found: billing_sync.RecordReport) -> SyncRecordReport:
        return SyncRecordReport(
            index=found.index,
            external_id=found.external_id,
            errors=_errors(ctx, found.failures),
            conflicts=_conflicts(found.conflicts),
        )

    return SyncPayload(
        report=SyncReport(
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            refused=report.refused,
            refusals=[row(r) for r in report.refusals],
            conflicts=[row(r) for r in report.conflicts],
        ),
        errors=[],
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(
        description="Create or update an account and its holder by billing's externalId: CREATED (no password yet: "
        "the holder is emailed a welcome link), UPDATED or UNCHANGED (nothing written). Panel-owned values that "
        "differ are not overwritten: they are listed in `conflicts`.",
        extensions=scoped(StaffScope.ACCOUNTS),
    )
    async def account_upsert(
        self, info: strawberry.Info[StaffContext, None], input: AccountUpsertInput
    ) -> AccountUpsertPayload:
        ctx = info.context
        outcome = await sync_accounts.upsert_account(ctx.runtime, account_record(input), ctx.actor)
        upserted = outcome.value
        return AccountUpsertPayload(
            result=upserted.result if upserted else None,
            account=synced_account(upserted.row) if upserted else None,
            conflicts=_conflicts(upserted.conflicts) if upserted else [],
            errors=_errors(ctx, outcome.failures),
        )

    @strawberry.mutation(
        description="Create or update a service by billing's externalId: CREATED, UPDATED (its version goes up; a "
        "status change is weighed against an open cancellation) or UNCHANGED (nothing written).",
        extensions=scoped(StaffScope.SERVICES),
    )
    async def service_upsert(
        self, info: strawberry.Info[StaffContext, None], input: ServiceUpsertInput
    ) -> ServiceUpsertPayload:
        ctx = info.context
        outcome = await sync_services.upsert_service(ctx.runtime, service_record(input), ctx.actor)
        upserted = outcome.value
        return ServiceUpsertPayload(
            result=upserted.result if upserted else None,
            service=synced_service(upserted.row) if upserted else None,
            errors=_errors(ctx, outcome.failures),
        )

    @strawberry.mutation(
        description=f"accountUpsert for many records, each on its own (a refused one changes nothing). {MAX}",
        extensions=scoped(StaffScope.ACCOUNTS),
    )
    async def accounts_sync(
        self, info: strawberry.Info[StaffContext, None], records: list[AccountUpsertInput]
    ) -> SyncPayload:
        ctx = info.context
        batch = [account_record(given) for given in records]
        return sync_payload(ctx, await sync_accounts.sync_accounts(ctx.runtime, batch, ctx.actor))

    @strawberry.mutation(
        description=f"serviceUpsert for many records, each on its own (a refused one changes nothing). {MAX}",
        extensions=scoped(StaffScope.SERVICES),
    )
    async def services_sync(
        self, info: strawberry.Info[StaffContext, None], records: list[ServiceUpsertInput]
    ) -> SyncPayload:
        ctx = info.context
        batch = [service_record(given) for given in records]
        return sync_payload(ctx, await sync_services.sync_services(ctx.runtime, batch, ctx.actor))
