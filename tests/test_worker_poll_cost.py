"""The workers' polls read what is waiting, not the history: the mail worker's claim finds the queued outbox rows
and the completion worker's pass the open cancellations through an index on their status, however many sent mails
and closed cancellations pile up. Both polls run every WORKER_POLL_SECONDS in every worker process; scanning the
history (the soak's ten minutes leave ~18,000 of each, the outbox bodies and all) made PostgreSQL busier by the
minute and the servers' throughput fall with it (issue 25)."""

from __future__ import annotations

from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from core.mail_delivery import claim
from domain.cancellation_completion import complete_due
from models import Cancellation, OutboxMessage
from models.enums import CancellationStatus, DeliveryStatus
from tests.helpers import statements
from tests.test_cancellation import request
from tests.test_query_count import delivered
from tests.test_subscriptions import WITHDRAW

CYCLES = 5
POLLED_TABLES = {"outbox_message", "cancellation"}


async def plan(sql: str, values: list[Any], dialect: str) -> list[str]:
    """The statement's plan, one line a step. PostgreSQL is told to avoid sequential scans, so that a table this
    small shows the index a large one would use (or that it has none to use)."""
    if dialect == "sqlite":
        rows = await connections.get("default").execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", values)
        return [str(row["detail"]) for row in rows]
    async with in_transaction() as connection:
        await connection.execute_script("SET LOCAL enable_seqscan = off")
        rows = await connection.execute_query_dict(f"EXPLAIN {sql}", values)
    return [str(row["QUERY PLAN"]) for row in rows]


def searched_by_status(steps: list[str], dialect: str) -> bool:
    """An index lookup on the status column (SQLite: `SEARCH t USING INDEX i (status=?...)`; PostgreSQL: an
    `Index Cond` on status), rather than a scan that filters every row."""
    if dialect == "sqlite":
        return any("USING INDEX" in step and "(status=" in step for step in steps)
    return any("Index Cond" in step and "status" in step for step in steps)


async def test_worker_polls_find_the_waiting_rows_through_the_status_indexes(client, holder, factory, runtime) -> None:
    service = await factory.service(holder, "Hosting Pyme")
    for _ in range(CYCLES):
        requested = await request(client, service)
        assert requested["errors"] == []
        withdrawn = await client.data(WITHDRAW, {"i": {"cancellationId": requested["cancellation"]["id"]}})
        assert withdrawn["serviceCancellationWithdraw"]["errors"] == []
    await delivered()
    assert await OutboxMessage.filter(status=DeliveryStatus.SENT).count() == 2 * CYCLES  # a code, a notice
    assert await Cancellation.filter(status=CancellationStatus.WITHDRAWN).count() == CYCLES

    with statements(this_task_only=True) as seen:
        assert await claim(runtime, "poll-cost-test") == []
        assert await complete_due(runtime) == 0
    reads = [(sql, values) for sql, values in seen if sql.lstrip().upper().startswith("SELECT")]
    assert {table for sql, _ in reads for table in POLLED_TABLES if f'FROM "{table}"' in sql} == POLLED_TABLES
    dialect = runtime.settings.dialect
    for sql, values in reads:
        steps = await plan(sql, values, dialect)
        assert searched_by_status(steps, dialect), (sql, steps)
