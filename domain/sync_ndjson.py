"""A bulk sync from an NDJSON file (`cli.py sync FILE`): one record a line, `{"type": "account" | "service", ...}`
with the staff API's field names, applied by the same functions as the API's upserts.

Lines are applied in file order, consecutive lines of one type together (accounts before the services that name
them works as written). A line that is no JSON object, names an unknown type or field, or holds a value of the
wrong kind is refused with its line number, like a record that fails its checks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from core.i18n import translate
from core.outcome import Failure, Outcome, failed
from core.runtime import Runtime
from domain.billing_sync import MAX_RECORDS, SyncReport
from domain.sync_accounts import upsert_accounts
from domain.sync_records import FIELD_NAMES, AccountRecord, HolderRecord, ServiceRecord, SyncError
from domain.sync_services import upsert_services
from models.enums import Language

Record = AccountRecord | ServiceRecord
TYPES: dict[str, type[AccountRecord] | type[ServiceRecord]] = {"account": AccountRecord, "service": ServiceRecord}
NUMBERS = ("recurringAmount",)  # may be written with decimals (billing's integer ids may be numbers anywhere)


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    record: Record | None
    refusal: Outcome[Any] | None = None

    @property
    def external_id(self) -> str | None:
        return self.record.external_id if self.record is not None else None


def _api_names(record_type: type[Any]) -> dict[str, str]:
    """The API's field name -> the record's attribute."""
    return {FIELD_NAMES.get(f.name, f.name): f.name for f in fields(record_type)}


def _values(raw: dict[str, Any], record_type: type[Any], path: Sequence[str], outcome: Outcome[Any]) -> dict[str, Any]:
    names = _api_names(record_type)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in names:
            outcome.fail(SyncError.INVALID, [*path, key], key="UNKNOWN_FIELD")
        elif key == "holder":
            if isinstance(value, dict):
                values["holder"] = HolderRecord(**_values(value, HolderRecord, [*path, key], outcome))
            else:
                outcome.fail(SyncError.INVALID, [*path, key], key="NOT_OBJECT")
        elif _number(key, value):
            values[names[key]] = str(value)
        elif value is not None and not isinstance(value, str):
            outcome.fail(SyncError.INVALID, [*path, key], key="NOT_TEXT")
        else:
            values[names[key]] = value
    return values


def _number(key: str, value: object) -> bool:
    """An integer anywhere (billing's ids are often numbers), a decimal where an amount goes: read as text."""
    whole = isinstance(value, int) and not isinstance(value, bool)
    return whole or (key in NUMBERS and isinstance(value, Decimal))


def parse(number: int, text: bytes) -> Line:
    """One line of the file, as a record, or refused."""
    try:
        raw = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past what the parser follows
        raw = None
    if not isinstance(raw, dict):
        return Line(number, None, failed(SyncError.INVALID, [], key="NOT_JSON_OBJECT"))
    record_type = TYPES.get(raw.pop("type", None))
    if record_type is None:
        return Line(number, None, failed(SyncError.INVALID, ["type"], key="UNKNOWN_TYPE"))
    outcome: Outcome[Any] = Outcome()
    values = _values(raw, record_type, [], outcome)
    external_id = values.get("external_id")
    if not outcome.ok:
        return Line(number, record_type(external_id=external_id), outcome)
    return Line(number, record_type(**values))


async def sync_lines(runtime: Runtime, lines: Iterable[bytes], actor: str) -> SyncReport:
    """Every non-blank line applied; the report's indexes are line numbers (from 1)."""
    report = SyncReport()
    batch: list[Line] = []
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        line = parse(number, text)
        if line.refusal is not None:
            report.add(number, line.external_id, line.refusal)
            continue
        if batch and (type(batch[0].record) is not type(line.record) or len(batch) == MAX_RECORDS):
            await _apply(runtime, batch, actor, report)
            batch = []
        batch.append(line)
    if batch:
        await _apply(runtime, batch, actor, report)
    report.refusals.sort(key=lambda refused: refused.index)  # refused while read, or when their batch applied
    return report


async def _apply(runtime: Runtime, batch: list[Line], actor: str, report: SyncReport) -> None:
    records = [line.record for line in batch]
    outcomes: list[Outcome[Any]]
    if isinstance(records[0], AccountRecord):
        outcomes = list(await upsert_accounts(runtime, [r for r in records if isinstance(r, AccountRecord)], actor, []))
    else:
        outcomes = list(await upsert_services(runtime, [r for r in records if isinstance(r, ServiceRecord)], actor, []))
    for line, outcome in zip(batch, outcomes, strict=True):
        report.add(line.number, line.external_id, outcome)


def describe(failure: Failure, language: Language = Language.EN) -> str:
    """A refusal as one line: the field's path within the record, then why."""
    message = translate(failure.message_key, language, failure.messages, **failure.values)
    return f"{'.'.join(failure.path)}: {message}" if failure.path else message
