"""Staff and operator commands: migrate, demo data, accounts and services, schema export, serve.

python cli.py --help
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from core.clock import Clock
from core.db import close_database, open_database
from core.i18n import translate
from core.keyring import Keyring
from core.migrations import drift, make_migration, upgrade
from core.outcome import Outcome
from core.reencryption import reencrypt_all
from core.runtime import Runtime
from core.security import Secrets
from domain import auth, holder, staff, staff_keys, sync_ndjson, webhooks
from domain.sync_records import HolderRecord, ServiceRecord
from domain.workers import WORKERS
from models import Account, StaffKey
from models.enums import HolderKind, Language, NationalIdType, PaymentMethod, ServiceKind, ServiceStatus
from settings import PROJECT_DIR, Settings, SettingsError

T = TypeVar("T")
DEMO_CLIENT_NUMBER = "9000"
DEMO_PASSWORD = "Mate-Cocido-Bariloche-2026"  # noqa: S105  # the README's published demo password
DEMO_CONTACT_EMAIL = "ana.gomez@example.com"
DEMO_CONTACT_PASSWORD = "Alfajor-Tucuman-Lluvia-77"  # noqa: S105  # the demo contact's published password


def run_with_database(settings: Settings, work: Callable[[Runtime], Awaitable[None]]) -> None:
    async def main() -> None:
        await open_database(settings)
        try:
            await work(Runtime.build(settings))
        finally:
            await close_database()

    asyncio.run(main())


def cmd_migrate(settings: Settings, args: argparse.Namespace) -> None:
    applied = asyncio.run(upgrade(settings))
    print(f"migrated ({settings.dialect}): {', '.join(applied) if applied else 'already up to date'}")


def cmd_makemigrations(settings: Settings, args: argparse.Namespace) -> None:
    """Write the next migration for both dialects, each from its own empty throwaway database.

    Each dialect runs in its own process: Tortoise keeps per-process state of the dialect."""
    import asyncpg

    name = f"makemigrations_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(f"{args.postgres_url}/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for url in (f"sqlite://{Path(tmp) / 'makemigrations.sqlite3'}", f"{args.postgres_url}/{name}"):
                env = {**os.environ, "DATABASE_URL": url}
                subprocess.run([sys.executable, __file__, "makemigration", args.name], env=env, check=True)  # noqa: S603  # this very script
    finally:
        asyncio.run(admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


def cmd_makemigration(settings: Settings, args: argparse.Namespace) -> None:
    """One dialect's next migration, from DATABASE_URL (an empty throwaway database)."""
    print(f"{settings.dialect}: {make_migration(settings, args.name)}")


def cmd_check_migrations(settings: Settings, args: argparse.Namespace) -> None:
    """Fail when the models have changes that the dialect's tree lacks (DATABASE_URL: an empty database)."""
    changes = drift(settings)
    if changes:
        sys.exit(f"models and migrations/{settings.dialect} differ: run `cli.py makemigrations NAME` ({changes})")
    print(f"migrations/{settings.dialect} matches the models")


def cmd_demo(settings: Settings, args: argparse.Namespace) -> None:
    if settings.is_production:
        sys.exit(
            "demo: refused with ENVIRONMENT=production: it creates account"
            f" {DEMO_CLIENT_NUMBER} with the password published in README.md"
        )

    async def work(runtime: Runtime) -> None:
        if await Account.exists(client_number=DEMO_CLIENT_NUMBER):
            print("demo data already present")
        else:
            await seed_demo(runtime)
            print("demo data created")
        print_demo_credentials(settings)

    run_with_database(settings, work)


async def seed_demo(runtime: Runtime) -> None:
    account = await staff.create_account(
        runtime,
        DEMO_CLIENT_NUMBER,
        DEMO_PASSWORD,
        staff.NewHolder(
            first_name="Juan",
            last_name="Pérez",
            email="juan.perez@example.com",
            national_id_type=NationalIdType.AR_DNI,
            national_id="12345678",
            tax_id_type=NationalIdType.AR_CUIT,
            tax_id="20123456786",
            phone="+5491123456789",
            street="Av. Corrientes 1234",
            neighborhood="San Nicolás",
            city="Buenos Aires",
            state="CABA",
            postal_code="C1043AAZ",
            country_code="AR",
            language=Language.ES,
        ),
    )
    today = runtime.clock.now().date()
    await staff.create_service(
        runtime,
        account,
        "Hosting Plan Pyme",
        ServiceKind.HOSTING,
        domain="ejemploxmundo.com.ar",
        recurring_amount=Decimal("15000.00"),
        next_due_date=today + timedelta(days=40),
    )
    await staff.create_service(
        runtime,
        account,
        "Hosting Plan Inicial",
        ServiceKind.HOSTING,
        domain="tiendaperez.com.ar",
        status=ServiceStatus.SUSPENDED,
        recurring_amount=Decimal("8000.00"),
        next_due_date=today + timedelta(days=10),
    )
    await staff.create_service(
        runtime,
        account,
        "Dominio perezfamilia.com.ar",
        ServiceKind.DOMAIN,
        domain="perezfamilia.com.ar",
        payment_method=PaymentMethod.AUTOMATIC_DEBIT,
        recurring_amount=Decimal("2500.00"),
        next_due_date=date(today.year + 1, today.month, 1) + timedelta(days=14),
    )
    await staff.create_contact(
        runtime,
        account,
        "Ana",
        "Gómez",
        DEMO_CONTACT_EMAIL,
        password=DEMO_CONTACT_PASSWORD,
        permissions=["SERVICES", "MAIL"],
        email_categories=["GENERAL", "PRODUCTS", "SUPPORT"],
    )
    await staff.create_contact(
        runtime,
        account,
        "Carlos",
        "Ruiz",
        "carlos.ruiz@example.com",
        permissions=["SERVICES"],
        email_categories=["DOMAINS"],
        active=False,
    )


def print_demo_credentials(settings: Settings) -> None:
    sign_in = (
        f'mutation {{ signIn(input: {{login: "{DEMO_CLIENT_NUMBER}", password: "{DEMO_PASSWORD}"}}) '
        "{ viewer { account { clientNumber } } errors { code message } } }"
    )
    print(f"""
  Panel de Clientes API (demo)
  GraphiQL:  {settings.public_base_url}/graphql
  Holder:    client number {DEMO_CLIENT_NUMBER}, password {DEMO_PASSWORD}
  Contact:   {DEMO_CONTACT_EMAIL}, password {DEMO_CONTACT_PASSWORD}
  Try:       {sign_in}
""")


def cmd_create_account(settings: Settings, args: argparse.Namespace) -> None:
    password = args.password or Secrets.new_password()

    async def work(runtime: Runtime) -> None:
        holder = HolderRecord(
            first_name=args.first_name,
            last_name=args.last_name,
            email=args.email,
            kind=args.kind,
            company_name=args.company,
            language=args.language,
        )
        value_of(await staff.add_account(runtime, args.client_number, password, holder))
        print(f"account {args.client_number} created" + ("" if args.password else f"; password: {password}"))

    run_with_database(settings, work)


def cmd_create_service(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        record = ServiceRecord(
            name=args.name,
            kind=args.kind,
            domain=args.domain,
            status=args.status,
            payment_method=args.payment_method,
            recurring_amount=args.amount,
            currency=args.currency,
            next_due_date=args.due,
        )
        service = value_of(await staff.add_service(runtime, args.client_number, record))
        print(f"service {service.id} created for account {args.client_number}")

    run_with_database(settings, work)


def cmd_sync(settings: Settings, args: argparse.Namespace) -> None:
    """Accounts and services from an NDJSON file, as the staff API's upserts apply them; exit code 2 when any
    line was refused."""
    try:
        lines = Path(args.path).read_bytes().splitlines()
    except OSError as exc:
        refuse(f"{args.path}: {exc.strerror}")

    async def work(runtime: Runtime) -> None:
        report = await sync_ndjson.sync_lines(runtime, lines, staff.STAFF_ACTOR)
        for found in report.conflicts:
            for conflict in found.conflicts:
                print(
                    f"line {found.index}: {found.external_id}: {conflict.field} kept as the panel has it"
                    f" ({conflict.panel_value!r}; billing: {conflict.billing_value!r})"
                )
        for refused in report.refusals:
            for failure in refused.failures:
                print(f"line {refused.index}: {refused.external_id or '-'}: {sync_ndjson.describe(failure)}")
        print(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged},"
            f" refused {report.refused}"
        )
        if report.refused:
            sys.exit(2)

    run_with_database(settings, work)


def cmd_verify_pin(settings: Settings, args: argparse.Namespace) -> None:
    """Support staff check a caller's security PIN (attempt-limited, written to the activity, the holder emailed);
    exit code 1 when it does not match, 2 when refused."""

    async def work(runtime: Runtime) -> None:
        matched = value_of(await auth.verify_pin(runtime, args.client_number, args.pin))
        print("PIN correct" if matched else "PIN incorrect")
        if not matched:
            sys.exit(1)

    run_with_database(settings, work)


def cmd_correct_identity(settings: Settings, args: argparse.Namespace) -> None:
    """Staff correct the holder's names or ids (not a change of ownership); written to the activity."""

    async def work(runtime: Runtime) -> None:
        correction = holder.IdentityCorrection(
            first_name=args.first_name,
            last_name=args.last_name,
            national_id_type=NationalIdType(args.national_id_type) if args.national_id_type else None,
            national_id=args.national_id,
            tax_id_type=NationalIdType(args.tax_id_type) if args.tax_id_type else None,
            tax_id=args.tax_id,
        )
        changed = value_of(await holder.correct_identity(runtime, args.client_number, correction)).changed
        print(f"corrected: {', '.join(changed) if changed else 'nothing changed'}")

    run_with_database(settings, work)


def cmd_rotate_encryption(settings: Settings, args: argparse.Namespace) -> None:
    """Re-encrypt what older ENCRYPTION_KEYS encrypted under the first key (docs/operations.md): every column
    core/reencryption lists (webhook signing secrets, TOTP seeds)."""
    keyring = Keyring.from_settings(settings)
    older = ", ".join(keyring.key_ids[1:]) or "none"
    print(f"encrypting key: {keyring.primary_id}; older keys: {older}")

    async def work(runtime: Runtime) -> None:
        count = await reencrypt_all(keyring)
        print(f"re-encrypted {count} values; older keys may be dropped")

    run_with_database(settings, work)


def refuse(message: str) -> NoReturn:
    """Bad input: one line on stderr, exit code 2."""
    print(message, file=sys.stderr)
    sys.exit(2)


def value_of(outcome: Outcome[T]) -> T:
    """A command's result, or its first failure as one line (English) and exit code 2."""
    if outcome.value is None:
        failure = outcome.failures[0]
        field = ".".join(name for name in failure.path or () if name != "input")
        message = translate(failure.message_key, Language.EN, failure.messages, **failure.values)
        refuse(f"{field}: {message}" if field else message)
    return outcome.value


def cmd_webhook_add(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        added = value_of(await webhooks.add_endpoint(runtime, args.url, args.events.split(",")))
        print(f"webhook endpoint {added.endpoint.id} added: {', '.join(added.endpoint.event_types)}")
        print(f"signing secret (shown once, give it to the receiver): {added.secret}")

    run_with_database(settings, work)


def cmd_webhook_list(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        for summary in await webhooks.summaries():
            endpoint = summary.endpoint
            state = "enabled" if endpoint.enabled else f"DISABLED since {endpoint.disabled_at:%Y-%m-%d %H:%M} UTC"
            failing = f", failing since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC" if endpoint.failing_since else ""
            print(
                f"{endpoint.id}  {endpoint.url}  [{', '.join(endpoint.event_types)}]  {state}{failing};"
                f" {summary.pending} pending, {summary.failed} failed"
            )

    run_with_database(settings, work)


def cmd_webhook_rotate(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        rotated = value_of(await webhooks.rotate_secret(runtime, args.id))
        print(f"new signing secret of endpoint {args.id} (shown once): {rotated.secret}")
        print(
            f"the previous secret also signs for {settings.webhook_secret_overlap_hours} hours"
            " (WEBHOOK_SECRET_OVERLAP_HOURS): switch the receiver meanwhile"
        )

    run_with_database(settings, work)


def cmd_webhook_remove(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        print(f"webhook endpoint {value_of(await webhooks.remove_endpoint(args.id))} removed")

    run_with_database(settings, work)


def cmd_webhook_enable(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        print(f"webhook endpoint {value_of(await webhooks.enable_endpoint(args.id)).id} enabled")

    run_with_database(settings, work)


def cmd_webhook_redeliver(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        count = value_of(await webhooks.redeliver(runtime, args.event_id))
        print(f"event {args.event_id.strip()} scheduled for {count} endpoint(s)")

    run_with_database(settings, work)


def cmd_staff_key_add(settings: Settings, args: argparse.Namespace) -> None:
    try:
        scopes = staff_keys.parse_scopes(args.scopes)
    except staff_keys.StaffKeyRefused as refused:
        refuse(str(refused))

    async def work(runtime: Runtime) -> None:
        try:
            created = await staff_keys.create_key(runtime, args.name, scopes)
        except staff_keys.StaffKeyRefused as refused:
            refuse(str(refused))
        print(f"staff key {created.key.id} ({', '.join(created.key.scopes)}): {created.secret}")
        print("Store it now: it is not shown again.")

    run_with_database(settings, work)


def cmd_staff_key_list(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        for key in await StaffKey.all().order_by("id"):
            state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "live"
            used = f"last used {key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never used"
            print(f"{key.id}\t{key.name}\t{','.join(key.scopes)}\t{state}\t{used}")

    run_with_database(settings, work)


def cmd_staff_key_revoke(settings: Settings, args: argparse.Namespace) -> None:
    async def work(runtime: Runtime) -> None:
        if not await staff_keys.revoke_key(runtime, args.id):
            refuse(f"no live staff key {args.id}")
        print(f"staff key {args.id} revoked")

    run_with_database(settings, work)


def cmd_export_schema(settings: Settings, args: argparse.Namespace) -> None:
    from schema import schema
    from schema.staff import staff_schema

    Path(args.path).write_text(schema.as_str() + "\n", encoding="utf-8")
    Path(args.staff_path).write_text(staff_schema.as_str() + "\n", encoding="utf-8")
    print(f"schemas written to {args.path} and {args.staff_path}")


def cmd_serve(settings: Settings, args: argparse.Namespace) -> None:
    """The public API at --host/--port and, when STAFF_BIND is set, the staff API there, in one process."""
    if settings.graphiql:
        print(f"GraphiQL: {settings.public_base_url}/graphql")
    if settings.staff_address:
        print(f"staff API: http://{settings.staff_bind}/graphql")
    with dev_smtp_when_default(settings):
        asyncio.run(serve(settings, args.host, args.port))


async def serve(settings: Settings, host: str, port: int) -> None:
    import uvicorn

    from app import create_app
    from staff_app import create_staff_app

    class Sidecar(uvicorn.Server):
        """The staff server leaves signals to the public one, and stops when it stops."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            yield

    class Draining(uvicorn.Server):
        """SIGTERM: the drain, then uvicorn's shutdown: WebSockets closed with 1012 (service restart: clients
        reconnect to another process and get the current state first), in-flight requests finished within
        GRACEFUL_SHUTDOWN_SECONDS, the lifespan ended."""

        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            await drain(self, closing)
            await super().shutdown(sockets)

    public_app = create_app(settings)
    closing = ClosingWhenDraining(public_app)
    # Forwarded headers only from FORWARDED_ALLOW_IPS (never uvicorn's own environment variable and default);
    # a WebSocket message may be no larger than an HTTP body (uvicorn's own default is 16 MiB).
    config = uvicorn.Config(
        closing,
        host=host,
        port=port,
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=list(settings.forwarded_allow_ips),
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        log_level="info",
        ws_max_size=settings.max_body_bytes,
    )
    public = Draining(config)
    if settings.staff_address is None:
        await public.serve()
        return
    staff_host, staff_port = settings.staff_address
    # No proxy headers: STAFF_ALLOWED_NETWORKS judges the connecting address itself.
    staff_config = uvicorn.Config(
        create_staff_app(settings, runtime=public_app.state.runtime),
        host=staff_host,
        port=staff_port,
        proxy_headers=False,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        log_level="info",
    )
    staff = Sidecar(staff_config)
    staff_task = asyncio.create_task(staff.serve())
    try:
        await public.serve()
    finally:
        staff.should_exit = True
        await staff_task


# uvicorn closes a connection idle this long; deploy/nginx.conf's upstream keepalive_timeout is shorter, so the proxy
# always lets go first and never sends a request on a connection being closed (a POST it could not resend).
KEEP_ALIVE_SECONDS = 5


class ClosingWhenDraining:
    """The app, whose HTTP responses say `Connection: close` once `on` (a draining process): the proxy then drops
    each connection after the answer it was waiting for, instead of sending another request on it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.on = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def closing(message: Any) -> None:
            if message["type"] == "http.response.start" and self.on:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing)


async def drain(server: Any, closing: ClosingWhenDraining) -> None:
    """Before uvicorn's own shutdown (which closes idle connections at once, racing a proxy that sends a request on
    one): stop accepting (the proxy sends new requests to another process; refused, they never reached this one,
    so resending them is safe), then answer what still comes on open connections with `Connection: close` until
    the proxy has let go of every one (idle ones within its keepalive_timeout, shorter than KEEP_ALIVE_SECONDS)."""
    closing.on = True
    for listening in server.servers:
        listening.close()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + KEEP_ALIVE_SECONDS
    http = "uvicorn.protocols.http"
    while loop.time() < deadline and not server.force_exit:
        if not any(type(each).__module__.startswith(http) for each in server.server_state.connections):
            return
        await asyncio.sleep(0.05)


def cmd_worker(settings: Settings, args: argparse.Namespace) -> None:
    """The background workers alone (for RUN_WORKERS=false servers): mail delivery, cancellations.

    SIGTERM (or Ctrl-C) drains: each worker ends when the pass it is in (or, idle, its next one) ends, so no job
    it claimed is cut short and sent again by another worker once its lease runs out; past GRACEFUL_SHUTDOWN_SECONDS
    the rest are cancelled (their leases then hand their jobs over)."""
    from core import workers

    async def work(runtime: Runtime) -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        async with workers.running(runtime, WORKERS) as tasks:
            print(f"workers running: {', '.join(task.get_name() for task in tasks)}")
            publishing = None
            if settings.worker_heartbeat_file:
                path = Path(settings.worker_heartbeat_file)
                publishing = asyncio.create_task(workers.publish_heartbeats(runtime, path), name="heartbeats")
            await stopping.wait()
            runtime.draining = True  # core/workers.beat ends each worker with its pass
            print("stopping: each worker ends with its pass")
            await asyncio.wait(tasks, timeout=settings.graceful_shutdown_seconds)
            if publishing is not None:
                publishing.cancel()

    with dev_smtp_when_default(settings):
        run_with_database(settings, work)


def cmd_worker_health(settings: Settings, args: argparse.Namespace) -> None:
    """`cli.py worker`'s liveness: exit 0 when every worker finished a pass in the last 3 x WORKER_POLL_SECONDS
    (read from WORKER_HEARTBEAT_FILE, which that process writes), else 1 naming the stuck ones."""
    from core import workers

    if not settings.worker_heartbeat_file:
        sys.exit("worker-health needs WORKER_HEARTBEAT_FILE (the same as the worker process's)")
    heartbeats = workers.read_heartbeats(Path(settings.worker_heartbeat_file))
    names = [worker.__name__ for worker in WORKERS]
    late = workers.stuck(heartbeats, names, Clock().now(), settings.worker_poll_seconds)
    if late:
        sys.exit(f"stuck or not running: {', '.join(late)}")
    print(f"workers alive: {', '.join(names)}")


def cmd_dev_smtp(settings: Settings, args: argparse.Namespace) -> None:
    """A local SMTP server that prints every message it receives (development only)."""
    with dev_smtp(args.port):
        print(f"printing SMTP server on 127.0.0.1:{args.port}; Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(asyncio.Event().wait())


@contextlib.contextmanager
def dev_smtp(port: int) -> Iterator[None]:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Debugging

    controller = Controller(Debugging(sys.stdout), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield
    finally:
        controller.stop()


@contextlib.contextmanager
def dev_smtp_when_default(settings: Settings) -> Iterator[None]:
    """In development with the default SMTP_URL, mail is printed to the console instead of sent."""
    if settings.environment == "development" and settings.smtp_url == Settings().smtp_url:
        print("mail: printed below by the development SMTP server (set SMTP_URL to send for real)")
        with dev_smtp(8025):
            yield
    else:
        yield


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cli.py", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply the migrations of DATABASE_URL's dialect").set_defaults(run=cmd_migrate)
    mk = sub.add_parser("makemigrations", help="write the next migration for SQLite and PostgreSQL")
    mk.add_argument("name")
    mk.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    mk.set_defaults(run=cmd_makemigrations)
    one = sub.add_parser("makemigration", help="the next migration of DATABASE_URL's dialect only")
    one.add_argument("name")
    one.set_defaults(run=cmd_makemigration)
    sub.add_parser(
        "check-migrations", help="upgrade an empty DATABASE_URL and check the tree matches the models"
    ).set_defaults(run=cmd_check_migrations)
    sub.add_parser("demo", help="create the demo account (idempotent) and print its credentials").set_defaults(
        run=cmd_demo
    )
    acc = sub.add_parser("create-account", help="create an account and its holder")
    acc.add_argument("client_number")
    acc.add_argument("--first-name", required=True)
    acc.add_argument("--last-name", required=True)
    acc.add_argument("--email", required=True)
    acc.add_argument("--kind", choices=[k.value for k in HolderKind], default="PERSON")
    acc.add_argument("--company")
    acc.add_argument("--language", choices=[lang.value for lang in Language], default="ES")
    acc.add_argument("--password", help="default: a random one, printed once")
    acc.set_defaults(run=cmd_create_account)
    svc = sub.add_parser("create-service", help="add a service to an account")
    svc.add_argument("client_number")
    svc.add_argument("name")
    svc.add_argument("--kind", choices=[k.value for k in ServiceKind], default="HOSTING")
    svc.add_argument("--domain")
    svc.add_argument("--status", choices=[s.value for s in ServiceStatus], default="ACTIVE")
    svc.add_argument("--payment-method", choices=[m.value for m in PaymentMethod], default="MANUAL")
    svc.add_argument("--amount", help="recurring amount, e.g. 1500.00")
    svc.add_argument("--currency", default="ARS")
    svc.add_argument("--due", help="next due date, YYYY-MM-DD")
    svc.set_defaults(run=cmd_create_service)
    bulk = sub.add_parser("sync", help="upsert accounts and services from an NDJSON file (as the staff API)")
    bulk.add_argument("path", help='one JSON object a line: {"type": "account"|"service", ...} (API field names)')
    bulk.set_defaults(run=cmd_sync)
    pin = sub.add_parser("verify-pin", help="check a caller's security PIN (support staff)")
    pin.add_argument("client_number")
    pin.add_argument("pin")
    pin.set_defaults(run=cmd_verify_pin)
    ident = sub.add_parser("correct-identity", help="correct the holder's names or national/tax ids")
    ident.add_argument("client_number")
    ident.add_argument("--first-name")
    ident.add_argument("--last-name")
    ident.add_argument("--national-id-type", choices=[t.value for t in NationalIdType])
    ident.add_argument("--national-id")
    ident.add_argument("--tax-id-type", choices=[t.value for t in NationalIdType])
    ident.add_argument("--tax-id")
    ident.set_defaults(run=cmd_correct_identity)
    sub.add_parser(
        "rotate-encryption", help="re-encrypt stored secrets under the first key of ENCRYPTION_KEYS"
    ).set_defaults(run=cmd_rotate_encryption)
    hook = sub.add_parser("webhook-add", help="register a webhook endpoint; prints its signing secret once")
    hook.add_argument("url")
    hook.add_argument("--events", required=True, help="comma-separated event types, e.g. cancellation.confirmed")
    hook.set_defaults(run=cmd_webhook_add)
    sub.add_parser("webhook-list", help="the webhook endpoints and their deliveries").set_defaults(run=cmd_webhook_list)
    for name, run, meaning in (
        ("webhook-rotate", cmd_webhook_rotate, "a new signing secret (the previous one signs too for a while)"),
        ("webhook-remove", cmd_webhook_remove, "delete a webhook endpoint and its deliveries"),
        ("webhook-enable", cmd_webhook_enable, "deliver again to an endpoint disabled for failing"),
    ):
        one_endpoint = sub.add_parser(name, help=meaning)
        one_endpoint.add_argument("id", type=int)
        one_endpoint.set_defaults(run=run)
    again = sub.add_parser("webhook-redeliver", help="send a webhook event again (same webhook-id)")
    again.add_argument("event_id", help="the event's webhook-id (msg_...)")
    again.set_defaults(run=cmd_webhook_redeliver)
    key_add = sub.add_parser("staff-key-add", help="create a staff API key; prints it once")
    key_add.add_argument("name", help="who uses it, e.g. billing or support-desk")
    key_add.add_argument(
        "--scopes", required=True, help="comma-separated: accounts, services, notices, webhooks, support; or all"
    )
    key_add.set_defaults(run=cmd_staff_key_add)
    sub.add_parser("staff-key-list", help="the staff API keys (never their secrets)").set_defaults(
        run=cmd_staff_key_list
    )
    key_revoke = sub.add_parser("staff-key-revoke", help="revoke a staff API key at once")
    key_revoke.add_argument("id", type=int)
    key_revoke.set_defaults(run=cmd_staff_key_revoke)
    exp = sub.add_parser("export-schema", help="write the GraphQL schemas (SDL): public and staff")
    exp.add_argument("path", nargs="?", default=str(PROJECT_DIR / "schema.graphql"))
    exp.add_argument("--staff-path", default=str(PROJECT_DIR / "staff.graphql"), help="the staff API's schema")
    exp.set_defaults(run=cmd_export_schema)
    sub.add_parser("worker", help="run the background workers alone").set_defaults(run=cmd_worker)
    sub.add_parser(
        "worker-health", help="exit 0 when `worker`'s workers all beat lately (its liveness check), else 1"
    ).set_defaults(run=cmd_worker_health)
    dev = sub.add_parser("dev-smtp", help="a local SMTP server that prints what it receives")
    dev.add_argument("--port", type=int, default=8025)
    dev.set_defaults(run=cmd_dev_smtp)
    srv = sub.add_parser("serve", help="run the API with uvicorn")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--port", type=int, default=8000)
    srv.set_defaults(run=cmd_serve)
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        sys.exit(f"configuration error: {exc}")
    args.run(settings, args)


if __name__ == "__main__":
    main()
