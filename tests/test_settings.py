"""Settings are read once from the environment and bad values stop start-up with a clear message."""

from __future__ import annotations

import dataclasses

import pytest

import settings as declarations
from settings import PROJECT_DIR, Settings, SettingsError

# What a production environment must name: a hashing key, an encryption keyring of its own and the passkeys'
# relying party.
KEYS = {
    "SECRET_KEY": "x" * 40,
    "ENCRYPTION_KEYS": "2026-12:" + "A" * 43 + "=",
    "WEBAUTHN_RP_ID": "clientes.example.com",
    "WEBAUTHN_ORIGINS": "https://clientes.example.com",
}


def test_defaults_are_a_working_development_setup() -> None:
    settings = Settings.from_env({})
    assert settings.dialect == "sqlite"
    assert settings.timezone == "America/Argentina/Buenos_Aires"
    assert settings.graphiql
    assert settings.introspection
    assert not settings.secure_cookies


def test_production_turns_graphiql_off_and_needs_a_secret_key() -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"ENVIRONMENT": "production"})
    settings = Settings.from_env(
        {"ENVIRONMENT": "production", **KEYS, "PUBLIC_BASE_URL": "https://clientes.example.com"}
    )
    assert not settings.graphiql
    assert not settings.introspection
    assert settings.secure_cookies


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "mysql://localhost/db"),
        ("TIMEZONE", "Mars/Olympus"),
        ("ENVIRONMENT", "staging"),
        ("PUBLIC_BASE_URL", "clientes.example.com"),
        ("SMTP_URL", "http://mail"),
        ("GRAPHIQL", "maybe"),
        ("SESSION_IDLE_MINUTES", "ten"),
        ("SESSION_IDLE_MINUTES", "0"),
        ("ALLOWED_ORIGINS", "https://panel.example.com/path"),
        ("RATE_LIMIT_URL", "memcached://x"),
        ("SECRET_KEY", "short"),
        ("CANCELLATION_COMPLETION_DELAY_MINUTES", "2000"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_allowed_origins_add_to_the_public_origin() -> None:
    settings = Settings.from_env(
        {
            "PUBLIC_BASE_URL": "https://clientes.example.com",
            "ALLOWED_ORIGINS": "https://app.example.com/, http://localhost:5173",
        }
    )
    assert settings.origins == {"https://clientes.example.com", "https://app.example.com", "http://localhost:5173"}


@pytest.mark.parametrize(
    ("public", "origin"),
    [
        ("https://api.proveedor.com", "https://panel.proveedor.com"),
        ("https://proveedor.com", "https://panel.proveedor.com"),
        ("https://api.proveedor.com.ar", "https://panel.proveedor.com.ar:8443"),
        ("https://clientes.proveedor.co.uk", "https://www.proveedor.co.uk"),
    ],
)
def test_allowed_origins_on_the_same_site_start(public: str, origin: str) -> None:
    settings = Settings.from_env(
        {"ENVIRONMENT": "production", **KEYS, "PUBLIC_BASE_URL": public, "ALLOWED_ORIGINS": origin}
    )
    assert origin in settings.origins


@pytest.mark.parametrize(
    ("public", "origin"),
    [
        ("https://api.proveedor.com", "https://panel.otro.com"),
        ("https://api.proveedor.com", "http://panel.proveedor.com"),
        ("https://api.proveedor.com.ar", "https://panel.otro.com.ar"),
        ("https://api.proveedor.com", "https://proveedor.com.evil.example"),
        ("https://10.0.0.5", "https://10.0.0.6"),
    ],
)
def test_a_cross_site_cookie_origin_is_refused_at_start_up(public: str, origin: str) -> None:
    """SameSite=Lax session cookies are not sent from another site (nor from http to https): refused, with what
    works instead."""
    env = {"ENVIRONMENT": "production", **KEYS, "PUBLIC_BASE_URL": public, "ALLOWED_ORIGINS": origin}
    with pytest.raises(SettingsError, match=r"^ALLOWED_ORIGINS: ") as refusal:
        Settings.from_env(env)
    message = str(refusal.value)
    assert origin in message
    assert "panel.proveedor.com with https://api.proveedor.com" in message
    assert "backend-for-frontend" in message
    assert "TOKEN_ALLOWED_ORIGINS" in message
    assert Settings.from_env({**env, "ALLOWED_ORIGINS": "", "TOKEN_ALLOWED_ORIGINS": origin}).token_origins == (origin,)


def test_loopback_origins_are_accepted_in_development_only() -> None:
    env = {"PUBLIC_BASE_URL": "http://localhost:8000", "ALLOWED_ORIGINS": "http://127.0.0.1:5173"}
    assert "http://127.0.0.1:5173" in Settings.from_env(env).origins
    with pytest.raises(SettingsError, match="ALLOWED_ORIGINS"):
        Settings.from_env({**env, "ENVIRONMENT": "test"})


def test_development_treats_localhost_and_loopback_alike() -> None:
    assert "http://127.0.0.1:8000" in Settings.from_env({}).origins
    production = Settings.from_env({"ENVIRONMENT": "production", **KEYS, "PUBLIC_BASE_URL": "http://localhost:8000"})
    assert production.origins == {"http://localhost:8000"}


def test_a_blank_environment_is_refused_not_taken_for_development() -> None:
    with pytest.raises(SettingsError, match="ENVIRONMENT"):
        Settings.from_env({"ENVIRONMENT": " "})


def test_a_variable_set_in_production_overrides_the_production_default() -> None:
    settings = Settings.from_env({"ENVIRONMENT": "Production", **KEYS, "GRAPHIQL": "on"})
    assert settings.is_production
    assert settings.graphiql
    assert not settings.introspection


def test_every_field_is_read_from_its_own_variable() -> None:
    variables = [setting.variable for setting in declarations.SETTINGS]
    assert [setting.attribute for setting in declarations.SETTINGS] == [f.name for f in dataclasses.fields(Settings)]
    assert len(set(variables)) == len(variables)


def test_the_readme_table_is_the_declared_one() -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    assert table == declarations.markdown_table(), (
        "README.md's settings table differs from the declarations in settings.py: replace the table under"
        " '## Configuration' with the output of"
        " `.venv/bin/python -c 'import settings; print(settings.markdown_table())'`"
    )
