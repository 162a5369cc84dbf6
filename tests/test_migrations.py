"""Each dialect's migration tree brings an empty database to exactly the current models."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import asyncpg
import pytest

from settings import PROJECT_DIR


def check(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test"}
    return subprocess.run(
        [sys.executable, "cli.py", "check-migrations"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_sqlite_tree_matches_models(tmp_path) -> None:
    result = check(f"sqlite://{tmp_path / 'empty.sqlite3'}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches the models" in result.stdout


async def test_postgres_tree_matches_models() -> None:
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server:
        pytest.skip("TEST_DATABASE_URL not set")
    server = server.rstrip("/").rsplit("/", 1)[0]
    name = f"cp_drift_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(f"{server}/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        result = check(f"{server}/{name}")
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()
