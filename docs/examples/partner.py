"""A partner integration in one file (docs/partners.md), run by the test suite against a real server.

It lists the account's services page by page, fetches one by its global id, shows how a mutation's
payload errors are read, and follows cancellations live over graphql-transport-ws. Every request waits
and retries once the API answers RATE_LIMITED (`extensions.retryAfter`, or the `Retry-After` header).

    pip install "gql[aiohttp,websockets]"
    CP_TOKEN=cpk_... python partner.py --url https://api.example.com/graphql

The token needs SERVICES (reading services and the subscription) and MANAGE_SERVICES (the withdrawal).
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import websockets
from gql import Client, GraphQLRequest
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.exceptions import TransportQueryError, TransportServerError
from gql.transport.websockets import WebsocketsTransport

SERVICES = """
query Services($first: Int!, $after: String) {
  viewer {
    account {
      services(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id name status nextDueDate } }
      }
    }
  }
}"""

SERVICE = """
query Service($id: ID!) {
  node(id: $id) { ... on Service { id name status cancellation { id status } } }
}"""

WITHDRAW = """
mutation Withdraw($input: ServiceCancellationWithdrawInput!) {
  serviceCancellationWithdraw(input: $input) { errors { field code message retryAfter } }
}"""

CANCELLATIONS = """
subscription Cancellations($serviceId: ID) {
  cancellationStatusChanged(serviceId: $serviceId) {
    cancellation { id status }
    service { id name status }
  }
}"""

PAGE_SIZE = 100  # the most a connection returns per page
RETRIES = 3
# Close codes after which reconnecting with the same token cannot help (docs/partners.md, "Close codes").
ACCESS_ENDED = {4401: "the token is invalid, revoked or expired", 4403: "the token lost SERVICES"}
TOO_MANY_SOCKETS = 4429
Sleep = Callable[[float], Awaitable[Any]]


class RateLimited(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"rate limited: retry in {seconds} seconds")
        self.seconds = seconds


class AccessEnded(Exception):
    """The server closed the subscription for good: a new token (or permission) is needed."""

    def __init__(self, code: int) -> None:
        super().__init__(f"socket closed with {code}: {ACCESS_ENDED[code]}")
        self.code = code


def rate_limited(error: Exception, headers: Any) -> RateLimited | None:
    """RATE_LIMITED as a top-level error (its extensions.retryAfter) or as a bare HTTP 429 (Retry-After)."""
    if isinstance(error, TransportQueryError):
        for item in error.errors or []:
            extensions = item.get("extensions") or {}
            if extensions.get("code") == "RATE_LIMITED":
                return RateLimited(float(extensions.get("retryAfter") or 1))
    if isinstance(error, TransportServerError) and error.code == 429:
        return RateLimited(float((headers or {}).get("Retry-After") or 1))
    return None


class Partner:
    def __init__(self, url: str, token: str, sleep: Sleep = asyncio.sleep) -> None:
        self.url = url
        self.token = token
        self.sleep = sleep

    async def execute(self, query: str, **variables: Any) -> dict[str, Any]:
        """One operation over HTTP with the Bearer token; waits and retries while rate limited."""
        for _attempt in range(RETRIES):
            transport = AIOHTTPTransport(url=self.url, headers={"Authorization": f"Bearer {self.token}"})
            try:
                async with Client(transport=transport) as session:
                    return await session.execute(GraphQLRequest(query, variable_values=variables))
            except (TransportQueryError, TransportServerError) as error:
                limited = rate_limited(error, transport.response_headers)
                if limited is None:
                    raise
                print(f"rate limited: waiting {limited.seconds:g} s")
                await self.sleep(limited.seconds)
        raise RateLimited(0)

    async def services(self, page_size: int = PAGE_SIZE) -> tuple[int, list[dict[str, Any]]]:
        """totalCount and every service, following pageInfo.endCursor until hasNextPage is false."""
        found: list[dict[str, Any]] = []
        after = None
        while True:
            data = await self.execute(SERVICES, first=page_size, after=after)
            page = data["viewer"]["account"]["services"]
            found += [edge["node"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return page["totalCount"], found
            after = page["pageInfo"]["endCursor"]

    async def service(self, service_id: str) -> dict[str, Any] | None:
        """Any object by its global id; null when it does not exist or is another account's."""
        return (await self.execute(SERVICE, id=service_id))["node"]

    async def withdraw(self, cancellation_id: str) -> list[dict[str, Any]]:
        """A mutation's expected failures are in its payload's `errors` (empty on success)."""
        data = await self.execute(WITHDRAW, input={"cancellationId": cancellation_id})
        return data["serviceCancellationWithdraw"]["errors"]

    async def cancellations(self, service_id: str | None = None) -> AsyncIterator[dict[str, Any]]:
        """Cancellation changes, for ever: after each (re)connection the server sends the current state
        first, so a consumer that treats every message as "the state now" misses nothing across a reconnect."""
        delay = 1.0
        while True:
            transport = WebsocketsTransport(
                url=self.url.replace("http", "ws", 1),
                subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
                init_payload={"authorization": f"Bearer {self.token}"},
            )
            try:
                async with Client(transport=transport) as session:
                    request = GraphQLRequest(CANCELLATIONS, variable_values={"serviceId": service_id})
                    async for event in session.subscribe(request):
                        delay = 1.0
                        yield event["cancellationStatusChanged"]
            except Exception as error:  # any lost connection is retried, unless access ended
                code = close_code(error)
                if code in ACCESS_ENDED:
                    raise AccessEnded(code) from error
                print(f"socket closed ({code}); reconnecting in {delay:g} s")
            await self.sleep(delay)
            delay = min(delay * 2, 60.0)  # 4429 (too many sockets) and network errors alike: back off


def close_code(error: BaseException | None) -> int | None:
    """The WebSocket close code behind a gql transport error (it wraps websockets' ConnectionClosed)."""
    while error is not None:
        if isinstance(error, websockets.ConnectionClosed) and error.rcvd is not None:
            return error.rcvd.code
        error = error.__cause__ or error.__context__
    return None


async def main(url: str, token: str, page_size: int, events: int) -> None:
    partner = Partner(url, token)
    total, services = await partner.services(page_size)
    print(f"services: {total} in pages of {page_size}: {', '.join(s['name'] for s in services)}")
    first = await partner.service(services[0]["id"])
    print(f"node: {first['name'] if first else None} is {first['status'] if first else None}")
    errors = await partner.withdraw("Q2FuY2VsbGF0aW9uOjA")  # an id that does not exist
    print(f"payload errors: {[error['code'] for error in errors]}")
    received = 0
    async for change in partner.cancellations():
        print(f"cancellation: {change['service']['name']} {change['cancellation']['status']}")
        received += 1
        if received == events:
            return


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8000/graphql")
    parser.add_argument("--page-size", type=int, default=PAGE_SIZE)
    parser.add_argument("--events", type=int, default=1, help="stop after this many cancellation messages")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.url, os.environ["CP_TOKEN"], arguments.page_size, arguments.events))
