"""A request's objects are freed when it ends, not left for the cyclic collector: graphql-core's executor once held
itself through its async helpers, and with it the request's context, Request and loaders until a collection ran
(collections then cost ~5% of a small request)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from core.context import Context
from core.execution import InlineLeavesExecutionContext
from models import Account
from tests.helpers import GraphQLClient

QUERIES = (
    "{ __typename }",
    "{ viewer { account { clientNumber services(first: 5) { edges { node { id name status } } } } } }",
)
REQUEST_TYPES = (Context, Request, InlineLeavesExecutionContext)


@pytest.fixture
def saved_garbage() -> Iterator[list[object]]:
    """What the collector finds unreachable, kept in gc.garbage instead of freed (then freed)."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


async def answer(app: Starlette, body: bytes, cookie: str) -> bytes:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "scheme": "http",
        "server": ("testserver.local", 80),
        "client": ("127.0.0.1", 50000),
        "method": "POST",
        "root_path": "",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver.local"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", cookie.encode()),
        ],
    }
    sent: list[bytes] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.body":
            sent.append(message["body"])  # type: ignore[arg-type]

    await app(scope, receive, send)
    return b"".join(sent)


async def test_requests_leave_nothing_for_the_cyclic_collector(
    app: Starlette, client: GraphQLClient, holder: Account, saved_garbage: list[object]
) -> None:
    cookie = "; ".join(f"{name}={value}" for name, value in client.http.cookies.items())
    for query in QUERIES:
        body = orjson.dumps({"query": query})
        for _ in range(3):  # the first runs on Strawberry's path, the next ones on the checked path
            data = orjson.loads(await answer(app, body, cookie))["data"]
            assert data == {"__typename": "Query"} or data["viewer"]["account"]["clientNumber"] == holder.client_number
    gc.collect()
    left = [type(found).__name__ for found in saved_garbage if isinstance(found, REQUEST_TYPES)]
    assert left == []
