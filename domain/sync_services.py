"""Services from the billing system, by billing's reference (domain/billing_sync explains).

Billing owns every field it sends. A change bumps the service's version; a status change goes through
domain/service_status, which weighs it against an open cancellation and emits `service.status_changed`.
A new service takes billing's status as it is (CANCELLATION_PENDING is the panel's and always refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core.activity import record_system
from core.outcome import Outcome, failed, succeeded
from core.runtime import Runtime
from core.validation import changes_to
from domain.billing_sync import SyncReport, SyncResult, Upserted, failed_as, sync
from domain.service_status import apply_billing_status
from domain.sync_records import CheckedService, ServiceRecord, SyncError, check_service
from models import Account, Service
from models.enums import ServiceStatus

INPUT = ("input",)

ServiceUpserted = Upserted[Service]


@dataclass
class KnownServices:
    """The batch's services and accounts as stored (one query each), kept current as records are applied."""

    services: dict[str, Service] = field(default_factory=dict)
    account_by_reference: dict[str, int] = field(default_factory=dict)
    account_by_number: dict[str, int] = field(default_factory=dict)

    async def load(self, records: Sequence[CheckedService]) -> None:
        if not records:
            return
        references = [r.account_external_id for r in records if r.account_external_id]
        numbers = [r.client_number for r in records if r.client_number and not r.account_external_id]
        accounts = await Account.filter(Q(external_id__in=references) | Q(client_number__in=numbers)).values_list(
            "id", "external_id", "client_number"
        )
        for account_id, external_id, client_number in accounts:
            if external_id is not None:
                self.account_by_reference[external_id] = account_id
            self.account_by_number[client_number] = account_id
        for service in await Service.filter(external_id__in=[r.external_id for r in records]):
            self.services[str(service.external_id)] = service

    def account_of(self, record: CheckedService) -> int | None:
        """The account named by billing's reference, else by the client number."""
        if record.account_external_id:
            return self.account_by_reference.get(record.account_external_id)
        return self.account_by_number.get(record.client_number or "")


async def upsert_service(runtime: Runtime, record: ServiceRecord, actor: str) -> Outcome[ServiceUpserted]:
    """One service (paths under `input`)."""
    [outcome] = await upsert_services(runtime, [record], actor, INPUT)
    return outcome


async def sync_services(runtime: Runtime, records: Sequence[ServiceRecord], actor: str) -> Outcome[SyncReport]:
    async def upsert_all(batch: Sequence[ServiceRecord], path: Sequence[str]) -> list[Outcome[Any]]:
        return list(await upsert_services(runtime, batch, actor, path))

    return await sync(records, upsert_all)


async def upsert_services(
    runtime: Runtime, records: Sequence[ServiceRecord], actor: str, path: Sequence[str]
) -> list[Outcome[ServiceUpserted]]:
    """Each record checked, then applied in its own transaction (failure paths under `path`)."""
    checked = [check_service(record, path) for record in records]
    known = KnownServices()
    await known.load([outcome.value for outcome in checked if outcome.value is not None])
    results: list[Outcome[ServiceUpserted]] = []
    for outcome in checked:
        if outcome.value is None:
            results.append(failed_as(outcome))
        else:
            results.append(await _upsert(runtime, outcome.value, known, actor, path))
    return results


async def _upsert(
    runtime: Runtime, record: CheckedService, known: KnownServices, actor: str, path: Sequence[str]
) -> Outcome[ServiceUpserted]:
    account_id = known.account_of(record)
    if account_id is None:
        named = "accountExternalId" if record.account_external_id else "clientNumber"
        return failed(SyncError.NOT_FOUND, [*path, named], key="ACCOUNT_NOT_FOUND")
    current = known.services.get(record.external_id)
    if current is None:
        try:
            current = await _create(runtime, record, account_id, actor)
        except IntegrityError:  # created meanwhile by a concurrent upsert: this one applies as an update of it
            current = await Service.get(external_id=record.external_id)
        else:
            known.services[record.external_id] = current
            return succeeded(Upserted(SyncResult.CREATED, current))
    if current.account_id != account_id:
        named = "accountExternalId" if record.account_external_id else "clientNumber"
        return failed(SyncError.INVALID, [*path, named], key="SERVICE_OF_ANOTHER_ACCOUNT")
    if not _differs(record, current):
        return succeeded(Upserted(SyncResult.UNCHANGED, current))
    updated = await _update(runtime, record, current.id, actor)
    known.services[record.external_id] = updated or current
    return succeeded(Upserted(SyncResult.UPDATED if updated else SyncResult.UNCHANGED, updated or current))


def _differs(record: CheckedService, service: Service) -> bool:
    return bool(changes_to(service, record.columns)) or _billing_status(service) != record.status


def _billing_status(service: Service) -> ServiceStatus:
    """The status as billing sees it: under a pending cancellation, the one a withdrawal would give back."""
    if service.status == ServiceStatus.CANCELLATION_PENDING:
        return ServiceStatus(service.status_before_cancellation or ServiceStatus.ACTIVE)
    return ServiceStatus(service.status)


async def _create(runtime: Runtime, record: CheckedService, account_id: int, actor: str) -> Service:
    now = runtime.clock.now()
    async with runtime.events.transaction():
        service = await Service.create(
            account_id=account_id,
            external_id=record.external_id,
            status=record.status,
            started_at=now,
            cancelled_at=now if record.status == ServiceStatus.CANCELLED else None,
            **record.columns,
        )
        await record_system(runtime, account_id, "service.created", f"Servicio {service.name} creado", actor)
    return service


async def _update(runtime: Runtime, record: CheckedService, service_id: int, actor: str) -> Service | None:
    """The record applied to the locked row (compared again: another upsert may have written meanwhile); None
    when it finds nothing to change. The version goes up first, so `service.status_changed` carries the new one."""
    async with runtime.events.transaction():
        service = await Service.filter(id=service_id).select_for_update().get()
        if not _differs(record, service):
            return None
        changed = changes_to(service, record.columns)
        service.version += 1
        await Service.filter(id=service_id).update(**changed, version=service.version)
        for name, value in changed.items():
            setattr(service, name, value)
        if changed:
            summary = f"Servicio {service.name} actualizado: " + ", ".join(sorted(changed))
            await record_system(runtime, service.account_id, "service.updated", summary, actor)
        applied = await apply_billing_status(runtime, service, record.status, actor)
        if not applied.ok:  # check_service admits billing's statuses only: a refusal here is a bug
            raise RuntimeError(f"billing status refused after the record's check: {record.status}")
    return service
