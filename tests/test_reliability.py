"""Reliability: conflicting mutations, a dropped database connection, a dead worker, mixed load."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import timedelta

import httpx
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

import models
from core.ids import to_global_id
from core.mail import queue_mail
from core.mail_delivery import LEASE, deliver_due
from models.enums import EmailCategory
from tests.helpers import PASSWORD, wait_for_mail
from tests.live_server import uvicorn_server

CONFLICTS = 50
UPDATE = "mutation($i: HolderUpdateInput!) { holderUpdate(input: $i) { holder { version } errors { code } } }"
REQUEST = """mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) {
  cancellation { id } errors { code } } }"""


async def test_fifty_conflicting_holder_updates_one_wins(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    results = await asyncio.gather(
        *(client.data(UPDATE, {"i": {"expectedVersion": 1, "companyName": f"Empresa {n}"}}) for n in range(CONFLICTS))
    )
    codes = [r["holderUpdate"]["errors"][0]["code"] if r["holderUpdate"]["errors"] else "OK" for r in results]
    assert codes.count("OK") == 1
    assert codes.count("STALE_VERSION") == CONFLICTS - 1
    holder = await models.Holder.get(account_id=account.id)
    winner = results[codes.index("OK")]["holderUpdate"]["holder"]
    assert holder.version == 2 == winner["version"]
    assert await models.ActivityEvent.filter(account_id=account.id, action="holder.updated").count() == 1


async def test_fifty_conflicting_cancellation_requests_one_wins(client, factory) -> None:
    account = await factory.account()
    service = await factory.service(account)
    await client.sign_in(account.client_number)
    variables = {
        "i": {"serviceId": to_global_id("Service", service.id), "reason": "x", "acknowledgeDataDeletion": True}
    }
    results = await asyncio.gather(*(client.data(REQUEST, variables) for _ in range(CONFLICTS)))
    codes = [
        r["serviceCancellationRequest"]["errors"][0]["code"] if r["serviceCancellationRequest"]["errors"] else "OK"
        for r in results
    ]
    assert codes.count("OK") == 1
    assert codes.count("ALREADY_PENDING") == CONFLICTS - 1
    assert await models.Cancellation.filter(service_id=service.id).count() == 1
    assert await models.MailMessage.filter(service_id=service.id, template="cancellation_code").count() == 1


async def test_a_dead_delivery_worker_loses_nothing(factory, runtime, smtp_sink, clock) -> None:
    account = await factory.account(email="muerto@example.net")
    async with in_transaction():
        [message] = await queue_mail(
            runtime, account_id=account.id, template="pin_set", category=EmailCategory.GENERAL, personal=True
        )
        # A worker claimed the row and died before sending.
        await models.OutboxMessage.filter(message_id=message.id).update(
            lease_until=clock.now() + LEASE, claim_token="dead-worker"
        )
    assert await deliver_due(runtime) == 0, "nobody else sends it while the dead worker's lease lasts"
    clock.advance(LEASE + timedelta(seconds=1))
    await wait_for_mail(smtp_sink, "muerto@example.net")  # taken over...
    for _ in range(250):
        if await models.OutboxMessage.filter(status="SENT").exists():
            break
        await asyncio.sleep(0.02)
    clock.advance(timedelta(hours=1))
    assert await deliver_due(runtime) == 0  # ...and sent exactly once
    assert len(smtp_sink.to("muerto@example.net")) == 1


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL only")
async def test_dropped_database_connections_fail_cleanly_and_recover(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await connections.get("default").execute_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    outcomes = []
    for _ in range(10):
        response = await client.post("{ viewer { account { clientNumber } } }")
        # A dead connection met while authenticating fails before GraphQL runs: the masked 500 the README
        # documents (errorId, no trace); met while executing, a masked error in a 200.
        assert response.status_code in (200, 500)
        body = response.json()
        assert "Traceback" not in response.text
        assert "SELECT" not in response.text
        if response.status_code == 500:
            assert body["errors"][0]["extensions"]["errorId"]
        outcomes.append("ok" if "errors" not in body else body["errors"][0]["extensions"]["code"])
    assert set(outcomes) <= {"ok", "INTERNAL_SERVER_ERROR"}
    assert outcomes[-1] == "ok", outcomes


async def test_mixed_load_has_no_server_errors(app, factory, runtime, caplog) -> None:
    """A bounded burst of mixed reads and writes against a real uvicorn server."""
    account = await factory.account()
    service = await factory.service(account)
    seconds = float(os.environ.get("MIXED_LOAD_SECONDS", "30"))
    statuses: list[int] = []
    async with uvicorn_server(app) as port:
        base = f"http://127.0.0.1:{port}"

        async def user(n: int) -> None:
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                sign_in = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"
                await http.post(
                    "/graphql",
                    json={"query": sign_in, "variables": {"i": {"login": account.client_number, "password": PASSWORD}}},
                )
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline:
                    for document, variables in (
                        (
                            "{ viewer { account { holder { email version } services { edges { node { id status "
                            "cancellationPreview { canRequest } } } } mail(first: 5) { totalCount } } } }",
                            None,
                        ),
                        (UPDATE, {"i": {"expectedVersion": 1, "companyName": f"Carga {n}"}}),
                        ('query { passwordStrength(password: "una clave de prueba") { score } }', None),
                        (
                            REQUEST,
                            {
                                "i": {
                                    "serviceId": to_global_id("Service", service.id),
                                    "reason": "carga",
                                    "acknowledgeDataDeletion": True,
                                }
                            },
                        ),
                    ):
                        response = await http.post("/graphql", json={"query": document, "variables": variables})
                        statuses.append(response.status_code)

        await asyncio.gather(*(user(n) for n in range(8)))
    assert statuses, sorted(set(statuses))
    assert all(code < 500 for code in statuses), sorted(set(statuses))
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
