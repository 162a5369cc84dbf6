"""docs/examples/billing_receiver.py, the receiver the billing guide (docs/billing.md) tells providers to copy, runs
as its own process on a free port, registered as a webhook endpoint: real changes through the public API, the
delivery worker's passes, and the receiver verifies each delivery with standardwebhooks, keeps each `webhook-id`
once, keeps an account's events in `data.sequence` order and refuses a tampered body, a stale timestamp or a
signature it cannot read with a 4xx, keeping nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from core.ids import to_global_id
from core.runtime import Runtime
from core.webhook_delivery import deliver_due, secrets_of, signed_headers
from domain import webhooks
from models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from models.enums import StaffScope, WebhookDeliveryStatus
from settings import PROJECT_DIR
from tests.helpers import cli
from tests.live_server import STARTUP_SECONDS, free_port
from tests.test_docs_examples import test_guide_links_lead_somewhere as guide_links_lead_somewhere
from tests.test_holder import update
from tests.test_webhooks import CONTACT_CREATE

RECEIVER = PROJECT_DIR / "docs" / "examples" / "billing_receiver.py"
ADD_ENDPOINT = """mutation($input: WebhookEndpointAddInput!) {
  webhookEndpointAdd(input: $input) { secret errors { code message } } }"""


def example() -> ModuleType:
    """The example imported from its file (docs/ is not a package), to read what the running copy kept."""
    spec = importlib.util.spec_from_file_location("billing_receiver", RECEIVER)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclasses.dataclass
class Running:
    """The receiver's process: where it listens, its database and what it logged."""

    url: str
    database: Path
    log: Path

    def kept(self, secret: str) -> Any:
        """The example's own Receiver on the same database file (to read its history and state)."""
        return example().Receiver(secret, self.database)


@contextmanager
def running_receiver(port: int, secret: str, tmp_path: Path) -> Iterator[Running]:
    """`WEBHOOK_SECRET=... python billing_receiver.py --port N --database FILE`, as the guide runs it."""
    database, log = tmp_path / "receiver.sqlite3", tmp_path / "receiver.log"
    command = [sys.executable, str(RECEIVER), "--port", str(port), "--database", str(database)]
    with log.open("w") as output:
        process = subprocess.Popen(  # the example as a provider starts it
            command, env={**os.environ, "WEBHOOK_SECRET": secret}, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the receiver did not start"
            time.sleep(0.05)
        yield Running(f"http://127.0.0.1:{port}/hooks", database, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def loopback(runtime: Runtime) -> Runtime:
    """The runtime with WEBHOOK_ALLOWED_NETWORKS letting deliveries reach this machine's receiver."""
    return dataclasses.replace(runtime, settings=runtime.settings.with_(webhook_allowed_networks=("127.0.0.0/8",)))


@pytest.fixture
async def endpoint(staff) -> tuple[int, str]:
    """An endpoint for every event, registered on the staff API as the guide does, at a free port where the receiver
    will listen (named by host name: registration refuses a loopback address literal); its port and secret."""
    port = free_port()
    url = f"http://localhost:{port}/hooks"
    client = await staff(StaffScope.WEBHOOKS)
    answer = await client.data(ADD_ENDPOINT, {"input": {"url": url, "events": list(webhooks.EVENT_TYPES)}})
    assert answer["webhookEndpointAdd"]["errors"] == []
    return port, answer["webhookEndpointAdd"]["secret"]


async def signed(runtime: Runtime, event: WebhookEvent, at: datetime | None = None) -> dict[str, str]:
    """The headers the panel sends with `event` (its own signing), as of `at` (now)."""
    secrets = secrets_of(runtime, await WebhookEndpoint.get())
    return signed_headers(secrets, event.webhook_id, event.payload, at or datetime.now(UTC))


async def post(url: str, body: str, headers: dict[str, str]) -> int:
    async with httpx.AsyncClient(trust_env=False) as http:
        return (await http.post(url, content=body.encode(), headers=headers)).status_code


async def events() -> list[WebhookEvent]:
    return list(await WebhookEvent.all().order_by("sequence"))


def resource_of(event: WebhookEvent) -> str:
    return json.loads(event.payload)["data"]["resource"]["id"]


async def phone_changes(client, *phones: str) -> None:
    """The signed-in holder changes their phone through the public API: one holder.updated each."""
    for version, phone in enumerate(phones, start=1):
        assert (await update(client, phone=phone, expectedVersion=version))["errors"] == []


async def test_each_event_is_verified_kept_once_and_redelivery_is_not_processed_again(
    loopback, endpoint, client, holder, tmp_path
) -> None:
    port, secret = endpoint
    await phone_changes(client, "+541143210000")
    contact = {"firstName": "Ana", "lastName": "Gómez", "email": "ana@example.com", "active": False}
    assert (await client.data(CONTACT_CREATE, {"i": contact}))["contactCreate"]["errors"] == []
    account_id = to_global_id("Account", holder.id)

    with running_receiver(port, secret, tmp_path) as receiver:
        assert await deliver_due(loopback) == 2
        deliveries = await WebhookDelivery.all()
        assert {(d.status, d.last_status_code) for d in deliveries} == {(WebhookDeliveryStatus.DELIVERED, 204)}
        kept = receiver.kept(secret)
        assert kept.history(account_id) == [(1, "holder.updated"), (2, "contact.created")]
        first, _ = await events()
        assert kept.state(resource_of(first))["holder"]["phone"] == "+541143210000"

        # A redelivery (staff asked for it, or the receiver's answer was lost) has the same webhook-id: it is
        # acknowledged, so the panel stops sending it, and not processed again.
        assert (await webhooks.redeliver(loopback, first.webhook_id)).value == 1
        assert await deliver_due(loopback) == 1
        assert kept.history(account_id) == [(1, "holder.updated"), (2, "contact.created")]
    log = receiver.log.read_text()
    assert log.count(f"{first.webhook_id} processed") == 1
    assert log.count(f"{first.webhook_id} already processed") == 1


async def test_an_older_event_arriving_after_a_newer_one_keeps_the_order_and_the_newest_state(
    loopback, endpoint, client, holder, tmp_path
) -> None:
    port, secret = endpoint
    await phone_changes(client, "+541143210001", "+541143210002")
    older, newer = await events()
    with running_receiver(port, secret, tmp_path) as receiver:
        for event in (newer, older):  # delivery order is not promised
            assert await post(receiver.url, event.payload, await signed(loopback, event)) == 204
        kept = receiver.kept(secret)
        assert kept.history(to_global_id("Account", holder.id)) == [(1, "holder.updated"), (2, "holder.updated")]
        state = kept.state(resource_of(newer))
        assert (state["sequence"], state["holder"]["phone"]) == (2, "+541143210002")


async def test_a_tampered_body_a_stale_or_future_timestamp_another_secret_or_a_garbled_signature_is_400(
    loopback, endpoint, client, holder, tmp_path
) -> None:
    port, secret = endpoint
    await phone_changes(client, "+541143210001")
    [event] = await events()
    now = datetime.now(UTC)
    genuine = await signed(loopback, event)
    tampered = event.payload.replace("+541143210001", "+541143216666")
    assert tampered != event.payload
    other_secret = signed_headers([webhooks.new_secret()], event.webhook_id, event.payload, now)
    forged = [
        (tampered, genuine),
        (event.payload, await signed(loopback, event, now - timedelta(minutes=6))),  # a replay
        (event.payload, await signed(loopback, event, now + timedelta(minutes=6))),
        (event.payload, other_secret),
        (event.payload, {**genuine, "webhook-signature": "v1"}),  # no comma: the verifier raises ValueError
        (event.payload, {**genuine, "webhook-signature": "v1,%%%"}),
        (event.payload, {**genuine, "webhook-id": "msg_another"}),  # the id is signed too
        (event.payload, {key: value for key, value in genuine.items() if key != "webhook-timestamp"}),
    ]
    with running_receiver(port, secret, tmp_path) as receiver:
        assert [await post(receiver.url, body, headers) for body, headers in forged] == [400] * len(forged)
        kept = receiver.kept(secret)
        assert kept.history(to_global_id("Account", holder.id)) == []
        assert kept.state(resource_of(event)) is None
        async with httpx.AsyncClient(trust_env=False) as http:
            elsewhere = await http.post(receiver.url.replace("/hooks", "/other"), content=b"{}", headers=genuine)
        assert elsewhere.status_code == 404
        assert await post(receiver.url, event.payload, genuine) == 204  # the genuine one still gets in
        assert kept.history(to_global_id("Account", holder.id)) == [(1, "holder.updated")]


async def test_copies_of_one_delivery_arriving_at_once_are_processed_once(
    loopback, endpoint, client, holder, tmp_path
) -> None:
    port, secret = endpoint
    await phone_changes(client, "+541143210001")
    [event] = await events()
    headers = await signed(loopback, event)
    with running_receiver(port, secret, tmp_path) as receiver:
        answers = await asyncio.gather(*(post(receiver.url, event.payload, headers) for _ in range(10)))
        assert answers == [204] * 10
        assert receiver.kept(secret).history(to_global_id("Account", holder.id)) == [(1, "holder.updated")]
    log = receiver.log.read_text()
    assert (log.count(f"{event.webhook_id} processed"), log.count("already processed")) == (1, 9)


# The guide's examples: real operations of the staff schema, run in the guide's order; its scope table; its file


GUIDE = PROJECT_DIR / "docs" / "billing.md"
# The walk-through requests no deprovisioning and holds no event of that id: these examples are refused as written.
REFUSED_AS_WRITTEN = {"ServiceDeprovisioned": "INVALID_STATE", "WebhookRedeliver": "NOT_FOUND"}


def guide_examples() -> list[tuple[str, str, dict[str, Any] | None]]:
    """docs/billing.md's ```graphql blocks as (operation name, document, variables): the ```json block right after
    one holds its variables."""
    from graphql import OperationDefinitionNode, parse

    found = []
    for document, variables in re.findall(
        r"```graphql\n(.*?)```\s*(?:```json\n(.*?)```)?", GUIDE.read_text(), re.DOTALL
    ):
        [operation] = [node for node in parse(document).definitions if isinstance(node, OperationDefinitionNode)]
        assert operation.name is not None, f"name every example: {document}"
        found.append((operation.name.value, document, json.loads(variables) if variables else None))
    return found


def test_every_graphql_example_of_the_billing_guide_is_valid_on_the_staff_schema() -> None:
    from graphql import OperationDefinitionNode, get_variable_values, parse, validate

    from schema.staff import staff_schema

    examples = guide_examples()
    assert len(examples) >= 10
    problems: dict[str, list[str]] = {}
    for name, document, variables in examples:
        parsed = parse(document)
        errors = [error.message for error in validate(staff_schema._schema, parsed)]
        [operation] = [node for node in parsed.definitions if isinstance(node, OperationDefinitionNode)]
        if not errors and operation.variable_definitions:
            assert variables is not None, f"{name}: give its variables in a ```json block right after it"
            coerced = get_variable_values(staff_schema._schema, operation.variable_definitions, variables)
            errors = [error.message for error in coerced] if isinstance(coerced, list) else []
        if errors:
            problems[name] = errors
    assert problems == {}


async def test_the_billing_guide_examples_run_in_its_order_on_the_staff_api(staff) -> None:
    client = await staff()
    answers: dict[str, dict[str, Any]] = {}
    for name, document, variables in guide_examples():
        data = await client.data(document, variables)
        [answer] = data.values()
        answers[name] = answer
        errors = answer.get("errors", []) if isinstance(answer, dict) else []
        expected = [REFUSED_AS_WRITTEN[name]] if name in REFUSED_AS_WRITTEN else []
        assert [error["code"] for error in errors] == expected, (name, errors)
    assert answers["AccountUpsert"]["result"] == "CREATED"
    assert answers["AccountUpsert"]["account"]["hasPassword"] is False
    assert answers["ServicesSync"]["report"]["created"] == 2
    assert answers["NoticeSend"]["recipients"] == ["ana@example.com"]
    [found] = answers["Lookup"]
    assert (found["externalId"], len(found["services"])) == ("whmcs-1042", 3)
    assert answers["WebhookEndpointAdd"]["secret"].startswith("whsec_")


def test_the_billing_guide_scope_table_is_what_the_operations_declare() -> None:
    from schema.staff import staff_schema
    from schema.staff.scopes import declared_scopes

    table = GUIDE.read_text().split("| Scope | Operations |", 1)[1].split("\n\n", 1)[0]
    documented = {
        operation: scope
        for scope, operations in re.findall(r"^\| `([A-Z]+)` \| (.+) \|$", table, re.MULTILINE)
        for operation in re.findall(r"`(\w+)`", operations)
    }
    declared = {field.split(".", 1)[1]: scope.value for field, scope in declared_scopes(staff_schema).items()}
    assert documented == declared


def test_the_billing_guide_ndjson_file_syncs_with_the_cli(tmp_path: Path) -> None:
    [lines] = re.findall(r"```ndjson\n(.*?)```", GUIDE.read_text(), re.DOTALL)
    path = tmp_path / "clients.ndjson"
    path.write_text(lines)
    assert cli(tmp_path, "migrate").returncode == 0
    first = cli(tmp_path, "sync", str(path))
    assert (first.returncode, first.stdout.splitlines()[-1]) == (0, "created 2, updated 0, unchanged 0, refused 0")
    again = cli(tmp_path, "sync", str(path))
    assert (again.returncode, again.stdout.splitlines()[-1]) == (0, "created 0, updated 0, unchanged 2, refused 0")


async def test_the_billing_guide_sample_body_has_the_fields_of_a_real_one(client, holder) -> None:
    samples = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", GUIDE.read_text(), re.DOTALL)]
    [sample] = [body for body in samples if body.get("type") == "holder.updated"]
    await phone_changes(client, "+541143210001")
    [event] = await events()

    def shape(value: Any) -> Any:
        return {key: shape(item) for key, item in value.items()} if isinstance(value, dict) else None

    assert shape(sample) == shape(json.loads(event.payload))


def test_the_billing_guide_links_lead_somewhere() -> None:
    guide_links_lead_somewhere(GUIDE.name)


def test_the_billing_guide_events_table_names_every_event_type() -> None:
    from core.webhook_events import EVENT_TYPES

    table = GUIDE.read_text().split("| Event | Sent when |", 1)[1].split("\n\n", 1)[0]
    documented = [
        name for row in table.splitlines()[1:] for name in re.findall(r"`([a-z_]+\.[a-z_]+)`", row.split(" | ")[0])
    ]
    assert sorted(documented) == sorted(EVENT_TYPES)
