"""Rolling restarts without a failed request (issue 25; figures in RELIABILITY.md).

Thirty seconds of mixed load through nginx (tests/topology.py): readers of the dashboard, customers requesting and
withdrawing cancellations, and subscribers of their live status. Meanwhile each app process in turn gets SIGTERM
(`cli.py serve` stops accepting, lets nginx finish with its connections, closes its WebSockets with 1012 and
finishes in-flight requests), starts again and is waited for, and then the worker process (it stops after its
current pass). Then: no HTTP request failed, every subscriber reconnected and, in each of its connections, saw
every change made after that connection's first message (the current state) and committed 2 s before it closed,
no Message-ID reached the SMTP server twice, and the https webhook receiver (its certificate from a test CA that
WEBHOOK_CA_FILE names) got every change's event, signed, and no webhook-id twice.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from settings import PROJECT_DIR
from tests.load import SERVICES_PER_ACCOUNT, SETTINGS, WEBHOOK_EVENTS, Load, queued_mail, webhook_deliveries
from tests.topology import Process, Topology, run_cli, topology_for_test

LOAD_SECONDS = 30.0
FIRST_RESTART_AFTER = 5.0
BETWEEN_RESTARTS = 4.0  # 2 s more than nginx's fail_timeout after /readyz: the restarted process is back in rotation
ACCOUNTS = 3
SUBSCRIBERS_PER_ACCOUNT = 2
READERS = 3
DELIVERY_GRACE = 2.0  # a change committed this long before a socket closed must have reached it
SETTLING_POLLS = 300  # at most 30 s, a poll every 0.1 s, for the mail and webhooks left to be sent


@pytest.fixture(scope="module")
def loaded() -> Iterator[Topology]:
    with topology_for_test(
        accounts=ACCOUNTS, services=SERVICES_PER_ACCOUNT, settings=SETTINGS, webhook_events=WEBHOOK_EVENTS
    ) as found:
        yield found


async def restart_each(found: Topology) -> list[tuple[str, float, float]]:
    """App 1, app 2, then the worker: (name, seconds to stop, seconds until ready again)."""
    await asyncio.sleep(FIRST_RESTART_AFTER)
    timings = []
    for index in range(2):
        stopped, ready = await asyncio.to_thread(found.restart_app, index)
        timings.append((f"app{index + 1}", stopped, ready))
        await asyncio.sleep(BETWEEN_RESTARTS)
    timings.append(("worker", await asyncio.to_thread(found.restart_worker), 0.0))
    return timings


async def test_rolling_restart_under_load_fails_no_request_and_loses_no_change(loaded: Topology) -> None:
    found, load = loaded, Load(loaded)
    await load.start(ACCOUNTS, SUBSCRIBERS_PER_ACCOUNT, READERS)
    restarting = asyncio.create_task(restart_each(found))
    await load.run(time.monotonic() + LOAD_SECONDS)
    timings = await restarting
    await asyncio.sleep(2 * DELIVERY_GRACE)
    await load.stop()

    for _ in range(SETTLING_POLLS):
        if await queued_mail(found) == 0 and "PENDING" not in (await webhook_deliveries(found)).values():
            break
        await asyncio.sleep(0.1)
    message_ids = Counter(str(received.message["Message-ID"]) for received in found.smtp.received)
    receiver, deliveries = found.receiver, await webhook_deliveries(found)
    assert receiver is not None
    webhook_ids = Counter(receiver.ids)
    connections, subscribers, missed = load.connections, load.subscribers, load.missed(DELIVERY_GRACE)
    print(
        f"\nrolling restart: {load.tally.requests} HTTP requests in {LOAD_SECONDS:.0f} s, {len(load.tally.failures)}"
        f" failed; {len(load.changes)} changes; {len(subscribers)} subscribers,"
        f" {len(connections) - len(subscribers)} reconnections"
        f" (close codes {dict(Counter(c.close_code for c in connections if c.closed))}),"
        f" {sum(len(s.refused) for s in subscribers)} handshakes refused; {len(missed)} changes missed;"
        f" {sum(message_ids.values())} messages, {sum(n - 1 for n in message_ids.values())} duplicates;"
        f" {len(deliveries)} webhook events ({dict(Counter(deliveries.values()))}), {len(receiver.ids)} deliveries"
        f" received, {sum(n - 1 for n in webhook_ids.values())} duplicate webhook-ids, {len(receiver.rejected)}"
        f" rejected, {len(receiver.broken)} broken connections;"
        f" restarts (name, stop s, ready s): {[(name, round(a, 2), round(b, 2)) for name, a, b in timings]}"
    )
    assert load.tally.failures == []
    assert load.tally.requests > 100
    assert missed == []
    assert all(len(subscriber.connections) >= 2 for subscriber in subscribers)  # each was moved at least once
    assert {connection.close_code for connection in connections if connection.closed} == {1012}
    assert await queued_mail(found) == 0
    assert len(message_ids) >= len(load.changes) // 2  # a code for every request
    assert [message for message, count in message_ids.items() if count > 1] == []
    assert len(deliveries) == len(load.changes) + ACCOUNTS  # each change's event, and the standing requests'
    assert set(deliveries.values()) == {"DELIVERED"}  # none left pending (or failed)
    assert set(receiver.processed) == set(deliveries)  # every one received and its signature verified
    assert (receiver.rejected, receiver.broken) == ([], [])
    assert [webhook_id for webhook_id, count in webhook_ids.items() if count > 1] == []
    assert found.error_lines() == []


def test_the_worker_stops_on_sigterm_after_its_pass(tmp_path: Path) -> None:
    """`cli.py worker` on SIGTERM: every worker ends at its next pass's end (within a poll), exit status 0."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'worker.sqlite3'}",
        "SMTP_URL": "smtp://127.0.0.1:9",  # not the default: no development mail server
        "ENVIRONMENT": "test",
        "WORKER_POLL_SECONDS": "0.2",
        "WORKER_HEARTBEAT_FILE": str(tmp_path / "heartbeats.json"),
    }
    run_cli(environment, "migrate")
    worker = Process("worker", [sys.executable, "cli.py", "worker"], environment, tmp_path / "worker.log")
    worker.start()
    for _ in range(500):  # until every worker has finished a pass (bounded)
        health = [sys.executable, "cli.py", "worker-health"]
        if subprocess.run(health, cwd=PROJECT_DIR, env=environment, capture_output=True, check=False).returncode == 0:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(worker.log_path.read_text(encoding="utf-8"))
    assert worker.stop() < 5
    assert worker.exit_code == 0
    assert "stopping:" in worker.log_path.read_text(encoding="utf-8")
