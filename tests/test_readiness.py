"""/readyz (this process can serve: the database, the limits' storage) and the workers' heartbeats, which are the
worker process's own liveness (`cli.py worker-health`), never the app's readiness."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from tortoise import connections

from core import workers
from core.clock import Clock
from domain.workers import WORKERS
from settings import PROJECT_DIR
from tests.helpers import cli

NAMES = [worker.__name__ for worker in WORKERS]


async def test_ready_when_the_database_and_limits_answer(client) -> None:
    response = await client.http.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ready"})


async def test_not_ready_without_the_database_and_nothing_of_the_error_shown(
    client, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = connections.get("default")

    async def refused(*args: object, **kwargs: object) -> None:
        raise OSError("connection to postgres://admin:hunter2@db.internal refused")

    monkeypatch.setattr(connection, "execute_query", refused)
    response = await client.http.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "unreachable": ["database"]}
    assert "hunter2" not in response.text


async def test_a_stuck_worker_does_not_make_the_app_unready(client, runtime, clock) -> None:
    runtime.heartbeats["deliver_forever"] = clock.now() - timedelta(days=1)
    assert (await client.http.get("/readyz")).status_code == 200


async def test_the_app_s_workers_beat_after_each_pass(runtime, clock) -> None:
    """The tests' app runs the mail worker (conftest): its heartbeat follows the clock."""
    clock.advance(timedelta(minutes=5))
    deadline = time.monotonic() + 5
    while runtime.heartbeats.get("deliver_forever") != clock.now() and time.monotonic() < deadline:
        runtime.mail_wakeup.set()
        await asyncio.sleep(0.02)
    assert runtime.heartbeats["deliver_forever"] == clock.now()


def test_stuck_means_older_than_three_polls_or_missing() -> None:
    now = Clock().now()
    beats = {"a": now - timedelta(seconds=2.9), "b": now - timedelta(seconds=3.1)}
    assert workers.stuck(beats, ["a", "b", "c"], now, poll_seconds=1.0) == ["b", "c"]
    assert workers.stuck(beats, ["a", "b"], now, poll_seconds=2.0) == []


def test_worker_health_reads_the_file_the_worker_writes(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat.json"
    env = {"WORKER_HEARTBEAT_FILE": str(path), "WORKER_POLL_SECONDS": "1"}
    missing = cli(tmp_path, "worker-health", **env)
    assert missing.returncode == 1
    assert "stuck or not running" in missing.stderr
    workers.write_heartbeats(path, dict.fromkeys(NAMES, Clock().now()))
    assert cli(tmp_path, "worker-health", **env).returncode == 0
    late = dict.fromkeys(NAMES, Clock().now())
    late["deliver_forever"] -= timedelta(seconds=10)
    workers.write_heartbeats(path, late)
    stuck = cli(tmp_path, "worker-health", **env)
    assert (stuck.returncode, stuck.stderr.strip()) == (1, "stuck or not running: deliver_forever")
    path.write_text("{not json")
    assert cli(tmp_path, "worker-health", **env).returncode == 1
    unset = cli(tmp_path, "worker-health")
    assert unset.returncode == 1
    assert "WORKER_HEARTBEAT_FILE" in unset.stderr


def wait_for_health(tmp_path: Path, env: dict[str, str], code: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while (result := cli(tmp_path, "worker-health", **env)).returncode != code:
        assert time.monotonic() < deadline, result.stderr
        time.sleep(0.2)


def test_a_real_worker_process_is_live_then_stuck_when_frozen(tmp_path: Path) -> None:
    """`cli.py worker` writes the heartbeats; frozen (SIGSTOP) it is reported stuck, resumed it is live again."""
    env = {
        "WORKER_HEARTBEAT_FILE": str(tmp_path / "heartbeat.json"),
        "WORKER_POLL_SECONDS": "0.2",
        "SMTP_URL": "smtp://127.0.0.1:9",
        "ENVIRONMENT": "test",
    }
    assert cli(tmp_path, "migrate", **env).returncode == 0
    variables = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}", **env}
    worker = subprocess.Popen(  # the project's own CLI
        [sys.executable, str(PROJECT_DIR / "cli.py"), "worker"],
        cwd=PROJECT_DIR,
        env=variables,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_health(tmp_path, env, 0)
        worker.send_signal(signal.SIGSTOP)
        wait_for_health(tmp_path, env, 1)
        worker.send_signal(signal.SIGCONT)
        wait_for_health(tmp_path, env, 0)
    finally:
        worker.send_signal(signal.SIGCONT)
        worker.terminate()
        worker.wait(timeout=20)
