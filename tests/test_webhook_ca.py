"""WEBHOOK_CA_FILE: a receiver whose certificate a test CA signed gets its deliveries once the CA is configured,
and none before (the TLS handshake fails: never verify=False); httpx's public CAs stay trusted beside it; a file
that is missing or holds no PEM certificate stops start-up with a message naming the variable."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from core import outbound
from core.runtime import Runtime
from core.webhook_delivery import deliver_due
from core.webhook_events import HOLDER_UPDATED, emit
from domain import webhooks
from models import Account, WebhookDelivery
from models.enums import WebhookDeliveryStatus
from settings import Settings, SettingsError
from tests.topology import Authority, WebhookReceiver

LONGEST_WAIT = timedelta(hours=5)  # more than WEBHOOK_MAX_RETRY_MINUTES with its jitter: every retry is due


@pytest.fixture
def loopback(runtime: Runtime) -> Runtime:
    """The runtime with WEBHOOK_ALLOWED_NETWORKS letting deliveries reach this machine's receiver."""
    return dataclasses.replace(runtime, settings=runtime.settings.with_(webhook_allowed_networks=("127.0.0.1/32",)))


@pytest.fixture
def authority(tmp_path: Path) -> Authority:
    return Authority.create(tmp_path)


@pytest.fixture
def receiver(authority: Authority, tmp_path: Path) -> Iterator[WebhookReceiver]:
    """An https receiver whose certificate (127.0.0.1, localhost) `authority` signed."""
    found = WebhookReceiver(*authority.issue(tmp_path, "receiver"))
    found.start()
    yield found
    found.stop()


def trusting(runtime: Runtime, ca_file: str) -> Runtime:
    return dataclasses.replace(runtime, settings=runtime.settings.with_(webhook_ca_file=ca_file))


async def event_for(runtime: Runtime, receiver: WebhookReceiver, holder: Account) -> str:
    """An endpoint at the receiver (its secret given to it) and one event for it; the event's webhook-id."""
    added = await webhooks.add_endpoint(runtime, receiver.url, [HOLDER_UPDATED])
    assert added.value is not None, added.failures
    receiver.secret = added.value.secret
    async with runtime.events.transaction():
        event = await emit(runtime, HOLDER_UPDATED, holder.id, ("Holder", 1), version=2)
    return event.webhook_id


async def test_a_receiver_signed_by_the_configured_ca_gets_its_delivery_and_not_before(
    loopback, holder, clock, authority, receiver
) -> None:
    webhook_id = await event_for(loopback, receiver, holder)

    # Without WEBHOOK_CA_FILE the certificate's issuer is unknown: the handshake fails, nothing reaches the receiver.
    assert await deliver_due(loopback) == 0
    delivery = await WebhookDelivery.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        WebhookDeliveryStatus.PENDING,
        1,
        "ConnectError",
    )
    assert receiver.ids == []
    assert receiver.wait_for(lambda received: len(received.broken) == 1)  # it connected; the handshake broke off

    # The operator adds the CA: the retry, same webhook-id, is delivered and verifies.
    clock.advance(LONGEST_WAIT)
    assert await deliver_due(trusting(loopback, str(authority.path))) == 1
    await delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (WebhookDeliveryStatus.DELIVERED, 2, 204)
    assert receiver.ids == [webhook_id]
    assert receiver.rejected == []
    assert receiver.processed[webhook_id]["type"] == HOLDER_UPDATED


async def test_another_ca_does_not_vouch_for_the_receiver(loopback, holder, tmp_path, receiver) -> None:
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    await event_for(loopback, receiver, holder)
    assert await deliver_due(trusting(loopback, str(Authority.create(elsewhere).path))) == 0
    assert (await WebhookDelivery.get()).last_error == "ConnectError"
    assert receiver.ids == []
    assert receiver.wait_for(lambda received: len(received.broken) == 1)


def test_the_public_cas_stay_trusted_beside_the_configured_one(authority: Authority) -> None:
    public = outbound.trusted().get_ca_certs()
    both = outbound.trusted(str(authority.path)).get_ca_certs()
    assert len(public) > 100  # certifi's Mozilla bundle
    assert len(both) == len(public) + 1
    added = next(entry for entry in both if entry not in public)
    assert added["subject"] == ((("commonName", "Topologia test CA"),),)


def test_start_up_accepts_a_pem_ca_file(authority: Authority) -> None:
    assert Settings.from_env({"WEBHOOK_CA_FILE": str(authority.path)}).webhook_ca_file == str(authority.path)
    assert Settings.from_env({"WEBHOOK_CA_FILE": " "}).webhook_ca_file == ""  # blank: the public CAs only


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "no such file"),
        (b"", "holds no PEM certificate"),
        (b"not a certificate\n", "holds no PEM certificate"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "holds no PEM certificate"),
    ],
)
def test_start_up_refuses_a_ca_file_that_is_missing_or_not_pem(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    path = tmp_path / "ca.pem"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SettingsError, match=rf"^WEBHOOK_CA_FILE.*{problem}"):
        Settings.from_env({"WEBHOOK_CA_FILE": str(path)})


def test_start_up_refuses_a_private_key_given_for_the_ca(authority: Authority) -> None:
    key = authority.path.with_name("test-ca-key.pem")
    with pytest.raises(SettingsError, match=r"^WEBHOOK_CA_FILE.*holds no PEM certificate"):
        Settings.from_env({"WEBHOOK_CA_FILE": str(key)})
