"""The one place that reads the environment.

Each setting is declared once, as a field of `Settings`: its variable, Python type, default
(another one in production where that differs), the rules its value must meet and its meaning.
Reading (`Settings.from_env`), validation and README.md's settings table (`markdown_table`) all
come from those declarations, so they cannot drift apart. Every value is read and checked once,
at start-up; a bad one stops the process with a message naming the variable.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
import re
import ssl
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar, get_type_hints
from urllib.parse import urlsplit

from core import outbound
from core.branding import Branding, BrandingError, load_branding

PROJECT_DIR = Path(__file__).resolve().parent
ENVIRONMENTS = ("development", "test", "production")
DEVELOPMENT_KEY = "development-only-secret-key-do-not-use-in-production"  # production refuses it
# The development encryption key (id `dev`); production refuses it and requires ENCRYPTION_KEYS.
DEVELOPMENT_ENCRYPTION_KEY = "dev:" + base64.urlsafe_b64encode(b"development-only-encryption-key!").decode()
KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,40}")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
WEBHOOK_LEASE_SECONDS = 300  # how long a worker holds a webhook delivery it sends; twice its timeout at least
# Second-level labels under which country domains register names (example.com.ar, example.co.uk): the
# simple stand-in for the public suffix list that the same-site rule uses (see `registrable_domain`).
SECOND_LEVEL_LABELS = frozenset({"ac", "co", "com", "edu", "gob", "gov", "int", "mil", "net", "nom", "org"})
TRUE_WORDS = ("true", "1", "yes", "on")
FALSE_WORDS = ("false", "0", "no", "off")
DECLARATION = "setting"  # the key of a field's declaration in its metadata

T = TypeVar("T")
Reader = Callable[[str, str], Any]  # (variable, its raw text) -> the value, or None to keep the default


class SettingsError(ValueError):
    """A setting has a bad value; the message names the variable and what it wants."""


# Rules: what a value must be. Each one also says, for the settings table, what it accepts.


@dataclass(frozen=True, slots=True)
class Rule:
    """A condition a value (each item, for a list of origins) must meet.

    `problem` follows the variable's name in the refusal (`{value!r}` shows the value);
    `accepts` describes the allowed values in the settings table."""

    holds: Callable[[Any], bool]
    problem: str
    accepts: str

    def check(self, variable: str, value: Any) -> None:
        for item in value if isinstance(value, tuple) else (value,):
            if not self.holds(item):
                raise SettingsError(f"{variable}: {self.problem.format(value=item)}")


def one_of(choices: tuple[str, ...]) -> Rule:
    """Allowed values, listed in the refusal and the table."""
    listed = ", ".join(f"`{choice}`" for choice in choices[:-1]) + f" or `{choices[-1]}`"
    return Rule(lambda value: value in choices, f"must be one of {', '.join(choices)}, not {{value!r}}", listed)


def between(low: int, high: int, note: str) -> Rule:
    """Bounds, both included; `note` says what they amount to (e.g. `24 hours`)."""
    return Rule(
        lambda value: low <= value <= high, f"must be between {low} and {high} ({note})", f"{low} to {high} ({note})"
    )


POSITIVE = Rule(lambda value: value >= 1, "must be a positive whole number", "1 or more")


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, as browsers send it in the Origin header."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _is_http_origin(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.path in ("", "/")


def _is_origin(origin: str) -> bool:
    return origin_of(origin) == origin and bool(urlsplit(origin).netloc)


def _is_domain(name: str) -> bool:
    """A host name as WebAuthn takes it for a relying-party id: lower-case labels, no scheme, port or IP."""
    labels = name.split(".")
    label = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
    return all(label.fullmatch(part) for part in labels) and not labels[-1].isdigit()


def _is_smtp_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("smtp", "smtps") and bool(parts.hostname)


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _is_file_if_set(path: str) -> bool:
    return not path or Path(path).is_file()


def _is_directory_if_set(path: str) -> bool:
    return not path or Path(path).is_dir()


def _is_file(path: str) -> bool:
    return Path(path).is_file()


def _is_keyring_entry(entry: str) -> bool:
    """`id:key`: a short id, then a Fernet key (32 random bytes in URL-safe base64)."""
    key_id, _, key = entry.partition(":")
    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, ValueError):
        return False
    return bool(KEY_ID.fullmatch(key_id)) and len(raw) == 32 and len(key) == 44


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _is_bind(text: str) -> bool:
    """Empty (off) or host:port with a port number."""
    host, _, port = text.rpartition(":")
    return text == "" or (bool(host) and port.isdigit() and 0 < int(port) < 65536)


def registrable_domain(host: str) -> str:
    """The part of a host name that browsers treat as its site, by a simple rule instead of the public
    suffix list: the last two labels (proveedor.com), or three when the second-to-last is a generic
    second level under a two-letter country code (proveedor.com.ar, proveedor.co.uk). IP addresses and
    single labels (localhost) are their own site."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        country = len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL_LABELS
        return ".".join(labels[-3:] if country else labels[-2:])
    return host


def site_of(origin: str) -> tuple[str, str]:
    """An origin's (scheme, registrable domain): browsers send SameSite cookies only within one site."""
    parts = urlsplit(origin)
    return parts.scheme, registrable_domain(parts.hostname or "")


# Readers: how a variable's text becomes a value of the field's type.


def _unless_blank(read: Reader) -> Reader:
    """An unset or blank variable keeps the default."""

    def reader(variable: str, raw: str) -> Any:
        return read(variable, raw) if raw.strip() else None

    return reader


def _lowercase(variable: str, raw: str) -> str:
    """ENVIRONMENT in any case; set but blank, it is refused rather than taken for development."""
    return raw.strip().lower()


@_unless_blank
def _text(variable: str, raw: str) -> str:
    return raw.strip()


@_unless_blank
def _bool(variable: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in TRUE_WORDS + FALSE_WORDS:
        raise SettingsError(f"{variable}: must be true or false, not {raw!r}")
    return value in TRUE_WORDS


@_unless_blank
def _int(variable: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{variable}: must be a whole number, not {raw!r}") from exc


@_unless_blank
def _float(variable: str, raw: str) -> float:
    try:
        return float(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{variable}: must be a number, not {raw!r}") from exc


@_unless_blank
def _comma_list(variable: str, raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@_unless_blank
def _origins(variable: str, raw: str) -> tuple[str, ...]:
    return tuple(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


@dataclass(frozen=True, slots=True)
class Kind:
    """How a field's Python type is read from its variable, and what the table says it accepts."""

    read: Reader
    accepts: str


KINDS: dict[object, Kind] = {
    str: Kind(_text, "text"),
    bool: Kind(_bool, ", ".join(f"`{yes}`/`{no}`" for yes, no in zip(TRUE_WORDS, FALSE_WORDS, strict=True))),
    int: Kind(_int, "a whole number"),
    float: Kind(_float, "a number"),
    tuple[str, ...]: Kind(_origins, "comma-separated origins"),
}


# Declarations.


@dataclass(frozen=True, slots=True)
class SettingDeclaration:
    """What a `Settings` field declares besides its name, type and default."""

    variable: str
    meaning: str
    rules: tuple[Rule, ...] = ()
    in_production: Any = None  # the default when ENVIRONMENT=production, where it differs
    read: Reader | None = None  # instead of the type's own reader


def setting(
    variable: str,
    default: T,
    meaning: str,
    *rules: Rule,
    in_production: T | None = None,
    read: Reader | None = None,
    secret: bool = False,
) -> T:
    """A `Settings` field filled from the environment variable `variable`; a secret one stays out of repr()."""
    declaration = SettingDeclaration(variable, meaning, rules, in_production, read)
    return field(default=default, metadata={DECLARATION: declaration}, repr=not secret)


@dataclass(frozen=True, slots=True)
class Settings:
    """What the process runs with; every field is a declared setting (see `setting`)."""

    environment: str = setting(
        "ENVIRONMENT",
        "development",
        "production turns GraphiQL and introspection off and requires `SECRET_KEYS` (or `SECRET_KEY`) and"
        " `ENCRYPTION_KEYS`",
        one_of(ENVIRONMENTS),
        read=_lowercase,
    )
    database_url: str = setting(
        "DATABASE_URL",
        f"sqlite://{PROJECT_DIR / 'var' / 'clientpanel.sqlite3'}",
        "the database; its kind also picks the migration tree and the event bus",
        Rule(
            lambda url: url.startswith(("sqlite://", "postgres://", "postgresql://")),
            "must start with sqlite:// or postgres:// (e.g. postgres://user@host:5432/db)",
            "`sqlite://PATH` or `postgres://user:pass@host:port/db`",
        ),
    )
    secret_key: str = setting(
        "SECRET_KEY",
        DEVELOPMENT_KEY,
        "one hashing key: the same as `SECRET_KEYS` with a single key (set one of the two)",
        Rule(lambda key: len(key) >= 32, "must be at least 32 characters", "32 or more characters"),
        secret=True,
    )
    secret_keys: tuple[str, ...] = setting(
        "SECRET_KEYS",
        (),
        "keys of the hashes of stored tokens, links and codes (sessions, API tokens, recovery, email-change and"
        " invitation links, cancellation codes, the device cookie): the first hashes, every one is tried, so a new"
        " key goes first and the old one stays until what it hashed has expired (docs/operations.md); required in"
        " production (or `SECRET_KEY`)",
        Rule(
            lambda key: len(key) >= 32,
            "each key must be at least 32 characters",
            "comma-separated keys of 32 or more characters, the newest first",
        ),
        read=_comma_list,
        secret=True,
    )
    encryption_keys: tuple[str, ...] = setting(
        "ENCRYPTION_KEYS",
        (DEVELOPMENT_ENCRYPTION_KEY,),
        "the keyring of secrets stored reversibly (Fernet): the first encrypts, every one decrypts, each value"
        " names its key id; separate from `SECRET_KEYS`; `cli.py rotate-encryption` re-encrypts under the first"
        " (docs/operations.md); required in production",
        Rule(
            _is_keyring_entry,
            "each entry must be id:key, a short id ([A-Za-z0-9._-]) and a Fernet key (32 random bytes in URL-safe"
            " base64, 44 characters); generate one with"
            ' `python -c "import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())"`',
            "comma-separated `id:key` pairs (a Fernet key), the newest first, e.g. `2026-12:<44 characters>`",
        ),
        read=_comma_list,
        secret=True,
    )
    public_base_url: str = setting(
        "PUBLIC_BASE_URL",
        "http://localhost:8000",
        "where customers reach the panel; links in emails are built from it (never from the Host header);"
        " `https://` makes cookies Secure",
        Rule(
            _is_http_origin,
            "must be an http(s) origin such as https://clientes.example.com",
            "an `http(s)://host[:port]` origin",
        ),
    )
    allowed_origins: tuple[str, ...] = setting(
        "ALLOWED_ORIGINS",
        (),
        "extra origins allowed to use cookie sessions and WebSockets (e.g. a SPA on another host)",
        Rule(
            _is_origin,
            "{value!r} is not an origin like https://panel.example.com",
            "comma-separated origins like `https://panel.example.com`",
        ),
    )
    token_origins: tuple[str, ...] = setting(
        "TOKEN_ALLOWED_ORIGINS",
        (),
        "origins whose pages may call the API with a bearer token (CORS without credentials; never the cookie session)",
        Rule(
            _is_origin,
            "{value!r} is not an origin like https://panel.example.com",
            "comma-separated origins like `https://partner.example.com`",
        ),
    )
    smtp_url: str = setting(
        "SMTP_URL",
        "smtp://127.0.0.1:8025",
        "the mail server; `smtp://` uses STARTTLS when the server offers it",
        Rule(
            _is_smtp_url,
            "must look like smtp://user:password@host:587 or smtps://host:465",
            "`smtp://user:pass@host:587` or `smtps://host:465`",
        ),
    )
    mail_from: str = setting("MAIL_FROM", "Panel de Clientes <no-reply@localhost>", "sender of every email")
    timezone: str = setting(
        "TIMEZONE",
        "America/Argentina/Buenos_Aires",
        "the provider's time zone: due dates and cancellation deadlines are computed in it",
        Rule(_is_time_zone, "unknown time zone {value!r}", "an IANA time zone name"),
    )
    branding_file: str = setting(
        "BRANDING_FILE",
        str(PROJECT_DIR / "branding.demo.toml"),
        "the provider's brand, one TOML file for the panel and the emails: name, logo, colours, support contacts,"
        " legal footer, links to its billing and help-desk systems (the default is a fictional demo provider: copy"
        " it and write your own); a wrong key or value stops start-up saying which",
        Rule(_is_file, "no such file {value!r}", "the path of a TOML file like `branding.demo.toml`"),
    )
    graphiql: bool = setting("GRAPHIQL", True, "serve GraphiQL at `/graphql`", in_production=False)
    introspection: bool = setting("INTROSPECTION", True, "allow schema introspection", in_production=False)
    rate_limit_url: str = setting(
        "RATE_LIMIT_URL",
        "memory://",
        "where rate limits and mail budgets are counted; `redis://` so several processes share the limits",
        Rule(
            lambda url: url.startswith(("memory://", "redis://", "rediss://")),
            "must be memory:// or redis://host:6379/0",
            "`memory://` or `redis://host:6379/0` (`rediss://` with TLS)",
        ),
    )
    session_idle_minutes: int = setting("SESSION_IDLE_MINUTES", 60, "a session unused this long ends", POSITIVE)
    session_lifetime_hours: int = setting(
        "SESSION_LIFETIME_HOURS", 12, "a session ends this long after sign-in, used or not", POSITIVE
    )
    argon2_time_cost: int = setting(
        "ARGON2_TIME_COST", 3, "argon2id time cost (passes) for passwords and PINs", POSITIVE
    )
    argon2_memory_kib: int = setting(
        "ARGON2_MEMORY_KIB", 65536, "argon2id memory cost, in KiB, for passwords and PINs", POSITIVE
    )
    run_workers: bool = setting(
        "RUN_WORKERS",
        True,
        "run the background workers (mail delivery, cancellation completion) inside the server process",
    )
    worker_poll_seconds: float = setting("WORKER_POLL_SECONDS", 1.0, "how often idle workers look for work")
    worker_heartbeat_file: str = setting(
        "WORKER_HEARTBEAT_FILE",
        "",
        "`cli.py worker` writes each worker's last pass here (JSON, replaced atomically) for `cli.py worker-health`,"
        " its liveness check; one file per worker process; empty: not written",
    )
    forwarded_allow_ips: tuple[str, ...] = setting(
        "FORWARDED_ALLOW_IPS",
        (),
        "the proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` `cli.py serve` believes (the address that"
        " per-address limits count, and https); empty: nobody's, so a process reached directly counts the"
        " connecting address and no client can choose its own. Behind nginx, its address only (`127.0.0.1` on"
        " the same host), never a network that clients share: whoever connects from a trusted address picks any"
        " client address",
        Rule(
            _is_network,
            "{value!r} is not an address or network (e.g. 127.0.0.1 or 10.0.0.0/24)",
            "comma-separated addresses or networks (CIDR); `*` is refused",
        ),
        read=_comma_list,
    )
    graceful_shutdown_seconds: int = setting(
        "GRACEFUL_SHUTDOWN_SECONDS",
        20,
        "on SIGTERM `cli.py serve` stops accepting connections and, once the proxy has let go of the open ones (5 s"
        " at most), closes its WebSockets with 1012 (service restart: clients reconnect to another process) and"
        " waits this long for in-flight requests before cancelling them; `cli.py worker` waits this long for its"
        " workers' passes to end. Keep it 5 s under the supervisor's stop timeout (compose's `stop_grace_period`,"
        " systemd's `TimeoutStopSec`: 30 s in deploy/)",
        between(1, 300, "5 minutes"),
    )
    retention_sessions_days: int = setting(
        "RETENTION_SESSIONS_DAYS",
        30,
        "sessions that ended or expired are deleted this long after (the activity history keeps the sign-ins)",
        POSITIVE,
    )
    retention_links_days: int = setting(
        "RETENTION_LINKS_DAYS",
        30,
        "used, voided or expired recovery requests and links, sign-in and passkey challenges are deleted, and"
        " expired invitations' tokens cleared, this long after",
        POSITIVE,
    )
    retention_outbox_days: int = setting(
        "RETENTION_OUTBOX_DAYS",
        30,
        "sent or failed outbox rows are deleted this long after they were queued (the mail archive is kept)",
        POSITIVE,
    )
    retention_staff_audit_days: int = setting(
        "RETENTION_STAFF_AUDIT_DAYS", 365, "staff API audit rows older than this are deleted", POSITIVE
    )
    activity_pseudonymise_days: int = setting(
        "ACTIVITY_PSEUDONYMISE_DAYS",
        180,
        "the activity history is kept for the life of the account; its IP addresses and user agents are replaced"
        " by a keyed hash prefix this long after each event",
        POSITIVE,
    )
    cancellation_completion_delay_minutes: int = setting(
        "CANCELLATION_COMPLETION_DELAY_MINUTES",
        60,
        "how long after confirmation a cancellation is carried out",
        between(0, 24 * 60, "24 hours"),
    )
    deprovision_hook: str = setting(
        "DEPROVISION_HOOK",
        "core.deprovision:record_only",
        "called to delete a cancelled service's content",
        Rule(lambda hook: ":" in hook, "must name a callable as module:function", "`module:function`"),
    )
    deprovision_by: str = setting(
        "DEPROVISION_BY",
        "hook",
        "who deletes a cancelled service's content: `hook` (DEPROVISION_HOOK, in this process) or `webhook` (the"
        " provider, told by `service.deprovision_requested`, answers with the staff API's `serviceDeprovisioned`)",
        one_of(("hook", "webhook")),
    )
    staff_bind: str = setting(
        "STAFF_BIND",
        "",
        "host:port where `cli.py serve` also serves the staff API (its own GraphQL schema for the billing system"
        " and support tools, authenticated by staff keys); empty: no staff API",
        Rule(_is_bind, "must be host:port, e.g. 127.0.0.1:8001, not {value!r}", "`host:port`, or empty"),
    )
    staff_allowed_networks: tuple[str, ...] = setting(
        "STAFF_ALLOWED_NETWORKS",
        (),
        "if set, the staff API answers only callers from these networks (others get 403), e.g. `10.0.5.0/24`",
        Rule(_is_network, "{value!r} is not a network (e.g. 10.0.5.0/24)", "comma-separated networks (CIDR)"),
        read=_comma_list,
    )
    staff_requests_per_minute: int = setting(
        "STAFF_REQUESTS_PER_MINUTE", 600, "requests a staff key may make per minute (429 beyond)", POSITIVE
    )
    staff_alert_email: str = setting(
        "STAFF_ALERT_EMAIL",
        "",
        "where the panel alerts the provider's staff (a cancellation overdue, a webhook endpoint disabled); empty:"
        " alerts are only logged and reported by the staff API",
    )
    metrics_token: str = setting(
        "METRICS_TOKEN",
        "",
        "the bearer token Prometheus sends to scrape `/metrics` (`Authorization: Bearer <token>`; others get 401);"
        " empty: no `/metrics` (404)",
        Rule(lambda token: not token or len(token) >= 32, "must be at least 32 characters", "32 or more characters"),
        secret=True,
    )
    prometheus_multiproc_dir: str = setting(
        "PROMETHEUS_MULTIPROC_DIR",
        "",
        "prometheus-client's multiprocess mode: a directory shared by every process of the deployment and emptied"
        " before they start, so a scrape of any one reports all of them; empty: each process reports its own",
        Rule(_is_directory_if_set, "no such directory {value!r}", "the path of an existing directory"),
    )
    webauthn_rp_id: str = setting(
        "WEBAUTHN_RP_ID",
        "localhost",
        "the passkeys' relying-party id: the panel's registrable domain, e.g. `clientes.example.com.ar` or"
        " `example.com.ar`; changing it orphans every registered passkey, so it never follows another setting"
        " (required in production)",
        Rule(_is_domain, "{value!r} is not a domain name like clientes.example.com.ar", "a domain name"),
    )
    webauthn_origins: tuple[str, ...] = setting(
        "WEBAUTHN_ORIGINS",
        ("http://localhost:8000",),
        "the origins where passkeys may be used (the panel's own, e.g. `https://clientes.example.com.ar`);"
        " each must be the relying-party id or under it (required in production)",
        Rule(
            _is_origin,
            "{value!r} is not an origin like https://clientes.example.com.ar",
            "comma-separated origins (https in production)",
        ),
        read=_comma_list,
    )
    factor_reset_wait_hours: int = setting(
        "FACTOR_RESET_WAIT_HOURS",
        72,
        "how long a support reset of the holder's lost second factors waits, with notices and a one-click cancel,"
        " before it takes effect",
        between(1, 24 * 30, "30 days"),
    )
    log_level: str = setting(
        "LOG_LEVEL", "INFO", "log level (logs are JSON lines on stderr, one per GraphQL operation)"
    )
    max_query_depth: int = setting(
        "MAX_QUERY_DEPTH", 12, "deeper documents are refused before any resolver runs (`QUERY_TOO_DEEP`)", POSITIVE
    )
    max_query_aliases: int = setting(
        "MAX_QUERY_ALIASES",
        30,
        "documents with more aliases are refused before any resolver runs (`TOO_MANY_ALIASES`)",
        POSITIVE,
    )
    max_query_cost: int = setting(
        "MAX_QUERY_COST",
        5000,
        "cost budget: each field counts once per item its enclosing lists may return (`first`/`last`, or the"
        " variable's default when it is not sent, else 20; `nodes(ids:)` by its number of ids)"
        " (`QUERY_TOO_COMPLEX`). Fragments are measured once, so refusing costs work proportional to the document",
        POSITIVE,
    )
    max_query_tokens: int = setting(
        "MAX_QUERY_TOKENS", 2000, "documents with more tokens are not parsed (`GRAPHQL_PARSE_FAILED`)", POSITIVE
    )
    max_body_bytes: int = setting(
        "MAX_BODY_BYTES", 100_000, "larger request bodies get 413 (`REQUEST_TOO_LARGE`)", POSITIVE
    )
    persisted_queries_only: bool = setting(
        "PERSISTED_QUERIES_ONLY", False, "accept only the operations of `PERSISTED_QUERIES_FILE`"
    )
    persisted_queries_file: str = setting(
        "PERSISTED_QUERIES_FILE",
        "",
        'JSON manifest `{ "<sha256>": "<query>" }` of allowed operations; required with `PERSISTED_QUERIES_ONLY`',
        Rule(_is_file_if_set, "no such file {value!r}", "the path of an existing file"),
    )
    step_up_minutes: int = setting(
        "STEP_UP_MINUTES",
        5,
        "how long a sign-in or `reauthenticate` counts as a recent proof of identity for protected changes"
        " (`STEP_UP_REQUIRED` after)",
        POSITIVE,
    )
    ws_max_per_session: int = setting(
        "WS_MAX_PER_SESSION",
        10,
        "open WebSockets allowed per session in each server process (close code 4429 beyond)",
        POSITIVE,
    )
    ws_max_per_token: int = setting(
        "WS_MAX_PER_TOKEN",
        20,
        "open WebSockets allowed per API token in each server process (close code 4429 beyond)",
        POSITIVE,
    )
    ws_max_per_ip: int = setting(
        "WS_MAX_PER_IP",
        100,
        "open WebSockets allowed per client address in each server process, counting those still waiting for"
        " `connection_init` (close code 4429 beyond)",
        POSITIVE,
    )
    security_mail_per_recipient_hour: int = setting(
        "SECURITY_MAIL_PER_RECIPIENT_HOUR",
        5,
        "codes, links and password notices per recipient address and hour",
        POSITIVE,
    )
    invitations_per_address_day: int = setting(
        "INVITATIONS_PER_ADDRESS_DAY", 3, "contact invitations per address and day", POSITIVE
    )
    customer_mail_per_account_hour: int = setting(
        "CUSTOMER_MAIL_PER_ACCOUNT_HOUR",
        30,
        "emails that a customer's actions may trigger per account and hour",
        POSITIVE,
    )

    webhook_timeout_seconds: int = setting(
        "WEBHOOK_TIMEOUT_SECONDS",
        10,
        "how long a webhook delivery may take (resolving the host, connecting, the receiver's answer)",
        between(1, WEBHOOK_LEASE_SECONDS // 2 - 1, "less than half the 5-minute lease a worker holds a delivery by"),
    )
    webhook_first_retry_seconds: int = setting(
        "WEBHOOK_FIRST_RETRY_SECONDS",
        30,
        "the wait after a webhook delivery's first failure; each later wait doubles (with up to 20% jitter either way)",
        POSITIVE,
    )
    webhook_max_retry_minutes: int = setting(
        "WEBHOOK_MAX_RETRY_MINUTES", 240, "the longest wait between two attempts of a webhook delivery", POSITIVE
    )
    webhook_retry_hours: int = setting(
        "WEBHOOK_RETRY_HOURS",
        72,
        "how long after its event a webhook delivery is still retried; then it is marked failed",
        POSITIVE,
    )
    webhook_disable_after_days: int = setting(
        "WEBHOOK_DISABLE_AFTER_DAYS",
        5,
        "a webhook endpoint whose every delivery failed for this long is disabled (an operator log line says so)",
        POSITIVE,
    )
    webhook_secret_overlap_hours: int = setting(
        "WEBHOOK_SECRET_OVERLAP_HOURS",
        24,
        "after `cli.py webhook-rotate`, how long deliveries are also signed with the previous secret",
        POSITIVE,
    )
    webhook_retention_days: int = setting(
        "WEBHOOK_RETENTION_DAYS",
        30,
        "how long webhook events and deliveries are kept once delivered or failed (their bodies hold customers'"
        " details); pending ones are kept until they end",
        POSITIVE,
    )
    webhook_allowed_networks: tuple[str, ...] = setting(
        "WEBHOOK_ALLOWED_NETWORKS",
        (),
        "networks that webhooks may be delivered to although they are not public (loopback, private, link-local,"
        " CGNAT, metadata, ... are refused otherwise, also in their IPv4-mapped, 6to4 and NAT64 forms), e.g."
        " `10.0.5.0/24` for a billing system on the provider's own network",
        Rule(_is_network, "{value!r} is not a network (e.g. 10.0.5.0/24)", "comma-separated networks (CIDR)"),
        read=_comma_list,
    )
    webhook_ca_file: str = setting(
        "WEBHOOK_CA_FILE",
        "",
        "CA certificates that webhook deliveries trust besides the public CAs (certifi's Mozilla bundle, which stay"
        " trusted), e.g. the provider's internal CA for a receiver on its own network; empty: the public CAs only;"
        " read again by each delivery pass, so a renewed file needs no restart",
        Rule(_is_file_if_set, "no such file {value!r}", "the path of a PEM file of CA certificates"),
    )

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgres`: picks the migration tree and the event bus."""
        return "sqlite" if self.database_url.startswith("sqlite") else "postgres"

    @property
    def staff_address(self) -> tuple[str, int] | None:
        """STAFF_BIND as (host, port), or None when the staff API is off."""
        if not self.staff_bind:
            return None
        host, _, port = self.staff_bind.rpartition(":")
        return host.strip("[]"), int(port)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def hashing_keys(self) -> tuple[str, ...]:
        """The keys of token and code hashes, the one that hashes first: SECRET_KEYS, else SECRET_KEY."""
        return self.secret_keys or (self.secret_key,)

    @property
    def secure_cookies(self) -> bool:
        return self.public_base_url.startswith("https://")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def branding(self) -> Branding:
        """The provider's brand from BRANDING_FILE (checked with the other settings)."""
        return load_branding(self.branding_file)

    @property
    def origins(self) -> frozenset[str]:
        """Origins allowed to use cookie sessions: the public base URL's own, plus the allowlist.

        In development, localhost and 127.0.0.1 are the same server, whichever the browser opened."""
        own = origin_of(self.public_base_url)
        aliases = {own.replace("//localhost", "//127.0.0.1"), own.replace("//127.0.0.1", "//localhost")}
        return frozenset({own, *self.allowed_origins, *(aliases if self.environment == "development" else ())})

    def with_(self, **changes: Any) -> Settings:
        """A copy with some values changed (tests and the CLI use it)."""
        return _validated(replace(self, **changes))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of the variables that are set; the others keep their (production) defaults."""
        env = os.environ if environ is None else environ
        given = {s.attribute: value for s in SETTINGS if (value := s.read(env)) is not None}
        production = given.get("environment") == "production"
        _check_keys_given(given, production)
        defaults = _production_defaults() if production else {}
        return _check_at_start_up(_validated(cls(**(defaults | given))))


@dataclass(frozen=True, slots=True)
class Setting:
    """One declared setting, complete: the `Settings` attribute it fills, its type's kind and default."""

    attribute: str
    kind: Kind
    default: Any
    declared: SettingDeclaration

    @property
    def variable(self) -> str:
        return self.declared.variable

    def read(self, env: Mapping[str, str]) -> Any:
        """The variable's value, or None when it is not set (the default applies)."""
        raw = env.get(self.variable)
        return None if raw is None else (self.declared.read or self.kind.read)(self.variable, raw)

    def check(self, value: Any) -> None:
        for rule in self.declared.rules:
            rule.check(self.variable, value)

    def row(self) -> str:
        """This setting's line in the settings table."""
        default = _shown(self.default)
        if self.declared.in_production is not None:
            default += f" ({_shown(self.declared.in_production)} in production)"
        accepts = "; ".join(rule.accepts for rule in self.declared.rules) or self.kind.accepts
        return f"| `{self.variable}` | {default} | {accepts} | {self.declared.meaning} |"


def _declared() -> tuple[Setting, ...]:
    types = get_type_hints(Settings)
    return tuple(
        Setting(each.name, KINDS[types[each.name]], each.default, each.metadata[DECLARATION])
        for each in fields(Settings)
    )


SETTINGS = _declared()


def _production_defaults() -> dict[str, Any]:
    return {s.attribute: s.declared.in_production for s in SETTINGS if s.declared.in_production is not None}


def _validated(settings: Settings) -> Settings:
    for each in SETTINGS:
        each.check(getattr(settings, each.attribute))
    _check_together(settings)
    _check_branding(settings)
    _check_webhook_ca(settings)
    return settings


def _check_branding(settings: Settings) -> None:
    try:
        load_branding(settings.branding_file)
    except BrandingError as exc:
        raise SettingsError(f"BRANDING_FILE ({settings.branding_file}): {exc}") from exc


def _check_webhook_ca(settings: Settings) -> None:
    """WEBHOOK_CA_FILE loads as the delivery worker will load it; a worker would otherwise fail every https
    delivery, one log line each, instead of refusing to start."""
    path = settings.webhook_ca_file
    if not path:
        return
    try:
        outbound.trusted(path)
    except ssl.SSLError as exc:
        raise SettingsError(
            f"WEBHOOK_CA_FILE ({path}): holds no PEM certificate (-----BEGIN CERTIFICATE-----) or a damaged one:"
            f" {exc.reason or exc}"
        ) from exc
    except OSError as exc:
        raise SettingsError(f"WEBHOOK_CA_FILE ({path}): cannot be read ({exc.strerror or exc})") from exc


def _check_together(settings: Settings) -> None:
    """The rules that involve two settings."""
    hashing = "SECRET_KEYS" if settings.secret_keys else "SECRET_KEY"
    if settings.is_production and DEVELOPMENT_KEY in settings.hashing_keys:
        raise SettingsError(f"{hashing}: the development key cannot be used in production")
    key_ids = [entry.partition(":")[0] for entry in settings.encryption_keys]
    if len(set(key_ids)) != len(key_ids):
        raise SettingsError("ENCRYPTION_KEYS: each key id may appear once")
    encryption = {entry.partition(":")[2] for entry in settings.encryption_keys}
    if encryption & set(settings.hashing_keys):
        raise SettingsError(f"ENCRYPTION_KEYS: a key is also in {hashing}: the two must be different keys")
    for origin in settings.webauthn_origins:
        if problem := _webauthn_origin_problem(settings, origin):
            raise SettingsError(f"WEBAUTHN_ORIGINS: {origin} {problem}")
    if settings.persisted_queries_only and not settings.persisted_queries_file:
        raise SettingsError(
            "PERSISTED_QUERIES_FILE: required with PERSISTED_QUERIES_ONLY (a JSON manifest {sha256: query})"
        )


def _webauthn_origin_problem(settings: Settings, origin: str) -> str | None:
    """Why browsers would refuse passkeys at `origin` with WEBAUTHN_RP_ID (or production would), or None."""
    parts = urlsplit(origin)
    host, rp_id = (parts.hostname or "").lower(), settings.webauthn_rp_id.lower()
    if host != rp_id and not host.endswith(f".{rp_id}"):
        return f"is not WEBAUTHN_RP_ID ({settings.webauthn_rp_id}) nor under it"
    if settings.is_production and parts.scheme != "https" and host not in LOOPBACK_HOSTS:
        return "must be https in production (or a loopback origin, which browsers treat as secure)"
    return None


def _check_keys_given(given: Mapping[str, Any], production: bool) -> None:
    """Production runs only with keys of its own; one hashing variable, not two."""
    if "secret_key" in given and "secret_keys" in given:
        raise SettingsError("SECRET_KEY and SECRET_KEYS: set one (to rotate, SECRET_KEYS=new,old and no SECRET_KEY)")
    if production and "secret_key" not in given and "secret_keys" not in given:
        raise SettingsError(
            "SECRET_KEYS: required when ENVIRONMENT=production (comma-separated keys of 32+ random characters;"
            " SECRET_KEY is accepted for a single key)"
        )
    if production and "encryption_keys" not in given:
        raise SettingsError(
            "ENCRYPTION_KEYS: required when ENVIRONMENT=production (id:key pairs, e.g. 2026-12:<Fernet key>;"
            " see docs/operations.md)"
        )
    for variable, attribute in (("WEBAUTHN_RP_ID", "webauthn_rp_id"), ("WEBAUTHN_ORIGINS", "webauthn_origins")):
        if production and attribute not in given:
            raise SettingsError(
                f"{variable}: required when ENVIRONMENT=production (passkeys are bound to it: e.g."
                " WEBAUTHN_RP_ID=clientes.example.com.ar and WEBAUTHN_ORIGINS=https://clientes.example.com.ar)"
            )


def _check_at_start_up(settings: Settings) -> Settings:
    """What is checked of the environment a process starts with (Settings.with_, for tests, skips it)."""
    if settings.is_production and DEVELOPMENT_ENCRYPTION_KEY in settings.encryption_keys:
        raise SettingsError("ENCRYPTION_KEYS: the development key cannot be used in production")
    for origin in settings.allowed_origins:
        if not _same_site_as_public(settings, origin):
            raise SettingsError(
                f"ALLOWED_ORIGINS: {origin} is not on the same site as PUBLIC_BASE_URL ({settings.public_base_url}):"
                " browsers do not send the SameSite session cookie from another site, so sign-in would seem to"
                " work and every later request would be anonymous. What works: the panel on the same site (same"
                " scheme and registrable domain, e.g. https://panel.proveedor.com with https://api.proveedor.com),"
                " a backend-for-frontend on the panel's own site, or Bearer tokens with TOKEN_ALLOWED_ORIGINS"
            )
    return settings


def _same_site_as_public(settings: Settings, origin: str) -> bool:
    """Same scheme and registrable domain as PUBLIC_BASE_URL; in development any loopback origin too."""
    loopback = urlsplit(origin).hostname in LOOPBACK_HOSTS
    return site_of(origin) == site_of(settings.public_base_url) or (loopback and settings.environment == "development")


def _shown(value: Any) -> str:
    """A default as the table shows it (paths inside the project start with `<project>`)."""
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if value in ("", ()):
        return "(none)"
    if isinstance(value, tuple):
        return ", ".join(_shown(item) for item in value)
    return f"`{str(value).replace(str(PROJECT_DIR), '<project>')}`"


def markdown_table() -> str:
    """The settings table of README.md's Configuration section; a test keeps the two equal."""
    head = ("| Variable | Default | Accepts | Meaning |", "| --- | --- | --- | --- |")
    return "\n".join((*head, *(s.row() for s in SETTINGS)))
