"""/metrics: Prometheus text behind METRICS_TOKEN, whose values move with requests and whose labels no client can
multiply (issue 25)."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

import models
from app import create_app
from core.apq import sha256
from core.clock import FrozenClock
from core.metrics import OTHER, panel_operations
from core.runtime import Runtime
from domain.auth import STRENGTH_CHECKS_PER_IP
from models.enums import EmailCategory
from settings import PROJECT_DIR, Settings
from tests.conftest import BASE_URL, HOLDER
from tests.helpers import Factory, GraphQLClient, session_cookie
from tests.live_server import graphql_socket
from tests.test_subscriptions import SUBSCRIPTION

TOKEN = "metrics-" + "x" * 40
SCRAPER = {"authorization": f"Bearer {TOKEN}"}
ASGI_CLIENT_ADDRESS = "127.0.0.1"  # httpx.ASGITransport's default client
PARTNER_DOCUMENT = "query PartnerDashboard { __typename }"

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def manifest(tmp_path: Path) -> str:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({sha256(PARTNER_DOCUMENT): PARTNER_DOCUMENT}))
    return str(path)


@pytest.fixture
def metered(app: Starlette, settings: Settings, manifest: str) -> Starlette:
    """The app with METRICS_TOKEN set and a persisted-query manifest (on the tables of `app`; its own limiter)."""
    return create_app(
        settings.with_(metrics_token=TOKEN, persisted_queries_file=manifest, run_workers=False),
        clock=app.state.runtime.clock,
    )


@pytest.fixture
async def scraped(metered: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=metered), base_url=BASE_URL) as http:
        yield http


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    return parsed(response.text)


def parsed(text: str) -> Samples:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def label_values(samples: Samples, name: str, label: str) -> set[str]:
    return {dict(labels)[label] for sample, labels in samples if sample == name and label in dict(labels)}


async def graphql(http: httpx.AsyncClient, query: str, **extra: object) -> dict[str, object]:
    response = await http.post("/graphql", json={"query": query, **extra})
    assert response.status_code == 200, response.text
    return response.json()


async def test_metrics_are_off_without_a_token(client: GraphQLClient) -> None:
    response = await client.http.get("/metrics", headers=SCRAPER)
    assert response.status_code == 404
    assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "clientpanel_" not in response.text


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, f"Bearer {'y' * 48}"],
)
async def test_scrapes_without_the_token_are_refused(scraped: httpx.AsyncClient, authorization: str | None) -> None:
    headers = {} if authorization is None else {"authorization": authorization}
    response = await scraped.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "clientpanel_" not in response.text


def test_a_short_metrics_token_is_refused_at_start_up() -> None:
    from settings import SettingsError

    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        Settings.from_env({"METRICS_TOKEN": "short"})


async def test_a_scrape_is_prometheus_text_and_never_cached(scraped: httpx.AsyncClient) -> None:
    response = await scraped.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    assert response.headers["cache-control"] == "no-store"
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "clientpanel_graphql_operations",
        "clientpanel_graphql_operation_seconds",
        "clientpanel_outbox_depth",
        "clientpanel_outbox_oldest_age_seconds",
    } <= names


async def test_operations_and_their_latency_move_with_requests(scraped: httpx.AsyncClient) -> None:
    assert "Countries" in panel_operations()
    before = await scrape(scraped)
    for _ in range(3):
        assert "errors" not in await graphql(scraped, "query Countries { __typename }")
    assert "errors" not in await graphql(scraped, PARTNER_DOCUMENT)
    after = await scrape(scraped)
    ok = {"operation": "Countries", "type": "query", "outcome": "ok"}
    assert value(after, "clientpanel_graphql_operations_total", **ok) - value(
        before, "clientpanel_graphql_operations_total", **ok
    ) == pytest.approx(3)
    counted = "clientpanel_graphql_operation_seconds_count"
    assert value(after, counted, operation="Countries") - value(before, counted, operation="Countries") == 3
    partner = {"operation": "PartnerDashboard", "type": "query", "outcome": "ok"}
    assert value(after, "clientpanel_graphql_operations_total", **partner) == pytest.approx(
        value(before, "clientpanel_graphql_operations_total", **partner) + 1
    )


async def test_errors_are_counted_per_code(scraped: httpx.AsyncClient) -> None:
    before = await scrape(scraped)
    body = await graphql(scraped, "query Viewer { noSuchField }")
    [error] = body["errors"]  # type: ignore[misc]
    code = error["extensions"]["code"]
    after = await scrape(scraped)
    assert value(after, "clientpanel_graphql_errors_total", code=code) == pytest.approx(
        value(before, "clientpanel_graphql_errors_total", code=code) + 1
    )
    failed = {"operation": "Viewer", "type": "query", "outcome": "error"}
    assert value(after, "clientpanel_graphql_operations_total", **failed) == pytest.approx(
        value(before, "clientpanel_graphql_operations_total", **failed) + 1
    )


async def test_a_thousand_client_chosen_names_make_one_other_series(scraped: httpx.AsyncClient) -> None:
    before = await scrape(scraped)
    names = [f"Op{secrets.token_hex(8)}" for _ in range(1000)]
    for name in names:
        assert "errors" not in await graphql(scraped, f"query {name} {{ __typename }}")
    after = await scrape(scraped)
    other = {"operation": OTHER, "type": "query", "outcome": "ok"}
    grown = value(after, "clientpanel_graphql_operations_total", **other) - value(
        before, "clientpanel_graphql_operations_total", **other
    )
    assert grown == pytest.approx(1000)
    operations = label_values(after, "clientpanel_graphql_operations_total", "operation")
    assert operations <= panel_operations() | {"PartnerDashboard", OTHER}
    assert not operations & set(names)


async def test_rate_limit_refusals_are_counted_per_rule(
    metered: Starlette, scraped: httpx.AsyncClient, holder: models.Account
) -> None:
    before = await scrape(scraped)
    for _ in range(int(STRENGTH_CHECKS_PER_IP.split("/")[0])):
        assert await metered.state.runtime.limiter.hit(STRENGTH_CHECKS_PER_IP, "strength", ASGI_CLIENT_ADDRESS) is None
    assert value(await scrape(scraped), "clientpanel_rate_limit_refusals_total", rule="strength") == value(
        before, "clientpanel_rate_limit_refusals_total", rule="strength"
    )
    for _ in range(2):
        body = await graphql(scraped, 'query Strength { passwordStrength(password: "x") { score } }')
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"  # type: ignore[index]
    response = await scraped.get("/metrics", headers=SCRAPER)
    after = parsed(response.text)
    assert value(after, "clientpanel_rate_limit_refusals_total", rule="strength") == pytest.approx(
        value(before, "clientpanel_rate_limit_refusals_total", rule="strength") + 2
    )
    for customer_value in (ASGI_CLIENT_ADDRESS, HOLDER, holder.client_number):
        assert f'"{customer_value}"' not in response.text  # as no label value (a timestamp may hold the digits)


async def settled(scraped: httpx.AsyncClient, name: str, expected: float) -> None:
    """The gauge reaches `expected` (the server handles socket messages in their own tasks)."""
    for _ in range(250):
        if value(await scrape(scraped), name) == expected:
            return
        await asyncio.sleep(0.02)
    pytest.fail(f"{name} never reached {expected}")


async def test_open_sockets_and_subscriptions(
    port: int, client: GraphQLClient, factory: Factory, scraped: httpx.AsyncClient
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    before = await scrape(scraped)
    sockets, subscriptions = (
        value(before, name) for name in ("clientpanel_open_sockets", "clientpanel_open_subscriptions")
    )
    async with graphql_socket(port, cookie=session_cookie(client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await settled(scraped, "clientpanel_open_sockets", sockets + 1)
        await socket.subscribe(SUBSCRIPTION, op_id="a")
        await socket.subscribe(SUBSCRIPTION, op_id="b")
        await settled(scraped, "clientpanel_open_subscriptions", subscriptions + 2)
        await socket.send({"id": "a", "type": "complete"})
        await settled(scraped, "clientpanel_open_subscriptions", subscriptions + 1)
    await settled(scraped, "clientpanel_open_sockets", sockets)
    await settled(scraped, "clientpanel_open_subscriptions", subscriptions)


async def test_outbox_depth_and_oldest_age(
    scraped: httpx.AsyncClient, factory: Factory, runtime: Runtime, clock: FrozenClock
) -> None:
    empty = await scrape(scraped)
    for outbox in ("mail", "webhooks"):
        assert value(empty, "clientpanel_outbox_depth", outbox=outbox) == 0
        assert value(empty, "clientpanel_outbox_oldest_age_seconds", outbox=outbox) == 0
    account = await factory.account()
    queued_at = clock.now()
    later = queued_at + timedelta(days=1)  # not due yet: the mail worker leaves them queued
    for number in range(3):
        message = await models.MailMessage.create(
            account=account,
            category=EmailCategory.GENERAL,
            template="welcome",
            message_id=f"<metrics-{number}@example.net>",
            subject="Hola",
            text_body="Hola",
            search_text="hola",
            queued_at=queued_at + timedelta(minutes=number),
        )
        await models.OutboxMessage.create(message=message, next_attempt_at=later)
    endpoint = await models.WebhookEndpoint.create(
        url="https://billing.example.com/hooks", event_types=["holder.updated"], secret="x", created_at=queued_at
    )
    event = await models.WebhookEvent.create(
        webhook_id="msg_metrics",
        account=account,
        sequence=1,
        type="holder.updated",
        resource_id="1",
        payload="{}",
        created_at=queued_at,
    )
    await models.WebhookDelivery.create(event=event, endpoint=endpoint, scheduled_at=queued_at, next_attempt_at=later)
    clock.advance(timedelta(minutes=10))
    samples = await scrape(scraped)
    assert value(samples, "clientpanel_outbox_depth", outbox="mail") == 3
    assert value(samples, "clientpanel_outbox_oldest_age_seconds", outbox="mail") == 600
    assert value(samples, "clientpanel_outbox_depth", outbox="webhooks") == 1
    assert value(samples, "clientpanel_outbox_oldest_age_seconds", outbox="webhooks") == 600


CHILD = """
import sys
from datetime import UTC, datetime
from core import metrics
from settings import Settings
for _ in range(int(sys.argv[1])):
    metrics.observe_operation("Countries", Settings(), "query", 0.01, [])
metrics.OPEN_SOCKETS.inc()
metrics.worker_heartbeat("deliver_forever", datetime.fromtimestamp(1_800_000_000 + int(sys.argv[1]), UTC))
if sys.argv[2] == "stopped":
    metrics.process_stopped(Settings().with_(prometheus_multiproc_dir=sys.argv[3]))
"""


async def test_multiprocess_mode_reports_every_process(app: Starlette, settings: Settings, tmp_path: Path) -> None:
    """Two other processes count operations into PROMETHEUS_MULTIPROC_DIR; a scrape of this one reports their sum,
    the open sockets of a process that stopped gracefully no longer count, and a worker's heartbeat is the newest
    of any process."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    for count, end in (("2", "stopped"), ("3", "running")):
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CHILD, count, end, str(shared), cwd=PROJECT_DIR, env=environment
        )
        assert await asyncio.wait_for(child.wait(), 60) == 0
    metered = create_app(
        settings.with_(metrics_token=TOKEN, prometheus_multiproc_dir=str(shared), run_workers=False),
        clock=app.state.runtime.clock,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=metered), base_url=BASE_URL) as http:
        samples = await scrape(http)
    ok = {"operation": "Countries", "type": "query", "outcome": "ok"}
    assert value(samples, "clientpanel_graphql_operations_total", **ok) == 5
    assert value(samples, "clientpanel_graphql_operation_seconds_count", operation="Countries") == 5
    assert value(samples, "clientpanel_open_sockets") == 1
    heartbeat = "clientpanel_worker_heartbeat_timestamp_seconds"
    assert value(samples, heartbeat, worker="deliver_forever") == 1_800_000_003
    assert value(samples, "clientpanel_outbox_depth", outbox="mail") == 0
