"""Webhook delivery to a real HTTP receiver that verifies every request with standardwebhooks' own verifier:
retries driven by the frozen clock, leases, at-least-once with one webhook-id, addresses refused unless allowed."""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import logging
import socket
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import timedelta

import httpx
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core import outbound, webhook_delivery
from core.runtime import Runtime
from core.webhook_delivery import LEASE, claim, deliver_due, deliver_webhooks_forever, sweep
from core.webhook_events import CONTACT_UPDATED, HOLDER_UPDATED, EventType, emit
from domain import webhooks
from models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from models.enums import WebhookDeliveryStatus
from tests.helpers import wait_for_mail
from tests.live_server import free_port, uvicorn_server

LONGEST_WAIT = timedelta(hours=5)  # more than WEBHOOK_MAX_RETRY_MINUTES with its jitter: every retry is due


class Receiver:
    """The provider's side: verifies each request, answers `failures` 503s first, processes each id once."""

    def __init__(self, secret: str, failures: int = 0) -> None:
        self.verifier = Webhook(secret)
        self.failures = failures
        self.requests: list[str] = []  # the webhook-id of every request that arrived
        self.rejected: list[str] = []
        self.processed: dict[str, dict] = {}
        self.app = Starlette(routes=[Route("/hooks", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        self.requests.append(headers.get("webhook-id", ""))
        if self.failures > 0:
            self.failures -= 1
            return Response(status_code=503)
        try:
            payload = self.verifier.verify(body, headers)
        except WebhookVerificationError as refused:
            self.rejected.append(str(refused))
            return Response(status_code=400)
        self.processed.setdefault(headers["webhook-id"], payload)  # a repeated id is acknowledged, not redone
        return Response(status_code=204)


@pytest.fixture
def loopback(runtime: Runtime) -> Runtime:
    """The runtime with WEBHOOK_ALLOWED_NETWORKS letting deliveries reach this machine's receiver."""
    return dataclasses.replace(
        runtime, settings=runtime.settings.with_(webhook_allowed_networks=("127.0.0.0/8", "::1/128"))
    )


async def registered(runtime: Runtime, port: int, host: str = "127.0.0.1") -> webhooks.NewSecret:
    added = await webhooks.add_endpoint(runtime, f"http://{host}:{port}/hooks", list(webhooks.EVENT_TYPES))
    assert added.value is not None, added.failures
    return added.value


async def emitted(runtime: Runtime, account_id: int, count: int, event_type: EventType = HOLDER_UPDATED) -> list[str]:
    """`count` events of the account, each in its own transaction; their webhook-ids."""
    ids = []
    for version in range(count):
        async with runtime.events.transaction():
            event = await emit(runtime, event_type, account_id, ("Holder", 1), version=version + 2)
        ids.append(event.webhook_id)
    return ids


async def statuses() -> Counter[str]:
    return Counter(await WebhookDelivery.all().values_list("status", flat=True))


async def test_a_receiver_down_then_up_gets_every_event_once(loopback, holder, clock) -> None:
    port = free_port()
    added = await registered(loopback, port)
    ids = await emitted(loopback, holder.id, 3)
    receiver = Receiver(added.secret, failures=2)

    # Down: nothing listens on the port. Each pass fails every delivery and schedules it later.
    assert await deliver_due(loopback) == 0
    first = await WebhookDelivery.first()
    assert first is not None
    assert (first.attempts, first.last_error, first.status) == (1, "ConnectError", WebhookDeliveryStatus.PENDING)
    wait = first.next_attempt_at - clock.now()
    assert timedelta(seconds=24) <= wait <= timedelta(seconds=36)  # 30 s with at most 20% jitter
    assert await deliver_due(loopback) == 0  # not due yet: the clock has not moved
    clock.advance(timedelta(seconds=36))
    assert await deliver_due(loopback) == 0
    await first.refresh_from_db()
    assert first.attempts == 2
    assert timedelta(seconds=48) <= first.next_attempt_at - clock.now() <= timedelta(seconds=72)  # doubled

    async with uvicorn_server(receiver.app, port):
        clock.advance(LONGEST_WAIT)
        assert await deliver_due(loopback) == 1  # two 503s, one delivered
        assert len(receiver.requests) == 3
        clock.advance(LONGEST_WAIT)
        assert await deliver_due(loopback) == 2
        clock.advance(LONGEST_WAIT)
        assert await deliver_due(loopback) == 0

    assert sorted(receiver.processed) == sorted(ids)
    assert receiver.rejected == []
    assert sorted(Counter(receiver.requests).values()) == [1, 2, 2]  # the two refused once came back once
    assert await statuses() == Counter({WebhookDeliveryStatus.DELIVERED: 3})
    for event_id, payload in receiver.processed.items():
        assert payload["type"] == "holder.updated"
        assert payload["data"]["clientNumber"] == holder.client_number
        assert event_id.startswith("msg_")
    sequences = sorted(payload["data"]["sequence"] for payload in receiver.processed.values())
    assert sequences == [1, 2, 3]
    endpoint = await WebhookEndpoint.get(id=added.endpoint.id)
    assert endpoint.failing_since is None
    assert endpoint.enabled


async def test_one_failing_endpoint_never_holds_up_the_others(loopback, holder, clock) -> None:
    port = free_port()
    good = await registered(loopback, port)
    await registered(loopback, free_port())  # nobody listens there
    receiver = Receiver(good.secret)
    async with uvicorn_server(receiver.app, port):
        ids = await emitted(loopback, holder.id, 4)
        assert await deliver_due(loopback) == 4
        more = await emitted(loopback, holder.id, 2)
        clock.advance(LONGEST_WAIT)
        assert await deliver_due(loopback) == 2
    assert sorted(receiver.processed) == sorted(ids + more)
    assert (await statuses())[WebhookDeliveryStatus.PENDING] == 6


async def test_concurrent_workers_never_send_one_attempt_twice(loopback, holder) -> None:
    port = free_port()
    added = await registered(loopback, port)
    receiver = Receiver(added.secret)
    ids = await emitted(loopback, holder.id, 30)
    async with uvicorn_server(receiver.app, port):
        first = await asyncio.gather(*(claim(loopback, token) for token in ("a" * 32, "b" * 32, "c" * 32)))
        claimed = [delivery for batch in first for delivery in batch]
        assert len(claimed) == len(set(claimed))  # every row to one worker at most
        await WebhookDelivery.all().update(lease_until=None, claim_token=None)  # as if those workers had died
        delivered = 0
        for _ in range(10):  # concurrent passes until nothing is left
            delivered += sum(await asyncio.gather(*(deliver_due(loopback) for _ in range(4))))
            if not await WebhookDelivery.filter(status=WebhookDeliveryStatus.PENDING).exists():
                break
    assert delivered == 30
    assert Counter(receiver.requests) == Counter(dict.fromkeys(ids, 1))
    assert await statuses() == Counter({WebhookDeliveryStatus.DELIVERED: 30})


async def test_a_worker_dying_after_the_receiver_answered_redelivers_with_the_same_id(
    loopback, holder, clock, monkeypatch
) -> None:
    port = free_port()
    added = await registered(loopback, port)
    [event_id] = await emitted(loopback, holder.id, 1)
    receiver = Receiver(added.secret)

    async def dies(*args, **kwargs) -> None:
        raise RuntimeError("the worker died before marking the delivery")

    async with uvicorn_server(receiver.app, port):
        with monkeypatch.context() as patched:
            patched.setattr(webhook_delivery, "record", dies)
            with pytest.raises(RuntimeError):
                await deliver_due(loopback)
        assert receiver.requests == [event_id]
        assert await deliver_due(loopback) == 0  # its lease still holds it
        clock.advance(LEASE + timedelta(seconds=1))
        assert await deliver_due(loopback) == 1
    assert receiver.requests == [event_id, event_id]
    assert list(receiver.processed) == [event_id]
    delivery = await WebhookDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (WebhookDeliveryStatus.DELIVERED, 1, 204)


async def test_a_host_name_of_a_loopback_address_is_refused_while_the_setting_is_off(
    runtime, loopback, holder, clock
) -> None:
    port = free_port()
    added = await registered(runtime, port, host="localhost")  # a name: checked at delivery, not registration
    [event_id] = await emitted(runtime, holder.id, 1)
    receiver = Receiver(added.secret)
    async with uvicorn_server(receiver.app, port):
        assert await deliver_due(runtime) == 0
        delivery = await WebhookDelivery.get()
        assert delivery.last_error == "refused: the host resolves to a loopback address"
        assert delivery.last_status_code is None
        assert receiver.requests == []
        clock.advance(LONGEST_WAIT)
        assert await deliver_due(loopback) == 1  # WEBHOOK_ALLOWED_NETWORKS lets it through
    assert list(receiver.processed) == [event_id]


async def test_redirects_are_not_followed(loopback, holder, clock) -> None:
    port = free_port()
    added = await registered(loopback, port)
    await emitted(loopback, holder.id, 1)
    followed: list[str] = []

    async def elsewhere(request: Request) -> Response:
        followed.append(request.url.path)
        return Response(status_code=204)

    async def redirect(request: Request) -> Response:
        return Response(status_code=307, headers={"location": "/elsewhere"})

    app = Starlette(
        routes=[Route("/hooks", redirect, methods=["POST"]), Route("/elsewhere", elsewhere, methods=["POST"])]
    )
    async with uvicorn_server(app, port):
        assert await deliver_due(loopback) == 0
    delivery = await WebhookDelivery.get()
    assert (delivery.last_status_code, delivery.last_error) == (307, "HTTP 307")
    assert followed == []
    assert added.endpoint.id == delivery.endpoint_id


async def test_rotation_signs_with_both_secrets_during_the_overlap(loopback, holder, clock) -> None:
    port = free_port()
    added = await registered(loopback, port)
    rotated = await webhooks.rotate_secret(loopback, added.endpoint.id)
    assert rotated.value is not None
    old_side, new_side = Receiver(added.secret), Receiver(rotated.value.secret)
    for receiver in (old_side, new_side):
        async with uvicorn_server(receiver.app, port):
            await emitted(loopback, holder.id, 1)
            assert await deliver_due(loopback) == 1
    assert len(old_side.processed) == len(new_side.processed) == 1

    clock.advance(timedelta(hours=loopback.settings.webhook_secret_overlap_hours, minutes=1))
    late = Receiver(added.secret)
    async with uvicorn_server(late.app, port):
        await emitted(loopback, holder.id, 1)
        assert await deliver_due(loopback) == 0
    assert late.processed == {}
    assert late.rejected == ["No matching signature found"]


async def test_retries_stop_after_the_window_and_a_failing_endpoint_is_disabled(
    loopback, holder, clock, caplog, smtp_sink
) -> None:
    settings = loopback.settings.with_(
        webhook_retry_hours=24, webhook_disable_after_days=2, staff_alert_email="guardia@proveedor.example"
    )
    short = dataclasses.replace(loopback, settings=settings)
    port = free_port()
    added = await registered(short, port)
    await emitted(short, holder.id, 1)
    caplog.set_level(logging.INFO, logger="clientpanel.webhooks")
    for _ in range(6):  # 6 passes 5 hours apart: beyond 24 hours
        await deliver_due(short)
        clock.advance(LONGEST_WAIT)
    await deliver_due(short)
    first = await WebhookDelivery.get()
    assert first.status == WebhookDeliveryStatus.FAILED
    assert first.attempts == 6  # the sixth, 25 hours after it was scheduled, was the last
    endpoint = await WebhookEndpoint.get(id=added.endpoint.id)
    assert endpoint.enabled  # failing for 30 hours only
    assert endpoint.failing_since is not None

    clock.advance(timedelta(days=1))
    await emitted(short, holder.id, 1, CONTACT_UPDATED)
    await deliver_due(short)
    await endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert endpoint.disabled_at == clock.now()
    [line] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert f"webhook endpoint {endpoint.id} disabled" in line
    assert "hooks" not in line  # the URL (which may hold a token) is not logged
    [alert] = await wait_for_mail(smtp_sink, "guardia@proveedor.example")
    assert f"Webhook endpoint {endpoint.id} disabled" in alert.subject
    assert "hooks" not in alert.text
    clock.advance(LONGEST_WAIT)
    assert await claim(short, "d" * 32) == []  # a disabled endpoint's deliveries wait

    assert (await webhooks.enable_endpoint(endpoint.id)).ok
    receiver = Receiver(added.secret)
    async with uvicorn_server(receiver.app, port):
        assert await deliver_due(short) == 1
        failed = await WebhookDelivery.get(status=WebhookDeliveryStatus.FAILED).select_related("event")
        again = await webhooks.redeliver(short, failed.event.webhook_id)
        assert again.value == 1
        assert await deliver_due(short) == 1
    assert failed.event.webhook_id in receiver.processed
    assert len(receiver.processed) == 2
    assert await statuses() == Counter({WebhookDeliveryStatus.DELIVERED: 2})


async def test_a_secret_that_does_not_decrypt_fails_the_attempt_not_the_worker(loopback, holder) -> None:
    port = free_port()
    added = await registered(loopback, port)
    await WebhookEndpoint.filter(id=added.endpoint.id).update(secret="dropped-key:gAAAA")
    await emitted(loopback, holder.id, 1)
    receiver = Receiver(added.secret)
    async with uvicorn_server(receiver.app, port):
        assert await deliver_due(loopback) == 0
    delivery = await WebhookDelivery.get()
    assert delivery.last_error == "the signing secret does not decrypt (ENCRYPTION_KEYS)"
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert receiver.requests == []


async def test_a_url_httpx_cannot_send_fails_its_own_attempt_and_the_pass_goes_on(
    loopback, holder, clock, caplog
) -> None:
    port = free_port()
    good = await registered(loopback, port)
    poisoned = await registered(loopback, port)
    # Stored before registration refused such URLs: httpx refuses the control character (InvalidURL).
    await WebhookEndpoint.filter(id=poisoned.endpoint.id).update(url=f"http://127.0.0.1:{port}/hooks\x01x")
    ids = await emitted(loopback, holder.id, 3)
    receiver = Receiver(good.secret)
    caplog.set_level(logging.INFO, logger="clientpanel.webhooks")
    async with uvicorn_server(receiver.app, port):
        assert await deliver_due(loopback) == 3
    assert sorted(receiver.processed) == sorted(ids)
    for delivery in await WebhookDelivery.filter(endpoint_id=poisoned.endpoint.id):
        assert (delivery.status, delivery.attempts, delivery.last_error) == (
            WebhookDeliveryStatus.PENDING,
            1,
            "InvalidURL",
        )
        assert (delivery.lease_until, delivery.claim_token) == (None, None)  # released, retried later
        assert timedelta(seconds=24) <= delivery.next_attempt_at - clock.now() <= timedelta(seconds=36)
    assert all("hooks" not in record.getMessage() for record in caplog.records)


async def test_no_connection_is_kept_for_another_request(loopback) -> None:
    """The pool knows a connection by address: kept, it would carry another host name's request over the TLS
    session (SNI, certificate) of the first."""
    peers: list[tuple[str, int]] = []

    async def hook(request: Request) -> Response:
        assert request.client is not None
        peers.append((request.client.host, request.client.port))
        return Response(status_code=204)

    app = Starlette(routes=[Route("/hooks", hook, methods=["POST"])])
    allowed = outbound.networks(loopback.settings.webhook_allowed_networks)
    async with uvicorn_server(app) as port, outbound.client(5) as client:
        assert await outbound.post(client, f"http://127.0.0.1:{port}/hooks", b"{}", {}, allowed, 5) == 204
        for _ in range(2):  # read to the end, an answer would leave its connection reusable, if any were kept
            assert (await client.post(f"http://127.0.0.1:{port}/hooks")).status_code == 204
    assert len(set(peers)) == 3


@contextmanager
def silent_listener(host: str, port: int) -> Iterator[None]:
    """A listener whose queue of connections is full: a new connection's handshake gets no answer."""
    with socket.socket() as listener, ExitStack() as stack:
        listener.bind((host, port))
        listener.listen(0)
        for _ in range(3):
            filler = stack.enter_context(socket.socket())
            filler.setblocking(False)
            with suppress(BlockingIOError):
                filler.connect((host, port))
        yield


async def test_an_address_that_never_answers_leaves_time_for_the_next(loopback, holder, monkeypatch) -> None:
    port = free_port()
    added = await registered(loopback, port, host="billing.test")
    [event_id] = await emitted(loopback, holder.id, 1)
    silent, answering = ipaddress.ip_address("127.0.0.2"), ipaddress.ip_address("127.0.0.1")

    async def resolved(host: str, port: int, allowed: object) -> list[object]:
        assert host == "billing.test"
        return [silent, answering]

    monkeypatch.setattr(outbound, "vetted_addresses", resolved)
    budget = dataclasses.replace(loopback, settings=loopback.settings.with_(webhook_timeout_seconds=4))
    receiver = Receiver(added.secret)
    with silent_listener(str(silent), port):
        async with uvicorn_server(receiver.app, port):
            assert await deliver_due(budget) == 1  # the silent one had half the 4 seconds to connect
    assert list(receiver.processed) == [event_id]


async def test_a_worker_whose_lease_ran_out_during_the_attempt_records_nothing(
    loopback, holder, clock, monkeypatch
) -> None:
    added = await registered(loopback, free_port())
    await emitted(loopback, holder.id, 1)

    async def slow_then_refused(*args: object) -> int:
        clock.advance(LEASE + timedelta(seconds=1))
        assert await claim(loopback, "b" * 32)  # another worker takes the row over meanwhile
        raise httpx.ConnectError("refused")

    monkeypatch.setattr(outbound, "post", slow_then_refused)
    assert await deliver_due(loopback) == 0
    delivery = await WebhookDelivery.get()
    assert (delivery.attempts, delivery.last_error, delivery.claim_token) == (0, None, "b" * 32)
    endpoint = await WebhookEndpoint.get(id=added.endpoint.id)
    assert endpoint.failing_since is None  # no failure counted by the worker that lost the row


async def test_a_redelivery_counts_its_attempts_afresh(loopback, holder, clock) -> None:
    short = dataclasses.replace(loopback, settings=loopback.settings.with_(webhook_retry_hours=24))
    await registered(short, free_port())  # nobody listens
    [event_id] = await emitted(short, holder.id, 1)
    for _ in range(7):
        await deliver_due(short)
        clock.advance(LONGEST_WAIT)
    failed = await WebhookDelivery.get()
    assert (failed.status, failed.attempts) == (WebhookDeliveryStatus.FAILED, 6)

    assert (await webhooks.redeliver(short, event_id)).value == 1
    await failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (WebhookDeliveryStatus.PENDING, 0)
    await deliver_due(short)
    await failed.refresh_from_db()
    assert failed.attempts == 1
    assert failed.next_attempt_at - clock.now() <= timedelta(seconds=36)  # the first retry's wait, not 4 hours


async def test_events_and_deliveries_past_the_retention_are_swept(loopback, holder, clock) -> None:
    port = free_port()
    live = await webhooks.add_endpoint(loopback, f"http://127.0.0.1:{port}/hooks", [HOLDER_UPDATED])
    dead = await webhooks.add_endpoint(loopback, f"http://127.0.0.1:{free_port()}/hooks", [HOLDER_UPDATED])
    assert live.value is not None
    assert dead.value is not None
    receiver = Receiver(live.value.secret)
    async with uvicorn_server(receiver.app, port):
        [sent] = await emitted(loopback, holder.id, 1)
        assert await deliver_due(loopback) == 1
    # The dead endpoint's delivery of it failed for good (as after WEBHOOK_RETRY_HOURS of retries).
    await WebhookDelivery.filter(endpoint_id=dead.value.endpoint.id).update(status=WebhookDeliveryStatus.FAILED)
    [waiting] = await emitted(loopback, holder.id, 1)
    await WebhookDelivery.filter(event__webhook_id=waiting).update(next_attempt_at=clock.now() + timedelta(days=60))
    [unsubscribed] = await emitted(loopback, holder.id, 1, CONTACT_UPDATED)  # no delivery at all

    retention = timedelta(days=loopback.settings.webhook_retention_days)
    clock.advance(retention - timedelta(minutes=1))
    [recent] = await emitted(loopback, holder.id, 1, CONTACT_UPDATED)
    assert await sweep(loopback) == 0
    clock.advance(timedelta(minutes=2))  # the failed attempt was due 30 s after the event: past it too
    # Workers in several processes may sweep at once: each row goes once.
    assert sum(await asyncio.gather(sweep(loopback), sweep(loopback))) == 4  # 2 deliveries, 2 events
    assert set(await WebhookEvent.all().values_list("webhook_id", flat=True)) == {waiting, recent}
    assert await WebhookDelivery.all().count() == 2  # the ones still waiting
    assert await sweep(loopback) == 0
    assert unsubscribed not in receiver.processed
    assert list(receiver.processed) == [sent]


async def test_the_worker_sweeps_when_it_starts(loopback, holder, clock, monkeypatch) -> None:
    await emitted(loopback, holder.id, 2)  # nobody subscribed: events without deliveries
    clock.advance(timedelta(days=loopback.settings.webhook_retention_days, seconds=1))
    swept = asyncio.Event()

    async def sweeping(runtime: Runtime) -> int:
        count = await sweep(runtime)
        swept.set()
        return count

    monkeypatch.setattr(webhook_delivery, "sweep", sweeping)
    worker = asyncio.create_task(deliver_webhooks_forever(loopback))
    try:
        async with asyncio.timeout(10):
            await swept.wait()
    finally:
        worker.cancel()
        with suppress(asyncio.CancelledError):
            await worker
    assert not await WebhookEvent.all().exists()
