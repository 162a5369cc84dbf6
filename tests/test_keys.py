"""Keys: hashing keys rotate (the first hashes, all verify), the encryption keyring rotates by key id and stays
separate from them, and the demo account is never created in production.

A change of keys is a restart with new SECRET_KEYS: the tests give the running app's runtime the `Secrets` of
the new keys (the `keys` fixture) and put the original back afterwards."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from core.keyring import Keyring, KeyringError
from core.runtime import Runtime
from core.security import Secrets
from settings import DEVELOPMENT_ENCRYPTION_KEY, DEVELOPMENT_KEY, Settings, SettingsError
from tests import test_api_tokens, test_cancellation, test_contacts, test_recovery, test_security_people
from tests.helpers import cli, emailed_code, emailed_token

B = "b-new-hashing-key-" + "x" * 30
VIEWER = "{ viewer { permissions } }"
HOLDER = "titular@example.net"

Keys = Callable[..., None]


def fernet_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def keys(runtime: Runtime) -> Iterator[Keys]:
    """keys(B, A): the app hashes with B and also accepts A's hashes from now on, as after a restart."""
    original = runtime.secrets

    def use(*hashing_keys: str) -> None:
        runtime.secrets = Secrets(runtime.settings.with_(secret_keys=hashing_keys))

    yield use
    runtime.secrets = original


@pytest.fixture
def key_a(runtime: Runtime) -> str:
    """The key everything is made with before the rotation (the test settings' one)."""
    [key] = runtime.settings.hashing_keys
    return key


# Hashing keys.


def test_the_first_key_hashes_and_every_key_matches(settings: Settings) -> None:
    old = Secrets(settings.with_(secret_keys=("a" * 32,)))
    rotated = Secrets(settings.with_(secret_keys=("b" * 32, "a" * 32)))
    stored = old.digest("token")
    assert rotated.digest("token") != stored
    assert rotated.digests("token") == [rotated.digest("token"), stored]
    assert rotated.matches(stored, "token")
    assert rotated.matches(rotated.digest("token"), "token")
    assert not rotated.matches(stored, "other")
    assert not rotated.matches(None, "token")
    assert not Secrets(settings.with_(secret_keys=("b" * 32,))).matches(stored, "token")
    assert Secrets(settings.with_(secret_key="a" * 32)).digest("token") == stored  # SECRET_KEY: a one-key list


async def test_sessions_and_api_tokens_outlive_a_new_first_key_until_the_old_one_goes(
    client, other_client, factory, keys: Keys, key_a: str
) -> None:
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    token = (await test_api_tokens.create(client))["token"]
    bearer = test_api_tokens.bearer(token)

    keys(B, key_a)
    assert (await client.data(VIEWER))["viewer"] is not None
    assert (await client.data(VIEWER, headers=bearer))["viewer"] is not None
    await other_client.sign_in(account.client_number)  # hashed with B

    keys(B)
    assert (await client.data(VIEWER))["viewer"] is None
    refused = await client.post(VIEWER, headers=bearer)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await other_client.data(VIEWER))["viewer"] is not None


async def test_a_recovery_link_outlives_a_new_first_key_until_the_old_one_goes(
    client, factory, runtime, smtp_sink, keys: Keys, key_a: str
) -> None:
    account = await factory.account(email=HOLDER)
    await test_recovery.ask(client, runtime, "CLIENT_NUMBER", account.client_number)
    token = await emailed_token(smtp_sink, HOLDER, "/recuperar")

    keys(B)
    assert [error["code"] for error in await test_recovery.confirm(client, token)] == ["INVALID_CODE"]
    keys(B, key_a)
    assert await test_recovery.confirm(client, token) == []


async def test_an_email_change_link_outlives_a_new_first_key_until_the_old_one_goes(
    client, factory, smtp_sink, keys: Keys, key_a: str
) -> None:
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    asked = await client.data(test_security_people.EMAIL_REQUEST, {"i": {"email": "nueva@example.com"}})
    assert asked["emailChangeRequest"]["errors"] == []
    token = await emailed_token(smtp_sink, "nueva@example.com", "/confirmar-email")
    confirm = test_security_people.EMAIL_CONFIRM

    keys(B)
    refused = (await client.data(confirm, {"i": {"token": token}}))["emailChangeConfirm"]
    assert refused == {"confirmed": False, "errors": [{"code": "INVALID_CODE"}]}
    keys(B, key_a)
    confirmed = (await client.data(confirm, {"i": {"token": token}}))["emailChangeConfirm"]
    assert confirmed["errors"] == []


async def test_an_invitation_outlives_a_new_first_key_until_the_old_one_goes(
    client, factory, smtp_sink, keys: Keys, key_a: str
) -> None:
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    assert (await test_contacts.create(client, permissions=["SERVICES"]))["errors"] == []
    token = await emailed_token(smtp_sink, "lucia@example.com", "/invitacion")
    accept = {"i": {"token": token, "password": test_contacts.NEW_PASSWORD}}

    keys(B)
    refused = (await client.data(test_contacts.ACCEPT, accept))["contactInvitationAccept"]
    assert [error["code"] for error in refused["errors"]] == ["INVALID_CODE"]
    keys(B, key_a)
    accepted = (await client.data(test_contacts.ACCEPT, accept))["contactInvitationAccept"]
    assert accepted["errors"] == []
    assert accepted["viewer"]["contact"]["email"] == "lucia@example.com"


async def test_a_cancellation_code_outlives_a_new_first_key_until_the_old_one_goes(
    client, other_client, factory, smtp_sink, keys: Keys, key_a: str
) -> None:
    account = await factory.account(email=HOLDER)
    await client.sign_in(account.client_number)
    service = await factory.service(account, next_due_date=date(2026, 4, 15))
    requested = await test_cancellation.request(client, service)
    assert requested["errors"] == []
    cancellation_id = requested["cancellation"]["id"]
    code = await emailed_code(smtp_sink, HOLDER)
    keys(B, key_a)
    await other_client.sign_in(account.client_number)  # a session that the new key alone still accepts

    keys(B)
    refused = await test_cancellation.confirm(other_client, cancellation_id, code)
    assert [error["code"] for error in refused["errors"]] == ["INVALID_CODE"]
    keys(B, key_a)
    confirmed = await test_cancellation.confirm(other_client, cancellation_id, code)
    assert confirmed["errors"] == []
    assert confirmed["cancellation"]["status"] == "SCHEDULED"


def test_secret_keys_are_a_list_and_secret_key_its_one_key_alias() -> None:
    rotated = Settings.from_env({"SECRET_KEYS": f" {B} , {'a' * 32} "})
    assert rotated.hashing_keys == (B, "a" * 32)
    assert Settings.from_env({"SECRET_KEY": "a" * 32}).hashing_keys == ("a" * 32,)
    assert Settings.from_env({}).hashing_keys == (DEVELOPMENT_KEY,)
    with pytest.raises(SettingsError, match="SECRET_KEYS: each key must be at least 32 characters"):
        Settings.from_env({"SECRET_KEYS": f"{B},short"})
    with pytest.raises(SettingsError, match="SECRET_KEY and SECRET_KEYS: set one"):
        Settings.from_env({"SECRET_KEY": "a" * 32, "SECRET_KEYS": B})


# Production names the passkeys' relying party too (tests/test_passkeys_settings.py).
RELYING_PARTY = {"WEBAUTHN_RP_ID": "proveedor.com", "WEBAUTHN_ORIGINS": "https://panel.proveedor.com"}


def test_production_needs_keys_of_its_own() -> None:
    production = {"ENVIRONMENT": "production", "PUBLIC_BASE_URL": "https://api.proveedor.com", **RELYING_PARTY}
    keyring = f"2026-12:{fernet_key()}"
    with pytest.raises(SettingsError, match="SECRET_KEYS: required"):
        Settings.from_env({**production, "ENCRYPTION_KEYS": keyring})
    with pytest.raises(SettingsError, match="ENCRYPTION_KEYS: required"):
        Settings.from_env({**production, "SECRET_KEYS": B})
    with pytest.raises(SettingsError, match="SECRET_KEYS: the development key"):
        Settings.from_env({**production, "SECRET_KEYS": f"{B},{DEVELOPMENT_KEY}", "ENCRYPTION_KEYS": keyring})
    with pytest.raises(SettingsError, match="ENCRYPTION_KEYS: the development key"):
        Settings.from_env(
            {**production, "SECRET_KEYS": B, "ENCRYPTION_KEYS": f"{keyring},{DEVELOPMENT_ENCRYPTION_KEY}"}
        )
    settings = Settings.from_env({**production, "SECRET_KEYS": B, "ENCRYPTION_KEYS": keyring})
    assert settings.hashing_keys == (B,)
    assert Keyring.from_settings(settings).key_ids == ("2026-12",)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-12", "each entry must be id:key"),
        ("2026-12:not-a-key", "each entry must be id:key"),
        ("bad id:" + "A" * 43 + "=", "each entry must be id:key"),
        ("a:" + "A" * 43 + "=,a:" + "B" * 43 + "=", "each key id may appear once"),
    ],
)
def test_bad_encryption_keys_are_refused_without_showing_them(value: str, problem: str) -> None:
    with pytest.raises(SettingsError, match=f"ENCRYPTION_KEYS: {problem}") as refusal:
        Settings.from_env({"ENCRYPTION_KEYS": value})
    assert "A" * 43 not in str(refusal.value)


def test_a_key_cannot_both_hash_and_encrypt() -> None:
    key = fernet_key()
    with pytest.raises(SettingsError, match="ENCRYPTION_KEYS: a key is also in SECRET_KEYS"):
        Settings.from_env({"SECRET_KEYS": key, "ENCRYPTION_KEYS": f"k1:{key}"})


def test_keys_stay_out_of_the_settings_repr() -> None:
    keyring = fernet_key()
    settings = Settings.from_env({"SECRET_KEYS": B, "ENCRYPTION_KEYS": f"k1:{keyring}"})
    shown = f"{settings!r} {Keyring.from_settings(settings)!r}"
    assert B not in shown
    assert keyring not in shown
    assert "k1" in shown


# The encryption keyring.


def test_the_keyring_rotates_by_key_id() -> None:
    old, new = fernet_key(), fernet_key()
    before = Keyring((f"2026-06:{old}",))
    stored = before.encrypt("JBSWY3DPEHPK3PXP")
    assert stored.startswith("2026-06:")
    assert "JBSWY3DPEHPK3PXP" not in stored

    during = Keyring((f"2026-12:{new}", f"2026-06:{old}"))
    assert during.decrypt(stored) == "JBSWY3DPEHPK3PXP"
    assert during.needs_rotation(stored)
    rotated = during.rotate(stored)
    assert rotated.startswith("2026-12:")
    assert not during.needs_rotation(rotated)
    assert during.rotate(rotated) == rotated
    assert during.encrypt("x").startswith("2026-12:")

    after = Keyring((f"2026-12:{new}",))
    assert after.decrypt(rotated) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(KeyringError, match="key id '2026-06' is not in ENCRYPTION_KEYS"):
        after.decrypt(stored)


def test_an_altered_value_or_another_key_under_the_same_id_does_not_decrypt() -> None:
    keyring = Keyring((f"k:{fernet_key()}",))
    stored = keyring.encrypt("secreto")
    key_id, _, token = stored.partition(":")
    altered = f"{key_id}:{token[:-6]}{'A' if token[-6] != 'A' else 'B'}{token[-5:]}"
    with pytest.raises(KeyringError, match="does not decrypt") as refusal:
        keyring.decrypt(altered)
    assert "secreto" not in str(refusal.value)
    with pytest.raises(KeyringError, match="does not decrypt"):
        Keyring((f"k:{fernet_key()}",)).decrypt(stored)
    with pytest.raises(KeyringError, match="not a keyring value"):
        keyring.decrypt("secreto")


# The CLI.


def test_demo_is_refused_in_production(tmp_path: Path) -> None:
    """The demo account's password is published in the README."""
    ran = cli(
        tmp_path,
        "demo",
        ENVIRONMENT="production",
        SECRET_KEYS=B,
        ENCRYPTION_KEYS=f"2026-12:{fernet_key()}",
        PUBLIC_BASE_URL="https://api.proveedor.com",
        **RELYING_PARTY,
    )
    assert ran.returncode == 1
    assert "demo: refused with ENVIRONMENT=production" in ran.stderr
    assert "README.md" in ran.stderr
    assert not (tmp_path / "cli.sqlite3").exists()


def test_rotate_encryption_names_the_keys_and_never_shows_them(tmp_path: Path) -> None:
    new, old = fernet_key(), fernet_key()
    assert cli(tmp_path, "migrate").returncode == 0
    ran = cli(tmp_path, "rotate-encryption", ENCRYPTION_KEYS=f"2026-12:{new},2026-06:{old}")
    assert ran.returncode == 0, ran.stderr
    assert "encrypting key: 2026-12; older keys: 2026-06" in ran.stdout
    assert "re-encrypted 0 values" in ran.stdout
    assert new not in ran.stdout + ran.stderr
    assert old not in ran.stdout + ran.stderr


async def test_rotation_reencrypts_every_stored_secret_and_they_still_work(runtime: Runtime, factory) -> None:
    """core/reencryption lists every encrypted column: webhook signing secrets (current and previous) and TOTP
    seeds; after the rotation each is under the new key and decrypts to what it was."""
    from core.reencryption import reencrypt_all
    from models import TotpFactor, WebhookEndpoint

    old_key, new_key = fernet_key(), fernet_key()
    old = Keyring((f"2026-06:{old_key}",))
    account = await factory.account()
    now = runtime.clock.now()
    endpoint = await WebhookEndpoint.create(
        url="https://billing.example.com/hooks",
        event_types=["holder.updated"],
        secret=old.encrypt("whsec_current"),
        previous_secret=old.encrypt("whsec_previous"),
        created_at=now,
    )
    factor = await TotpFactor.create(
        account=account, person=f"holder:{account.id}", secret=old.encrypt("JBSWY3DPEHPK3PXP"), created_at=now
    )
    both = Keyring((f"2026-12:{new_key}", f"2026-06:{old_key}"))
    assert await reencrypt_all(both) == 3
    assert await reencrypt_all(both) == 0
    new = Keyring((f"2026-12:{new_key}",))
    await endpoint.refresh_from_db()
    await factor.refresh_from_db()
    assert new.decrypt(endpoint.secret) == "whsec_current"
    assert new.decrypt(endpoint.previous_secret or "") == "whsec_previous"
    assert new.decrypt(factor.secret) == "JBSWY3DPEHPK3PXP"
