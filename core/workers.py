"""Background workers the app's lifespan runs (unless RUN_WORKERS=false) and `cli.py worker` runs alone.

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


def registered() -> list[Worker]:
    """Every worker, imported here so that the registry has no import cycles."""
    from core.mail_delivery import deliver_forever
    from resolvers.cancellation import complete_forever
    from resolvers.recovery_worker import recover_forever

    return [deliver_forever, complete_forever, recover_forever]


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
