"""Running background workers (the list is domain/workers.py): supervised, restarted after a crash, stopped together.

The app's lifespan runs them (unless RUN_WORKERS=false) and `cli.py worker` runs them alone.

Each is `async def worker(runtime) -> None` that loops until cancelled and claims its work
with a lease or SKIP LOCKED, so any number of processes can run it side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from core.runtime import Runtime

log = logging.getLogger("clientpanel.workers")
Worker = Callable[[Runtime], Awaitable[None]]


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
    while True:
        try:
            await worker(runtime)
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker %s crashed; restarting", worker.__name__)
            await asyncio.sleep(max(runtime.settings.worker_poll_seconds, 1.0))
