"""`python bench/sync.py` (PostgreSQL): 10,000 services synced from billing through the staff API's domain function
(`servicesSync`, batches of 1,000), as created, then unchanged, then updated; against the floor of the same rows
inserted by bare asyncpg in the same run (executemany in one transaction: no checks, no activity, no ORM).
Prints a Markdown row per pass; `--json` prints them as one JSON list (bench/run.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg

# Run as a script, the project's own packages are not importable yet.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import close_database, open_database
from core.migrations import upgrade
from core.runtime import Runtime
from domain.billing_sync import MAX_RECORDS
from domain.sync_accounts import upsert_account
from domain.sync_records import AccountRecord, HolderRecord, ServiceRecord
from domain.sync_services import sync_services
from settings import Settings

SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
RECORDS = int(os.environ.get("BENCH_SYNC_RECORDS", "10000"))
ACTOR = "Staff key 1 (bench)"
ACCOUNT = "bench-account"


def services(due: str) -> list[ServiceRecord]:
    return [
        ServiceRecord(
            external_id=f"svc-{n}",
            account_external_id=ACCOUNT,
            kind="HOSTING",
            name=f"Hosting {n}",
            domain=f"sitio{n}.com.ar",
            status="ACTIVE",
            next_due_date=due,
            recurring_amount="1500.00",
            currency="ARS",
            payment_method="MANUAL",
        )
        for n in range(RECORDS)
    ]


async def floor(url: str, account_id: int) -> float:
    """Seconds for bare asyncpg to insert the same rows (one prepared INSERT, executemany, one transaction); then
    removed."""
    now = datetime.now(UTC)
    rows = [
        (account_id, f"Hosting {n}", f"sitio{n}.com.ar", Decimal("1500.00"), now, date(2026, 4, 10), f"floor-{n}")
        for n in range(RECORDS)
    ]
    conn = await asyncpg.connect(url)
    try:
        started = time.perf_counter()
        async with conn.transaction():
            await conn.executemany(
                "INSERT INTO service (account_id, name, kind, domain, status, payment_method, recurring_amount,"
                " currency, started_at, next_due_date, renews, external_id, version)"
                " VALUES ($1, $2, 'HOSTING', $3, 'ACTIVE', 'MANUAL', $4, 'ARS', $5, $6, true, $7, 1)",
                rows,
            )
        elapsed = time.perf_counter() - started
        await conn.execute("DELETE FROM service WHERE external_id LIKE 'floor-%'")
        return elapsed
    finally:
        await conn.close()


async def timed_sync(runtime: Runtime, records: list[ServiceRecord], expect: str) -> float:
    started = time.perf_counter()
    for first in range(0, len(records), MAX_RECORDS):
        outcome = await sync_services(runtime, records[first : first + MAX_RECORDS], ACTOR)
        report = outcome.value
        assert report is not None, outcome
        assert report.refused == 0, report
        assert getattr(report, expect) == len(records[first : first + MAX_RECORDS]), (expect, report)
    return time.perf_counter() - started


async def measure(url: str) -> list[str]:
    settings = Settings().with_(database_url=url)
    await upgrade(settings)
    await open_database(settings)
    try:
        runtime = Runtime.build(settings)
        holder = HolderRecord(first_name="Juan", last_name="Pérez", email="juan@example.com")
        created = await upsert_account(
            runtime, AccountRecord(external_id=ACCOUNT, client_number="9000", holder=holder), ACTOR
        )
        assert created.value is not None, created
        bare = await floor(url, created.value.row.account.id)
        rows = []
        for label, records, expect in (
            ("created", services("2026-04-10"), "created"),
            ("unchanged (the same records again)", services("2026-04-10"), "unchanged"),
            ("updated (a new due date each)", services("2026-05-10"), "updated"),
        ):
            seconds = await timed_sync(runtime, records, expect)
            rows.append(
                f"| servicesSync, {RECORDS:,} services {label} | {RECORDS / seconds:,.0f} | {seconds:.1f} "
                f"| {bare / seconds:.0%} of bare asyncpg's insert of the same rows ({RECORDS / bare:,.0f} rows/s) |"
            )
        return rows
    finally:
        await close_database()


async def main() -> list[str]:
    name = f"cp_bench_sync_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{SERVER}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        return await measure(f"{SERVER}/{name}")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    found = asyncio.run(main())
    if "--json" in sys.argv:
        print(json.dumps(found))
    else:
        print("| pass | records/s | seconds | figure |\n| --- | --- | --- | --- |")
        print("\n".join(found))
