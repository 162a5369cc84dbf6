"""Subscription fan-out: SUBSCRIBERS WebSockets subscribed to cancellation changes on one account, the latency
until every one has a change and the server's CPU time for it, and the memory per idle subscribed socket."""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from dataclasses import dataclass

import httpx
import websockets
from websockets.typing import Subprotocol

from bench.dashboard import PASSWORD, SIGN_IN
from bench.servers import cpu_ms, rss_kib

SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "1000"))
ROUNDS = 5
SUBSCRIBE = {
    "id": "1",
    "type": "subscribe",
    "payload": {"query": "subscription { cancellationStatusChanged { cancellation { status } } }"},
}
REQUEST = """mutation($s: ID!) { serviceCancellationRequest(input: {serviceId: $s, reason: "bench",
  acknowledgeDataDeletion: true}) { errors { code } } }"""


@dataclass
class FanOut:
    latency_ms: float
    cpu_ms: float
    kib_per_socket: float
    delivered: int


async def pong(ws: websockets.ClientConnection) -> None:
    """A socket handles its messages in order: its pong means its subscribe message was handled."""
    await ws.send(json.dumps({"type": "ping"}))
    while json.loads(await ws.recv())["type"] != "pong":
        pass


async def settled(pid: int) -> None:
    """Until the server is idle (its subscriptions set up, their first queries done), at most 60 s."""
    for _ in range(240):
        used = cpu_ms(pid)
        await asyncio.sleep(0.25)
        if cpu_ms(pid) - used < 10:
            return


async def fan_out(port: int, pid: int, client_number: str) -> FanOut:
    """Latency until every subscriber has one change, the server's CPU time for it (medians of ROUNDS
    changes, so that one full garbage collection does not decide the figure), and RSS per idle connection."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        await http.post("/graphql", json={"query": SIGN_IN, "variables": {"l": client_number, "p": PASSWORD}})
        cookie = http.cookies["cp_session"]
        query = f"{{ viewer {{ account {{ services(first: {ROUNDS}) {{ edges {{ node {{ id }} }} }} }} }} }}"
        services = (await http.post("/graphql", json={"query": query})).json()
        service_ids = [edge["node"]["id"] for edge in services["data"]["viewer"]["account"]["services"]["edges"]]
        before = rss_kib(pid)
        sockets = []
        for _ in range(SUBSCRIBERS):
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/graphql",
                subprotocols=[Subprotocol("graphql-transport-ws")],
                additional_headers={"Cookie": f"cp_session={cookie}"},
                ping_interval=None,
            )
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await ws.recv()
            await ws.send(json.dumps(SUBSCRIBE))
            sockets.append(ws)
        await asyncio.gather(*(pong(ws) for ws in sockets))
        await settled(pid)
        await asyncio.sleep(1)
        per_connection = (rss_kib(pid) - before) / SUBSCRIBERS

        async def first_message(ws: websockets.ClientConnection) -> float:
            while True:
                message = json.loads(await ws.recv())
                if message["type"] == "next":
                    return time.perf_counter()

        latencies, cpu = [], []
        for service_id in service_ids:
            waiting = [asyncio.create_task(first_message(ws)) for ws in sockets]
            started, cpu_before = time.perf_counter(), cpu_ms(pid)
            answer = (await http.post("/graphql", json={"query": REQUEST, "variables": {"s": service_id}})).json()
            assert answer["data"]["serviceCancellationRequest"]["errors"] == [], answer
            arrivals = await asyncio.wait_for(asyncio.gather(*waiting), timeout=60)
            latencies.append((max(arrivals) - started) * 1000)
            cpu.append(cpu_ms(pid) - cpu_before)
        for ws in sockets:
            await ws.close()
        return FanOut(statistics.median(latencies), statistics.median(cpu), per_connection, len(arrivals))
