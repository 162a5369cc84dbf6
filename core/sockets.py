"""Live WebSocket connections of this process, each held to what the same request over HTTP may do now.

A socket keeps the credential it connected with (the handshake's session cookie or connection_init's
token) and a cached principal, trusted only while nothing changed:
- every operation on the socket authenticates again from the credential, like an HTTP request (core/ws);
- whatever ends or narrows someone's access publishes an "access" event in its transaction; every
  process re-checks the sockets it holds for that person (and for the tokens that person created)
  and narrows their principal in place or closes them (4403);
- access also ends by time alone (session idle or absolute expiry, token expiry): each socket caches
  when its answer stops holding, events are not delivered past it without a re-check, and `sweep()`
  (every SWEEP_SECONDS on the app clock) re-checks the sockets past it and closes those no longer
  valid (4401).
So an ordinary event costs a comparison per socket, not a query.

Caps (WS_MAX_PER_SESSION / WS_MAX_PER_TOKEN / WS_MAX_PER_IP) count this process's sockets: a socket
lives in one process and the caps protect that process's memory, file descriptors and fan-out work
(with N processes a session may hold N times its cap). Over a cap, connection_init is refused with 4429.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from starlette.websockets import WebSocket, WebSocketState

from core import events, metrics
from core.access import ACCESS
from core.authn import Access, access_for
from core.context import Context, Principal
from core.events import Frame
from core.runtime import Runtime
from models.enums import Permission

log = logging.getLogger("clientpanel.live")
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429
SWEEP_SECONDS = 5.0
CLOSE_TIMEOUT_SECONDS = 5.0
STALE = datetime.min.replace(tzinfo=UTC)


def may_stay_connected(principal: Principal) -> bool:
    """A socket exists for live service updates: SERVICES, and no temporary password to replace or second factor
    to enrol first."""
    return (
        not principal.must_change_password
        and not principal.must_enrol_second_factor
        and Permission.SERVICES in principal.permissions
    )


def live_socket(ctx: Context) -> LiveSocket | None:
    """The live socket an operation runs on; None over HTTP."""
    return getattr(ctx.request.state, "live", None)


@dataclass(eq=False)
class LiveSocket:
    runtime: Runtime
    websocket: WebSocket
    token: str | None  # connection_init's token; None: the handshake's session cookie
    principal: Principal
    valid_until: datetime | None
    cap_keys: tuple[tuple[str, object], ...]
    closed: bool = False
    _checking: asyncio.Lock = field(default_factory=asyncio.Lock)

    def allows(self, now: datetime) -> bool:
        """May the socket receive an event, by what is cached (no query)?"""
        return (
            not self.closed
            and may_stay_connected(self.principal)
            and (self.valid_until is None or now < self.valid_until)
        )

    async def allowed_after_recheck(self) -> bool:
        """When `allows` said no: still open and only the cached answer's time passed? Then ask again."""
        return not self.closed and await self.recheck(CLOSE_UNAUTHENTICATED)

    async def recheck(self, close_code: int) -> bool:
        """Authenticate again (not a use of the session); narrow the principal in place or close the socket."""
        return await self._refresh(close_code, touch=False) is not None

    async def reauthenticate(self) -> Principal | None:
        """For an operation on the socket: a use, exactly like an HTTP request; None (and closed) if refused."""
        return await self._refresh(CLOSE_UNAUTHENTICATED, touch=True)

    async def _refresh(self, close_code: int, *, touch: bool) -> Principal | None:
        # One re-check at a time per socket, so a later answer is never overwritten by an earlier one.
        async with self._checking:
            if self.closed:
                return None
            access = await access_for(self.runtime, self.websocket, self.token, touch=touch)
            if access is None or not may_stay_connected(access.principal):
                await self.close(close_code if access is None else CLOSE_FORBIDDEN)
                return None
            self.principal, self.valid_until = access.principal, access.valid_until
            return access.principal

    async def close(self, code: int) -> None:
        """Closed at once for us (no event, no operation); the close frame goes out in its own task.

        Sending depends on the peer: a client that stops reading would otherwise hold up whoever
        closes (the event dispatch of every account, the sweep) until its TCP connection drops."""
        if self.closed:
            return
        self.closed = True
        task = asyncio.create_task(self._send_close(code))
        _closing.add(task)
        task.add_done_callback(_closing.discard)

    async def _send_close(self, code: int) -> None:
        if self.websocket.application_state != WebSocketState.CONNECTED:
            return
        with contextlib.suppress(Exception):  # the client went away, or never reads: nothing more to tell it
            await asyncio.wait_for(self.websocket.close(code=code, reason="Access ended"), CLOSE_TIMEOUT_SECONDS)

    def mark_stale(self) -> None:
        """Trust the cached answer no longer: the next event or sweep checks again first."""
        self.valid_until = STALE


# Close frames being sent (a reference keeps each task alive until it is done).
_closing: set[asyncio.Task[None]] = set()


class LiveConnections:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._by_account: dict[int, set[LiveSocket]] = defaultdict(set)
        self._open: Counter[tuple[str, object]] = Counter()
        self._connected: Counter[str] = Counter()  # every open socket per address, before connection_init too
        self._sweeper: asyncio.Task[None] | None = None
        # Access events seen so far: a socket authenticated while one arrived is checked again (core/ws).
        self.access_events = 0
        runtime.events.on_event(self._on_event)

    def connect(self, host: str) -> bool:
        """Count an open socket of `host`, authenticated or not; False (and nothing counted) over the cap."""
        if self._connected[host] >= self.runtime.settings.ws_max_per_ip:
            return False
        self._connected[host] += 1
        metrics.OPEN_SOCKETS.inc()
        return True

    def disconnect(self, host: str) -> None:
        metrics.OPEN_SOCKETS.dec()
        self._connected[host] -= 1
        if not self._connected[host]:
            del self._connected[host]

    def add(self, websocket: WebSocket, token: str | None, access: Access) -> LiveSocket | None:
        """Register an authenticated socket; None when it would exceed a cap (the address's is `connect`'s)."""
        principal, settings = access.principal, self.runtime.settings
        caps: dict[tuple[str, object], int] = {}
        if principal.session_id is not None:
            caps[("session", principal.session_id)] = settings.ws_max_per_session
        if principal.api_token_id is not None:
            caps[("token", principal.api_token_id)] = settings.ws_max_per_token
        if any(self._open[key] >= cap for key, cap in caps.items()):
            return None
        live = LiveSocket(self.runtime, websocket, token, principal, access.valid_until, tuple(caps))
        self._open.update(live.cap_keys)
        self._by_account[principal.account_id].add(live)
        websocket.state.live = live
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.create_task(self._sweep_while_open(), name="live-sweeper")
        return live

    def remove(self, live: LiveSocket) -> None:
        live.closed = True
        for key in live.cap_keys:
            self._open[key] -= 1
            if not self._open[key]:
                del self._open[key]
        account = self._by_account[live.principal.account_id]
        account.discard(live)
        if not account:
            del self._by_account[live.principal.account_id]

    def count(self) -> int:
        return sum(len(sockets) for sockets in self._by_account.values())

    async def sweep(self) -> int:
        """Re-check every socket whose cached answer expired on the app clock; how many were closed."""
        now = self.runtime.clock.now()
        sockets = [live for account in self._by_account.values() for live in account]
        closed = 0
        for live in [live for live in sockets if not (live.closed or live.allows(now))]:
            closed += not await self._checked(live, CLOSE_UNAUTHENTICATED)
        return closed

    @staticmethod
    async def _checked(live: LiveSocket, close_code: int) -> bool:
        """`live.recheck`, failing closed: a socket whose check fails (the database away, a broken peer)
        is closed rather than left with the rights it had, and the next socket is still checked."""
        try:
            return await live.recheck(close_code)
        except Exception:
            log.exception("re-checking a live socket failed: closing it")
            await live.close(close_code)
            return False

    async def _sweep_while_open(self) -> None:
        while self._by_account:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self.sweep()
            except Exception:  # e.g. the database is away: the next pass tries again
                log.exception("sweeping live sockets failed")

    async def _on_event(self, frame: Frame) -> None:
        if frame.kind == events.RESYNC:  # access events may have been missed meanwhile: trust no cached answer
            for account in self._by_account.values():
                for live in account:
                    live.mark_stale()
            return
        if frame.kind != ACCESS:
            return
        self.access_events += 1
        event = frame.event
        for live in list(self._by_account.get(int(event["account_id"]), ())):
            principal = live.principal
            # A contact's event also reaches the tokens it created (their principal carries its contact_id).
            if event["contact_id"] is not None and principal.contact_id != event["contact_id"]:
                continue
            if event["holder"] and principal.contact_id is not None:
                continue
            if event.get("api_token_id") is not None and principal.api_token_id != event["api_token_id"]:
                continue
            if event["force"]:
                await live.close(CLOSE_FORBIDDEN)
            else:
                await self._checked(live, CLOSE_FORBIDDEN)
