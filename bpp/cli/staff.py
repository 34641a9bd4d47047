"""`staff create-user`: add a staff account (admin, district officer, helpline operator); `staff create-kiosk`: a
kiosk and its operator's login."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from bpp.cli.common import add_config_option, settings_from
from bpp.kiosks.service import NewKiosk, create_kiosk
from bpp.platform.auth import OFFICE_ROLES
from bpp.platform.http_errors import FieldErrors
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
    create.add_argument("--role", required=True, choices=OFFICE_ROLES)
    create.add_argument("--district", help="city code of a district officer, e.g. std:0522")
    create.add_argument("--display-name", default=None)
    create.set_defaults(func=run_create)
    kiosk = actions.add_parser(
        "create-kiosk", help="add a kiosk and its operator's login (or reset the login's password)",
        description="A Jan Seva Kendra kiosk that books for walk-in citizens in its district, and its one login "
        "(role kiosk_operator). The password is read from $SEVAMITRA_NEW_STAFF_PASSWORD or asked for.",
    )
    add_config_option(kiosk)
    kiosk.add_argument("--id", required=True, help="e.g. JSK-LKO-0001")
    kiosk.add_argument("--name", required=True)
    kiosk.add_argument("--district", required=True, help="the city code of its district, e.g. std:0522")
    kiosk.add_argument("--operator-name", required=True)
    kiosk.add_argument("--operator-phone", required=True, help="10-digit mobile number")
    kiosk.add_argument("--commission", type=_rupees, help="rupees per completed booking (default: the setting "
                       "kiosk_commission_per_booking)")
    kiosk.add_argument("--username", required=True, help="the operator's login")
    kiosk.set_defaults(func=run_create_kiosk)


def _rupees(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount in rupees") from None


def _new_password() -> str | None:
    password = os.environ.get("SEVAMITRA_NEW_STAFF_PASSWORD") or getpass.getpass("password: ")
    if len(password) < 10:
        print("error: the password must have at least 10 characters", file=sys.stderr)
        return None
    return password


def run_create(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    password = _new_password()
    if password is None:
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


def run_create_kiosk(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    password = _new_password()
    if password is None:
        return 1
    new = NewKiosk(args.id, args.name, args.district, args.operator_name, args.operator_phone, args.commission)

    async def create() -> str:
        db = Database(settings.database_url)
        try:
            async with db.begin() as conn:
                return (await create_kiosk(conn, new, args.username, password, datetime.now(UTC))).id
        finally:
            await db.dispose()

    try:
        kiosk_id = asyncio.run(create())
    except (ValueError, FieldErrors) as exc:
        problems = exc.problems if isinstance(exc, FieldErrors) else []
        for line in [f"{p.field}: {p.en}" for p in problems] or [str(exc)]:
            print(f"error: {line}", file=sys.stderr)
        return 1
    print(f"kiosk {kiosk_id} ready; its operator logs in as {args.username} at /kiosk/")
    return 0
