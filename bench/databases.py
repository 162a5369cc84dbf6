"""A throwaway database per bench run: a SQLite file in a temporary folder, or a PostgreSQL database created
on the local server and dropped afterwards."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
DIALECTS = ("sqlite", "postgres")


async def create(dialect: str, folder: Path) -> str:
    """The DATABASE_URL of a new, empty database (a SQLite file in `folder`)."""
    if dialect == "sqlite":
        return f"sqlite://{folder / 'bench.sqlite3'}"
    name = f"cp_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return f"{POSTGRES_SERVER}/{name}"


async def drop(url: str) -> None:
    """A PostgreSQL database gone (connections closed by force); a SQLite file goes with its folder."""
    if url.startswith(POSTGRES_SERVER):
        admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
        await admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
        await admin.close()


@contextlib.asynccontextmanager
async def throwaway(dialect: str) -> AsyncIterator[str]:
    """The DATABASE_URL of an empty database of this dialect, gone when the block ends."""
    with tempfile.TemporaryDirectory() as folder:
        url = await create(dialect, Path(folder))
        try:
            yield url
        finally:
            await drop(url)
