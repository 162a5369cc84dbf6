"""The floor: what the dashboard costs with no GraphQL and no ORM. Starlette and the bare driver (aiosqlite, or
an asyncpg pool) authenticate the session cookie as the app does, read the dashboard's rows in the 6 statements
the app uses (the session with its account and holder; each list counted by a subquery in its page's statement,
as the app's), and return the bytes the app returns. Also the no-database endpoints the load generator is checked
against. Serves the holder's session only: the bench signs in as the holder.

    uvicorn bench.floor_app:app   (DATABASE_URL names the database, as for the app)
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

import aiosqlite
import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from core.authn import LAST_SEEN_GRANULARITY, SESSION_COOKIE
from core.ids import to_global_id
from core.security import Secrets
from models.enums import OPEN_CANCELLATION
from settings import Settings

settings = Settings.from_env()
secrets = Secrets(settings)
IDLE = timedelta(minutes=settings.session_idle_minutes)
SERVICES, CONTACTS, MAILS = 50, 20, 20
TYPENAME = b'{"data":{"__typename":"Query"}}'
SIGNED_OUT = b'{"data":{"viewer":null}}'
# The bench sends every target the app's own request (a POST of the GraphQL body): the endpoints answer it without
# reading the body, so what differs between targets is the server's work alone, the request's parsing included.
SAME_REQUEST = ["POST"]


class Rows(Protocol):
    async def fetch(self, sql: str, *args: object) -> Sequence[Sequence[Any]]: ...

    async def execute(self, sql: str, *args: object) -> None: ...


class SqliteRows:
    """One aiosqlite connection with Tortoise's pragmas, as the app has; `$n` placeholders become `?`."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection

    async def fetch(self, sql: str, *args: object) -> Sequence[Sequence[Any]]:
        return list(await self.connection.execute_fetchall(re.sub(r"\$\d+", "?", sql), [stored(a) for a in args]))

    async def execute(self, sql: str, *args: object) -> None:
        await self.connection.execute(re.sub(r"\$\d+", "?", sql), [stored(a) for a in args])


class PostgresRows:
    """An asyncpg pool sized as Tortoise sizes the app's."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def fetch(self, sql: str, *args: object) -> Sequence[Sequence[Any]]:
        return await self.pool.fetch(sql, *args)

    async def execute(self, sql: str, *args: object) -> None:
        await self.pool.execute(sql, *args)


def stored(value: object) -> object:
    """SQLite keeps Tortoise's datetimes as text (`str(datetime)`); comparisons need the same text."""
    return str(value) if isinstance(value, datetime) else value


def moment(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def iso(value: date | str | None, kind: type[date] = datetime) -> str | None:
    if value is None:
        return None
    return (kind.fromisoformat(value) if isinstance(value, str) else value).isoformat()


def listing(sql: str, count: int, first: int = 1) -> str:
    """`sql` with its `IN (...)` as `count` placeholders from $first: only placeholders go into the text. SQLite's
    `?` are positional: the placeholders' numbers must follow the text's order."""
    return sql.replace("(...)", "(" + ",".join(f"${n}" for n in range(first, first + count)) + ")")


# As core.loaders.latest_cancellations reads them: each service's most recent row.
LATEST_CANCELLATIONS = (
    "SELECT service_id, id, status, effective_by FROM cancellation WHERE id IN (SELECT MAX(id) FROM cancellation "
    "WHERE service_id IN (...) GROUP BY service_id) ORDER BY id"
)


async def holder_session(rows: Rows, token: str) -> tuple[int, dict[str, Any]] | None:
    """The account id, client number and holder behind a holder's session, as core.authn checks it (keyed digest
    under every key, not ended, not expired, not idle; last_seen_at written at most once a minute), in one
    statement as the app reads them."""
    now = datetime.now(UTC)
    digests = secrets.digests(token)
    sql = (
        "SELECT s.id, s.account_id, s.contact_id, s.last_seen_at, a.client_number, h.first_name, h.last_name, "
        "h.email FROM session s JOIN account a ON a.id = s.account_id JOIN holder h ON h.account_id = s.account_id "
        "WHERE s.ended_at IS NULL AND s.expires_at > $1 AND s.token_hash IN (...) LIMIT 1"
    )
    found = await rows.fetch(listing(sql, len(digests), first=2), now, *digests)
    if not found:
        return None
    session_id, account_id, contact_id, last_seen, client_number, first_name, last_name, email = found[0]
    if contact_id is not None:
        raise NotImplementedError("the floor serves the holder's session only")
    last_seen = moment(last_seen)
    if last_seen + IDLE <= now:
        return None
    if now - last_seen >= LAST_SEEN_GRANULARITY:
        await rows.execute("UPDATE session SET last_seen_at = $1 WHERE id = $2", now, session_id)
    holder = {"firstName": first_name, "lastName": last_name, "email": email}
    return account_id, {"clientNumber": client_number, "holder": holder}


def latest_cancellations(found: Sequence[Sequence[Any]]) -> dict[int, dict[str, Any]]:
    """By service id: its open or else most recent cancellation (rows in id order), as core.loaders picks it."""
    latest: dict[int, tuple[Any, ...]] = {}
    for row in found:
        current = latest.get(row[0])
        if current is None or current[2] not in OPEN_CANCELLATION:
            latest[row[0]] = tuple(row)
    return {
        service_id: {"id": to_global_id("Cancellation", pk), "status": status, "effectiveBy": iso(effective_by)}
        for service_id, (_, pk, status, effective_by) in latest.items()
    }


async def services_of(rows: Rows, account_id: int) -> dict[str, Any]:
    services = await rows.fetch(
        "SELECT id, name, status, next_due_date, recurring_amount, currency, "
        "(SELECT COUNT(*) FROM service WHERE account_id = $1) FROM service WHERE account_id = $2 ORDER BY id LIMIT $3",
        account_id,
        account_id,
        SERVICES,
    )
    ids = [row[0] for row in services]
    sql = listing(LATEST_CANCELLATIONS, len(ids))
    cancellations = latest_cancellations(await rows.fetch(sql, *ids) if ids else [])
    edges = [
        {
            "node": {
                "id": to_global_id("Service", pk),
                "name": name,
                "status": status,
                "nextDueDate": iso(due, date),
                "recurringAmount": {"amount": f"{Decimal(amount):.2f}", "currency": currency}
                if amount is not None
                else None,
                "cancellation": cancellations.get(pk),
            }
        }
        for pk, name, status, due, amount, currency, _ in services
    ]
    return {"totalCount": services[0][-1] if services else 0, "edges": edges}


async def contacts_of(rows: Rows, account_id: int) -> dict[str, Any]:
    contacts = await rows.fetch(
        "SELECT id, email, permissions, (SELECT COUNT(*) FROM contact WHERE account_id = $1) FROM contact "
        "WHERE account_id = $2 ORDER BY id LIMIT $3",
        account_id,
        account_id,
        CONTACTS,
    )
    edges = [
        {"node": {"id": to_global_id("Contact", pk), "email": email, "permissions": orjson.loads(permissions)}}
        for pk, email, permissions, _ in contacts
    ]
    return {"totalCount": contacts[0][-1] if contacts else 0, "edges": edges}


async def mail_of(rows: Rows, account_id: int) -> dict[str, Any]:
    messages = await rows.fetch(
        "SELECT m.id, m.subject, m.category, m.queued_at, m.service_id, s.name, "
        "(SELECT COUNT(*) FROM mail_message WHERE account_id = $1) FROM mail_message m "
        "LEFT JOIN service s ON s.id = m.service_id WHERE m.account_id = $2 ORDER BY m.id DESC LIMIT $3",
        account_id,
        account_id,
        MAILS,
    )
    ids = [row[0] for row in messages]
    recipients: dict[int, list[str]] = {}
    if ids:
        sql = "SELECT message_id, address FROM mail_recipient WHERE message_id IN (...) ORDER BY id"
        for message_id, address in await rows.fetch(listing(sql, len(ids)), *ids):
            recipients.setdefault(message_id, []).append(address)
    edges = [
        {
            "node": {
                "id": to_global_id("MailMessage", pk),
                "subject": subject,
                "category": category,
                "recipients": recipients.get(pk, []),
                "queuedAt": iso(queued_at),
                "service": {"id": to_global_id("Service", service_id), "name": service_name}
                if service_id is not None
                else None,
            }
        }
        for pk, subject, category, queued_at, service_id, service_name, _ in messages
    ]
    return {"totalCount": messages[0][-1] if messages else 0, "edges": edges}


async def dashboard(request: Request) -> Response:
    rows: Rows = request.app.state.rows
    token = request.cookies.get(SESSION_COOKIE)
    session = await holder_session(rows, token) if token else None
    if session is None:
        return Response(SIGNED_OUT, media_type="application/json")
    account_id, account = session
    account |= {
        "services": await services_of(rows, account_id),
        "contacts": await contacts_of(rows, account_id),
        "mail": await mail_of(rows, account_id),
    }
    return Response(orjson.dumps({"data": {"viewer": {"account": account}}}), media_type="application/json")


async def static_dashboard(request: Request) -> Response:
    """The no-database endpoint: the bytes of the first /dashboard answer, kept; what the server and the load
    generator reach with nothing else to do."""
    return Response(request.app.state.captured, media_type="application/json")


async def capture(request: Request) -> Response:
    """POST the dashboard's bytes here once; /static-dashboard serves them from then on."""
    request.app.state.captured = await request.body()
    return Response(status_code=204)


async def typename(request: Request) -> Response:
    return Response(TYPENAME, media_type="application/json")


async def server(request: Request) -> Response:
    """Which event loop and HTTP protocol uvicorn runs this process with (the bench asks for uvloop and httptools)."""
    loop = type(asyncio.get_running_loop())
    protocols = sorted(name.rsplit(".", 1)[1] for name in sys.modules if name.startswith("uvicorn.protocols.http."))
    return JSONResponse({"loop": f"{loop.__module__}.{loop.__qualname__}", "http": protocols})


async def healthz(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.captured = b""
    if settings.dialect == "sqlite":
        connection = await aiosqlite.connect(settings.database_url.removeprefix("sqlite://"), isolation_level=None)
        for pragma in ("journal_mode=WAL", "journal_size_limit=16384", "foreign_keys=ON"):
            await connection.execute(f"PRAGMA {pragma}")
        app.state.rows = SqliteRows(connection)
        try:
            yield
        finally:
            await connection.close()
        return
    async with asyncpg.create_pool(settings.database_url, min_size=1, max_size=5) as pool:
        app.state.rows = PostgresRows(pool)
        yield


app = Starlette(
    routes=[
        Route("/dashboard", dashboard, methods=SAME_REQUEST),
        Route("/static-dashboard", static_dashboard, methods=SAME_REQUEST),
        Route("/capture", capture, methods=["POST"]),
        Route("/typename", typename, methods=SAME_REQUEST),
        Route("/server", server),
        Route("/healthz", healthz),
    ],
    lifespan=lifespan,
)
