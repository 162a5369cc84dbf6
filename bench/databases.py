"""A throwaway database per bench run: a SQLite file in a temporary directory, or a PostgreSQL database
created on the local server and dropped afterwards."""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg

POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
DIALECTS = ("sqlite", "postgres")


@contextlib.asynccontextmanager
async def throwaway(dialect: str) -> AsyncIterator[str]:
    """The DATABASE_URL of an empty database of this dialect, gone when the block ends."""
    if dialect == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite://{Path(tmp) / 'bench.sqlite3'}"
        return
    name = f"cp_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres")
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
