"""The foundation: viewer, sign-in basics, global ids, masked errors, DateTime format."""

from __future__ import annotations

from datetime import datetime

import pytest

import models
import schema.account
from core.ids import to_global_id
from tests.helpers import PASSWORD

VIEWER = (
    "{ viewer { account { id clientNumber createdAt } contact { email } permissions mustChangePassword "
    "session { current } } }"
)


async def test_viewer_is_null_when_signed_out(client) -> None:
    assert await client.data("{ viewer { account { clientNumber } } }") == {"viewer": None}


async def test_holder_signs_in_with_client_number(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    viewer = (await client.data(VIEWER))["viewer"]
    assert viewer["account"]["clientNumber"] == account.client_number
    assert viewer["contact"] is None
    assert viewer["permissions"] == ["PROFILE", "CONTACTS", "SERVICES", "MANAGE_SERVICES", "MAIL", "SECURITY"]
    assert viewer["mustChangePassword"] is False
    assert viewer["session"] == {"current": True}


async def test_contact_signs_in_with_email(client, factory) -> None:
    account = await factory.account()
    await factory.contact(account, "Ana@Example.com", permissions=["MAIL"])
    await client.sign_in("ana@example.com")
    viewer = (await client.data(VIEWER))["viewer"]
    assert viewer["contact"] == {"email": "ana@example.com"}
    assert viewer["permissions"] == ["MAIL"]


async def test_wrong_password_is_a_payload_error(client, factory) -> None:
    account = await factory.account()
    body = await client.data(
        f'mutation {{ signIn(input: {{login: "{account.client_number}", password: "nope"}}) '
        "{ viewer { permissions } errors { code field message } } }"
    )
    assert body["signIn"]["viewer"] is None
    assert body["signIn"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert (await client.data("{ viewer { permissions } }"))["viewer"] is None


async def test_datetimes_are_utc_with_offset(client, factory) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    created = (await client.data(VIEWER))["viewer"]["account"]["createdAt"]
    assert created.endswith("+00:00")
    assert datetime.fromisoformat(created) == account.created_at


async def test_node_returns_own_account_and_hides_others(client, factory) -> None:
    mine = await factory.account()
    theirs = await factory.account()
    await client.sign_in(mine.client_number)
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Account { clientNumber } } }"
    ids = [
        to_global_id("Account", mine.id),
        to_global_id("Account", theirs.id),
        "garbage!!",
        to_global_id("Nope", 1),
        to_global_id("Service", 10**30),
    ]
    nodes = (await client.data(query, {"ids": ids}))["nodes"]
    assert nodes == [{"id": ids[0], "clientNumber": mine.client_number}, None, None, None, None]
    single = await client.data("query($id: ID!) { node(id: $id) { id } }", {"id": ids[1]})
    assert single == {"node": None}


async def test_node_needs_sign_in(client, factory) -> None:
    account = await factory.account()
    body = await client("query($id: ID!) { node(id: $id) { id } }", {"id": to_global_id("Account", account.id)})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unexpected_errors_are_masked_with_an_id(client, factory, monkeypatch, caplog) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)

    def broken(*args, **kwargs):
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(schema.account.Account, "of", broken)  # a query reuses the row authentication read
    response = await client.post("{ viewer { account { clientNumber } } }")
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["message"].startswith("Unexpected error.")
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["errorId"] in caplog.text


@pytest.mark.parametrize("origin", ["https://evil.example", "null"])
async def test_cross_site_posts_are_refused(client, factory, origin) -> None:
    account = await factory.account()
    response = await client.post(
        f'mutation {{ signIn(input: {{login: "{account.client_number}", password: "{PASSWORD}"}}) '
        "{ errors { code } } }",
        headers={"Origin": origin},
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await models.Session.all().count() == 0


async def test_same_origin_posts_are_accepted(client) -> None:
    response = await client.post("{ viewer { permissions } }", headers={"Origin": "http://testserver.local"})
    assert response.status_code == 200


async def test_cross_site_fetch_without_origin_is_refused(client) -> None:
    response = await client.post("{ viewer { permissions } }", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


async def test_mutations_are_refused_over_get(client) -> None:
    response = await client.http.get("/graphql", params={"query": "mutation { signOut { errors { code } } }"})
    assert response.status_code == 405


async def test_queries_work_over_get(client) -> None:
    response = await client.http.get("/graphql", params={"query": "{ viewer { permissions } }"})
    assert response.json() == {"data": {"viewer": None}}


async def test_graphiql_is_served_in_development(client) -> None:
    response = await client.http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
