"""`serve --demo`: the Lucknow catalogue, verified workers around Hazratganj, simulated workers, staff logins, a
kiosk's login and a government department's officers."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime

from bpp.catalogue.service import CatalogService
from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.demo.department_seed import (
    DEMO_CREW_CATEGORY,
    DEMO_CREW_WORKERS,
    DEMO_DEPARTMENT_LOGINS,
    seed_demo_department,
)
from bpp.demo.simulated_workers import simulated_workers
from bpp.demo.workers_seed import seed_demo_workers
from bpp.kiosks.service import NewKiosk, create_kiosk
from bpp.platform.background import BackgroundLoop
from bpp.platform.leader import Lease
from bpp.platform.settings import Settings
from bpp.staff.users import create_staff_user
from bpp.storage.db import Database
from bpp.workforce.workforce import Workforce

log = logging.getLogger(__name__)

DEMO_STAFF = (
    ("admin", "admin", None, "Demo administrator / डेमो व्यवस्थापक"),
    ("lucknow.officer", "district_officer", "std:0522", "Lucknow district officer / लखनऊ ज़िला अधिकारी"),
    ("helpline", "helpline_operator", None, "Helpline 155330 operator / हेल्पलाइन संचालक"),
)
DEMO_KIOSK_LOGIN = "kiosk"
DEMO_KIOSK = NewKiosk("JSK-LKO-0001", "Jan Seva Kendra Aminabad / जन सेवा केंद्र अमीनाबाद", "std:0522",
                      "Sunita Yadav", "9800000001")


async def start_demo(
    db: Database, catalog: CatalogService, workforce: Workforce, clock: Callable[[], datetime], settings: Settings,
    lease: Lease,
) -> BackgroundLoop:
    """Seed the demo data (idempotent); returns the simulated workers' loop, started under `lease`: with several
    processes, one moves the demo workers (each step once, and the OTP it hears is the one it needs)."""
    await seed_demo_catalog(db, catalog)
    await catalog.reload()  # the worker seed reads the categories from the snapshot
    await seed_demo_workers(db, workforce, clock, (item.category_id for item in catalog.snapshot.items.values()),
                            more={DEMO_CREW_CATEGORY: DEMO_CREW_WORKERS})
    password = secrets.token_urlsafe(9)
    async with db.begin() as conn:
        for username, role, district, name in DEMO_STAFF:
            await create_staff_user(conn, username, password, role, name, district)
        await create_kiosk(conn, DEMO_KIOSK, DEMO_KIOSK_LOGIN, password, clock())
        await seed_demo_department(conn, password, clock())
    await workforce.coverage.workers_changed()
    workers = simulated_workers(db, workforce, clock, settings.demo_step_seconds)
    workers.start(lease=lease)
    # printed, not logged: the one place a person needs it, and it changes at every start
    officers = ", ".join(username for username, _, _ in DEMO_DEPARTMENT_LOGINS)
    print(f"demo staff logins (admin, lucknow.officer, helpline, {DEMO_KIOSK_LOGIN} at /kiosk/, and {officers} at "
          f"/department/) share the password: {password}", flush=True)
    print(f"buyer apps post to {settings.subscriber_url}/search …; try `sevamitra-bpp simulate --bpp "
          f"{settings.subscriber_url}`", flush=True)
    return workers
