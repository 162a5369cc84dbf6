"""Webhook endpoints managed through the staff API (scope WEBHOOKS): add and rotate show a secret once, the list
and the delivery log never; a redelivery keeps its webhook-id, checked by a real receiver."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

import models
from core.runtime import Runtime
from core.webhook_delivery import deliver_due, secrets_of
from core.webhook_events import CONTACT_CREATED, HOLDER_UPDATED
from domain.staff_keys import create_key
from models.enums import StaffScope, WebhookDeliveryStatus
from staff_app import create_staff_app
from tests.conftest import STAFF_URL
from tests.helpers import GraphQLClient
from tests.live_server import free_port, uvicorn_server
from tests.test_webhook_delivery import Receiver, emitted

ENDPOINT = "id url events enabled failingSince disabledAt previousSecretValidUntil createdAt"
ADD = f"""mutation($i: WebhookEndpointAddInput!) {{ webhookEndpointAdd(input: $i) {{
  secret endpoint {{ {ENDPOINT} }} errors {{ field code message }} }} }}"""
ROTATE = f"""mutation($i: WebhookEndpointInput!) {{ webhookEndpointRotate(input: $i) {{
  secret endpoint {{ {ENDPOINT} }} errors {{ field code message }} }} }}"""
REMOVE = """mutation($i: WebhookEndpointInput!) { webhookEndpointRemove(input: $i) {
  removedId errors { field code message } } }"""
ENABLE = """mutation($i: WebhookEndpointInput!) { webhookEndpointEnable(input: $i) {
  endpoint { id enabled disabledAt failingSince } errors { field code message } } }"""
REDELIVER = """mutation($i: WebhookRedeliverInput!) { webhookRedeliver(input: $i) {
  endpoints errors { field code message } } }"""
DELIVERY = "id endpointId eventId eventType status attempts lastStatusCode lastError nextAttemptAt deliveredAt"
LIST = f"{{ webhookEndpoints {{ {ENDPOINT} recentDeliveries {{ {DELIVERY} }} }} }}"
LOG = f"""query($endpoint: ID, $status: WebhookDeliveryStatus, $first: Int, $after: String) {{
  webhookDeliveries(endpointId: $endpoint, status: $status, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {DELIVERY} }} }} }} }}"""
URL = "https://billing.example.com/hooks"


async def add(client: GraphQLClient, url: str = URL, events: list[str] | None = None) -> dict:
    variables = {"i": {"url": url, "events": events or ["holder.updated", "contact.created"]}}
    return (await client.data(ADD, variables))["webhookEndpointAdd"]


@pytest.fixture
def loopback(runtime: Runtime) -> Runtime:
    """The runtime with WEBHOOK_ALLOWED_NETWORKS letting deliveries reach this machine's receiver."""
    return dataclasses.replace(runtime, settings=runtime.settings.with_(webhook_allowed_networks=("127.0.0.0/8",)))


@pytest.fixture
async def loopback_staff(loopback: Runtime) -> AsyncIterator[GraphQLClient]:
    """A WEBHOOKS key on a staff app whose settings allow loopback webhook URLs."""
    app = create_staff_app(loopback.settings, runtime=loopback)
    created = await create_key(loopback, "billing", [StaffScope.WEBHOOKS])
    headers = {"authorization": f"Bearer {created.secret}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=STAFF_URL, headers=headers) as http:
        yield GraphQLClient(http)


async def test_an_endpoint_is_added_with_its_secret_shown_once(staff, runtime: Runtime, clock) -> None:
    client = await staff(StaffScope.WEBHOOKS)
    added = await add(client)
    assert added["errors"] == []
    secret = added["secret"]
    assert secret.startswith("whsec_")
    endpoint = added["endpoint"]
    assert endpoint["url"] == URL
    assert endpoint["events"] == ["holder.updated", "contact.created"]
    assert (endpoint["enabled"], endpoint["failingSince"], endpoint["previousSecretValidUntil"]) == (True, None, None)
    stored = await models.WebhookEndpoint.get(id=int(endpoint["id"]))
    assert secret not in stored.secret
    assert secrets_of(runtime, stored) == [secret]

    listed = await client(LIST)
    assert listed["data"]["webhookEndpoints"][0]["id"] == endpoint["id"]
    assert listed["data"]["webhookEndpoints"][0]["recentDeliveries"] == []
    assert secret not in json.dumps(listed)
    assert "whsec_" not in json.dumps(listed)
    for audit in await models.StaffAudit.all():
        assert "whsec_" not in f"{audit.operation} {audit.fields_called} {audit.outcome}"


@pytest.mark.parametrize(
    ("url", "events", "field", "code", "words"),
    [
        ("https://10.0.0.5/hooks", None, "url", "INVALID", "not public"),
        ("http://127.0.0.1:8080/hooks", None, "url", "INVALID", "not public"),
        ("https://[::ffff:192.168.1.1]/hooks", None, "url", "INVALID", "not public"),
        ("https://169.254.169.254/latest", None, "url", "INVALID", "not public"),
        ("ftp://billing.example.com/", None, "url", "INVALID", "http(s)"),
        ("https://billing.example.com/a b", None, "url", "INVALID", "spaces"),
        (URL, ["contact.exploded"], "events", "INVALID", "contact.exploded"),
        (URL, [" "], "events", "REQUIRED", "at least one"),
    ],
)
async def test_a_bad_endpoint_is_refused_and_nothing_is_stored(staff, url, events, field, code, words) -> None:
    client = await staff(StaffScope.WEBHOOKS)
    refused = await add(client, url, events)
    assert (refused["secret"], refused["endpoint"]) == (None, None)
    [error] = refused["errors"]
    assert (error["field"], error["code"]) == (["input", field], code)
    assert words in error["message"]
    assert await models.WebhookEndpoint.all().count() == 0


async def test_rotation_shows_the_new_secret_once_and_both_sign_during_the_overlap(
    staff, runtime: Runtime, clock
) -> None:
    client = await staff(StaffScope.WEBHOOKS)
    added = await add(client)
    rotated = (await client.data(ROTATE, {"i": {"id": added["endpoint"]["id"]}}))["webhookEndpointRotate"]
    assert rotated["errors"] == []
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != added["secret"]
    overlap = timedelta(hours=runtime.settings.webhook_secret_overlap_hours)
    assert rotated["endpoint"]["previousSecretValidUntil"] == (clock.now() + overlap).isoformat()
    stored = await models.WebhookEndpoint.get(id=int(added["endpoint"]["id"]))
    assert secrets_of(runtime, stored) == [rotated["secret"], added["secret"]]
    listed = json.dumps(await client(LIST))
    assert rotated["secret"] not in listed
    assert added["secret"] not in listed
    for unknown in ("999", "abc", "-1", "1" * 30):
        refused = (await client.data(ROTATE, {"i": {"id": unknown}}))["webhookEndpointRotate"]
        assert refused["secret"] is None
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [(["input", "id"], "NOT_FOUND")], unknown


async def test_an_endpoint_is_removed_and_a_disabled_one_enabled(staff, clock) -> None:
    client = await staff(StaffScope.WEBHOOKS)
    first = (await add(client))["endpoint"]["id"]
    second = (await add(client, "https://other.example.com/hooks"))["endpoint"]["id"]
    failing = clock.now() - timedelta(days=3)
    await models.WebhookEndpoint.filter(id=int(second)).update(
        enabled=False, disabled_at=clock.now(), failing_since=failing
    )
    removed = (await client.data(REMOVE, {"i": {"id": first}}))["webhookEndpointRemove"]
    assert removed == {"removedId": first, "errors": []}
    again = (await client.data(REMOVE, {"i": {"id": first}}))["webhookEndpointRemove"]
    assert [e["code"] for e in again["errors"]] == ["NOT_FOUND"]
    assert [e["id"] for e in (await client.data(LIST))["webhookEndpoints"]] == [second]

    enabled = (await client.data(ENABLE, {"i": {"id": second}}))["webhookEndpointEnable"]
    assert enabled == {
        "endpoint": {"id": second, "enabled": True, "disabledAt": None, "failingSince": None},
        "errors": [],
    }
    missing = (await client.data(ENABLE, {"i": {"id": first}}))["webhookEndpointEnable"]
    assert (missing["endpoint"], [e["code"] for e in missing["errors"]]) == (None, ["NOT_FOUND"])


async def test_the_delivery_log_filters_pages_and_shows_only_what_is_kept(staff, runtime, holder, clock) -> None:
    client = await staff(StaffScope.WEBHOOKS)
    endpoint_id = (await add(client))["endpoint"]["id"]
    other_id = (await add(client, "https://other.example.com/hooks", ["contact.created"]))["endpoint"]["id"]
    ids = await emitted(runtime, holder.id, 3)  # holder.updated: the first endpoint only
    await emitted(runtime, holder.id, 1, CONTACT_CREATED)  # both endpoints
    rows = await models.WebhookDelivery.filter(endpoint_id=int(endpoint_id)).order_by("id")
    assert len(rows) == 4
    await models.WebhookDelivery.filter(id=rows[0].id).update(
        status=WebhookDeliveryStatus.FAILED, attempts=12, last_status_code=500, last_error="HTTP 500"
    )
    await models.WebhookDelivery.filter(id=rows[1].id).update(
        status=WebhookDeliveryStatus.DELIVERED, attempts=1, last_status_code=204, delivered_at=clock.now()
    )

    log = (await client.data(LOG, {"endpoint": endpoint_id}))["webhookDeliveries"]
    assert log["totalCount"] == 4
    nodes = [edge["node"] for edge in log["edges"]]
    assert [n["id"] for n in nodes] == [str(row.id) for row in reversed(rows)]  # newest first
    failed = nodes[-1]
    assert failed == {
        "id": str(rows[0].id),
        "endpointId": endpoint_id,
        "eventId": ids[0],
        "eventType": "holder.updated",
        "status": "FAILED",
        "attempts": 12,
        "lastStatusCode": 500,
        "lastError": "HTTP 500",
        "nextAttemptAt": None,
        "deliveredAt": None,
    }
    assert nodes[0]["status"] == "PENDING"
    assert nodes[0]["nextAttemptAt"] == clock.now().isoformat()
    only_failed = (await client.data(LOG, {"endpoint": endpoint_id, "status": "FAILED"}))["webhookDeliveries"]
    assert [edge["node"]["eventId"] for edge in only_failed["edges"]] == [ids[0]]
    everything = (await client.data(LOG, {}))["webhookDeliveries"]
    assert everything["totalCount"] == 5
    assert (await client.data(LOG, {"endpoint": other_id}))["webhookDeliveries"]["totalCount"] == 1
    assert (await client.data(LOG, {"endpoint": "nope"}))["webhookDeliveries"]["totalCount"] == 0

    page = (await client.data(LOG, {"endpoint": endpoint_id, "first": 3}))["webhookDeliveries"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await client.data(LOG, {"endpoint": endpoint_id, "first": 3, "after": page["pageInfo"]["endCursor"]})
    assert [edge["node"]["id"] for edge in rest["webhookDeliveries"]["edges"]] == [str(rows[0].id)]
    too_many = await client(LOG, {"first": 1000})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    recent = (await client.data(LIST))["webhookEndpoints"][0]["recentDeliveries"]
    assert [d["id"] for d in recent] == [str(row.id) for row in reversed(rows)]
    body = json.dumps(await client(LOG, {}))
    assert "whsec_" not in body
    assert "payload" not in body


async def test_a_redelivery_keeps_the_webhook_id_at_a_real_receiver(loopback_staff, loopback, holder, clock) -> None:
    port = free_port()
    added = await add(loopback_staff, f"http://127.0.0.1:{port}/hooks", [HOLDER_UPDATED])
    assert added["errors"] == []
    [webhook_id] = await emitted(loopback, holder.id, 1)
    receiver = Receiver(added["secret"])
    async with uvicorn_server(receiver.app, port):
        assert await deliver_due(loopback) == 1
        again = (await loopback_staff.data(REDELIVER, {"i": {"eventId": f" {webhook_id} "}}))["webhookRedeliver"]
        assert again == {"endpoints": 1, "errors": []}
        [delivery] = await models.WebhookDelivery.all()
        assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.PENDING, 0)
        assert await deliver_due(loopback) == 1
    assert receiver.requests == [webhook_id, webhook_id]
    assert list(receiver.processed) == [webhook_id]  # the receiver recognised it and processed it once
    assert receiver.rejected == []
    assert await models.WebhookEvent.all().count() == 1
    for unknown in ("msg_unknown", "", "x" * 500):
        refused = (await loopback_staff.data(REDELIVER, {"i": {"eventId": unknown}}))["webhookRedeliver"]
        assert refused["endpoints"] is None
        assert [(e["field"], e["code"]) for e in refused["errors"]] == [(["input", "eventId"], "NOT_FOUND")]


async def test_webhook_operations_need_the_webhooks_scope(staff, runtime, holder) -> None:
    owner = await staff(StaffScope.WEBHOOKS)
    endpoint_id = (await add(owner))["endpoint"]["id"]
    [webhook_id] = await emitted(runtime, holder.id, 1)
    for scope in (StaffScope.SUPPORT, StaffScope.ACCOUNTS, StaffScope.SERVICES, StaffScope.NOTICES):
        other = await staff(scope)
        for document, variables in (
            (ADD, {"i": {"url": URL, "events": ["holder.updated"]}}),
            (ROTATE, {"i": {"id": endpoint_id}}),
            (REMOVE, {"i": {"id": endpoint_id}}),
            (ENABLE, {"i": {"id": endpoint_id}}),
            (REDELIVER, {"i": {"eventId": webhook_id}}),
            (LIST, {}),
            (LOG, {}),
        ):
            body = await other(document, variables)
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (scope, document)
            assert body["data"] is None
    [stored] = await models.WebhookEndpoint.all()
    assert (stored.id, stored.previous_secret) == (int(endpoint_id), None)
    assert await models.WebhookDelivery.filter(attempts=0, status=WebhookDeliveryStatus.PENDING).count() == 1
