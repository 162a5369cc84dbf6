"""Accounts and their holders from the billing system, by billing's reference (domain/billing_sync explains).

A new account gets no password (the holder chooses one through the welcome link, mailed in the same
transaction). An account the CLI created before billing was connected is linked by its client number the first
time billing sends it. Concurrent upserts of one reference make one account: the unique indexes refuse the
second insert, which then applies as an update of the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from core.activity import record_system
from core.outcome import Outcome, failed, succeeded
from core.runtime import Runtime
from core.validation import changes_to
from domain import webhook_reports, welcome
from domain.billing_sync import Conflict, SyncReport, SyncResult, Upserted, failed_as, sync
from domain.sync_records import AccountRecord, CheckedAccount, SyncError, check_account, field_name
from models import Account, Holder
from models.enums import Language

INPUT = ("input",)


@dataclass(frozen=True, slots=True)
class SyncedAccount:
    account: Account
    holder: Holder


AccountUpserted = Upserted[SyncedAccount]


@dataclass
class KnownAccounts:
    """The batch's accounts as stored, by reference and by client number (their accounts in one query, their
    holders in another), kept current as records are applied: a later record of the batch compares with what an
    earlier one wrote."""

    by_reference: dict[str, SyncedAccount] = field(default_factory=dict)
    by_number: dict[str, SyncedAccount] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)  # account id -> the client number it is known by

    async def load(self, records: Sequence[CheckedAccount]) -> None:
        if not records:
            return
        references = [r.external_id for r in records]
        numbers = [r.client_number for r in records]
        accounts = await Account.filter(Q(external_id__in=references) | Q(client_number__in=numbers))
        holders = {h.account_id: h for h in await Holder.filter(account_id__in=[a.id for a in accounts])}
        for account in accounts:
            self.remember(SyncedAccount(account, holders[account.id]))

    def remember(self, synced: SyncedAccount) -> None:
        account = synced.account
        if account.external_id is not None:
            self.by_reference[account.external_id] = synced
        previous = self.numbers.get(account.id)
        if previous is not None and previous != account.client_number:
            del self.by_number[previous]  # renumbered by an earlier record: that number is free now
        self.by_number[account.client_number] = synced
        self.numbers[account.id] = account.client_number


async def upsert_account(runtime: Runtime, record: AccountRecord, actor: str) -> Outcome[AccountUpserted]:
    """One account (paths under `input`)."""
    [outcome] = await upsert_accounts(runtime, [record], actor, INPUT)
    return outcome


async def sync_accounts(runtime: Runtime, records: Sequence[AccountRecord], actor: str) -> Outcome[SyncReport]:
    async def upsert_all(batch: Sequence[AccountRecord], path: Sequence[str]) -> list[Outcome[Any]]:
        return list(await upsert_accounts(runtime, batch, actor, path))

    return await sync(records, upsert_all)


async def upsert_accounts(
    runtime: Runtime, records: Sequence[AccountRecord], actor: str, path: Sequence[str]
) -> list[Outcome[AccountUpserted]]:
    """Each record checked, then applied in its own transaction (failure paths under `path`)."""
    checked = [check_account(record, path) for record in records]
    known = KnownAccounts()
    await known.load([outcome.value for outcome in checked if outcome.value is not None])
    results: list[Outcome[AccountUpserted]] = []
    for outcome in checked:
        if outcome.value is None:
            results.append(failed_as(outcome))
        else:
            results.append(await _upsert(runtime, outcome.value, known, actor, path))
    return results


async def _upsert(
    runtime: Runtime, record: CheckedAccount, known: KnownAccounts, actor: str, path: Sequence[str]
) -> Outcome[AccountUpserted]:
    for _ in range(2):  # a lost race to create is retried once, as an update of the winner's row
        current = known.by_reference.get(record.external_id)
        holding_number = known.by_number.get(record.client_number)
        if current is None and holding_number is not None and holding_number.account.external_id is None:
            current = holding_number  # created before billing was connected: linked now
        elif holding_number is not None and holding_number is not current:
            return _number_taken(path)
        if current is not None:
            return await _update(runtime, record, current, known, actor, path)
        try:
            created = await _create(runtime, record, actor)
        except IntegrityError:
            await known.load([record])
            continue
        known.remember(created)
        return succeeded(Upserted(SyncResult.CREATED, created))
    return _number_taken(path)


def _number_taken(path: Sequence[str]) -> Outcome[AccountUpserted]:
    return failed(SyncError.DUPLICATE, [*path, "clientNumber"], key="CLIENT_NUMBER_TAKEN")


async def _create(runtime: Runtime, record: CheckedAccount, actor: str) -> SyncedAccount:
    """No password yet ("" never verifies): the welcome link lets the holder choose one."""
    now = runtime.clock.now()
    async with runtime.events.transaction():
        account = await Account.create(
            client_number=record.client_number, external_id=record.external_id, password_hash="", created_at=now
        )
        holder = await Holder.create(
            account=account, updated_at=now, **{"language": Language.ES, **record.contact, **record.identity}
        )
        summary = f"Cuenta {record.client_number} creada"
        await record_system(runtime, account.id, "account.created", summary, actor)
        await welcome.queue_welcome(runtime, account.id)
    return SyncedAccount(account, holder)


@dataclass(frozen=True, slots=True)
class AccountChanges:
    account: dict[str, Any]
    holder: dict[str, Any]
    conflicts: list[Conflict]

    def __bool__(self) -> bool:
        return bool(self.account or self.holder)


def changes(record: CheckedAccount, current: SyncedAccount) -> AccountChanges:
    """What billing's record changes (its own fields) and where it sees the panel's fields otherwise."""
    account = changes_to(current.account, {"client_number": record.client_number, "external_id": record.external_id})
    conflicts = [
        Conflict(field_name(name), _text(getattr(current.holder, name)), _text(value))
        for name, value in changes_to(current.holder, record.contact).items()
    ]
    return AccountChanges(account, changes_to(current.holder, record.identity), conflicts)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


async def _update(
    runtime: Runtime,
    record: CheckedAccount,
    current: SyncedAccount,
    known: KnownAccounts,
    actor: str,
    path: Sequence[str],
) -> Outcome[AccountUpserted]:
    expected = changes(record, current)
    if not expected:
        return succeeded(Upserted(SyncResult.UNCHANGED, current, expected.conflicts))
    try:
        synced, found = await _apply(runtime, record, current.account.id, actor)
    except IntegrityError:  # the new client number was taken meanwhile
        return _number_taken(path)
    known.remember(synced)
    result = SyncResult.UPDATED if found else SyncResult.UNCHANGED
    return succeeded(Upserted(result, synced, found.conflicts))


async def _apply(
    runtime: Runtime, record: CheckedAccount, account_id: int, actor: str
) -> tuple[SyncedAccount, AccountChanges]:
    """The record's changes to the locked rows (compared again: another upsert may have written meanwhile)."""
    async with runtime.events.transaction():
        account = await Account.filter(id=account_id).select_for_update().get()
        holder = await Holder.get(account_id=account_id)
        found = changes(record, SyncedAccount(account, holder))
        if found.account:
            await Account.filter(id=account_id).update(**found.account)
            if "client_number" in found.account:
                summary = f"Número de cliente cambiado: {account.client_number} → {record.client_number}"
                await record_system(runtime, account_id, "account.client_number_changed", summary, actor)
        if found.holder:
            await Holder.filter(id=holder.id).update(
                **found.holder, version=F("version") + 1, updated_at=runtime.clock.now()
            )
            summary = "Corrección de identidad por staff: " + ", ".join(sorted(found.holder))
            await record_system(runtime, account_id, "holder.identity_corrected", summary, actor)
            await webhook_reports.holder_updated(runtime, account_id, found.holder)
    return SyncedAccount(await Account.get(id=account_id), await Holder.get(account_id=account_id)), found
