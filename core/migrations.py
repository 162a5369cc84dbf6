"""aerich migration trees, one per dialect (aerich writes dialect-specific SQL)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from aerich import Command

from core.db import MODELS_APP, ensure_sqlite_folder, tortoise_config
from settings import PROJECT_DIR, Settings

MIGRATIONS_DIR = PROJECT_DIR / "migrations"


def command(settings: Settings, root: Path = MIGRATIONS_DIR) -> Command:
    return Command(
        tortoise_config=tortoise_config(settings.database_url),
        app=MODELS_APP,
        location=str(root / settings.dialect),
    )


async def upgrade(settings: Settings, root: Path = MIGRATIONS_DIR) -> list[str]:
    """Bring the database to the newest migration of its dialect's tree; the versions applied."""
    ensure_sqlite_folder(settings)
    async with command(settings, root) as cmd:
        await cmd.init()
        return await cmd.upgrade(run_in_transaction=True)


async def pending_changes(settings: Settings, root: Path, name: str) -> str:
    """Write a migration for what the models have that the tree lacks; '' when nothing.

    The database must already be upgraded to the tree's head by another Command: aerich
    reads the last applied version once, at init."""
    async with command(settings, root) as cmd:
        await cmd.init()
        return await cmd.migrate(name, no_input=True)


def drift(settings: Settings) -> str:
    """What a new migration would contain after upgrading an empty database with the tree ('' if nothing).

    Works on a temporary copy of the tree, so nothing is written to the project."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(MIGRATIONS_DIR / settings.dialect, root / settings.dialect)
        asyncio.run(upgrade(settings, root))
        return asyncio.run(pending_changes(settings, root, "drift"))


def make_migration(settings: Settings, name: str) -> str:
    """Write the next migration of the dialect's tree, using an empty throwaway database."""
    if not any((MIGRATIONS_DIR / settings.dialect / MODELS_APP).glob("*.py")):

        async def initial() -> None:
            async with command(settings) as cmd:
                await cmd.init_db(safe=True)

        asyncio.run(initial())
        return "initial migration written"
    asyncio.run(upgrade(settings))
    return asyncio.run(pending_changes(settings, MIGRATIONS_DIR, name)) or "no changes"
