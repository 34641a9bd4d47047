"""`staff create-user`: add a staff account (admin, district officer, helpline operator)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from bpp.cli.common import add_config_option, settings_from
from bpp.platform.auth import STAFF_ROLES
from bpp.staff.users import create_staff_user
from bpp.storage.db import Database


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    staff = subparsers.add_parser("staff", help="manage staff accounts", description="Manage staff accounts.")
    actions = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create-user", help="add a staff account or reset its password",
        description="The password is read from $SEVAMITRA_NEW_STAFF_PASSWORD or asked for; never an argument.",
    )
    add_config_option(create)
    create.add_argument("--username", required=True)
    create.add_argument("--role", required=True, choices=STAFF_ROLES)
    create.add_argument("--district", help="city code of a district officer, e.g. std:0522")
    create.add_argument("--display-name", default=None)
    create.set_defaults(func=run_create)


def run_create(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    password = os.environ.get("SEVAMITRA_NEW_STAFF_PASSWORD") or getpass.getpass("password: ")
    if len(password) < 10:
        print("error: the password must have at least 10 characters", file=sys.stderr)
        return 1

    async def create() -> str:
        db = Database(settings.database_url)
        try:
            async with db.begin() as conn:
                return await create_staff_user(conn, args.username, password, args.role,
                                               args.display_name or args.username, args.district)
        finally:
            await db.dispose()

    try:
        user_id = asyncio.run(create())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"staff account {args.username} ({args.role}) ready: {user_id}")
    return 0
