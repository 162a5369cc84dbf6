"""Mixed load through the production topology (tests/topology.py), for the rolling-restart test and the soak:
readers of the dashboard, customers requesting and withdrawing cancellations of one service each, and subscribers
of their accounts' live cancellation status that reconnect whenever a socket closes (as the panel does). Every
change is also a webhook event (WEBHOOK_EVENTS), delivered when the topology has a receiver for them.

Each account also keeps a second service's cancellation open, so every (re)subscription's current state has a
first message: the moment a connection is known to follow changes.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import websockets

from tests.topology import (
    CLIENT_NUMBER,
    DASHBOARD,
    REQUEST,
    WITHDRAW,
    LiveSocket,
    Topology,
    client_address,
    graphql,
    sign_in,
)

# Mail budgets out of the way: the load sends a code for every request. Two services an account (one cycled, one
# with a cancellation kept open).
SETTINGS = {"SECURITY_MAIL_PER_RECIPIENT_HOUR": "1000000", "CUSTOMER_MAIL_PER_ACCOUNT_HOUR": "1000000"}
SERVICES_PER_ACCOUNT = 2
STATUSES = ("AWAITING_CONFIRMATION", "WITHDRAWN")  # each cycled cancellation's, in order
SERVICES = "{ viewer { account { services(first: 10) { edges { node { id } } } } } }"
WEBHOOK_EVENTS = ("cancellation.requested", "cancellation.withdrawn")  # one for each change the load makes


@dataclass
class Tally:
    """HTTP requests through nginx and the ones that failed (transport error, not 200, or top-level errors)."""

    requests: int = 0
    failures: list[str] = field(default_factory=list)

    def server_errors(self) -> list[str]:
        """The failures that were 5xx answers."""
        return [failure for failure in self.failures if failure.startswith("5")]

    async def call(self, client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any] | None:
        self.requests += 1
        try:
            answer = await client.post("/graphql", json={"query": query, "variables": variables})
        except httpx.HTTPError as exc:
            self.failures.append(f"{type(exc).__name__}: {exc}")
            return None
        body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else {}
        if answer.status_code != 200 or "errors" in body or "data" not in body:
            self.failures.append(f"{answer.status_code}: {answer.text[:300]}")
            return None
        return dict(body["data"])


@dataclass(frozen=True)
class Change:
    account: int
    key: tuple[str, str]  # (cancellation id, status)
    sent: float
    answered: float


@dataclass
class Connection:
    """One subscriber's socket from its first message (the current state) until it was closed."""

    established: float
    seen: set[tuple[str, str]] = field(default_factory=set)
    closed: float | None = None
    close_code: int | None = None

    def saw(self, change: Change) -> bool:
        """The change, or a later one of its cancellation: an event carries the rows as they are when the process
        reads them, so a request withdrawn at once may reach subscribers as already withdrawn."""
        cancellation, status = change.key
        return any((cancellation, later) in self.seen for later in STATUSES[STATUSES.index(status) :])


@dataclass
class Subscriber:
    account: int
    live: LiveSocket
    connections: list[Connection] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # handshakes that did not succeed
    connected: asyncio.Event = field(default_factory=asyncio.Event)  # its first current state arrived

    async def run(self, stopping: asyncio.Event) -> None:
        """Connect, and after every close reconnect (after a short random wait, as the panel does) until stopped."""
        while not stopping.is_set():
            try:
                await self.live.open()
            except (OSError, TimeoutError, websockets.InvalidHandshake, websockets.ConnectionClosed) as exc:
                self.refused.append(f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(0.2)
                continue
            await self.follow(stopping)
            await asyncio.sleep(random.uniform(0.05, 0.3))  # noqa: S311  # jitter, not a secret
        await self.live.close()

    async def follow(self, stopping: asyncio.Event) -> None:
        connection: Connection | None = None
        try:
            while not stopping.is_set():
                try:
                    data = await self.live.next_data(seconds=0.5)
                except TimeoutError:
                    continue
                if connection is None:
                    connection = Connection(established=time.monotonic())
                    self.connections.append(connection)
                    self.connected.set()
                event = data["cancellationStatusChanged"]["cancellation"]
                connection.seen.add((event["id"], event["status"]))
        except websockets.ConnectionClosed as closed:
            assert connection is not None, "closed before the current state arrived"
            connection.closed = time.monotonic()
            connection.close_code = closed.rcvd.code if closed.rcvd else None


async def signed_in(found: Topology, account: int) -> tuple[httpx.AsyncClient, str]:
    address = client_address()
    client = found.client(address)
    await sign_in(client, str(int(CLIENT_NUMBER) + account))
    return client, address


async def read(client: httpx.AsyncClient, tally: Tally, until: float) -> None:
    while time.monotonic() < until:
        await tally.call(client, DASHBOARD, {})


async def change(client: httpx.AsyncClient, account: int, service: str, tally: Tally, until: float) -> list[Change]:
    """Request and withdraw cancellations of `service` until `until`: each change with when it was sent."""
    changes = []
    while time.monotonic() < until:
        sent = time.monotonic()
        variables = {"i": {"serviceId": service, "reason": "Prueba de carga", "acknowledgeDataDeletion": True}}
        requested = await tally.call(client, REQUEST, variables)
        if requested is None or requested["serviceCancellationRequest"]["errors"]:
            tally.failures.append(f"request: {requested}")
            continue
        cancellation = requested["serviceCancellationRequest"]["cancellation"]["id"]
        changes.append(Change(account, (cancellation, "AWAITING_CONFIRMATION"), sent, time.monotonic()))
        sent = time.monotonic()
        withdrawn = await tally.call(client, WITHDRAW, {"i": {"cancellationId": cancellation}})
        if withdrawn is None or withdrawn["serviceCancellationWithdraw"]["errors"]:
            tally.failures.append(f"withdraw: {withdrawn}")
            continue
        changes.append(Change(account, (cancellation, "WITHDRAWN"), sent, time.monotonic()))
    return changes


@dataclass
class Load:
    """Signed-in customers of `accounts` accounts, their subscribers and readers; `run` drives them until a time."""

    found: Topology
    tally: Tally = field(default_factory=Tally)
    clients: list[httpx.AsyncClient] = field(default_factory=list)
    cycled: list[str] = field(default_factory=list)  # each account's cycled service
    subscribers: list[Subscriber] = field(default_factory=list)
    readers: list[httpx.AsyncClient] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    following: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self, accounts: int, subscribers_per_account: int, readers: int) -> None:
        """Sign everyone in, open the standing cancellations, connect the subscribers (each has its first state)."""
        for account in range(accounts):
            client, address = await signed_in(self.found, account)
            self.clients.append(client)
            edges = (await graphql(client, SERVICES))["viewer"]["account"]["services"]["edges"]
            standing, cycled = (edge["node"]["id"] for edge in edges)
            self.cycled.append(cycled)
            variables = {"i": {"serviceId": standing, "reason": "Queda abierta", "acknowledgeDataDeletion": True}}
            assert (await graphql(client, REQUEST, variables))["serviceCancellationRequest"]["errors"] == []
            self.subscribers += [
                Subscriber(account, LiveSocket(self.found, client, address)) for _ in range(subscribers_per_account)
            ]
        self.readers = [(await signed_in(self.found, index % accounts))[0] for index in range(readers)]
        self.following = [asyncio.create_task(subscriber.run(self.stopping)) for subscriber in self.subscribers]
        await asyncio.wait_for(asyncio.gather(*(each.connected.wait() for each in self.subscribers)), 30)

    async def run(self, until: float) -> None:
        """Readers and changes until `until` (time.monotonic())."""
        results = await asyncio.gather(
            *(
                change(client, account, self.cycled[account], self.tally, until)
                for account, client in enumerate(self.clients)
            ),
            *(read(reader, self.tally, until) for reader in self.readers),
        )
        self.changes += [each for result in results if result for each in result]

    async def stop(self) -> None:
        self.stopping.set()
        await asyncio.gather(*self.following)
        for client in (*self.clients, *self.readers):
            await client.aclose()

    @property
    def connections(self) -> list[Connection]:
        return [connection for subscriber in self.subscribers for connection in subscriber.connections]

    def missed(self, grace: float) -> list[tuple[int, tuple[str, str]]]:
        """Changes a connection should have seen and did not: made after its first message and committed `grace`
        seconds before it closed (or while it was still open)."""
        return [
            (subscriber.account, change.key)
            for subscriber in self.subscribers
            for connection in subscriber.connections
            for change in self.changes
            if change.account == subscriber.account
            and change.sent > connection.established
            and (connection.closed is None or change.answered + grace < connection.closed)
            and not connection.saw(change)
        ]


async def _rows(found: Topology, sql: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(found.database_url)
    try:
        return list(await connection.fetch(sql))
    finally:
        await connection.close()


async def queued_mail(found: Topology) -> int:
    return int((await _rows(found, "SELECT count(*) FROM outbox_message WHERE status = 'QUEUED'"))[0][0])


async def webhook_deliveries(found: Topology) -> dict[str, str]:
    """Each webhook delivery's status (PENDING, DELIVERED or FAILED) by its event's webhook-id (one endpoint)."""
    rows = await _rows(
        found,
        "SELECT event.webhook_id, delivery.status FROM webhook_delivery AS delivery"
        " JOIN webhook_event AS event ON event.id = delivery.event_id",
    )
    return {str(webhook_id): str(status) for webhook_id, status in rows}
