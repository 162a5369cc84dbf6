"""Running background workers (the list is domain/workers.py): supervised, restarted after a crash, stopped together.

The app's lifespan runs them (unless RUN_WORKERS=false) and `cli.py worker` runs them alone.

Each is `async def worker(runtime) -> None` that loops until cancelled and claims its work
with a lease or SKIP LOCKED, so any number of processes can run it side by side. After each pass it calls
`beat(runtime)`: its heartbeat, which `runtime.heartbeats` holds, the metrics report and `cli.py worker` writes to
WORKER_HEARTBEAT_FILE for `cli.py worker-health` (a worker is stuck once its heartbeat is older than
STUCK_AFTER_POLLS x WORKER_POLL_SECONDS). Workers' health is their process's liveness, never the app's readiness.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from core import metrics
from core.runtime import Runtime

log = logging.getLogger("clientpanel.workers")
Worker = Callable[[Runtime], Awaitable[None]]
STUCK_AFTER_POLLS = 3
# The worker this task runs (set by `_supervised`), so `beat` needs no name.
_current: contextvars.ContextVar[str] = contextvars.ContextVar("worker")


def progress(runtime: Runtime) -> None:
    """A sign of life from the calling worker, inside a pass too (a message delivered, a batch deleted): a long
    pass is not a stuck worker. Outside `running` (e.g. a test's own loop) nothing is recorded."""
    if (name := _current.get(None)) is not None:
        runtime.heartbeats[name] = now = runtime.clock.now()
        metrics.worker_heartbeat(name, now)


def beat(runtime: Runtime) -> None:
    """The calling worker finished a pass now. In a draining process it ends here, its claimed work done and
    recorded (so none is cut short and sent again once its lease runs out)."""
    progress(runtime)
    if runtime.draining and _current.get(None) is not None:
        raise asyncio.CancelledError


def stuck(heartbeats: Mapping[str, datetime], names: Iterable[str], now: datetime, poll_seconds: float) -> list[str]:
    """The workers of `names` without a heartbeat newer than STUCK_AFTER_POLLS polls before `now`."""
    oldest = now - timedelta(seconds=STUCK_AFTER_POLLS * poll_seconds)
    return [name for name in names if name not in heartbeats or heartbeats[name] < oldest]


def write_heartbeats(path: Path, heartbeats: Mapping[str, datetime]) -> None:
    """Replace `path` atomically (a reader never sees half a file)."""
    body = json.dumps({name: at.isoformat() for name, at in heartbeats.items()})
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as file:
        file.write(body)
    os.replace(temporary, path)


def read_heartbeats(path: Path) -> dict[str, datetime]:
    """What `write_heartbeats` wrote; nothing when the file is missing or unreadable."""
    try:
        written = json.loads(path.read_text())
        return {str(name): datetime.fromisoformat(at) for name, at in written.items()}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


async def publish_heartbeats(runtime: Runtime, path: Path) -> None:
    """`cli.py worker`: the heartbeats to `path` every WORKER_POLL_SECONDS, until cancelled."""
    while True:
        await asyncio.to_thread(write_heartbeats, path, dict(runtime.heartbeats))
        await asyncio.sleep(runtime.settings.worker_poll_seconds)


@contextlib.asynccontextmanager
async def running(runtime: Runtime, workers: list[Worker]) -> AsyncIterator[list[asyncio.Task[None]]]:
    tasks = [asyncio.create_task(_supervised(runtime, worker), name=worker.__name__) for worker in workers]
    try:
        yield tasks
    finally:
        # A cancellation can be lost inside a library (3.11's wait_for): cancel again until all have stopped.
        while pending := [task for task in tasks if not task.done()]:
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=1)


async def _supervised(runtime: Runtime, worker: Worker) -> None:
    """Restart a worker that crashed (after a pause), so one bad row cannot stop delivery for good."""
    _current.set(worker.__name__)
    while True:
        try:
            await worker(runtime)
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker %s crashed; restarting", worker.__name__)
            await asyncio.sleep(max(runtime.settings.worker_poll_seconds, 1.0))
