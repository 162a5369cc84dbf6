"""The one place that reads the environment.

`Settings.from_env()` parses and validates every value once, at start-up, and fails
with a message naming the variable when one is wrong.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_DIR = Path(__file__).resolve().parent
ENVIRONMENTS = ("development", "test", "production")
DEV_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"


class SettingsError(ValueError):
    """A setting has a bad value; the message names the variable and what it wants."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = f"sqlite://{PROJECT_DIR / 'var' / 'clientpanel.sqlite3'}"
    secret_key: str = DEV_SECRET_KEY
    environment: str = "development"
    public_base_url: str = "http://localhost:8000"
    smtp_url: str = "smtp://127.0.0.1:8025"
    mail_from: str = "Panel de Clientes <no-reply@localhost>"
    timezone: str = "America/Argentina/Buenos_Aires"
    graphiql: bool = True
    introspection: bool = True
    allowed_origins: tuple[str, ...] = ()
    token_origins: tuple[str, ...] = ()  # origins whose pages may call with a bearer token (CORS, no credentials)
    rate_limit_url: str = "memory://"
    session_idle_minutes: int = 60
    session_lifetime_hours: int = 12
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    run_workers: bool = True
    worker_poll_seconds: float = 1.0
    cancellation_completion_delay_minutes: int = 60
    deprovision_hook: str = "core.deprovision:record_only"
    log_level: str = "INFO"
    max_query_depth: int = 12
    max_query_aliases: int = 30
    max_query_cost: int = 5000
    max_query_tokens: int = 2000
    max_body_bytes: int = 100_000
    persisted_queries_only: bool = False
    persisted_queries_file: str = ""
    step_up_minutes: int = 5
    ws_max_per_session: int = 10
    ws_max_per_token: int = 20
    ws_max_per_ip: int = 100
    security_mail_per_recipient_hour: int = 5
    invitations_per_address_day: int = 3
    customer_mail_per_account_hour: int = 30

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgres`: picks the migration tree and the event bus."""
        return "sqlite" if self.database_url.startswith("sqlite") else "postgres"

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def secure_cookies(self) -> bool:
        return self.public_base_url.startswith("https://")

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

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
        env = os.environ if environ is None else environ
        environment = env.get("ENVIRONMENT", "development").strip().lower()
        production = environment == "production"
        values: dict[str, Any] = {"environment": environment}
        text = {
            "DATABASE_URL": "database_url",
            "SECRET_KEY": "secret_key",
            "PUBLIC_BASE_URL": "public_base_url",
            "SMTP_URL": "smtp_url",
            "MAIL_FROM": "mail_from",
            "TIMEZONE": "timezone",
            "RATE_LIMIT_URL": "rate_limit_url",
            "DEPROVISION_HOOK": "deprovision_hook",
            "LOG_LEVEL": "log_level",
            "PERSISTED_QUERIES_FILE": "persisted_queries_file",
        }
        for name, attr in text.items():
            if env.get(name, "").strip():
                values[attr] = env[name].strip()
        for name, attr, default in (
            ("GRAPHIQL", "graphiql", not production),
            ("INTROSPECTION", "introspection", not production),
            ("RUN_WORKERS", "run_workers", True),
            ("PERSISTED_QUERIES_ONLY", "persisted_queries_only", False),
        ):
            values[attr] = _bool(name, env.get(name), default)
        for name, attr in (
            ("SESSION_IDLE_MINUTES", "session_idle_minutes"),
            ("SESSION_LIFETIME_HOURS", "session_lifetime_hours"),
            ("ARGON2_TIME_COST", "argon2_time_cost"),
            ("ARGON2_MEMORY_KIB", "argon2_memory_kib"),
            ("CANCELLATION_COMPLETION_DELAY_MINUTES", "cancellation_completion_delay_minutes"),
            ("MAX_QUERY_DEPTH", "max_query_depth"),
            ("MAX_QUERY_ALIASES", "max_query_aliases"),
            ("MAX_QUERY_COST", "max_query_cost"),
            ("MAX_QUERY_TOKENS", "max_query_tokens"),
            ("MAX_BODY_BYTES", "max_body_bytes"),
            ("STEP_UP_MINUTES", "step_up_minutes"),
            ("WS_MAX_PER_SESSION", "ws_max_per_session"),
            ("WS_MAX_PER_TOKEN", "ws_max_per_token"),
            ("WS_MAX_PER_IP", "ws_max_per_ip"),
            ("SECURITY_MAIL_PER_RECIPIENT_HOUR", "security_mail_per_recipient_hour"),
            ("INVITATIONS_PER_ADDRESS_DAY", "invitations_per_address_day"),
            ("CUSTOMER_MAIL_PER_ACCOUNT_HOUR", "customer_mail_per_account_hour"),
        ):
            if env.get(name, "").strip():
                values[attr] = _int(name, env[name])
        if env.get("WORKER_POLL_SECONDS", "").strip():
            values["worker_poll_seconds"] = _float("WORKER_POLL_SECONDS", env["WORKER_POLL_SECONDS"])
        for variable, name in (("ALLOWED_ORIGINS", "allowed_origins"), ("TOKEN_ALLOWED_ORIGINS", "token_origins")):
            if env.get(variable, "").strip():
                values[name] = tuple(o.strip().rstrip("/") for o in env[variable].split(",") if o.strip())
        if production and not env.get("SECRET_KEY", "").strip():
            raise SettingsError("SECRET_KEY: required when ENVIRONMENT=production (32+ random characters)")
        return _validated(cls(**values))


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, as browsers send it in the Origin header."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _validated(s: Settings) -> Settings:
    if s.environment not in ENVIRONMENTS:
        raise SettingsError(f"ENVIRONMENT: must be one of {', '.join(ENVIRONMENTS)}, not {s.environment!r}")
    if not (s.database_url.startswith("sqlite://") or s.database_url.startswith(("postgres://", "postgresql://"))):
        raise SettingsError(
            "DATABASE_URL: must start with sqlite:// or postgres:// (e.g. postgres://user@host:5432/db)"
        )
    if len(s.secret_key) < 32:
        raise SettingsError("SECRET_KEY: must be at least 32 characters")
    if s.is_production and s.secret_key == DEV_SECRET_KEY:
        raise SettingsError("SECRET_KEY: the development key cannot be used in production")
    base = urlsplit(s.public_base_url)
    if base.scheme not in ("http", "https") or not base.netloc or base.path not in ("", "/"):
        raise SettingsError("PUBLIC_BASE_URL: must be an http(s) origin such as https://clientes.example.com")
    smtp = urlsplit(s.smtp_url)
    if smtp.scheme not in ("smtp", "smtps") or not smtp.hostname:
        raise SettingsError("SMTP_URL: must look like smtp://user:password@host:587 or smtps://host:465")
    try:
        zoneinfo.ZoneInfo(s.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"TIMEZONE: unknown time zone {s.timezone!r}") from exc
    if not s.rate_limit_url.startswith(("memory://", "redis://", "rediss://")):
        raise SettingsError("RATE_LIMIT_URL: must be memory:// or redis://host:6379/0")
    for variable, origins in (("ALLOWED_ORIGINS", s.allowed_origins), ("TOKEN_ALLOWED_ORIGINS", s.token_origins)):
        for origin in origins:
            if origin_of(origin) != origin or not urlsplit(origin).netloc:
                raise SettingsError(f"{variable}: {origin!r} is not an origin like https://panel.example.com")
    for name, value in (
        ("SESSION_IDLE_MINUTES", s.session_idle_minutes),
        ("SESSION_LIFETIME_HOURS", s.session_lifetime_hours),
        ("ARGON2_TIME_COST", s.argon2_time_cost),
        ("ARGON2_MEMORY_KIB", s.argon2_memory_kib),
        ("MAX_QUERY_DEPTH", s.max_query_depth),
        ("MAX_QUERY_ALIASES", s.max_query_aliases),
        ("MAX_QUERY_COST", s.max_query_cost),
        ("MAX_QUERY_TOKENS", s.max_query_tokens),
        ("MAX_BODY_BYTES", s.max_body_bytes),
        ("STEP_UP_MINUTES", s.step_up_minutes),
        ("WS_MAX_PER_SESSION", s.ws_max_per_session),
        ("WS_MAX_PER_TOKEN", s.ws_max_per_token),
        ("WS_MAX_PER_IP", s.ws_max_per_ip),
        ("SECURITY_MAIL_PER_RECIPIENT_HOUR", s.security_mail_per_recipient_hour),
        ("INVITATIONS_PER_ADDRESS_DAY", s.invitations_per_address_day),
        ("CUSTOMER_MAIL_PER_ACCOUNT_HOUR", s.customer_mail_per_account_hour),
    ):
        if value < 1:
            raise SettingsError(f"{name}: must be a positive whole number")
    if not 0 <= s.cancellation_completion_delay_minutes <= 24 * 60:
        raise SettingsError("CANCELLATION_COMPLETION_DELAY_MINUTES: must be between 0 and 1440 (24 hours)")
    if s.persisted_queries_only and not s.persisted_queries_file:
        raise SettingsError(
            "PERSISTED_QUERIES_FILE: required with PERSISTED_QUERIES_ONLY (a JSON manifest {sha256: query})"
        )
    if s.persisted_queries_file and not Path(s.persisted_queries_file).is_file():
        raise SettingsError(f"PERSISTED_QUERIES_FILE: no such file {s.persisted_queries_file!r}")
    if ":" not in s.deprovision_hook:
        raise SettingsError("DEPROVISION_HOOK: must name a callable as module:function")
    return s


def _bool(name: str, raw: str | None, default: bool) -> bool:
    if raw is None or not raw.strip():
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}: must be true or false, not {raw!r}")


def _int(name: str, raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}: must be a whole number, not {raw!r}") from exc


def _float(name: str, raw: str) -> float:
    try:
        return float(raw.strip())
    except ValueError as exc:
        raise SettingsError(f"{name}: must be a number, not {raw!r}") from exc
