"""Services from the billing system, by billing's reference (domain/billing_sync explains).

Billing owns every field it sends. A change bumps the service's version; a status change goes through
domain/service_status, which weighs it against an open cancellation and emits `service.status_changed`.
A new service takes billing's status as it is (CANCELLATION_PENDING is the panel's and always refused).

A bulk sync creates the batch's new services together (one INSERT of them and one of their activity rows, in
one transaction), and updates together those whose status stays (their rows locked in one query, compared again,
one UPDATE): thousands of services would be bound by the database's commits otherwise. Nothing there can be
refused, so each record is still all or nothing. If a new one was created meanwhile, none is, and each goes its
own way as an upsert, as do status changes and a reference named twice in one batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from core.activity import record_system, record_system_many
from core.outcome import Outcome, failed, succeeded
from core.runtime import Runtime
from core.validation import changes_to
from domain.billing_sync import SyncReport, SyncResult, Upserted, failed_as, sync
from domain.service_status import apply_billing_status
from domain.sync_records import CheckedService, ServiceRecord, SyncError, check_service
from models import Account, Service
from models.enums import ServiceStatus

INPUT = ("input",)
# What billing owns of a service, its status apart (domain/sync_records.service_terms fills them).
BILLING_COLUMNS = ("name", "kind", "domain", "payment_method", "currency", "recurring_amount", "next_due_date")

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
    """Each record checked, then applied: new services and plain changes together (above), the others each in its
    own transaction (failure paths under `path`)."""
    checked = [check_service(record, path) for record in records]
    known = KnownServices()
    await known.load([outcome.value for outcome in checked if outcome.value is not None])
    valid = {index: outcome.value for index, outcome in enumerate(checked) if outcome.value is not None}
    named = Counter(record.external_id for record in valid.values())
    once = {index: record for index, record in valid.items() if named[record.external_id] == 1}
    applied = {**await _create_new(runtime, once, known, actor), **await _update_together(runtime, once, known, actor)}
    results: list[Outcome[ServiceUpserted]] = []
    for index, outcome in enumerate(checked):
        if index in applied:
            results.append(succeeded(applied[index]))
        elif outcome.value is None:
            results.append(failed_as(outcome))
        else:
            results.append(await _upsert(runtime, outcome.value, known, actor, path))
    return results


async def _create_new(
    runtime: Runtime, records: dict[int, CheckedService], known: KnownServices, actor: str
) -> dict[int, ServiceUpserted]:
    """The new services among `records` (each named once in the batch), created together, by their index; none
    when fewer than two, or when one of them was created meanwhile."""
    new = {
        index: (record, account_id)
        for index, record in records.items()
        if record.external_id not in known.services and (account_id := known.account_of(record)) is not None
    }
    if len(new) < 2:
        return {}
    now = runtime.clock.now()
    try:
        async with runtime.events.transaction():
            await Service.bulk_create([_new_service(record, account_id, now) for record, account_id in new.values()])
            events = [(account_id, "service.created", _created(record)) for record, account_id in new.values()]
            await record_system_many(runtime, events, actor)
    except IntegrityError:
        return {}
    references = [record.external_id for record, _ in new.values()]
    known.services.update({str(s.external_id): s for s in await Service.filter(external_id__in=references)})
    return {
        index: Upserted(SyncResult.CREATED, known.services[record.external_id]) for index, (record, _) in new.items()
    }


async def _update_together(
    runtime: Runtime, records: dict[int, CheckedService], known: KnownServices, actor: str
) -> dict[int, ServiceUpserted]:
    """The services among `records` whose columns change and status stays, updated together, by their index;
    one changed meanwhile (compared again under the lock) is left to its own upsert."""
    changing = {
        index: (record, service)
        for index, record in records.items()
        if (service := known.services.get(record.external_id)) is not None
        and service.account_id == known.account_of(record)
        and _billing_status(service) == record.status
        and changes_to(service, record.columns)
    }
    if len(changing) < 2:
        return {}
    updated: dict[int, tuple[Service, list[str]]] = {}
    async with runtime.events.transaction():
        ids = [service.id for _, service in changing.values()]
        locked = {s.id: s for s in await Service.filter(id__in=ids).order_by("id").select_for_update()}
        for index, (record, service) in changing.items():
            row = locked[service.id]
            changed = changes_to(row, record.columns)
            if changed and _billing_status(row) == record.status:
                for name, value in changed.items():
                    setattr(row, name, value)
                row.version += 1
                updated[index] = (row, sorted(changed))
        if updated:
            await Service.bulk_update([row for row, _ in updated.values()], fields=[*BILLING_COLUMNS, "version"])
            events = [(row.account_id, "service.updated", _summary(row, names)) for row, names in updated.values()]
            await record_system_many(runtime, events, actor)
    for row, _ in updated.values():
        known.services[str(row.external_id)] = row
    return {index: Upserted(SyncResult.UPDATED, row) for index, (row, _) in updated.items()}


def _summary(service: Service, changed: Sequence[str]) -> str:
    return f"Servicio {service.name} actualizado: " + ", ".join(sorted(changed))


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


def _new_service(record: CheckedService, account_id: int, now: datetime) -> Service:
    cancelled_at = now if record.status == ServiceStatus.CANCELLED else None
    return Service(
        account_id=account_id,
        external_id=record.external_id,
        status=record.status,
        started_at=now,
        cancelled_at=cancelled_at,
        **record.columns,
    )


def _created(record: CheckedService) -> str:
    return f"Servicio {record.columns['name']} creado"


async def _create(runtime: Runtime, record: CheckedService, account_id: int, actor: str) -> Service:
    service = _new_service(record, account_id, runtime.clock.now())
    async with runtime.events.transaction():
        await service.save()
        await record_system(runtime, account_id, "service.created", _created(record), actor)
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
            await record_system(runtime, service.account_id, "service.updated", _summary(service, list(changed)), actor)
        if _billing_status(service) != record.status:
            await apply_billing_status(runtime, service, record.status, actor)
    return service
