"""A subscription keeps nothing per event it delivers: a panel's socket stays open for hours and receives every change
of its account. graphql-core 3.3.2's per-event executors shared the subscription's memo of collected subfields, keyed
by lists each event builds anew, so every event added to it until the socket closed (the soak's servers grew by
~7 MiB a minute, issue 25)."""

from __future__ import annotations

import gc

from graphql.execution.collect_fields import CollectedFields

from core.ids import to_global_id
from tests.helpers import session_cookie
from tests.live_server import graphql_socket
from tests.test_subscriptions import SUBSCRIPTION, WITHDRAW, request_cancellation


def collected_fields_alive() -> int:
    gc.collect()
    return sum(isinstance(each, CollectedFields) for each in gc.get_objects())


async def test_a_subscription_keeps_nothing_per_event(port, client, factory, runtime) -> None:
    account = await factory.account()
    standing, cycled = await factory.service(account, "Hosting Fijo"), await factory.service(account, "Hosting Pyme")
    await client.sign_in(account.client_number)
    await request_cancellation(client, standing)  # the current state: the socket is known to follow changes

    async def cycles(count: int) -> None:
        for _ in range(count):
            await runtime.limiter.reset()  # the mail budgets: a code and a notice each cycle
            cancellation_id = await request_cancellation(client, cycled)
            assert (await socket.next_data())["cancellationStatusChanged"]["cancellation"]["id"] == cancellation_id
            await client.data(WITHDRAW, {"i": {"cancellationId": cancellation_id}})
            withdrawn = (await socket.next_data())["cancellationStatusChanged"]["cancellation"]
            assert withdrawn == {"id": cancellation_id, "status": "WITHDRAWN", "reason": "Ya no lo uso"}

    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(SUBSCRIPTION)
        current = (await socket.next_data())["cancellationStatusChanged"]["service"]
        assert current["id"] == to_global_id("Service", standing.id)
        await cycles(2)
        before = collected_fields_alive()
        await cycles(10)  # 20 events
        assert collected_fields_alive() - before < 10, "the subscription keeps collected fields per event"
