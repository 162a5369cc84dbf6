"""Partner API tokens: shown once, scoped, revocable, throttled."""

from __future__ import annotations

from datetime import timedelta

import models

CREATE = """mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) {
  apiToken { id name permissions expiresAt lastUsedAt } token errors { code field message } } }"""
REVOKE = "mutation($i: ApiTokenRevokeInput!) { apiTokenRevoke(input: $i) { errors { code field } } }"
LIST = "{ viewer { account { apiTokens { id name permissions lastUsedAt } } } }"


async def create(client, **fields) -> dict:
    return (await client.data(CREATE, {"i": {"name": "ERP", "permissions": ["SERVICES"], **fields}}))["apiTokenCreate"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def test_token_is_shown_once_stored_hashed_and_scoped(client, other_client, factory) -> None:
    account = await factory.account()
    await factory.service(account)
    await client.sign_in(account.client_number)
    created = await create(client)
    token = created["token"]
    assert created["errors"] == []
    assert token.startswith("cpk_")
    stored = await models.ApiToken.get(account_id=account.id)
    assert stored.token_hash != token
    assert token not in stored.token_hash
    services = await other_client.data(
        "{ viewer { session { id } permissions account { services { totalCount } } } }", headers=bearer(token)
    )
    assert services["viewer"] == {
        "session": None,
        "permissions": ["SERVICES"],
        "account": {"services": {"totalCount": 1}},
    }
    denied = await other_client("{ viewer { account { holder { email } } } }", headers=bearer(token))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = (await client.data(LIST))["viewer"]["account"]["apiTokens"]
    assert listed[0]["name"] == "ERP"
    assert listed[0]["lastUsedAt"] is not None
    assert "token" not in str(listed)


async def test_token_cannot_exceed_its_creator(client, other_client, factory) -> None:
    account = await factory.account()
    contact = await factory.contact(account, "dev@example.com", permissions=["SECURITY", "SERVICES"])
    await client.sign_in("dev@example.com")
    too_much = await create(client, permissions=["SERVICES", "PROFILE"])
    assert too_much["errors"][0]["code"] == "PERMISSION_NOT_HELD"
    assert too_much["token"] is None
    token = (await create(client, permissions=["SERVICES"]))["token"]
    await models.Contact.filter(id=contact.id).update(permissions=["SECURITY"])
    body = await other_client("{ viewer { account { services { totalCount } } } }", headers=bearer(token))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_tokens_cannot_manage_tokens(client, other_client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    token = (await create(client, permissions=["SECURITY"]))["token"]
    body = await other_client(CREATE, {"i": {"name": "x", "permissions": []}}, headers=bearer(token))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_expiry_and_revocation(client, other_client, factory, clock) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    past = (await create(client, expiresAt=(clock.now() - timedelta(minutes=1)).isoformat()))["errors"]
    assert past[0]["code"] == "INVALID"
    expiring = (await create(client, expiresAt=(clock.now() + timedelta(minutes=30)).isoformat()))["token"]
    assert (await other_client.data("{ viewer { permissions } }", headers=bearer(expiring)))["viewer"] is not None
    clock.advance(timedelta(minutes=31))
    assert (await other_client.post("{ viewer { permissions } }", headers=bearer(expiring))).status_code == 401
    await client.sign_in(account.client_number)
    created = await create(client)
    assert (await client.data(REVOKE, {"i": {"id": created["apiToken"]["id"]}}))["apiTokenRevoke"]["errors"] == []
    assert (await other_client.post("{ viewer { permissions } }", headers=bearer(created["token"]))).status_code == 401
    assert await models.ActivityEvent.filter(account_id=account.id, action="api_token.revoked").exists()


async def test_another_accounts_token_is_not_found(client, other_client, factory) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    await other_client.sign_in(theirs.client_number)
    their_token = (await create(other_client))["apiToken"]["id"]
    await client.sign_in(mine.client_number)
    assert (await client.data(REVOKE, {"i": {"id": their_token}}))["apiTokenRevoke"]["errors"] == [
        {"code": "NOT_FOUND", "field": ["input", "id"]}
    ]
    assert (await client.data("query($id: ID!) { node(id: $id) { id } }", {"id": their_token}))["node"] is None
    assert await models.ApiToken.filter(account_id=theirs.id, revoked_at=None).count() == 1


async def test_tokens_are_throttled(client, other_client, factory, runtime) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    token = (await create(client))["token"]
    stored = await models.ApiToken.get(account_id=account.id)
    for _ in range(600):
        await runtime.limiter.hit("600/minute", "api-token", str(stored.id))
    response = await other_client.post("{ viewer { permissions } }", headers=bearer(token))
    assert response.status_code == 429
