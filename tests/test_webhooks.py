"""Webhook events are written with the changes they report, endpoints are managed by staff (the CLI), and
outgoing requests go only to public addresses unless WEBHOOK_ALLOWED_NETWORKS says otherwise."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from core import outbound
from core.keyring import Keyring
from core.webhook_delivery import secrets_of, signed_headers
from core.webhook_events import (
    CANCELLATION_OVERDUE,
    CONTACT_CREATED,
    HOLDER_UPDATED,
    SERVICE_DEPROVISION_REQUESTED,
    emit,
)
from domain import webhooks
from models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from models.enums import Language, PaymentMethod
from settings import Settings, SettingsError
from tests.conftest import HOLDER
from tests.helpers import PASSWORD, cli, emailed_code
from tests.test_cancellation import confirm, request
from tests.test_holder import update
from tests.test_renewal import ARGENTINA_CUTOFF, DUE, at, gid, switch

CONTACT_CREATE = """mutation($i: ContactCreateInput!) { contactCreate(input: $i) { contact { id } errors { code } } }"""
PASSWORD_CHANGE = """mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code message } } }"""
EVERYTHING = list(webhooks.EVENT_TYPES)


async def endpoint(runtime, events=None, url="https://billing.example.com/hooks") -> webhooks.NewSecret:
    added = await webhooks.add_endpoint(runtime, url, events or EVERYTHING)
    assert added.ok, added.failures
    assert added.value is not None
    return added.value


async def events_of(account_id: int) -> list[WebhookEvent]:
    return list(await WebhookEvent.filter(account_id=account_id).order_by("sequence"))


async def test_changes_emit_their_events_in_order_with_versions(client, factory, holder, runtime, smtp_sink) -> None:
    await endpoint(runtime)
    service = await factory.service(holder)
    assert (await update(client, phone="+54 11 4321-0000", expectedVersion=1))["errors"] == []
    created = await client.data(
        CONTACT_CREATE,
        {"i": {"firstName": "Ana", "lastName": "Gómez", "email": "ana@example.com", "active": False}},
    )
    assert created["contactCreate"]["errors"] == []
    requested = await request(client, service)
    await confirm(client, requested["cancellation"]["id"], await emailed_code(smtp_sink, HOLDER))

    events = await events_of(holder.id)
    assert [event.type for event in events] == [
        "holder.updated",
        "contact.created",
        "cancellation.requested",
        "cancellation.confirmed",
        "service.status_changed",
    ]
    assert [event.sequence for event in events] == [1, 2, 3, 4, 5]
    holder_event = json.loads(events[0].payload)
    assert holder_event["type"] == "holder.updated"
    assert holder_event["data"]["changed"] == ["phone"]
    assert holder_event["data"]["resource"]["version"] == events[0].resource_version == 2
    assert holder_event["data"]["clientNumber"] == holder.client_number
    status = json.loads(events[4].payload)["data"]
    assert (status["previousStatus"], status["status"]) == ("ACTIVE", "CANCELLATION_PENDING")
    # One delivery per event to the one endpoint, due now; the payload carries no secret of any kind.
    assert await WebhookDelivery.all().count() == 5
    for event in events:
        assert "hash" not in event.payload
        assert "password" not in event.payload.lower()


async def test_renewal_switched_tells_billing_whether_the_next_debit_is_charged(
    client, factory, holder, runtime, clock
) -> None:
    await endpoint(runtime, ["service.renewal_changed"])
    service = await factory.service(holder, next_due_date=DUE, payment_method=PaymentMethod.AUTOMATIC_DEBIT)
    await at(clock, client, holder, ARGENTINA_CUTOFF)  # on the 1st of the due month: the debit goes ahead
    assert (await switch(client, service, renew=False))["errors"] == []
    assert (await switch(client, service, renew=False))["errors"] == [], "no change, no event"
    assert (await switch(client, service, renew=True))["errors"] == []

    events = await events_of(holder.id)
    assert [event.type for event in events] == ["service.renewal_changed"] * 2
    off, on = (json.loads(event.payload)["data"] for event in events)
    assert off["resource"] == {"type": "Service", "id": gid(service), "version": None}
    assert {key: off[key] for key in ("renews", "renewalChangedAt", "nextDueDate", "nextDebitWillBeCharged")} == {
        "renews": False,
        "renewalChangedAt": ARGENTINA_CUTOFF.isoformat(),
        "nextDueDate": DUE.isoformat(),
        "nextDebitWillBeCharged": True,
    }
    assert (on["renews"], on["nextDebitWillBeCharged"]) == (True, True)
    assert [off["sequence"], on["sequence"]] == [1, 2]
    assert await WebhookDelivery.all().count() == 2


async def test_password_change_is_reported_without_the_password(client, factory, holder, runtime) -> None:
    await endpoint(runtime, ["password.changed"])
    new = "Tren-Patagonico-Nieve-2099"
    body = await client.data(PASSWORD_CHANGE, {"i": {"currentPassword": PASSWORD, "newPassword": new}})
    assert body["passwordChange"]["errors"] == []
    [event] = await events_of(holder.id)
    assert event.type == "password.changed"
    assert json.loads(event.payload)["data"]["person"] == "holder"
    assert new not in event.payload
    assert await WebhookDelivery.filter(event_id=event.id).count() == 1


async def test_an_endpoint_gets_only_the_types_it_subscribed(factory, holder, runtime) -> None:
    contacts = await endpoint(runtime, [CONTACT_CREATED])
    async with runtime.events.transaction():
        event = await emit(runtime, HOLDER_UPDATED, holder.id, ("Holder", 1), version=3)
    assert await WebhookDelivery.filter(event_id=event.id).count() == 0
    await WebhookEndpoint.filter(id=contacts.endpoint.id).update(enabled=False)
    await factory.contact(holder, "sin-webhook@example.com")  # staff's own creation does not pass the panel
    assert await WebhookDelivery.all().count() == 0


async def test_a_rolled_back_change_emits_nothing(holder, runtime) -> None:
    await endpoint(runtime)

    async def change_that_fails() -> None:
        async with runtime.events.transaction():
            await emit(runtime, HOLDER_UPDATED, holder.id, ("Holder", 1), version=2)
            raise RuntimeError("the change fails after emitting")

    with pytest.raises(RuntimeError):
        await change_that_fails()
    assert await WebhookEvent.all().count() == 0
    assert await WebhookDelivery.all().count() == 0
    async with runtime.events.transaction():
        kept = await emit(runtime, HOLDER_UPDATED, holder.id, ("Holder", 1), version=2)
    assert kept.sequence == 1  # the rolled-back number was not spent


async def test_registration_checks_url_and_types(runtime) -> None:
    for url in (
        "ftp://billing.example.com/",
        "https://user:pw@billing.example.com/",
        "https://billing.example.com/#frag",
        "https:///nohost",
        "https://billing.example.com:99999/",
        "https://" + "a" * 2000 + ".com/",
    ):
        refused = await webhooks.add_endpoint(runtime, url, EVERYTHING)
        assert [f.code for f in refused.failures] == ["INVALID"], url
    for literal in ("127.0.0.1", "[::1]", "169.254.169.254", "10.0.0.5", "100.64.1.1", "[::ffff:127.0.0.1]"):
        refused = await webhooks.add_endpoint(runtime, f"https://{literal}/hook", EVERYTHING)
        assert [f.message_key for f in refused.failures] == ["WEBHOOK_URL_NOT_PUBLIC"], literal
    unknown = await webhooks.add_endpoint(runtime, "https://billing.example.com/", ["contact.created", "nope"])
    assert "nope" in webhooks.message_of(unknown.failures[0], Language.EN)
    assert [f.code for f in (await webhooks.add_endpoint(runtime, "https://b.example.com/", [" "])).failures] == [
        "REQUIRED"
    ]
    for url in (
        "http://127.0.0.1:9/hook\x01x",
        "https://billing.example.com/a b",
        "https://billing.example.com/a\tb",
        "https://billing.example.com/\x7f",
        "https://billing.example.com/\u200bhooks",
    ):
        refused = await webhooks.add_endpoint(runtime, url, EVERYTHING)
        assert [f.message_key for f in refused.failures] == ["WEBHOOK_URL_CHARACTERS"], url
    assert "%20" in webhooks.message_of(refused.failures[0], Language.ES)
    production = runtime.settings.with_(environment="production", secret_keys=("p" * 40,))
    insecure = await webhooks.add_endpoint(
        dataclasses.replace(runtime, settings=production), "http://billing.example.com/", EVERYTHING
    )
    assert [f.message_key for f in insecure.failures] == ["WEBHOOK_URL_INSECURE"]
    assert await WebhookEndpoint.all().count() == 0


async def test_secrets_are_encrypted_at_rest_and_rotation_signs_with_both(runtime, clock) -> None:
    added = await endpoint(runtime)
    stored = await WebhookEndpoint.get(id=added.endpoint.id)
    assert added.secret.startswith("whsec_")
    assert added.secret not in stored.secret
    assert Keyring.from_settings(runtime.settings).decrypt(stored.secret) == added.secret

    rotated = await webhooks.rotate_secret(runtime, stored.id)
    assert rotated.value is not None
    new = rotated.value.secret
    await stored.refresh_from_db()
    assert secrets_of(runtime, stored) == [new, added.secret]
    body = '{"type":"holder.updated"}'
    headers = signed_headers(secrets_of(runtime, stored), "msg_1", body, _now())
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(body, headers)
    Webhook(added.secret).verify(body, headers)

    clock.advance(timedelta(hours=runtime.settings.webhook_secret_overlap_hours, seconds=1))
    headers = signed_headers(secrets_of(runtime, stored), "msg_2", body, _now())
    Webhook(new).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(added.secret).verify(body, headers)
    assert [f.code for f in (await webhooks.rotate_secret(runtime, 999_999)).failures] == ["NOT_FOUND"]


def _now() -> datetime:
    """The real time: receivers check the signature's timestamp against their own clock."""
    return datetime.now(UTC)


def test_the_verifier_rejects_a_tampered_body_and_a_stale_timestamp() -> None:
    secret = webhooks.new_secret()
    body = '{"type":"contact.deleted","data":{"sequence":7}}'
    headers = signed_headers([secret], "msg_abc", body, _now())
    assert Webhook(secret).verify(body, headers)["data"]["sequence"] == 7
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("7", "8"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, {**headers, "webhook-id": "msg_other"})
    stale = signed_headers([secret], "msg_abc", body, _now() - timedelta(minutes=6))
    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(secret).verify(body, stale)
    with pytest.raises(WebhookVerificationError):
        Webhook(webhooks.new_secret()).verify(body, headers)


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12::1", "private"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("fec0::1", "site-local"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.64.0.1", "CGNAT"),
        ("100.127.255.254", "CGNAT"),
        (str(ipaddress.IPv4Address(0)), "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "metadata"),
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::1", "metadata"),  # 6to4 of 169.254.169.254
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("240.0.0.1", "private"),  # reserved
        ("192.0.2.1", "private"),  # documentation
    ],
)
def test_outgoing_requests_refuse_what_is_not_public(address: str, reason: str) -> None:
    found = outbound.refusal(ipaddress.ip_address(address))
    assert found is not None
    assert reason in found


def test_metadata_addresses_are_refused_whatever_the_allowed_networks() -> None:
    everything = outbound.networks(["0.0.0.0/0", "::/0"])
    assert outbound.refusal(ipaddress.ip_address("10.0.0.5"), everything) is None
    for address in (
        "169.254.169.254",
        "fd00:ec2::254",
        "100.100.100.200",
        "168.63.129.16",
        "::ffff:169.254.169.254",
        "2002:a9fe:a9fe::1",
        "64:ff9b::a9fe:a9fe",
    ):
        assert outbound.refusal(ipaddress.ip_address(address), everything) == "a cloud metadata address", address


async def test_registration_refuses_metadata_and_site_local_literals(runtime) -> None:
    allowed = runtime.settings.with_(webhook_allowed_networks=("0.0.0.0/0", "::/0"))
    for literal in ("169.254.169.254", "[fd00:ec2::254]"):
        refused = await webhooks.add_endpoint(
            dataclasses.replace(runtime, settings=allowed), f"http://{literal}/latest/meta-data/", EVERYTHING
        )
        assert [f.message_key for f in refused.failures] == ["WEBHOOK_URL_NOT_PUBLIC"], literal
    site_local = await webhooks.add_endpoint(runtime, "https://[fec0::1]/hooks", EVERYTHING)
    assert "site-local" in webhooks.message_of(site_local.failures[0], Language.EN)
    assert await WebhookEndpoint.all().count() == 0


async def test_the_deprovisioning_events_can_be_subscribed_now_they_are_emitted(runtime) -> None:
    """domain/deprovisioning emits both (tests/test_deprovisioning checks what they carry)."""
    assert {SERVICE_DEPROVISION_REQUESTED, CANCELLATION_OVERDUE} <= set(webhooks.EVENT_TYPES)
    added = await webhooks.add_endpoint(
        runtime, "https://billing.example.com/hooks", [SERVICE_DEPROVISION_REQUESTED, CANCELLATION_OVERDUE]
    )
    assert added.failures == []
    [endpoint] = await WebhookEndpoint.all()
    assert endpoint.event_types == [SERVICE_DEPROVISION_REQUESTED, CANCELLATION_OVERDUE]


def test_the_webhook_timeout_is_less_than_half_the_lease() -> None:
    assert Settings().with_(webhook_timeout_seconds=149).webhook_timeout_seconds == 149
    with pytest.raises(SettingsError, match=r"^WEBHOOK_TIMEOUT_SECONDS: must be between 1 and 149"):
        Settings().with_(webhook_timeout_seconds=150)


def test_public_and_allowed_addresses_pass() -> None:
    for public in ("8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8", "2002:808:808::1"):
        assert outbound.refusal(ipaddress.ip_address(public)) is None, public
    allowed = outbound.networks(["127.0.0.0/8", "10.0.5.0/24"])
    assert outbound.refusal(ipaddress.ip_address("127.0.0.1"), allowed) is None
    assert outbound.refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allowed) is None
    assert outbound.refusal(ipaddress.ip_address("10.0.5.9"), allowed) is None
    assert outbound.refusal(ipaddress.ip_address("10.0.6.9"), allowed) is not None
    assert outbound.refusal(ipaddress.ip_address("::1"), allowed) is not None


def test_the_cli_manages_endpoints_and_refuses_bad_input_with_code_2(tmp_path: Path) -> None:
    assert cli(tmp_path, "migrate").returncode == 0
    # Each command starts a Python process (seconds each): one bad input of each kind; the domain tests cover the rest.
    for bad in (
        ("webhook-add", "https://x.example.com/", "--events", "contact.created,contact.exploded"),
        ("webhook-add", "https://x.example.com/a\x01b", "--events", "contact.created"),
        ("webhook-remove", "42"),
        ("webhook-redeliver", "msg_unknown"),
    ):
        ran = cli(tmp_path, *bad)
        assert ran.returncode == 2, (bad, ran.stdout, ran.stderr)
        assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr

    added = cli(tmp_path, "webhook-add", "https://billing.example.com/hooks", "--events", "contact.created")
    assert added.returncode == 0, added.stderr
    secret = added.stdout.split("signing secret (shown once, give it to the receiver): ")[1].strip()
    assert secret.startswith("whsec_")
    listed = cli(tmp_path, "webhook-list")
    assert "1  https://billing.example.com/hooks  [contact.created]  enabled; 0 pending, 0 failed" in listed.stdout
    assert secret not in listed.stdout
    rotated = cli(tmp_path, "webhook-rotate", "1")
    assert rotated.returncode == 0
    assert secret not in rotated.stdout
    assert "whsec_" in rotated.stdout
    assert cli(tmp_path, "webhook-remove", "1").stdout.strip() == "webhook endpoint 1 removed"
    assert cli(tmp_path, "webhook-list").stdout == ""
