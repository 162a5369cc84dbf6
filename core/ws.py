"""graphql-transport-ws with our rules: who connects, keep-alive pings, and closing on revocation.

A browser on our origin is authenticated by its session cookie; a partner integration sends
its token in connection_init's payload ({"authorization": "Bearer <token>"} or {"token": ...}).
Unauthenticated connections close with 4401, forbidden ones with 4403 (the protocol's codes).
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage

from core.authn import authenticate
from core.context import Context
from core.live import LiveConnections
from models.enums import Permission

KEEP_ALIVE_SECONDS = 20.0
MAX_SUBSCRIPTIONS_PER_CONNECTION = 10


def token_from(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    value = payload.get("authorization") or payload.get("Authorization") or payload.get("token")
    if not isinstance(value, str):
        return None
    scheme, _, rest = value.partition(" ")
    return (rest if scheme.lower() == "bearer" else value).strip() or None


class PanelTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    keep_alive_seconds: float = KEEP_ALIVE_SECONDS

    @property
    def live(self) -> LiveConnections:
        return self.view.live  # type: ignore[attr-defined]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pinger: asyncio.Task[None] | None = None
        self._registered = False

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        ctx = self.context
        token = token_from(message.get("payload"))
        if token is not None:
            ctx.principal = await authenticate(ctx.runtime, ctx.request, token=token)
        if ctx.principal is None:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        if ctx.principal.must_change_password or Permission.SERVICES not in ctx.principal.permissions:
            await self.websocket.close(code=4403, reason="Forbidden")
            return
        await super().handle_connection_init(message)
        if self.connection_acknowledged and not self._registered:
            self.live.add(ctx.request, ctx.principal)  # type: ignore[arg-type]
            self._registered = True
            self._pinger = asyncio.create_task(self._keep_alive())

    async def _keep_alive(self) -> None:
        """Server pings let clients and proxies notice dead connections."""
        with contextlib.suppress(Exception):
            while True:
                await asyncio.sleep(self.keep_alive_seconds)
                await self.send_message({"type": "ping"})

    async def shutdown(self) -> None:
        if self._pinger is not None:
            self._pinger.cancel()
        if self._registered and self.context.principal is not None:
            self.live.remove(self.context.request, self.context.principal)  # type: ignore[arg-type]
        await super().shutdown()
