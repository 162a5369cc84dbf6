"""graphql-transport-ws with our rules: who connects, how many, keep-alive pings, and every operation
authorised like an HTTP request made now.

A browser on our origin is authenticated by its session cookie; a partner integration sends
its token in connection_init's payload ({"authorization": "Bearer <token>"} or {"token": ...}).
Unauthenticated connections close with 4401, forbidden ones with 4403 (the protocol's codes),
connections over a cap (core/sockets) with 4429. Each `subscribe` message authenticates again from
the same credential (a use of the session, counted against the token's request limit) and runs
with that principal in a context of its own, which a subscription moves to the socket's current
principal for each event (domain/live_cancellations); core/sockets narrows that principal in place
or closes the socket when its access ends.
"""

from __future__ import annotations

import asyncio
import contextlib
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, Protocol, cast

from graphql import GraphQLFormattedError
from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    SubscribeMessage,
)

from core import metrics
from core.apq import PersistedQueries
from core.authn import access_for, count_token_request, token_limit_message
from core.context import Context, Principal
from core.errors import ApiError
from core.loaders import Loaders
from core.ratelimit import rate_limited
from core.sockets import (
    CLOSE_FORBIDDEN,
    CLOSE_TOO_MANY,
    CLOSE_UNAUTHENTICATED,
    LiveConnections,
    LiveSocket,
    may_stay_connected,
)

KEEP_ALIVE_SECONDS = 20.0
MAX_SUBSCRIPTIONS_PER_CONNECTION = 10

# The context of the operation being started: strawberry runs every operation with `handler.context`,
# read inside the operation's task, which copies this variable when it is created.
_operation_context: ContextVar[Context | None] = ContextVar("operation_context", default=None)


def token_from(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    value = payload.get("authorization") or payload.get("Authorization") or payload.get("token")
    if not isinstance(value, str):
        return None
    scheme, _, rest = value.partition(" ")
    return (rest if scheme.lower() == "bearer" else value).strip() or None


async def token_rate_limited(ctx: Context, principal: Principal) -> ApiError | None:
    """The per-token request limit, the same counter HTTP requests use (app.get_context): RATE_LIMITED with
    `extensions.retryAfter`."""
    quota = await count_token_request(ctx.runtime, principal)
    if quota is None or quota.retry_after is None:
        return None
    wait = quota.retry_after
    return rate_limited(wait, token_limit_message(wait))


class PanelView(Protocol):
    """What this handler needs of the app's view."""

    live: LiveConnections
    persisted: PersistedQueries


class PanelTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    keep_alive_seconds: float = KEEP_ALIVE_SECONDS

    @property
    def panel(self) -> PanelView:
        """The app's GraphQL view, which holds the live sockets and the persisted queries (app.py)."""
        return cast(PanelView, self.view)

    @property
    def live(self) -> LiveConnections:
        return self.panel.live

    @property
    def context(self) -> Context:
        """The running operation's own context; the connection's outside operations."""
        return _operation_context.get() or self._connection_context

    @context.setter
    def context(self, value: Context) -> None:
        self._connection_context = value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pinger: asyncio.Task[None] | None = None
        self._live: LiveSocket | None = None

    async def handle(self) -> None:
        """Every open socket of an address counts against WS_MAX_PER_IP, those still waiting for their
        connection_init too (each may wait 10 s before it is refused)."""
        address = self._connection_context.request.client
        host = address.host if address else ""
        if not self.live.connect(host):
            await self.websocket.close(code=CLOSE_TOO_MANY, reason="Too many connections")
            return
        try:
            await super().handle()
        finally:
            self.live.disconnect(host)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        if self._live is not None:  # a second connection_init: the protocol's refusal
            await super().handle_connection_init(message)
            return
        ctx = self.context
        token = token_from(message.get("payload"))
        access_events = self.live.access_events
        access = await access_for(ctx.runtime, ctx.request, token)
        if access is None:
            await self.websocket.close(code=CLOSE_UNAUTHENTICATED, reason="Unauthorized")
            return
        if not may_stay_connected(access.principal):
            await self.websocket.close(code=CLOSE_FORBIDDEN, reason="Forbidden")
            return
        if not isinstance(ctx.request, WebSocket):
            raise TypeError("connection_init arrives on a WebSocket")
        self._live = self.live.add(ctx.request, token, access)
        if self._live is None:
            await self.websocket.close(code=CLOSE_TOO_MANY, reason="Too many connections")
            return
        if self.live.access_events != access_events and not await self._live.recheck(CLOSE_FORBIDDEN):
            return  # access changed while this socket was being authenticated, before it was registered
        ctx.principal = self._live.principal
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self._pinger = asyncio.create_task(self._keep_alive())

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        """Every operation authenticates again, counts against the token's limit, and runs with its own context."""
        if self._live is None or not self.connection_acknowledged:
            await super().handle_subscribe(message)  # the protocol's 4401
            return
        if not self.panel.persisted.allows(message["payload"].get("query")):
            refusal: GraphQLFormattedError = {
                "message": "Only known operations are accepted.",
                "extensions": {"code": "PERSISTED_QUERY_NOT_ALLOWED"},
            }
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[refusal]))
            return
        principal = await self._live.reauthenticate()
        if principal is None:
            return
        if limited := await token_rate_limited(self.context, principal):
            await self.send_message(ErrorMessage(id=message["id"], type="error", payload=[limited.formatted]))
            return
        token = _operation_context.set(replace(self._connection_context, principal=principal, loaders=Loaders()))
        try:
            await super().handle_subscribe(message)
        finally:
            _operation_context.reset(token)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        """Counted as open while it runs (a subscription until it completes or is cancelled)."""
        with metrics.OPEN_SUBSCRIPTIONS.track_inprogress():
            await super().run_operation(operation)

    async def _keep_alive(self) -> None:
        """Server pings let clients and proxies notice dead connections."""
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(self.keep_alive_seconds)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
        if self._live is not None:
            self.live.remove(self._live)
        await super().shutdown()
