"""`node` / `nodes` show exactly what the viewer's list fields show, for every type the
schema says implements Node; `nodes` loads each type's ids with one query, however many ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import GraphQLInterfaceType
from starlette.applications import Starlette

import models
from core.runtime import Runtime
from schema import schema
from tests.conftest import BASE_URL
from tests.helpers import Factory, GraphQLClient, counting_queries
from tests.test_query_count import delivered
from tests.test_real_clients import partner_token, request_cancellation

# Each Node type's list field, and where its ids are in the answer.
ACCOUNT = "{ viewer { account { %s } } }"
LISTS: dict[str, tuple[str, list[str]]] = {
    "Account": (ACCOUNT % "id", ["id"]),
    "Service": (ACCOUNT % "services { edges { node { id } } }", ["services", "edges", "node", "id"]),
    "Cancellation": (
        ACCOUNT % "services { edges { node { cancellation { id } } } }",
        ["services", "edges", "node", "cancellation", "id"],
    ),
    "Contact": (ACCOUNT % "contacts { edges { node { id } } }", ["contacts", "edges", "node", "id"]),
    "MailMessage": (ACCOUNT % "mail { edges { node { id } } }", ["mail", "edges", "node", "id"]),
    "ApiToken": (ACCOUNT % "apiTokens { id }", ["apiTokens", "id"]),
    "Session": (ACCOUNT % "sessions { id }", ["sessions", "id"]),
    "ActivityEvent": (ACCOUNT % "activity { edges { node { id } } }", ["activity", "edges", "node", "id"]),
}
NODE = "query($id: ID!) { node(id: $id) { id __typename } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"


def node_types() -> set[str]:
    graphql_schema = schema._schema
    interface = graphql_schema.get_type("Node")
    assert isinstance(interface, GraphQLInterfaceType)
    return {t.name for t in graphql_schema.get_possible_types(interface)}


def collect(value: Any, path: list[str]) -> set[str]:
    """The ids at `path` in an answer, through lists and nulls."""
    if value is None:
        return set()
    if isinstance(value, list):
        return set().union(*(collect(item, path) for item in value))
    if not path:
        return {value}
    return collect(value.get(path[0]), path[1:])


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


async def shown(client: GraphQLClient) -> dict[str, tuple[set[str], list[str]]]:
    """What each list field shows this viewer: its ids, and the codes it refuses with."""
    found = {}
    for type_name, (document, path) in LISTS.items():
        body = await client(document)
        account = ((body.get("data") or {}).get("viewer") or {}).get("account")
        found[type_name] = (collect(account, path), codes(body))
    return found


@pytest.fixture
async def connect(app: Starlette) -> AsyncIterator[Any]:
    opened: list[httpx.AsyncClient] = []

    def connect(**headers: str) -> GraphQLClient:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL, headers=headers)
        opened.append(http)
        return GraphQLClient(http)

    yield connect
    for http in opened:
        await http.aclose()


async def populated(factory: Factory, runtime: Runtime, connect: Any, per_type: int) -> models.Account:
    """An account with `per_type` objects of each Node type, the holder signed in `per_type` times."""
    account = await factory.account(email="nodos@example.net")
    holder = connect()
    for n in range(per_type):
        await holder.sign_in(account.client_number)
        await factory.contact(account, f"contacto{n}@example.net", permissions=["SERVICES"])
        await partner_token(runtime, account, ["SERVICES"])
        await request_cancellation(holder, await factory.service(account, f"Servicio {n}"))
    return account


async def test_the_test_knows_every_node_type() -> None:
    assert node_types() == set(LISTS)


async def test_node_shows_exactly_what_each_viewer_lists(
    client: GraphQLClient, factory: Factory, runtime: Runtime, connect: Any
) -> None:
    account = await populated(factory, runtime, connect, per_type=1)
    await client.sign_in(account.client_number)
    owned = await shown(client)
    assert all(ids and not refused for ids, refused in owned.values()), owned
    await factory.contact(account, "sin.permisos@example.net", permissions=[])
    contact = connect()
    await contact.sign_in("sin.permisos@example.net")
    elsewhere = connect()
    await elsewhere.sign_in((await factory.account()).client_number)
    viewers = {
        "owner": client,
        "contact without permissions": contact,
        "token without permissions": connect(authorization=f"Bearer {await partner_token(runtime, account, [])}"),
        "another account": elsewhere,
    }
    for viewer_name, viewer in viewers.items():
        lists = await shown(viewer)
        for type_name, (ids, _) in owned.items():
            listed, refused = lists[type_name]
            for global_id in ids:
                body = await viewer(NODE, {"id": global_id})
                expected = {"id": global_id, "__typename": type_name} if global_id in listed else None
                assert body["data"]["node"] == expected, (viewer_name, type_name, body)
                assert codes(body) == refused, (viewer_name, type_name, body)
            if viewer_name != "owner" and type_name != "Account":
                assert not ids & listed, (viewer_name, type_name)


async def test_nodes_loads_each_type_with_one_query(
    client: GraphQLClient, factory: Factory, runtime: Runtime, connect: Any
) -> None:
    counts = []
    for per_type in (1, 3):
        account = await populated(factory, runtime, connect, per_type)
        await client.sign_in(account.client_number)
        ids = sorted(set().union(*(ids for ids, _ in (await shown(client)).values())))
        assert len(ids) >= 1 + (len(LISTS) - 1) * per_type
        await delivered()  # the delivery worker's own queries must not be counted
        with counting_queries() as queries:
            body = await client(NODES, {"ids": ids})
        assert "errors" not in body
        assert [item["id"] for item in body["data"]["nodes"]] == ids
        counts.append(len(queries))
    assert counts[0] == counts[1] <= len(LISTS) + 3, counts
