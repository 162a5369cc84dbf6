"""Bounded work before refusal: the query limits measure each fragment once, count variable
defaults and `nodes(ids:)`, and refuse through the real endpoint (POST and GET with no session, and
over a WebSocket)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, Visitor, parse, visit
from starlette.applications import Starlette

from core import limits
from core.limits import Budget, Measurement, measure
from tests.helpers import Factory, GraphQLClient, code_of, session_cookie
from tests.live_server import graphql_socket, uvicorn_server

UNLIMITED = Budget(max_depth=10**6, max_aliases=10**6, max_cost=2**200)


def doubling_fragments(levels: int) -> str:
    """`query { ...F0 }` where each fragment spreads the next one twice: 2**levels fields once expanded."""
    chain = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels))
    return f"query {{ ...F0 }} {chain} fragment F{levels} on Query {{ __typename }}"


def selections_in(document: str) -> int:
    """The document's size in selections (fields, spreads, inline fragments), each counted once as written."""
    count = 0

    class Counter(Visitor):
        def enter(self, node: Any, *_: Any) -> None:
            nonlocal count
            count += isinstance(node, (FieldNode, FragmentSpreadNode, InlineFragmentNode))

    visit(parse(document), Counter())
    return count


@pytest.fixture
def measurements(monkeypatch: pytest.MonkeyPatch) -> list[Measurement]:
    """Every measurement the endpoint makes meanwhile."""
    seen: list[Measurement] = []
    original = limits.measure

    def spy(*args: Any) -> Measurement:
        seen.append(original(*args))
        return seen[-1]

    monkeypatch.setattr(limits, "measure", spy)
    return seen


@pytest.mark.parametrize("levels", [30, 60])
def test_fragment_measure_is_linear_in_the_document(levels: int) -> None:
    document = doubling_fragments(levels)
    found = measure(parse(document), None, {}, UNLIMITED)
    assert found.measure.cost == 2**levels  # every expanded __typename is counted ...
    assert found.visits <= selections_in(document) == 2 * levels + 2  # ... yet each selection is visited once


@pytest.mark.parametrize("levels", [30, 60])
@pytest.mark.parametrize("method", ["POST", "GET"])
async def test_doubling_fragments_are_refused_after_linear_work(
    client: GraphQLClient, measurements: list[Measurement], levels: int, method: str
) -> None:
    document = doubling_fragments(levels)
    if method == "GET":
        response = await client.http.get("/graphql", params={"query": document})
    else:
        response = await client.http.post("/graphql", json={"query": document})
    assert response.status_code == 200
    assert code_of(response.json()) == "QUERY_TOO_COMPLEX"
    assert response.json().get("data") is None
    assert len(measurements) == 1
    assert measurements[0].visits <= selections_in(document)


def fat_mail_page(variable: str) -> str:
    """A mail page whose nodes select 60 fields: about 60 points per message."""
    fields = " ".join(["subject"] * 60)
    return f"viewer {{ account {{ mail(first: {variable}) {{ edges {{ node {{ {fields} }} }} }} }} }}"


async def test_variable_defaults_are_costed(client: GraphQLClient) -> None:
    document = f"query($n: Int = 100) {{ {fat_mail_page('$n')} }}"
    assert code_of(await client(document)) == "QUERY_TOO_COMPLEX"  # the default, 100, is what would run
    assert await client(document, {"n": 20}) == {"data": {"viewer": None}}
    assert await client(document, {"n": None}) == {"data": {"viewer": None}}  # null: the default page (20)
    assert code_of(await client(document, {"n": 100})) == "QUERY_TOO_COMPLEX"


async def test_page_size_range_is_checked_for_defaults_too(client: GraphQLClient) -> None:
    body = await client(f"query($n: Int = 500) {{ {fat_mail_page('$n')} }}")
    assert code_of(body) == "BAD_USER_INPUT"
    assert body.get("data") is None


@pytest.mark.parametrize("as_literal", [False, True])
async def test_nodes_cost_by_their_number_of_ids(client: GraphQLClient, as_literal: bool) -> None:
    selection = "id " + " ".join(["... on Service { name }"] * 59)

    async def ask(count: int) -> dict[str, Any]:
        ids = [f"U2VydmljZTo{n}" for n in range(count)]
        if as_literal:
            return await client(f"{{ nodes(ids: {json.dumps(ids)}) {{ {selection} }} }}")
        return await client(f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {selection} }} }}", {"ids": ids})

    assert code_of(await ask(100)) == "QUERY_TOO_COMPLEX"  # 100 ids x 60 points
    assert code_of(await ask(20)) == "UNAUTHENTICATED"  # within budget: it runs, and needs a session


async def test_doubling_fragments_are_refused_over_a_socket(
    app: Starlette, client: GraphQLClient, factory: Factory, measurements: list[Measurement]
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    document = doubling_fragments(60)
    async with uvicorn_server(app) as port, graphql_socket(port, cookie=session_cookie(client)) as socket:
        assert (await socket.init())["type"] == "connection_ack"
        await socket.subscribe(document)
        answer = await socket.receive()
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_COMPLEX", answer
    assert measurements[-1].visits <= selections_in(document)


async def test_document_checks_are_remembered_and_variable_ones_are_not(
    client: GraphQLClient, measurements: list[Measurement]
) -> None:
    """An operation without variables is measured once (its text and name are remembered); one with variables on
    every request, and NUL in variables is refused whatever was remembered of the document."""
    fixed = f"query Fixed {{ {fat_mail_page('20')} }}"
    for _ in range(3):
        assert await client(fixed) == {"data": {"viewer": None}}
    assert len(measurements) == 1
    variable = (
        f"query Variable($n: Int, $s: String!) {{ {fat_mail_page('$n')} passwordStrength(password: $s) {{ score }} }}"
    )
    assert "data" in await client(variable, {"n": 20, "s": "a"})
    assert code_of(await client(variable, {"n": 100, "s": "a"})) == "QUERY_TOO_COMPLEX"
    assert code_of(await client(variable, {"n": 20, "s": "a\x00b"})) == "BAD_USER_INPUT"
    assert len(measurements) == 3  # the NUL refusal comes before any measuring
    assert code_of(await client(fixed.replace("Fixed", "Other") + " { __typename }")) == "GRAPHQL_VALIDATION_FAILED"
