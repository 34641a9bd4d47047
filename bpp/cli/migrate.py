"""`migrate`: bring the database to the newest schema."""

from __future__ import annotations

import argparse
import asyncio

from bpp.cli.common import add_config_option, settings_from
from bpp.storage.migrate import upgrade_database
from bpp.storage.reachability import ensure_database_reachable


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("migrate", help="apply database migrations",
                                   description="Apply every Alembic migration to the configured database.")
    add_config_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    asyncio.run(ensure_database_reachable(settings.database_url))
    asyncio.run(upgrade_database(settings.database_url))
    print(f"database is at the newest schema: {settings.database_url.split('@')[-1]}")
    return 0
