"""Demo workers: two verified, online workers for every catalogue category around Hazratganj (more for some)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from math import cos, radians, sin

from bpp.platform.auth import hash_secret
from bpp.storage.db import Database
from bpp.workforce import repo as worker_repo
from bpp.workforce.workforce import Workforce
from fulfillment.workers import VERIFIED, Registration

HAZRATGANJ = (26.8467, 80.9462)
DEMO_PIN = "1234"
DEMO_DISTRICT = "std:0522"
WORKERS_PER_CATEGORY = 2
KM_PER_DEGREE = 111.32
DEMO_NAMES = ("Sunita", "Ramesh", "Pooja", "Arif", "Kavita", "Manoj", "Shabnam", "Vijay", "Anita", "Imran")


def demo_position(index: int) -> tuple[float, float]:
    """The index-th point on a spiral 0.4-2.6 km from Hazratganj (always inside 3 km)."""
    distance_km = 0.4 + (index % 12) * 0.2
    bearing = radians((index * 137.5) % 360)
    lat = HAZRATGANJ[0] + distance_km * cos(bearing) / KM_PER_DEGREE
    lng = HAZRATGANJ[1] + distance_km * sin(bearing) / (KM_PER_DEGREE * cos(radians(HAZRATGANJ[0])))
    return round(lat, 6), round(lng, 6)


async def seed_demo_workers(
    db: Database, workforce: Workforce, clock: Callable[[], datetime], category_ids: Iterable[str],
    more: Mapping[str, int] | None = None,
) -> None:
    """Create the demo workers of each category that are missing (idempotent) and put them online at home: two of
    each, or as many as `more` names for a category (their phones follow those of every category's first two)."""
    categories = sorted(set(category_ids))
    counts = {category: max(WORKERS_PER_CATEGORY, (more or {}).get(category, 0)) for category in categories}
    extra = itertools.count(len(categories) * WORKERS_PER_CATEGORY)
    pin_hash = hash_secret(DEMO_PIN)
    now = clock()
    async with db.begin() as conn:
        for c_index, category in enumerate(categories):
            for copy in range(counts[category]):
                index = c_index * WORKERS_PER_CATEGORY + copy if copy < WORKERS_PER_CATEGORY else next(extra)
                worker_id = f"DEMO-{category}-{copy + 1}"
                if await worker_repo.get_worker(conn, worker_id) is not None:
                    continue
                lat, lng = demo_position(index)
                reg = Registration(
                    name=f"{DEMO_NAMES[index % len(DEMO_NAMES)]} ({category})",
                    phone=f"9{index:09d}",
                    pin=DEMO_PIN,
                    skills=(category,),
                    home_lat=lat,
                    home_lng=lng,
                    district=DEMO_DISTRICT,
                    languages=("hi", "en"),
                    documents=({"kind": "police_certificate", "number": f"DEMO-PV-{index:05d}"},),
                )
                await worker_repo.insert_worker(
                    conn, reg, pin_hash, now, "system:demo", verification=VERIFIED, demo=True, worker_id=worker_id
                )
                await worker_repo.update_worker(conn, worker_id, now, online=True, last_lat=lat, last_lng=lng)
    await workforce.coverage.workers_changed()
    for category_workers in categories:
        for copy in range(counts[category_workers]):
            await workforce.presence.refresh_worker(f"DEMO-{category_workers}-{copy + 1}")
