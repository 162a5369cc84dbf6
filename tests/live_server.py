"""Real servers and real WebSocket clients for the live (subscription) tests."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx
import uvicorn
import websockets
from starlette.applications import Starlette
from tortoise import connections
from websockets.asyncio.client import ClientConnection

from core.events import LISTENER_NAME
from settings import PROJECT_DIR, Settings

PROTOCOL = "graphql-transport-ws"
STARTUP_SECONDS = 10.0
MESSAGE_SECONDS = 5.0  # how long a test waits for the next WebSocket message


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def started(server: uvicorn.Server) -> None:
    """uvicorn tells it started by a flag only: polled, within STARTUP_SECONDS, so a server that cannot start
    fails the test instead of hanging it."""
    for _ in range(int(STARTUP_SECONDS / 0.01)):
        if server.started:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"uvicorn did not start within {STARTUP_SECONDS} seconds")


@asynccontextmanager
async def uvicorn_server(app: Starlette, port: int | None = None) -> AsyncIterator[int]:
    """The app on a real uvicorn server on localhost (its lifespan is already running)."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    await started(server)
    try:
        yield port
    finally:
        server.should_exit = True
        await task


@contextmanager
def uvicorn_process(settings: Settings) -> Iterator[int]:
    """The app in a second uvicorn process on the same database, without workers; its port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "ENVIRONMENT": "test",
        "PUBLIC_BASE_URL": settings.public_base_url,
        "SMTP_URL": settings.smtp_url,
        "SECRET_KEY": settings.secret_key,
        "RUN_WORKERS": "false",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "app:main_app", "--port", str(port), "--log-level", "warning"],
        cwd=PROJECT_DIR,
        env=env,
    )
    try:
        for _ in range(200):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None:
                raise RuntimeError("the second server did not start")
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


async def listeners_connected(count: int) -> None:
    """Wait (bounded) until `count` server processes LISTEN for events."""
    for _ in range(100):
        rows = await connections.get("default").execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", [LISTENER_NAME]
        )
        if rows[0]["n"] >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"fewer than {count} event listeners connected")


class GraphQLSocket:
    """A graphql-transport-ws client over a real WebSocket."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.pending: list[dict[str, Any]] = []  # received while waiting for a pong

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, seconds: float = MESSAGE_SECONDS) -> dict[str, Any]:
        """The next message that is not a keep-alive ping (answered with pong), each within `seconds`."""
        if self.pending:
            return self.pending.pop(0)
        return await self._next(seconds)

    async def _next(self, seconds: float) -> dict[str, Any]:
        while True:
            message = json.loads(await asyncio.wait_for(self.connection.recv(), seconds))
            if message["type"] == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None, op_id: str = "1") -> None:
        """Once the server has checked and started the subscription: it handles a socket's messages in order, so
        the answer to a ping sent after it comes after that (what arrives meanwhile is kept for `receive`)."""
        await self.send({"id": op_id, "type": "subscribe", "payload": {"query": query, "variables": variables or {}}})
        try:
            await self.send({"type": "ping"})
            while (message := await self._next(MESSAGE_SECONDS)) != {"type": "pong"}:
                self.pending.append(message)
        except websockets.ConnectionClosed:
            pass  # refused: closed_with() tells how

    async def next_data(self, seconds: float = MESSAGE_SECONDS) -> dict[str, Any]:
        message = await self.receive(seconds)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        return message["payload"]["data"]

    async def closed_with(self, seconds: float = MESSAGE_SECONDS) -> int | None:
        """Wait for the server to close the socket (each message within `seconds`); its close code."""
        try:
            while True:
                await asyncio.wait_for(self.connection.recv(), seconds)
        except websockets.ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


@asynccontextmanager
async def graphql_socket(
    port: int, *, cookie: str | None = None, origin: str | None = None
) -> AsyncIterator[GraphQLSocket]:
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    if origin:
        headers["Origin"] = origin
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/graphql", subprotocols=[PROTOCOL], additional_headers=headers, open_timeout=5
    ) as connection:
        yield GraphQLSocket(connection)
