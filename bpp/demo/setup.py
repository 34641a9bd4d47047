"""`serve --demo`: the Lucknow catalogue, verified workers around Hazratganj, simulated workers, staff logins."""

from __future__ import annotations

import logging
import secrets

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.demo.simulated_workers import simulated_workers
from bpp.demo.workers_seed import seed_demo_workers
from bpp.staff.users import create_staff_user
from bpp.wiring.services import Services

log = logging.getLogger(__name__)

DEMO_STAFF = (
    ("admin", "admin", None, "Demo administrator / डेमो व्यवस्थापक"),
    ("lucknow.officer", "district_officer", "std:0522", "Lucknow district officer / लखनऊ ज़िला अधिकारी"),
    ("helpline", "helpline_operator", None, "Helpline 155330 operator / हेल्पलाइन संचालक"),
)


async def start_demo(services: Services) -> None:
    """Seed the demo data (idempotent) and start the simulated workers."""
    await seed_demo_catalog(services.db, services.catalog)
    await services.catalog.reload()  # the worker seed reads the categories from the snapshot
    await seed_demo_workers(services)
    password = secrets.token_urlsafe(9)
    async with services.db.begin() as conn:
        for username, role, district, name in DEMO_STAFF:
            await create_staff_user(conn, username, password, role, name, district)
    await services.fulfillment.coverage.workers_changed()
    workers = simulated_workers(services)
    workers.start()
    services.background.append(workers)
    # printed, not logged: the one place a person needs it, and it changes at every start
    print(f"demo staff logins (admin, lucknow.officer, helpline) share the password: {password}", flush=True)
    print(f"buyer apps post to {services.settings.subscriber_url}/search …; try `sevamitra-bpp simulate --bpp "
          f"{services.settings.subscriber_url}`", flush=True)
