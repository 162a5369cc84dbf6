"""What the billing system's upserts answer, and the report of a bulk sync (issue 22, "Staff API").

Billing names its records by its own reference (`externalId`). An upsert answers CREATED, UPDATED or
UNCHANGED; UNCHANGED wrote nothing at all (no version, no activity, no webhook), so billing may send the same
records again and again. Values the panel owns once the account exists (the holder's email, phone, address,
company and language: the customer edits them) are never overwritten by billing: where billing's value
differs, the answer lists a conflict and the rest of the record applies.

A bulk sync applies each record in its own transaction: a refused record changes nothing and the others
proceed; the report counts each result and names each refusal (its index, reference and reasons).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar

from core.outcome import Failure, Outcome, failed, succeeded
from domain.sync_records import SyncError

MAX_RECORDS = 1000  # per call: a report stays readable and a request stays within the staff API's body limit
R = TypeVar("R")


class SyncResult(StrEnum):
    CREATED = "CREATED"
    UPDATED = "UPDATED"
    UNCHANGED = "UNCHANGED"


@dataclass(frozen=True, slots=True)
class Conflict:
    """A panel-owned value that billing sees otherwise: the panel's stays (billing learns it by `holder.updated`)."""

    field: str
    panel_value: str | None
    billing_value: str | None


@dataclass(frozen=True, slots=True)
class Upserted(Generic[R]):
    result: SyncResult
    row: R
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RecordReport:
    """One record of a bulk sync that was refused (its failures) or applied with conflicts."""

    index: int
    external_id: str | None
    failures: list[Failure] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)


@dataclass(slots=True)
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refusals: list[RecordReport] = field(default_factory=list)
    conflicts: list[RecordReport] = field(default_factory=list)

    @property
    def refused(self) -> int:
        return len(self.refusals)

    def add(self, index: int, external_id: str | None, outcome: Outcome[Upserted[Any]]) -> None:
        if outcome.value is None:
            self.refusals.append(RecordReport(index, external_id, failures=outcome.failures))
            return
        upserted = outcome.value
        if upserted.result is SyncResult.CREATED:
            self.created += 1
        elif upserted.result is SyncResult.UPDATED:
            self.updated += 1
        else:
            self.unchanged += 1
        if upserted.conflicts:
            self.conflicts.append(RecordReport(index, external_id, conflicts=upserted.conflicts))


class Referenced(Protocol):
    @property
    def external_id(self) -> str | None: ...


Rec = TypeVar("Rec", bound=Referenced)
Upsert = Callable[[Sequence[Rec], Sequence[str]], Awaitable[list[Outcome[Upserted[Any]]]]]


async def sync(records: Sequence[Rec], upsert_all: Upsert[Rec]) -> Outcome[SyncReport]:
    """Up to MAX_RECORDS records, each upserted on its own (paths relative to the record), as a report."""
    if len(records) > MAX_RECORDS:
        return failed(SyncError.INVALID, ["records"], key="TOO_MANY_RECORDS", max=MAX_RECORDS)
    report = SyncReport()
    for index, (record, outcome) in enumerate(zip(records, await upsert_all(records, ()), strict=True)):
        report.add(index, record.external_id, outcome)
    return succeeded(report)


def failed_as(outcome: Outcome[Any]) -> Outcome[Any]:
    """A refused record's failures, as the outcome of its upsert."""
    return Outcome(failures=outcome.failures)
