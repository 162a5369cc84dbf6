"""Change events for live subscriptions, delivered only once the change has committed.

Write a change that others should see inside `async with events.transaction(runtime):` and
call `events.publish(...)` there. On PostgreSQL the event is a NOTIFY sent inside that
transaction: PostgreSQL delivers it at commit and never for a rollback, to every server
process LISTENing (this one included), so a change made through process A reaches
subscribers on process B. On SQLite (one process) the event is dispatched in-process right
after the commit.

Each process fans an event out to its local subscribers; a `Frame` is shared by all of them.
Events carry ids and states only (a NOTIFY payload is readable by whoever may LISTEN, and at most
8000 bytes): what subscribers need from the database is loaded once per event and process, by
the loader registered with `prepare`, before the event is handed to them.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from tortoise import connections
from tortoise.transactions import in_transaction

from settings import Settings

log = logging.getLogger("clientpanel.events")
CHANNEL = "clientpanel_events"
# Sent to every local subscriber after the PostgreSQL listener reconnected: events may have
# been missed meanwhile, so subscribers resend the current state.
RESYNC = "resync"
LISTENER_NAME = "clientpanel-events"

_pending: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar("pending_events", default=None)


@dataclass
class Frame:
    """One event as seen by this process's subscribers, with what they all need (`prepared`)."""

    event: dict[str, Any]
    prepared: Any = None

    @property
    def kind(self) -> str:
        return str(self.event.get("kind"))


_preparers: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {}


def prepare(kind: str, loader: Callable[[dict[str, Any]], Awaitable[Any]]) -> None:
    """`loader(event)` loads what subscribers of `kind` events need (as `Frame.prepared`), once per event
    and process and before any of them gets it, so none waits on another's query."""
    _preparers[kind] = loader


def publish(kind: str, account_id: int, **data: Any) -> None:
    """Queue an event for the surrounding `events.transaction()`; it is sent only if that commits."""
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("events.publish() must be called inside events.transaction()")
    pending.append({"kind": kind, "account_id": account_id, **data})


def _loss_of(conn: asyncpg.Connection) -> asyncio.Event:
    """An event set once `conn` terminates (each connection its own, so an old one's end never marks a new one)."""
    lost = asyncio.Event()
    conn.add_termination_listener(lambda _conn: lost.set())
    return lost


class EventBus:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._subscribers: dict[int, set[asyncio.Queue[Frame]]] = defaultdict(set)
        self._handlers: list[Callable[[Frame], Awaitable[None]]] = []
        self._listener: asyncio.Task[None] | None = None
        # One event at a time, in arrival order: an access change is handled (sockets narrowed or
        # closed) before any later event is delivered. asyncio.Lock serves its waiters in order.
        self._in_order = asyncio.Lock()
        self.connected = asyncio.Event()

    @property
    def uses_postgres(self) -> bool:
        return self.settings.dialect == "postgres"

    def on_event(self, handler: Callable[[Frame], Awaitable[None]]) -> None:
        """Call `handler` for every event this process receives (e.g. to close revoked sockets)."""
        self._handlers.append(handler)

    @contextlib.asynccontextmanager
    async def subscribe(self, account_id: int) -> AsyncIterator[asyncio.Queue[Frame]]:
        """A queue of the account's events; subscribe before reading the current state, so nothing is missed."""
        queue: asyncio.Queue[Frame] = asyncio.Queue(maxsize=1000)
        self._subscribers[account_id].add(queue)
        try:
            yield queue
        finally:
            self._subscribers[account_id].discard(queue)
            if not self._subscribers[account_id]:
                del self._subscribers[account_id]

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """A database transaction whose published events go out if, and only if, it commits."""
        outer = _pending.get()
        if outer is not None:  # nested: the outermost transaction sends
            async with in_transaction():
                yield
            return
        pending: list[dict[str, Any]] = []
        token = _pending.set(pending)
        try:
            async with in_transaction():
                yield
                if self.uses_postgres and pending:
                    conn = connections.get("default")
                    for event in pending:
                        await conn.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, json.dumps(event)])
        finally:
            _pending.reset(token)
        if not self.uses_postgres:
            for event in pending:
                await self.dispatch(event)

    async def dispatch(self, event: dict[str, Any]) -> None:
        async with self._in_order:
            await self._dispatch(Frame(event))

    async def _dispatch(self, frame: Frame) -> None:
        event = frame.event
        for handler in self._handlers:
            try:
                await handler(frame)
            except Exception:
                log.exception("event handler failed for %s", frame.kind)
        targets = self._all_queues() if frame.kind == RESYNC else self._subscribers.get(int(event["account_id"]), set())
        if targets and (loader := _preparers.get(frame.kind)):
            try:
                frame.prepared = await loader(event)
            except Exception:  # delivered unprepared: subscribers skip it
                log.exception("loading a %s event failed", frame.kind)
        for queue in list(targets):
            try:
                queue.put_nowait(frame)
            except asyncio.QueueFull:
                log.warning("a subscriber is not reading; event dropped")

    def _all_queues(self) -> list[asyncio.Queue[Frame]]:
        return [queue for queues in self._subscribers.values() for queue in queues]

    async def start(self) -> None:
        if self.uses_postgres:
            self._listener = asyncio.create_task(self._listen_forever(), name="pg-listener")
        else:
            self.connected.set()

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def _listen_forever(self) -> None:
        """LISTEN on a dedicated connection; reconnect with backoff and ask subscribers to resync."""
        dsn = self.settings.database_url.replace("postgres://", "postgresql://", 1)
        delay, first = 0.1, True
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(dsn, server_settings={"application_name": LISTENER_NAME})
                lost = _loss_of(conn)
                await conn.add_listener(CHANNEL, self._on_notify)
                self.connected.set()
                if not first:
                    log.info("event listener reconnected")
                    await self.dispatch({"kind": RESYNC, "account_id": 0})
                first, delay = False, 0.1
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), timeout=5)
                    if not lost.is_set():
                        await conn.execute("SELECT 1")
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("event listener lost its connection (%s); reconnecting", type(exc).__name__)
            finally:
                self.connected.clear()
                if conn is not None and not conn.is_closed():
                    conn.terminate()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        # Tasks start in creation order, so they queue on `_in_order` in the order of the notifications.
        asyncio.get_running_loop().create_task(self.dispatch(json.loads(payload)))
