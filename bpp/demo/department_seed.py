"""The demo's government department: Lucknow's Public Works Department, its requesting and approving officers'
logins, and enough cleaners near Hazratganj for a work order of three workers a day."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.departments.repo import DepartmentRepo
from bpp.platform.auth import DEPARTMENT_APPROVER, DEPARTMENT_REQUESTER
from bpp.staff.users import create_staff_user
from fulfillment.departments import DepartmentDetails, gstin_check_character

DEMO_DEPARTMENT_ID: Final = "DEP-LKO-PWD"
DEMO_DEPARTMENT: Final = DepartmentDetails(
    department="Public Works Department / लोक निर्माण विभाग",
    office="Executive Engineer, Lucknow / अधिशासी अभियंता, लखनऊ",
    district="std:0522",
    ddo_code="LKO-PWD-0042",
    gstin="09LKNP01234E1D" + gstin_check_character("09LKNP01234E1D"),  # a made-up tax deductor's GSTIN
    billing_address="Nirman Bhawan, Hazratganj, Lucknow 226001",
)
DEMO_DEPARTMENT_LOGINS: Final = (
    ("dept.requester", DEPARTMENT_REQUESTER, "Rekha Srivastava (requesting officer / माँगने वाली अधिकारी)"),
    ("dept.approver", DEPARTMENT_APPROVER, "Arun Mishra (approving officer / स्वीकृति देने वाले अधिकारी)"),
)
DEMO_CREW_CATEGORY: Final = "SRV11-1010"  # home and office cleaning
DEMO_CREW_WORKERS: Final = 4  # a work order of three a day, and one spare


async def seed_demo_department(conn: AsyncConnection, password: str, now: datetime) -> None:
    """The department and its officers' logins (idempotent; the logins take this start's password)."""
    repo = DepartmentRepo(conn)
    if await repo.account(DEMO_DEPARTMENT_ID) is None:
        await repo.add_account(DEMO_DEPARTMENT_ID, DEMO_DEPARTMENT, now, "system:demo")
    for username, role, name in DEMO_DEPARTMENT_LOGINS:
        user_id = await create_staff_user(conn, username, password, role, name, DEMO_DEPARTMENT.district)
        await repo.link_officer(user_id, DEMO_DEPARTMENT_ID)
