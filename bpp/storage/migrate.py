"""Alembic migrations, run from code (`sevamitra-bpp migrate`, and `serve` on the embedded default)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade_database(database_url: str) -> None:
    """Bring the database to the newest schema."""
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "head")
