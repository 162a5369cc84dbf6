"""Tortoise configuration and lifecycle for SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise import Tortoise

from settings import Settings

MODELS_APP = "models"


def tortoise_config(database_url: str) -> dict[str, Any]:
    url = database_url.replace("postgresql://", "postgres://", 1)
    if url.startswith("postgres://"):
        url = url.replace("postgres://", "asyncpg://", 1)
    return {
        "connections": {"default": url},
        "apps": {MODELS_APP: {"models": ["models", "aerich.models"], "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def ensure_sqlite_folder(settings: Settings) -> None:
    """SQLite creates the file but not its folder (and aiosqlite hangs instead of failing)."""
    if settings.dialect == "sqlite":
        path = settings.database_url.removeprefix("sqlite://")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


async def open_database(settings: Settings) -> None:
    ensure_sqlite_folder(settings)
    # The lifespan runs in its own task; requests must see the same Tortoise context.
    await Tortoise.init(config=tortoise_config(settings.database_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()
