"""A query without variables that passed every check runs on the checked path from its second request
(schema/checked_queries.py): the same answers, bytes and status, as Strawberry's own path gave the first time, the
same log line and metrics, errors coded, masked and localised alike; anything else keeps Strawberry's path."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import schema
import schema.account
from core.ids import to_global_id
from tests.conftest import StaffClients
from tests.helpers import Factory, GraphQLClient


class Runs:
    """How many operations took the checked path."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def checked_runs(monkeypatch: pytest.MonkeyPatch) -> Runs:
    runs = Runs()
    original = schema.execute_checked

    async def counted(*args: Any, **kwargs: Any) -> Any:
        runs.count += 1
        return await original(*args, **kwargs)

    monkeypatch.setattr(schema, "execute_checked", counted)
    return runs


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.fields: list[dict[str, Any]] = []
        self.errors: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "clientpanel.operations":
            fields = dict(getattr(record, "fields", {}))
            fields.pop("duration_ms")
            self.fields.append(fields)
        elif record.levelno >= logging.ERROR:
            self.errors.append(record)


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logger = logging.getLogger("clientpanel")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(previous)


def fresh(document: str) -> str:
    """The document under a text no earlier test sent (the checks are remembered by text for the process)."""
    return f"# {uuid.uuid4().hex}\n{document}"


async def twice(client: GraphQLClient, document: str, **kwargs: Any) -> tuple[httpx.Response, httpx.Response]:
    first = await client.post(document, **kwargs)
    second = await client.post(document, **kwargs)
    return first, second


def same(first: httpx.Response, second: httpx.Response) -> None:
    assert (second.status_code, second.content) == (first.status_code, first.content)
    assert second.headers["content-type"] == first.headers["content-type"]


async def test_typename_answers_alike_on_both_paths(client: GraphQLClient, checked_runs: Runs, lines: Lines) -> None:
    first, second = await twice(client, fresh("{ __typename }"))
    same(first, second)
    assert first.content == b'{"data":{"__typename":"Query"}}'
    assert checked_runs.count == 1
    assert lines.fields == [lines.fields[0]] * 2
    assert lines.fields[0]["outcome"] == "ok"


async def test_the_dashboard_answers_alike_signed_in(
    client: GraphQLClient, factory: Factory, checked_runs: Runs, lines: Lines
) -> None:
    account = await factory.account()
    service = await factory.service(account)
    await factory.service_mail(account, service)
    await factory.contact(account, "contacto@example.com", permissions=["SERVICES"])
    await client.sign_in(account.client_number)
    lines.fields.clear()
    document = fresh(
        "query Dashboard { viewer { permissions account { clientNumber holder { firstName email }"
        " services(first: 5) { totalCount edges { node { id name status cancellation { id } } } }"
        " contacts(first: 5) { totalCount edges { node { id email permissions } } }"
        " mail(first: 5) { totalCount edges { node { id subject recipients service { id name } } } } } } }"
    )
    first, second = await twice(client, document)
    same(first, second)
    assert len(first.json()["data"]["viewer"]["account"]["services"]["edges"]) == 1
    assert checked_runs.count == 1
    assert lines.fields == [lines.fields[0]] * 2
    assert lines.fields[0]["operation"] == "Dashboard"
    assert lines.fields[0]["account_id"] == account.id


async def test_a_refused_field_is_coded_alike(client: GraphQLClient, factory: Factory, checked_runs: Runs) -> None:
    account = await factory.account()
    await factory.contact(account, "sin.perfil@example.com", permissions=["SERVICES"])
    await client.sign_in("sin.perfil@example.com")
    first, second = await twice(client, fresh("{ viewer { permissions account { holder { email } } } __typename }"))
    same(first, second)
    [error] = first.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert checked_runs.count == 1


async def test_an_error_leaves_in_the_language_asked(
    client: GraphQLClient, factory: Factory, checked_runs: Runs
) -> None:
    account = await factory.account()
    document = fresh(f'{{ node(id: "{to_global_id("Account", account.id)}") {{ id }} }}')
    for language in ("es", "en"):
        first, second = await twice(client, document, headers={"Accept-Language": language})
        same(first, second)
        assert first.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    spanish = await client.post(document, headers={"Accept-Language": "es"})
    english = await client.post(document, headers={"Accept-Language": "en"})
    assert spanish.json()["errors"][0]["message"] != english.json()["errors"][0]["message"]
    assert checked_runs.count == 5  # all but the first


async def test_an_unexpected_error_is_masked_and_logged_on_the_checked_path(
    client: GraphQLClient, factory: Factory, checked_runs: Runs, lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    document = fresh("{ viewer { account { clientNumber } } }")
    await client.post(document)  # checked once, now remembered

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("SELECT secret FROM somewhere")

    monkeypatch.setattr(schema.account.Account, "of", broken)
    response = await client.post(document, headers={"Accept-Language": "es"})
    assert checked_runs.count == 1
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["message"].startswith("Error inesperado. (id ")
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "SELECT" not in response.text
    [logged] = lines.errors
    assert error["extensions"]["errorId"] in logged.getMessage()
    assert lines.fields[-1]["error_codes"] == ["INTERNAL_SERVER_ERROR"]


async def test_get_runs_checked_queries_and_still_refuses_mutations(client: GraphQLClient, checked_runs: Runs) -> None:
    document = fresh("{ __typename }")
    first = await client.http.get("/graphql", params={"query": document})
    second = await client.http.get("/graphql", params={"query": document})
    same(first, second)
    assert checked_runs.count == 1
    mutation = fresh("mutation { signOut { errors { code } } }")
    await client.post(mutation)
    refused = await client.http.get("/graphql", params={"query": mutation})
    assert refused.status_code == 405
    assert checked_runs.count == 1


async def test_what_is_not_a_plain_query_keeps_strawberrys_path(client: GraphQLClient, checked_runs: Runs) -> None:
    mutation = fresh("mutation { signOut { errors { code } } }")
    same(*await twice(client, mutation))
    subscription = fresh("subscription { serviceStatusChanged { id } }")
    first, second = await twice(client, subscription)
    same(first, second)
    assert first.status_code == 400
    deferred = fresh("{ viewer { ... @defer { permissions } } }")
    await twice(client, deferred)
    with_variables = fresh("query($n: Int) { __typename }")
    await twice(client, with_variables)
    given = fresh("{ __typename }")
    await client.http.post("/graphql", json={"query": given, "variables": {"unused": 1}})
    await client.http.post("/graphql", json={"query": given, "variables": {"unused": 1}})
    assert checked_runs.count == 0


async def test_each_named_operation_is_remembered_apart(client: GraphQLClient, checked_runs: Runs) -> None:
    document = fresh("query A { a: __typename } query B { b: __typename }")
    answers = []
    for name in ("A", "B", "A", "B"):
        response = await client.http.post("/graphql", json={"query": document, "operationName": name})
        answers.append(json.loads(response.content))
    assert answers == [{"data": {"a": "Query"}}, {"data": {"b": "Query"}}] * 2
    assert checked_runs.count == 2
    for _ in range(2):  # without a name, the first operation runs (as Strawberry runs it)
        unnamed = await client.http.post("/graphql", json={"query": document})
        assert unnamed.json() == {"data": {"a": "Query"}}
    assert checked_runs.count == 3


async def test_only_the_public_schema_takes_the_checked_path(staff: StaffClients, checked_runs: Runs) -> None:
    """The staff schema audits every request (its own extension): it never skips Strawberry's hooks."""
    billing = await staff()
    for _ in range(2):
        assert await billing.data("{ __typename }") == {"__typename": "Query"}
    assert checked_runs.count == 0


@pytest.fixture
def view_answers(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[bool | str]:
    """Per request, whether the view's checked answer (app.GraphQLApp.answer_checked) gave it, or "refused"."""
    answered: list[bool | str] = []
    view = app.state.graphql
    original = view.answer_checked

    async def spied(request: Any) -> Any:
        try:
            answer = await original(request)
        except Exception:
            answered.append("refused")
            raise
        answered.append(answer is not None)
        return answer

    monkeypatch.setattr(view, "answer_checked", spied)
    return answered


async def test_the_view_answers_a_checked_json_post_as_strawberrys_view_would(
    client: GraphQLClient, view_answers: list[bool | str]
) -> None:
    document = fresh("query Name { __typename }")
    body = {"query": document, "operationName": "Name"}
    first = await client.http.post("/graphql", json=body)
    second = await client.http.post("/graphql", json=body)
    same(first, second)
    for accept in ("application/graphql-response+json", "application/json", "*/*"):
        asked = await client.http.post("/graphql", json=body, headers={"Accept": accept})
        assert asked.headers["content-type"].startswith(accept if "graphql" in accept else "application/json")
    assert view_answers == [False, True, True, True, True]


@pytest.mark.parametrize(
    ("sent", "headers"),
    [
        ({"operationName": {"obj": "ect"}}, {}),
        ({"operationName": ["array"]}, {}),
        ({"variables": []}, {}),
        ({"variables": {"unused": 1}}, {}),
        ({"extensions": {}}, {}),
        ({}, {"Content-Type": "application/json; charset=utf-8"}),
        ({}, {"Authorization": "Bearer not-a-token"}),
        ({}, {"Sec-Fetch-Site": "cross-site"}),
    ],
)
async def test_other_requests_of_a_checked_query_are_answered_as_before(
    client: GraphQLClient, sent: dict[str, Any], headers: dict[str, str], view_answers: list[bool | str]
) -> None:
    """The same request, before and after its query was checked, answers the same: refusals included."""
    document = fresh("{ __typename }")
    content = orjson_body({"query": document, **sent})
    headers = {"Content-Type": "application/json", **headers}
    before = await client.http.post("/graphql", content=content, headers=headers)
    await client.post(document)  # now checked
    view_answers.clear()
    after = await client.http.post("/graphql", content=content, headers=headers)
    same(before, after)
    if "Authorization" in headers:  # refused by the view's own context, as before
        assert (after.status_code, view_answers) == (401, ["refused"])
    elif "Sec-Fetch-Site" in headers:  # refused before the view, as before
        assert (after.status_code, view_answers) == (403, [])
    else:
        assert view_answers == [False]


def orjson_body(sent: dict[str, Any]) -> bytes:
    return json.dumps(sent).encode()
