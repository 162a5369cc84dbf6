"""Test helpers: post GraphQL documents, and create accounts, services and contacts like staff do."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from tortoise import BaseDBAsyncClient, connections
from tortoise.transactions import in_transaction

from core.mail import queue_mail
from core.runtime import Runtime
from domain import staff
from models import Account, Contact, Service
from models.enums import EmailCategory, ServiceKind
from settings import PROJECT_DIR
from tests.smtp import Received, SmtpSink

PASSWORD = "Correcaminos-Pampa-4821"
_numbers = itertools.count(9000)


async def wait_for_mail(sink: SmtpSink, address: str, count: int = 1) -> list[Received]:
    """The messages the SMTP server received for `address`, once there are `count` (waits 5 seconds at most)."""
    for _ in range(250):
        received = sink.to(address)
        if len(received) >= count:
            return received
        await asyncio.sleep(0.02)
    raise AssertionError(f"{address} received {len(sink.to(address))} message(s), expected {count}")


async def emailed_code(sink: SmtpSink, address: str, count: int = 1) -> str:
    """The cancellation code in the `count`-th code email that `address` received (bounded wait)."""
    for _ in range(250):
        codes = [
            r for r in sink.to(address) if "ódigo de confirmación" in r.subject or "confirmation code" in r.subject
        ]
        if len(codes) >= count:
            return re.findall(r"\b\d{6,}\b", codes[count - 1].text)[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"{address} did not receive {count} code email(s)")


async def emailed_token(sink: SmtpSink, address: str, path: str, count: int = 1) -> str:
    """The token of the `count`-th link to `path` (e.g. "/confirmar-email") that `address` received."""
    for _ in range(250):
        tokens = [t for r in sink.to(address) for t in re.findall(rf"{re.escape(path)}\?token=([\w-]+)", r.text)]
        if len(tokens) >= count:
            return tokens[count - 1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"{address} did not receive {count} link(s) to {path}")


def code_of(body: dict[str, Any]) -> str:
    """The code of a response's first top-level error."""
    return body["errors"][0]["extensions"]["code"]


def session_cookie(client: GraphQLClient) -> str:
    """The client's session as a Cookie header (for WebSocket handshakes and other clients)."""
    return f"cp_session={client.http.cookies['cp_session']}"


@asynccontextmanager
async def throwaway_postgres_database(server_url: str, prefix: str) -> AsyncIterator[str]:
    """The URL of a new, empty database on the server of `server_url` (its own database name, if any, is
    ignored), dropped afterwards."""
    server = server_url.strip().rstrip("/")
    server = server.rsplit("/", 1)[0] if server.count("/") > 2 else server
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(f"{server}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@contextmanager
def recording_statements(record: Callable[[str, list[Any]], None]) -> Iterator[None]:
    """`record(sql, values)` for every statement the default connection's client runs meanwhile."""
    client_class = type(connections.get("default"))
    originals = {name: getattr(client_class, name) for name in ("execute_query", "execute_query_dict")}

    def wrap(original: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def recorded(self: BaseDBAsyncClient, query: str, *args: Any, **kwargs: Any) -> Any:
            record(query, list((args[0] if args else kwargs.get("values")) or []))
            return await original(self, query, *args, **kwargs)

        return recorded

    for name, original in originals.items():
        setattr(client_class, name, wrap(original))
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(client_class, name, original)


@contextmanager
def statements(*, this_task_only: bool = False) -> Iterator[list[tuple[str, list[Any]]]]:
    """Every SQL statement run meanwhile, with its values; with `this_task_only`, only the calling task's (not the
    background workers', which run the same polls; GraphQL resolvers run in tasks of their own)."""
    task = asyncio.current_task() if this_task_only else None
    seen: list[tuple[str, list[Any]]] = []

    def record(query: str, values: list[Any]) -> None:
        if task is None or asyncio.current_task() is task:
            seen.append((query, values))

    with recording_statements(record):
        yield seen


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Every SQL statement the default connection runs meanwhile, but the idle mail worker's polls."""
    seen: list[str] = []

    def record(query: str, _values: list[Any]) -> None:
        if "outbox_message" not in query:
            seen.append(query)

    with recording_statements(record):
        yield seen


class GraphQLClient:
    """One browser: keeps its cookies between requests."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> httpx.Response:
        return await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, **kwargs)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """The response body of a request that must succeed at the HTTP level."""
        response = await self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
        """`data` of a request that must have no top-level errors."""
        body = await self(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def sign_in(self, login: str, password: str = PASSWORD) -> None:
        data = await self.data(
            "mutation($i: SignInInput!) { signIn(input: $i) { errors { code message } } }",
            {"i": {"login": login, "password": password}},
        )
        assert data["signIn"]["errors"] == [], data


@dataclass
class Factory:
    runtime: Runtime

    async def account(self, *, email: str | None = None, **holder: Any) -> Account:
        number = str(next(_numbers))
        details = {
            "first_name": "Juan",
            "last_name": "Pérez",
            "email": email or f"titular{number}@example.net",
            **holder,
        }
        return await staff.create_account(self.runtime, number, PASSWORD, staff.NewHolder(**details))

    async def service(self, account: Account, name: str = "Hosting Pyme", **options: Any) -> Service:
        options.setdefault("domain", f"sitio{account.id}-{name.split()[0].lower()}.com.ar")
        return await staff.create_service(
            self.runtime, account, name, options.pop("kind", ServiceKind.HOSTING), **options
        )

    async def service_mail(self, account: Account, service: Service) -> None:
        """An archived email about `service` (a PRODUCTS one), queued as the app queues mail."""
        async with in_transaction():
            await queue_mail(
                self.runtime,
                account_id=account.id,
                template="pin_set",
                category=EmailCategory.PRODUCTS,
                service_id=service.id,
            )

    async def contact(self, account: Account, email: str, **options: Any) -> Contact:
        options.setdefault("password", PASSWORD)
        return await staff.create_contact(
            self.runtime, account, options.pop("first_name", "Ana"), options.pop("last_name", "Gómez"), email, **options
        )


def cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """cli.py in its own process with only these variables (and a database of its own under tmp_path)."""
    variables = {"PATH": os.environ["PATH"], "DATABASE_URL": f"sqlite://{tmp_path / 'cli.sqlite3'}", **env}
    return subprocess.run(  # the project's own CLI
        [sys.executable, str(PROJECT_DIR / "cli.py"), *args],
        cwd=PROJECT_DIR,
        env=variables,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def public_error_enums() -> list[type]:
    """The registered domain error enums whose codes answer public payloads (so must be UserErrorCodes): all but
    those only the staff schema exposes, as its own code enums."""
    from core.outcome import MESSAGE_TABLES
    from schema.error_catalogue import MUTATION_ERRORS, MUTATION_WARNINGS
    from schema.staff import staff_error_enums, staff_schema

    public = {enum for enums in (*MUTATION_ERRORS.values(), *MUTATION_WARNINGS.values()) for enum in enums}
    staff_only = staff_error_enums(staff_schema) - public
    return [enum for enum in MESSAGE_TABLES if enum not in staff_only]
