"""Input values never reach a log: every mutation with a marker secret in each string, with and
without an unknown input field, by POST, variables by GET, and over a WebSocket on a real uvicorn
(whose access and handshake lines drop the query string), while every log record is kept."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
import time
import traceback
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
import websockets
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from starlette.applications import Starlette

from core.ids import to_global_id
from core.logs import WithoutQueryString, scrubbed_trace
from schema import schema
from settings import PROJECT_DIR
from tests.helpers import Factory, GraphQLClient
from tests.live_server import PROTOCOL, GraphQLSocket, free_port, started

MARKER = "S3cr3t-MARKER-4f1"
SCALARS: dict[str, Any] = {
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "DateTime": "2027-01-01T00:00:00+00:00",
    "Date": "2027-01-01",
}
# Not the server's logs: the test clients' (httpx and websockets print the URLs they request) and the receiving
# SMTP server's (the test's mail sink prints what it is sent).
OTHER_ENDS = ("httpx", "httpcore", "websockets.client", "mail.log")


class Records(logging.Handler):
    """Every record that reaches it, kept as it is."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def carrying(self, secret: str) -> list[str]:
        """The records (as text: message, arguments, exception, extra fields) that contain `secret`."""
        found = []
        for record in self.records:
            if record.name.startswith(OTHER_ENDS):
                continue
            text = f"{record.getMessage()} {vars(record)!r}"
            if record.exc_info and record.exc_info[1] is not None:
                text += "".join(traceback.format_exception(*record.exc_info))
            if secret.lower() in text.lower():
                found.append(f"{record.name} {record.levelname}: {text[:300]}")
        return found


@pytest.fixture
def records() -> Iterator[Records]:
    """All records of every logger (ours, uvicorn's, the root's) at DEBUG while the test runs."""
    handler = Records()
    names = ["", "clientpanel", "uvicorn", "uvicorn.access", "uvicorn.error"]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def value_for(type_: GraphQLInputType, name: str, ids: dict[str, str]) -> Any:
    """A well-shaped value whose every string is the marker (ids of real objects where the name says which)."""
    if isinstance(type_, GraphQLNonNull):
        return value_for(type_.of_type, name, ids)
    if isinstance(type_, GraphQLList):
        return [value_for(type_.of_type, name, ids)]
    if isinstance(type_, GraphQLInputObjectType):
        return {field: value_for(spec.type, field, ids) for field, spec in type_.fields.items()}
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    if type_.name == "ID":
        return ids.get(name, MARKER)
    return SCALARS.get(type_.name, f"{MARKER}@example.com" if name == "email" else MARKER)


def document_for(name: str, field: GraphQLField) -> str:
    definitions = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    if not field.args:
        return f"mutation {{ {name} {{ __typename }} }}"
    return f"mutation({definitions}) {{ {name}({arguments}) {{ __typename }} }}"


def with_unknown_field(variables: dict[str, Any]) -> dict[str, Any]:
    """Each input object also gets a field its type does not have (what a client with a stale schema sends)."""
    return {
        name: {**value, "confirmPassword": MARKER} if isinstance(value, dict) else value
        for name, value in variables.items()
    }


async def test_no_mutation_logs_its_input(client: GraphQLClient, factory: Factory, records: Records) -> None:
    account = await factory.account()
    service = await factory.service(account)
    contact = await factory.contact(account, "ana@example.com")
    ids = {"id": to_global_id("Contact", contact.id), "serviceId": to_global_id("Service", service.id)}
    mutations = schema._schema.mutation_type.fields
    answers: list[dict[str, Any]] = []
    for name, field in sorted(mutations.items(), key=lambda item: item[0] in ("signOut", "sessionRevoke")):
        variables = {arg: value_for(spec.type, arg, ids) for arg, spec in field.args.items()}
        await client.sign_in(account.client_number)
        answers.append(await client(document_for(name, field), variables))
        unknown = await client(document_for(name, field), with_unknown_field(variables))
        if variables:
            assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", (name, unknown)
            assert MARKER in json.dumps(unknown)  # the marker did reach the server (and comes back to its sender)
    assert len(mutations) >= 20
    assert not [a for a in answers if "INTERNAL_SERVER_ERROR" in json.dumps(a)], answers
    assert len([r for r in records.records if r.name == "clientpanel.operations"]) >= 2 * len(mutations)
    assert records.carrying(MARKER) == []
    assert not [r for r in records.records if r.name.startswith("clientpanel") and r.levelno >= logging.ERROR]


async def test_variable_errors_are_bad_input_without_an_error_log(client: GraphQLClient, records: Records) -> None:
    document = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code } } }"
    cases = [
        {},  # missing required variable
        {"i": None},  # null for non-null
        {"i": {"currentPassword": MARKER, "newPassword": 7}},  # wrong type
        {"i": {"currentPassword": MARKER}},  # missing input field
        {"i": {"currentPassword": MARKER, "newPassword": MARKER, "confirmPassword": MARKER}},  # unknown input field
    ]
    for variables in cases:
        body = await client(document, variables)
        assert body.get("data") is None, body
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    enum = await client(
        "mutation($i: ApiTokenCreateInput!) { apiTokenCreate(input: $i) { errors { code } } }",
        {"i": {"name": MARKER, "permissions": [MARKER]}},
    )
    assert enum["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert records.carrying(MARKER) == []
    assert not [r for r in records.records if r.name.startswith("clientpanel") and r.levelno >= logging.ERROR]


async def test_get_variables_are_not_logged(client: GraphQLClient, records: Records) -> None:
    query = "query($id: ID!) { node(id: $id) { id } }"
    response = await client.http.get("/graphql", params={"query": query, "variables": json.dumps({"id": MARKER})})
    assert response.status_code == 200
    sign_in = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"
    secrets = json.dumps({"i": {"login": MARKER, "password": MARKER}})
    mutation = await client.http.get("/graphql", params={"query": sign_in, "variables": secrets})
    assert mutation.status_code == 405
    assert records.carrying(MARKER) == []


async def test_operation_names_are_logged_only_when_well_formed(client: GraphQLClient, records: Records) -> None:
    long_name = "hunter2" + "A" * 90
    assert (await client.data(f"query {long_name} {{ __typename }}"))["__typename"] == "Query"
    assert (await client.data("query Dashboard { __typename }"))["__typename"] == "Query"
    logged = [getattr(r, "fields", {}).get("operation") for r in records.records if r.name == "clientpanel.operations"]
    assert logged == ["invalid", "Dashboard"]
    assert records.carrying("hunter2") == []


def test_uvicorn_paths_lose_their_query_string() -> None:
    path = f"/graphql?variables=%7B%22p%22%3A%22{MARKER}%22%7D"
    arguments = ("127.0.0.1:5000", "GET", path, "1.1", 200)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', arguments, None)
    assert WithoutQueryString().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /graphql HTTP/1.1" 200'


@asynccontextmanager
async def uvicorn_as_served(app: Starlette, records: Records) -> AsyncIterator[int]:
    """uvicorn as `cli.py serve` runs it: after the app configured logging, uvicorn applies its own logging
    config at INFO (which replaces the handlers of its loggers: `records` is attached again)."""
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), lifespan="off", log_level="info")
    loggers = [logging.getLogger(name) for name in ("uvicorn.access", "uvicorn.error")]
    for logger in loggers:
        logger.addHandler(records)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        await started(server)
        yield config.port
    finally:
        server.should_exit = True
        await task
        for logger in loggers:
            logger.removeHandler(records)


async def test_a_real_uvicorn_logs_paths_without_their_query_string(
    app: Starlette, client: GraphQLClient, factory: Factory, records: Records
) -> None:
    account = await factory.account()
    await client.sign_in(account.client_number)
    cookie = f"cp_session={client.http.cookies['cp_session']}"
    coercion = "mutation($i: PasswordChangeInput!) { passwordChange(input: $i) { errors { code } } }"
    unknown_field = {"i": {"currentPassword": MARKER, "newPassword": MARKER, "confirmPassword": MARKER}}
    async with uvicorn_as_served(app, records) as port:
        async with httpx.AsyncClient() as http:
            params = {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": json.dumps({"id": MARKER})}
            assert (await http.get(f"http://127.0.0.1:{port}/graphql", params=params)).status_code == 200
        url = f"ws://127.0.0.1:{port}/graphql?token={MARKER}"
        headers = {"Cookie": cookie}
        async with websockets.connect(url, subprotocols=[PROTOCOL], additional_headers=headers) as connection:
            socket = GraphQLSocket(connection)
            assert (await socket.init())["type"] == "connection_ack"
            await socket.subscribe(coercion, unknown_field)
            answer = await socket.receive()
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", answer
    lines = [record.getMessage() for record in records.records if record.name.startswith("uvicorn")]
    assert any('"GET /graphql HTTP/1.1" 200' in line for line in lines), lines
    assert any('"WebSocket /graphql" [accepted]' in line for line in lines), lines
    assert records.carrying(MARKER) == []
    assert not [r for r in records.records if r.name.startswith("clientpanel") and r.levelno >= logging.ERROR]


def test_masked_errors_log_type_and_stack_without_the_message() -> None:
    try:
        try:
            int(MARKER)
        except ValueError as inner:
            raise RuntimeError(f"while reading {MARKER}") from inner
    except RuntimeError as outer:
        trace = scrubbed_trace(outer)
    assert "builtins.ValueError" in trace
    assert "builtins.RuntimeError" in trace
    assert "int(MARKER)" in trace
    assert MARKER not in trace.replace("int(MARKER)", "")


def test_cli_serve_access_log_has_no_query_string(tmp_path: Path) -> None:
    """The real `cli.py serve` process: its output shows the request's path, never the variables."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'serve.sqlite3'}",
        "RUN_WORKERS": "false",
        "SMTP_URL": "smtp://127.0.0.1:9",  # not the default: no development mail server
        "ENVIRONMENT": "development",
    }
    server = subprocess.Popen(
        [sys.executable, "cli.py", "serve", "--port", str(port)],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        params = {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": json.dumps({"id": MARKER})}
        for _ in range(500):  # until it listens (bounded)
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/graphql", params=params).status_code == 200
                break
            except httpx.ConnectError:
                assert server.poll() is None, server.communicate()[0]
                time.sleep(0.02)
        else:
            raise AssertionError("cli.py serve did not listen")
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert '"GET /graphql HTTP/1.1" 200' in output, output
    assert MARKER not in output
