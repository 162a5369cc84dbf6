"""Run as a script (Tortoise keeps per-process state): bring a database to the first migration, store
rows that every later migration must keep, upgrade to the head, and print what survived as JSON.

Used by tests/test_migrations.py for both dialects (SQLite's rebuilt tables especially)."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import tempfile
from pathlib import Path

from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.db import tortoise_config
from core.migrations import MIGRATIONS_DIR, upgrade
from settings import Settings

ROWS = """
INSERT INTO account (id, client_number, password_hash, must_change_password, created_at)
  VALUES (1, '9000', 'h', false, '2026-01-01 00:00:00');
INSERT INTO contact (id, first_name, last_name, email, active, permissions, email_categories, language,
  must_change_password, version, created_at, account_id)
  VALUES (7, 'Ana', 'Gómez', 'ana@example.com', true, '["MAIL"]', '[]', 'ES', false, 1, '2026-01-01 00:00:00', 1);
INSERT INTO session (id, token_hash, created_at, last_seen_at, expires_at, account_id, contact_id)
  VALUES (3, 't', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, 7);
INSERT INTO recovery_request (id, token_hash, created_at, expires_at, account_id, contact_id)
  VALUES (5, 'r', '2026-01-01 00:00:00', '2026-01-01 00:00:00', 1, 7);
"""
CHECKS = {
    "contact": "SELECT id, email, account_id FROM contact",
    "session": "SELECT id, contact_id FROM session",
    "recovery_request": "SELECT id, token_hash, account_id, contact_id FROM recovery_request",
}


async def _run_sql(url: str, script: str) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        await connections.get("default").execute_script(script)
    finally:
        await Tortoise.close_connections()


SAME_EMAIL = """INSERT INTO contact (first_name, last_name, email, active, permissions, email_categories, language,
  must_change_password, version, created_at, account_id)
  VALUES ('Ana', 'Gómez', 'ana@example.com', true, '[]', '[]', 'ES', false, 1, '2026-01-01 00:00:00', {account});"""


async def _survivors(url: str) -> dict[str, object]:
    """The rows, and whether a contact email is now unique per account (not globally)."""
    await Tortoise.init(config=tortoise_config(url))
    try:
        conn = connections.get("default")
        found: dict[str, object] = {name: await conn.execute_query_dict(query) for name, query in CHECKS.items()}
        await conn.execute_script(ROWS.split(";")[0].replace("1, '9000'", "2, '9001'") + ";")
        await conn.execute_script(SAME_EMAIL.format(account=2))
        try:
            await conn.execute_script(SAME_EMAIL.format(account=2))
            found["duplicate_in_one_account"] = "accepted"
        except IntegrityError:
            found["duplicate_in_one_account"] = "refused"
        return found
    finally:
        await Tortoise.close_connections()


def main(url: str) -> None:
    settings = Settings().with_(database_url=url, environment="test")
    with tempfile.TemporaryDirectory() as tmp:
        first = Path(tmp) / settings.dialect / "models"
        first.mkdir(parents=True)
        shutil.copy(min((MIGRATIONS_DIR / settings.dialect / "models").glob("0_*.py")), first)
        asyncio.run(upgrade(settings, Path(tmp)))
    asyncio.run(_run_sql(url, ROWS))
    applied = asyncio.run(upgrade(settings))
    print(json.dumps({"applied": applied, "rows": asyncio.run(_survivors(url))}))


if __name__ == "__main__":
    main(sys.argv[1])
