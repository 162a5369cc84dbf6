"""The production topology on one machine, for tests and the soak: Debian's nginx terminating TLS with a certificate
made here (deploy/nginx.conf itself, its addresses and paths swapped for local ones), two `cli.py serve` processes
with their workers off, one `cli.py worker`, a throwaway PostgreSQL database, a redis-server of its own and an SMTP
sink. Every process runs with ENVIRONMENT=production. On request, the provider's https webhook receiver too: its
certificate is signed by a CA made here, which the processes trust through WEBHOOK_CA_FILE (never verify=False).

Clients reach nginx from addresses of their own in 127.0.0.0/8 (`client(address)`), so a test can tell the address
the panel sees from nginx's (127.0.0.1, the one address the processes trust).
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

import asyncpg
import httpx
import pytest
import websockets
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from settings import PROJECT_DIR, SETTINGS
from tests.live_server import free_port
from tests.smtp import SmtpSink

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
REDIS = shutil.which("redis-server")
POSTGRES_SERVER = os.environ.get("TEST_DATABASE_URL", "").strip() or "postgres://postgres@127.0.0.1:5432/test"
PROXY = "127.0.0.1"  # nginx's address as the processes see it: the one they trust
CLIENT_NUMBER = "5001"
PASSWORD = "Topologia-Nginx-Bariloche-25"  # a throwaway account's
HOLDER_EMAIL = "titular@topologia.example"
READY_SECONDS = 30.0
PROTOCOL = "graphql-transport-ws"
SIGN_IN = "mutation($i: SignInInput!) { signIn(input: $i) { errors { code } } }"
DASHBOARD = """{ viewer { account { clientNumber holder { firstName email }
  services(first: 50) { totalCount edges { node { id name status nextDueDate
    cancellation { id status effectiveBy } } } }
  contacts(first: 20) { totalCount edges { node { id email permissions } } }
  mail(first: 20) { totalCount edges { node { id subject category recipients queuedAt } } } } } }"""
SESSIONS = "{ viewer { account { sessions { current ipAddress } } } }"
SUBSCRIPTION = "subscription { cancellationStatusChanged { cancellation { id status } service { id status } } }"
REQUEST = """mutation($i: ServiceCancellationRequestInput!) { serviceCancellationRequest(input: $i) {
  cancellation { id status } errors { code message } } }"""
CONFIRM = """mutation($i: ServiceCancellationConfirmInput!) { serviceCancellationConfirm(input: $i) {
  cancellation { id status } errors { code message } } }"""
WITHDRAW = """mutation($i: ServiceCancellationWithdrawInput!) { serviceCancellationWithdraw(input: $i) {
  cancellation { id status } errors { code message } } }"""
RECOVERY_REQUEST = "mutation($i: AccessRecoveryRequestInput!) { accessRecoveryRequest(input: $i) { errors { code } } }"
RECOVERY_CONFIRM = "mutation($i: AccessRecoveryConfirmInput!) { accessRecoveryConfirm(input: $i) { errors { code } } }"


def unavailable() -> str | None:
    """Why the topology cannot run here, or None (CI must have everything: the caller fails instead of skipping)."""
    if NGINX is None:
        return "nginx is not installed (.ci/install-test-tools installs Debian's)"
    if REDIS is None:
        return "redis-server is not installed"
    try:
        asyncio.run(_probe_postgres())
    except (OSError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL is unreachable at {POSTGRES_SERVER} ({type(exc).__name__})"
    return None


async def _probe_postgres() -> None:
    connection = await asyncpg.connect(f"{_server_url()}/postgres", timeout=5)
    await connection.close()


def _server_url() -> str:
    server = POSTGRES_SERVER.rstrip("/")
    return server.rsplit("/", 1)[0] if server.count("/") > 2 else server


def client_address() -> str:
    """A loopback address of its own for one client (never nginx's 127.0.0.1)."""
    return str(ipaddress.ip_address("127.0.0.0") + secrets.randbelow(2**24 - 512) + 256)


LOCAL_NAMES = x509.SubjectAlternativeName(
    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _unsigned(common_name: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name) -> x509.CertificateBuilder:
    """A certificate of `key` valid for a day, still to be given its extensions and signed."""
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _written(
    certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey, cert_path: Path, key_path: Path
) -> tuple[Path, Path]:
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _unsigned("localhost", key, _name("localhost"))
        .add_extension(LOCAL_NAMES, critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return _written(certificate, key, directory / "fullchain.pem", directory / "privkey.pem")


@dataclass(frozen=True)
class Authority:
    """A certificate authority made for a test: what it signs is trusted by whoever trusts its certificate (the
    file at `path`, e.g. WEBHOOK_CA_FILE) and by nobody else."""

    path: Path
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @classmethod
    def create(cls, directory: Path) -> Authority:
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name("Topologia test CA")
        usage = x509.KeyUsage(False, False, False, False, False, True, True, False, False)  # certificates, CRLs
        certificate = (
            _unsigned("Topologia test CA", key, name)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        path, _ = _written(certificate, key, directory / "test-ca.pem", directory / "test-ca-key.pem")
        return cls(path, certificate, key)

    def issue(self, directory: Path, stem: str) -> tuple[Path, Path]:
        """A server certificate for 127.0.0.1 and localhost signed by this authority, and its key."""
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = (
            _unsigned("localhost", key, self.certificate.subject)
            .add_extension(LOCAL_NAMES, critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        return _written(certificate, key, directory / f"{stem}.pem", directory / f"{stem}-key.pem")


class _ReceiverServer(ThreadingHTTPServer):
    receiver: WebhookReceiver
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A connection that broke before its request arrived (a client that refuses the certificate ends the
        handshake): kept as what went wrong, instead of a traceback on stderr."""
        self.receiver.broke(str(sys.exception()))


class _Delivery(BaseHTTPRequestHandler):
    """One POST to the receiver (HTTP/1.0: one request a connection, as the panel's client sends them)."""

    server: _ReceiverServer
    request: ssl.SSLSocket

    def setup(self) -> None:
        """The TLS handshake first, on its own: a client that breaks it off is then an error (`broken`), where a
        read would take its silence for an empty request."""
        self.request.do_handshake()
        super().setup()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        status = self.server.receiver.receive(body, dict(self.headers.items()))
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the receiver records what the tests look at."""


class WebhookReceiver:
    """The provider's https webhook receiver (Standard Webhooks), in threads of this process, with a certificate
    for 127.0.0.1 and localhost: records the `webhook-id` of every delivery as it arrives, verifies each one's
    signature with the `standardwebhooks` library (204 when it verifies, 400 when not) and processes an id once.
    A client that refuses its certificate sends no request: its connection is in `broken`."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.secret: str | None = None  # the endpoint's signing secret, once it is registered
        self.ids: list[str] = []  # every delivery's webhook-id, in order of arrival (repeats included)
        self.rejected: list[str] = []  # why the deliveries that did not verify did not
        self.processed: dict[str, Any] = {}  # each verified id's payload, once
        self.broken: list[str] = []  # connections that ended before a request, and why
        self._changed = threading.Condition()
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        self._server = _ReceiverServer(("127.0.0.1", 0), _Delivery)
        self._server.receiver = self
        # The handshake happens in the request's thread, so a slow or refusing client holds up no other one.
        self._server.socket = tls.wrap_socket(self._server.socket, server_side=True, do_handshake_on_connect=False)
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}/hooks"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def receive(self, body: bytes, headers: dict[str, str]) -> int:
        """One delivery: recorded, verified, processed once; the status code to answer."""
        webhook_id = next((value for name, value in headers.items() if name.lower() == "webhook-id"), "")
        with self._changed:
            self.ids.append(webhook_id)
            self._changed.notify_all()  # waiters look once this is recorded and the lock released
            try:
                payload = Webhook(self.secret or "").verify(body, headers)
            except WebhookVerificationError as refused:
                self.rejected.append(f"{webhook_id}: {refused}")
                return 400
            self.processed.setdefault(webhook_id, payload)
        return 204

    def broke(self, why: str) -> None:
        with self._changed:
            self.broken.append(why)
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[WebhookReceiver], bool], seconds: float = 10.0) -> bool:
        """Whether `condition` holds within `seconds` (looked at again after each request or broken connection,
        which the receiver's threads record after the client has already seen its end)."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self), seconds)


def _swap(text: str, old: str, new: str) -> str:
    """`old` replaced, once: deploy/nginx.conf changed shape if it is not there exactly once."""
    assert text.count(old) == 1, f"deploy/nginx.conf: expected one {old!r}"
    return text.replace(old, new)


def nginx_config(directory: Path, cert: Path, key: Path, https_port: int, http_port: int, apps: list[int]) -> str:
    """deploy/nginx.conf with local addresses, ports, paths and logs in `directory`."""
    text = (PROJECT_DIR / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    text = _swap(text, "server 172.28.0.11:8000 ", f"server 127.0.0.1:{apps[0]} ")
    text = _swap(text, "server 172.28.0.12:8000 ", f"server 127.0.0.1:{apps[1]} ")
    temporary = "".join(
        f"    {kind}_temp_path {directory / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    for old, new in (
        ("worker_processes auto;", "worker_processes 2;"),
        ("pid /run/nginx.pid;", f"pid {directory / 'nginx.pid'};"),
        ("error_log /dev/stderr warn;", f"error_log {directory / 'nginx-error.log'} warn;"),
        ("access_log /dev/stdout panel;", f"access_log {directory / 'nginx-access.log'} panel;"),
        ("http {\n", "http {\n" + temporary),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("/etc/nginx/tls/fullchain.pem", str(cert)),
        ("/etc/nginx/tls/privkey.pem", str(key)),
    ):
        text = _swap(text, old, new)
    assert "172.28." not in text
    return text


@dataclass
class Process:
    """One of the topology's processes, with its output in a log file."""

    name: str
    command: list[str]
    environment: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: TextIO | None = None

    def start(self) -> None:
        self._log = self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(  # this project's own commands
            self.command, cwd=PROJECT_DIR, env=self.environment, stdout=self._log, stderr=subprocess.STDOUT
        )

    def stop(self, timeout: float = 30.0) -> float:
        """SIGTERM, then wait for the exit (SIGKILL past `timeout`); how long it took, in seconds."""
        began = time.monotonic()
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
        return time.monotonic() - began

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def exit_code(self) -> int | None:
        return None if self.process is None else self.process.poll()


@dataclass
class Topology:
    directory: Path
    cert: Path
    https_port: int
    database_url: str
    smtp: SmtpSink
    environment: dict[str, str]
    apps: list[Process] = field(default_factory=list)
    app_ports: list[int] = field(default_factory=list)
    worker: Process | None = None
    others: list[Process] = field(default_factory=list)
    receiver: WebhookReceiver | None = None  # with `topology(webhook_events=...)`

    @property
    def url(self) -> str:
        return f"https://{PROXY}:{self.https_port}"

    @property
    def ws_url(self) -> str:
        return f"wss://{PROXY}:{self.https_port}/graphql"

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def client(self, address: str | None = None, **options: Any) -> httpx.AsyncClient:
        """An https client of nginx from `address` (a loopback address of its own by default), as a browser on the
        panel's page: its Origin on every request, so cookie sessions pass the cross-site guard."""
        transport = httpx.AsyncHTTPTransport(verify=self.ssl_context(), local_address=address or client_address())
        return httpx.AsyncClient(
            base_url=self.url, transport=transport, headers={"Origin": self.url}, timeout=30.0, **options
        )

    def app_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.app_ports[index]}"

    def restart_app(self, index: int) -> tuple[float, float]:
        """SIGTERM app `index`, start it again, wait until ready: (seconds to stop, seconds to be ready again)."""
        stopped = self.apps[index].stop()
        began = time.monotonic()
        self.apps[index].start()
        wait_ready(self.app_url(index), self.apps[index])
        return stopped, time.monotonic() - began

    def restart_worker(self) -> float:
        assert self.worker is not None
        stopped = self.worker.stop()
        self.worker.start()
        return stopped

    def processes(self) -> list[Process]:
        return [*self.apps, *([self.worker] if self.worker else []), *self.others]

    def log_lines(self) -> list[str]:
        """Every line the panel's processes wrote (their logs survive restarts: appended)."""
        lines: list[str] = []
        for process in (*self.apps, *([self.worker] if self.worker else [])):
            if process.log_path.exists():
                lines += process.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return lines

    def error_lines(self) -> list[str]:
        """The panel's processes' ERROR log lines and tracebacks (JSON lines, and uvicorn's own text)."""
        return [
            line
            for line in self.log_lines()
            if '"level": "ERROR"' in line or line.startswith(("ERROR", "CRITICAL")) or line.startswith("Traceback")
        ]

    def nginx_log(self, name: str) -> list[str]:
        path = self.directory / f"nginx-{name}.log"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def wait_ready(url: str, process: Process) -> None:
    """Until `url`/readyz answers 200 (bounded), failing at once if the process exited."""
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.exit_code is not None:
            raise RuntimeError(f"{process.name} exited ({process.exit_code}): see {process.log_path}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{process.name} not ready within {READY_SECONDS} s: see {process.log_path}")


def wait_port(port: int, process: Process) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.exit_code is not None:
            raise RuntimeError(f"{process.name} exited ({process.exit_code}): see {process.log_path}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"{process.name} did not listen on {port}")


def production_environment(database_url: str, redis_url: str, smtp_port: int, public_url: str) -> dict[str, str]:
    """A production process's settings (keys made here), without any setting this process was given."""
    declared = {each.variable for each in SETTINGS}
    inherited = {name: value for name, value in os.environ.items() if name not in declared}
    fernet = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    return inherited | {
        "ENVIRONMENT": "production",
        "DATABASE_URL": database_url,
        "RATE_LIMIT_URL": redis_url,
        "PUBLIC_BASE_URL": public_url,
        "SECRET_KEYS": secrets.token_urlsafe(32),
        "ENCRYPTION_KEYS": f"topology:{fernet}",
        "WEBAUTHN_RP_ID": "localhost",
        "WEBAUTHN_ORIGINS": "https://localhost",
        "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "RUN_WORKERS": "false",
        "FORWARDED_ALLOW_IPS": PROXY,
        # Cheap hashing: many sign-ins on two CPUs; a cancellation completes as soon as it is confirmed.
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        "WORKER_POLL_SECONDS": "0.2",
        "CANCELLATION_COMPLETION_DELAY_MINUTES": "0",
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    }


def run_cli(environment: dict[str, str], *arguments: str) -> str:
    result = subprocess.run(  # this project's own command
        [sys.executable, "cli.py", *arguments],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@contextmanager
def throwaway_database() -> Iterator[str]:
    name = f"cp_topology_{secrets.token_hex(6)}"
    server = _server_url()

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(f"{server}/postgres")
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def topology(
    *,
    accounts: int = 1,
    services: int = 1,
    settings: dict[str, str] | None = None,
    webhook_events: tuple[str, ...] = (),
) -> Iterator[Topology]:
    """The whole topology, migrated, with `accounts` accounts (client numbers 5001, 5002, ...; PASSWORD; holder
    `titular+N@topologia.example` but the first, HOLDER_EMAIL) of `services` services each, the processes' settings
    changed by `settings`; with `webhook_events`, a WebhookReceiver registered for them (`cli.py webhook-add`) that
    the worker delivers to; everything stopped after."""
    assert NGINX is not None
    assert REDIS is not None
    with ExitStack() as stack:
        directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cp-topology-")))
        smtp = SmtpSink()
        smtp.start()
        stack.callback(smtp.stop)
        database_url = stack.enter_context(throwaway_database())
        redis_port, https_port, http_port = free_port(), free_port(), free_port()
        redis = Process(
            "redis",
            [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)],
            dict(os.environ),
            directory / "redis.log",
        )
        redis.start()
        stack.callback(redis.stop)
        wait_port(redis_port, redis)
        public_url = f"https://{PROXY}:{https_port}"
        environment = production_environment(database_url, f"redis://127.0.0.1:{redis_port}/0", smtp.port, public_url)
        environment |= settings or {}
        receiver = stack.enter_context(webhook_receiver(directory, environment)) if webhook_events else None
        run_cli(environment, "migrate")
        _seed(environment, accounts, services)
        if receiver is not None:
            receiver.secret = register(environment, receiver.url, webhook_events)

        cert, key = self_signed(directory)
        found = Topology(directory, cert, https_port, database_url, smtp, environment, others=[redis])
        found.receiver = receiver
        for index in range(2):
            port = free_port()
            app = Process(
                f"app{index + 1}",
                [sys.executable, "cli.py", "serve", "--host", "127.0.0.1", "--port", str(port)],
                environment,
                directory / f"app{index + 1}.log",
            )
            app.start()
            stack.callback(app.stop)
            found.apps.append(app)
            found.app_ports.append(port)
        found.worker = Process("worker", [sys.executable, "cli.py", "worker"], environment, directory / "worker.log")
        found.worker.start()
        stack.callback(lambda: found.worker.stop() if found.worker else None)
        for index, app in enumerate(found.apps):
            wait_ready(found.app_url(index), app)

        config = directory / "nginx.conf"
        config.write_text(nginx_config(directory, cert, key, https_port, http_port, found.app_ports), encoding="utf-8")
        nginx = Process(
            "nginx",
            [
                NGINX,
                "-c",
                str(config),
                "-p",
                f"{directory}/",
                "-e",
                str(directory / "nginx-error.log"),
                "-g",
                "daemon off;",
            ],
            dict(os.environ),
            directory / "nginx.log",
        )
        nginx.start()
        stack.callback(nginx.stop)
        found.others.append(nginx)
        wait_port(https_port, nginx)
        yield found


@contextmanager
def webhook_receiver(directory: Path, environment: dict[str, str]) -> Iterator[WebhookReceiver]:
    """A running receiver with a certificate from a CA of its own, which `environment` (changed here) trusts by
    WEBHOOK_CA_FILE; its loopback address is allowed by WEBHOOK_ALLOWED_NETWORKS, as a receiver on the provider's
    own network would be. Production's rule stands: the endpoint is https."""
    authority = Authority.create(directory)
    receiver = WebhookReceiver(*authority.issue(directory, "receiver"))
    environment |= {"WEBHOOK_CA_FILE": str(authority.path), "WEBHOOK_ALLOWED_NETWORKS": "127.0.0.1/32"}
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()


def register(environment: dict[str, str], url: str, event_types: tuple[str, ...]) -> str:
    """A webhook endpoint for `event_types` at `url`, by `cli.py webhook-add`; its signing secret."""
    printed = run_cli(environment, "webhook-add", url, "--events", ",".join(event_types))
    [secret] = [line.rpartition(": ")[2] for line in printed.splitlines() if line.startswith("signing secret")]
    return secret


def _seed(environment: dict[str, str], accounts: int, services: int) -> None:
    """The accounts and their services through the staff commands, an account's chain of them beside the others'."""
    due = (datetime.date.today() + datetime.timedelta(days=40)).isoformat()

    def account(index: int) -> None:
        number = str(int(CLIENT_NUMBER) + index)
        email = HOLDER_EMAIL if index == 0 else f"titular+{index}@topologia.example"
        holder = ("--first-name", "Ana", "--last-name", "Topología", "--email", email, "--password", PASSWORD)
        run_cli(environment, "create-account", number, *holder)
        for service in range(services):
            domain = f"topologia{number}-{service}.com.ar"
            run_cli(environment, "create-service", number, f"Hosting {service + 1}", "--domain", domain, "--due", due)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(account, range(accounts)))


@contextmanager
def topology_for_test(**options: Any) -> Iterator[Topology]:
    """`topology()` for a test: skipped when something is missing, except under CI (CI=true), which must run it."""
    if (reason := unavailable()) is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the production topology: {reason}")
        pytest.skip(reason)
    with topology(**options) as found:
        yield found


async def graphql(client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The `data` of a GraphQL request that must succeed (HTTP 200, no top-level errors)."""
    answer = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body
    return dict(body["data"])


async def sign_in(client: httpx.AsyncClient, login: str = CLIENT_NUMBER, password: str = PASSWORD) -> None:
    answer = await graphql(client, SIGN_IN, {"i": {"login": login, "password": password}})
    assert answer["signIn"]["errors"] == [], answer


def session_cookie(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


class LiveSocket:
    """A graphql-transport-ws client of nginx over wss, with the session cookie of a signed-in client."""

    def __init__(self, found: Topology, client: httpx.AsyncClient, address: str) -> None:
        self.found, self.cookie, self.address = found, session_cookie(client), address
        self.connection: websockets.ClientConnection | None = None

    async def open(self, query: str = SUBSCRIPTION) -> None:
        """Connect, initialise and subscribe (the first message, the current state, is left to `next`)."""
        self.connection = await websockets.connect(
            self.found.ws_url,
            ssl=self.found.ssl_context(),
            subprotocols=[websockets.Subprotocol(PROTOCOL)],
            additional_headers={"Cookie": self.cookie, "Origin": self.found.url},
            local_addr=(self.address, 0),
            open_timeout=10,
        )
        await self.send({"type": "connection_init", "payload": {}})
        assert (await self.receive())["type"] == "connection_ack"
        await self.send({"id": "1", "type": "subscribe", "payload": {"query": query}})

    async def send(self, message: dict[str, Any]) -> None:
        assert self.connection is not None
        await self.connection.send(json.dumps(message))

    async def receive(self, seconds: float = 10.0) -> dict[str, Any]:
        """The next message but pings (answered), within `seconds`; raises websockets.ConnectionClosed."""
        assert self.connection is not None
        while True:
            message = json.loads(await asyncio.wait_for(self.connection.recv(), seconds))
            if message["type"] == "ping":
                await self.send({"type": "pong"})
                continue
            return dict(message)

    async def next_data(self, seconds: float = 10.0) -> dict[str, Any]:
        message = await self.receive(seconds)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return dict(message["payload"]["data"])

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()
