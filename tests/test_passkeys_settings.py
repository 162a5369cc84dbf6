"""The passkeys' relying party is explicit: production names it, and every origin must be able to use it."""

from __future__ import annotations

import pytest

from settings import Settings, SettingsError

PRODUCTION = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "x" * 40,
    "ENCRYPTION_KEYS": "2026-12:" + "A" * 43 + "=",
    "PUBLIC_BASE_URL": "https://clientes.example.com.ar",
}


def test_production_names_the_relying_party_and_its_origins() -> None:
    with pytest.raises(SettingsError, match="WEBAUTHN_RP_ID: required"):
        Settings.from_env({**PRODUCTION, "WEBAUTHN_ORIGINS": "https://clientes.example.com.ar"})
    with pytest.raises(SettingsError, match="WEBAUTHN_ORIGINS: required"):
        Settings.from_env({**PRODUCTION, "WEBAUTHN_RP_ID": "example.com.ar"})
    settings = Settings.from_env(
        {
            **PRODUCTION,
            "WEBAUTHN_RP_ID": "example.com.ar",
            "WEBAUTHN_ORIGINS": "https://clientes.example.com.ar,https://example.com.ar",
        }
    )
    assert settings.webauthn_origins == ("https://clientes.example.com.ar", "https://example.com.ar")


@pytest.mark.parametrize(
    ("rp_id", "origins", "problem"),
    [
        ("example.com.ar", "http://clientes.example.com.ar", "must be https in production"),
        ("example.com.ar", "https://clientes.example.com", "is not WEBAUTHN_RP_ID"),
        ("example.com.ar", "https://notexample.com.ar", "is not WEBAUTHN_RP_ID"),
        ("example.com.ar", "https://clientes.example.com.ar/panel", "is not an origin"),
        ("https://example.com.ar", "https://example.com.ar", "is not a domain name"),
        ("10.0.0.1", "https://10.0.0.1", "is not a domain name"),
    ],
)
def test_origins_must_be_able_to_use_the_relying_party(rp_id: str, origins: str, problem: str) -> None:
    with pytest.raises(SettingsError, match=problem):
        Settings.from_env({**PRODUCTION, "WEBAUTHN_RP_ID": rp_id, "WEBAUTHN_ORIGINS": origins})


def test_development_takes_localhost_over_http() -> None:
    settings = Settings.from_env({})
    assert (settings.webauthn_rp_id, settings.webauthn_origins) == ("localhost", ("http://localhost:8000",))
    with pytest.raises(SettingsError, match="is not WEBAUTHN_RP_ID"):
        Settings.from_env({"WEBAUTHN_ORIGINS": "http://127.0.0.1:8000"})
