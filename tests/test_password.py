"""Password change, the strength meter, mustChangePassword, security PIN."""

from __future__ import annotations

import pytest

import models
from domain.auth import verify_pin
from tests.helpers import PASSWORD

CHANGE = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code field message } } }"
PIN = (
    "mutation($i: SecurityPinSetInput!) "
    "{ securityPinSet(input: $i) { holder { hasSecurityPin } errors { code field } } }"
)
NEW_PASSWORD = "Yerba-Guayaba-Cordillera-88"


async def change(client, current: str, new: str) -> list[dict]:
    return (await client.data(CHANGE, {"i": {"currentPassword": current, "newPassword": new}}))["passwordChange"][
        "errors"
    ]


async def test_change_password_ends_other_sessions_and_notifies(client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    await other_client.sign_in(account.client_number)
    assert await change(client, PASSWORD, NEW_PASSWORD) == []
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is not None
    assert (await other_client.data("{ viewer { permissions } }"))["viewer"] is None
    await other_client.sign_in(account.client_number, NEW_PASSWORD)
    message = await models.MailMessage.filter(account_id=account.id, template="password_changed").first()
    assert message is not None
    assert [r.address for r in await models.MailRecipient.filter(message_id=message.id)] == [
        (await models.Holder.get(account_id=account.id)).email
    ]
    assert await models.ActivityEvent.filter(account_id=account.id, action="password.changed").exists()


@pytest.mark.parametrize(
    ("current", "new", "code", "field"),
    [
        ("not my password", NEW_PASSWORD, "INVALID_CREDENTIALS", ["input", "currentPassword"]),
        (PASSWORD, PASSWORD, "PASSWORD_REUSED", ["input", "newPassword"]),
        (PASSWORD, "Corto-1", "PASSWORD_TOO_WEAK", ["input", "newPassword"]),
        (PASSWORD, "123456789012", "PASSWORD_TOO_WEAK", ["input", "newPassword"]),
        (PASSWORD, "qwertyuiopasdf", "PASSWORD_TOO_WEAK", ["input", "newPassword"]),
        (PASSWORD, "aaaaaaaaaaaaaaaa", "PASSWORD_TOO_WEAK", ["input", "newPassword"]),
        (PASSWORD, "x" * 129, "PASSWORD_TOO_WEAK", ["input", "newPassword"]),
    ],
)
async def test_rejected_changes_change_nothing(client, factory, current, new, code, field) -> None:
    account = await factory.account()
    before = (await models.Account.get(id=account.id)).password_hash
    await client.sign_in(account.client_number)
    errors = await change(client, current, new)
    assert [(e["code"], e["field"]) for e in errors] == [(code, field)]
    assert (await models.Account.get(id=account.id)).password_hash == before


async def test_the_persons_own_words_are_rejected(client, factory) -> None:
    account = await factory.account(email="info@dominio.com.ar", first_name="Valentina", last_name="Scarpatti")
    await client.sign_in(account.client_number)
    for candidate in ("infoinfoinfo", "ValentinaScarpatti", f"scarpatti{account.client_number}!!"):
        errors = await change(client, PASSWORD, candidate)
        assert errors[0]["code"] == "PASSWORD_TOO_WEAK", candidate


async def test_any_unicode_without_composition_rules_is_fine(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    assert await change(client, PASSWORD, "ñandú cruza el río paraná despacito") == []


async def test_strength_meter_counts_context_words(client) -> None:
    query = (
        "query($p: String!, $c: [String!]) "
        "{ passwordStrength(password: $p, context: $c) { score acceptable warning suggestions } }"
    )
    strong = (await client.data(query, {"p": "Correcaminos-Pampa-4821"}))["passwordStrength"]
    assert strong["acceptable"]
    assert strong["score"] >= 3
    own = (await client.data(query, {"p": "martinagonzalez2024", "c": ["Martina", "González"]}))["passwordStrength"]
    assert not own["acceptable"]
    assert own["score"] <= 1


async def test_strength_meter_scores_an_empty_password(client) -> None:
    meter = (await client.data('query { passwordStrength(password: "") { score acceptable } }'))["passwordStrength"]
    assert meter == {"score": 0, "acceptable": False}


async def test_strength_meter_is_rate_limited(client) -> None:
    query = 'query { passwordStrength(password: "abc") { score } }'
    for _ in range(120):
        await client.data(query)
    body = await client(query)
    assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


async def test_must_change_password_blocks_everything_else(client, factory) -> None:
    account = await factory.account()
    await models.Account.filter(id=account.id).update(must_change_password=True)
    await client.sign_in(account.client_number)
    viewer = (await client.data("{ viewer { mustChangePassword account { clientNumber } } }"))["viewer"]
    assert viewer["mustChangePassword"] is True
    blocked = await client("{ viewer { account { holder { email } } } }")
    assert blocked["errors"][0]["extensions"]["code"] == "PASSWORD_CHANGE_REQUIRED"
    assert await change(client, PASSWORD, NEW_PASSWORD) == []
    assert (await client.data("{ viewer { mustChangePassword account { holder { email } } } }"))["viewer"][
        "mustChangePassword"
    ] is False


async def test_security_pin(client, factory, runtime) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    for pin in ("12", "123456789", "12a4", "1111", "1234", "98765"):
        errors = (await client.data(PIN, {"i": {"currentPassword": PASSWORD, "pin": pin}}))["securityPinSet"]["errors"]
        assert errors == [{"code": "INVALID", "field": ["input", "pin"]}], pin
    wrong = (await client.data(PIN, {"i": {"currentPassword": "nope", "pin": "2580"}}))["securityPinSet"]
    assert wrong["errors"][0]["code"] == "INVALID_CREDENTIALS"
    ok = (await client.data(PIN, {"i": {"currentPassword": PASSWORD, "pin": "2580"}}))["securityPinSet"]
    assert ok == {"holder": {"hasSecurityPin": True}, "errors": []}
    stored = (await models.Account.get(id=account.id)).pin_hash
    assert stored
    assert "2580" not in stored
    assert (await verify_pin(runtime, account.client_number, "0000")).value is False
    assert (await verify_pin(runtime, account.client_number, "2580")).value is True
    actions = await models.ActivityEvent.filter(account_id=account.id, action__startswith="pin.").values_list(
        "action", flat=True
    )
    assert sorted(actions) == ["pin.set", "pin.verification_failed", "pin.verified"]


async def test_pin_verification_is_attempt_limited(factory, runtime) -> None:
    account = await factory.account()
    await models.Account.filter(id=account.id).update(pin_hash=await runtime.secrets.hash_password("2580"))
    for _ in range(5):
        assert (await verify_pin(runtime, account.client_number, "0000")).value is False
    blocked = await verify_pin(runtime, account.client_number, "2580")
    assert [failure.code for failure in blocked.failures] == ["TOO_MANY_ATTEMPTS"]


async def test_contacts_need_security_for_the_pin(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "sin.seguridad@example.com", permissions=["PROFILE"])
    await client.sign_in("sin.seguridad@example.com")
    body = await client(PIN, {"i": {"currentPassword": PASSWORD, "pin": "2580"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
