"""Settings are read once from the environment and bad values stop start-up with a clear message."""

from __future__ import annotations

import dataclasses

import pytest

import settings as declarations
from settings import PROJECT_DIR, Settings, SettingsError


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
        {"ENVIRONMENT": "production", "SECRET_KEY": "x" * 40, "PUBLIC_BASE_URL": "https://clientes.example.com"}
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


def test_development_treats_localhost_and_loopback_alike() -> None:
    assert "http://127.0.0.1:8000" in Settings.from_env({}).origins
    production = Settings.from_env(
        {"ENVIRONMENT": "production", "SECRET_KEY": "x" * 40, "PUBLIC_BASE_URL": "http://localhost:8000"}
    )
    assert production.origins == {"http://localhost:8000"}


def test_a_blank_environment_is_refused_not_taken_for_development() -> None:
    with pytest.raises(SettingsError, match="ENVIRONMENT"):
        Settings.from_env({"ENVIRONMENT": " "})


def test_a_variable_set_in_production_overrides_the_production_default() -> None:
    settings = Settings.from_env({"ENVIRONMENT": "Production", "SECRET_KEY": "x" * 40, "GRAPHIQL": "on"})
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
