"""Each dialect's migration tree brings an empty database to exactly the current models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import AbstractAsyncContextManager

import pytest

from settings import PROJECT_DIR
from tests.helpers import throwaway_postgres_database


def check(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "ENVIRONMENT": "test"}
    return subprocess.run(
        [sys.executable, "cli.py", "check-migrations"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sqlite_tree_matches_models(tmp_path) -> None:
    result = check(f"sqlite://{tmp_path / 'empty.sqlite3'}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches the models" in result.stdout


def empty_postgres_database(prefix: str) -> AbstractAsyncContextManager[str]:
    """A new, empty database on TEST_DATABASE_URL's server, dropped afterwards (skips without one)."""
    server = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not server:
        pytest.skip("TEST_DATABASE_URL not set")
    return throwaway_postgres_database(server, prefix)


async def test_postgres_tree_matches_models() -> None:
    async with empty_postgres_database("cp_drift") as url:
        result = check(url)
        assert result.returncode == 0, result.stdout + result.stderr


def upgraded(database_url: str) -> dict:
    """The rows stored at the first migration, after upgrading to the head (tests/migration_upgrade.py)."""
    result = subprocess.run(
        [sys.executable, "tests/migration_upgrade.py", database_url],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


EXPECTED_ROWS = {
    "contact": [{"id": 7, "email": "ana@example.com", "account_id": 1}],
    "session": [{"id": 3, "contact_id": 7}],
    "recovery_request": [{"id": 5, "token_hash": "r", "account_id": 1, "contact_id": 7}],
    # the same person may be a contact of another account, but only once in each
    "duplicate_in_one_account": "refused",
}


def test_sqlite_upgrade_keeps_the_rows(tmp_path) -> None:
    """SQLite rebuilds tables to drop UNIQUE/NOT NULL: the rows and the references to them survive."""
    outcome = upgraded(f"sqlite://{tmp_path / 'old.sqlite3'}")
    assert outcome["applied"]
    assert outcome["rows"] == EXPECTED_ROWS


async def test_postgres_upgrade_keeps_the_rows() -> None:
    async with empty_postgres_database("cp_upgrade") as url:
        outcome = upgraded(url)
        assert outcome["applied"]
        assert outcome["rows"] == EXPECTED_ROWS
