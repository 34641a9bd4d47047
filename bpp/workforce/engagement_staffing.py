"""Who does an engagement's visits: the steady worker for the whole term, and a substitute for one visit.

The rule is `fulfillment.engagement_calendar`: a worker fits when every wanted visit fits against everything she holds
(her engagement visits at their places and her one-off jobs), journeys counted. Candidates are verified workers in
good standing with the service's skill, nearest home first, within `radius_km`; online or not, since the term is
planned ahead.

Her one-off jobs are read from her calendar (`worker_bookings`), which keeps their times but not their places: they
count as held at her home, so the journey to and from them is estimated from there.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.engagements.repo import EngagementRepo
from bpp.storage.worker_tables import workers
from bpp.workforce import repo as worker_repo
from fulfillment.engagement import Engagement
from fulfillment.engagement_calendar import MAX_TRAVEL, Booking, Point, calendar_free
from fulfillment.engagement_visits import Visit
from fulfillment.geo import haversine_km
from fulfillment.workers import ACTIVE, VERIFIED

DEFAULT_RADIUS_KM = 10.0


@dataclass(frozen=True, slots=True)
class Candidate:
    worker_id: str
    home: Point
    distance_km: float


async def candidates(conn: AsyncConnection, category_id: str, place: Point, radius_km: float) -> list[Candidate]:
    """Verified workers in good standing with the skill whose home is within `radius_km` of `place`, nearest first."""
    rows = await conn.execute(
        select(workers.c.id, workers.c.home_lat, workers.c.home_lng, workers.c.skills)
        .where(workers.c.verification == VERIFIED, workers.c.standing == ACTIVE)
    )
    found = []
    for row in rows:
        if category_id not in row.skills:
            continue
        home = (float(row.home_lat), float(row.home_lng))
        distance = haversine_km(*home, *place)
        if distance <= radius_km:
            found.append(Candidate(row.id, home, distance))
    return sorted(found, key=lambda candidate: (candidate.distance_km, candidate.worker_id))


async def held_bookings(conn: AsyncConnection, candidate: Candidate, start: datetime, end: datetime) -> list[Booking]:
    """What the worker holds from `start` to `end`, journeys around it included (so a booking that ends within the
    longest journey before `start` still counts)."""
    first, last = start - MAX_TRAVEL, end + MAX_TRAVEL
    held = await EngagementRepo(conn).worker_bookings(candidate.worker_id, first, last)
    for slot_start, slot_end in await worker_repo.booked_slots(conn, candidate.worker_id):
        if slot_start < last and slot_end > first:
            held.append(Booking(slot_start, slot_end, candidate.home, f"order-slot:{slot_start.isoformat()}"))
    return held


async def free_of_engagements(
    conn: AsyncConnection, worker_id: str, start: datetime, end: datetime, place: Point
) -> bool:
    """Whether a one-off job at `place` from `start` to `end` leaves room, journeys counted, for the engagement
    visits `worker_id` holds (one-off matching asks this besides her one-off calendar)."""
    held = await EngagementRepo(conn).worker_bookings(worker_id, start - MAX_TRAVEL, end + MAX_TRAVEL)
    return calendar_free([Booking(start, end, place, "one-off")], held)


async def first_free(
    conn: AsyncConnection, engagement: Engagement, wanted: Sequence[Booking], exclude: Collection[str],
    radius_km: float,
) -> str | None:
    """The nearest candidate not in `exclude` whose calendar is free for every one of `wanted`."""
    if not wanted:
        return None
    lat, lng = (float(part) for part in engagement.place_gps.split(","))
    start, end = min(b.start for b in wanted), max(b.end for b in wanted)
    for candidate in await candidates(conn, engagement.service.category_id, (lat, lng), radius_km):
        if candidate.worker_id in exclude:
            continue
        if calendar_free(wanted, await held_bookings(conn, candidate, start, end)):
            return candidate.worker_id
    return None


async def steady_worker(
    conn: AsyncConnection, engagement: Engagement, *, exclude: Collection[str] = (),
    radius_km: float = DEFAULT_RADIUS_KM,
) -> str | None:
    """The nearest worker free for every visit of the whole term, or None."""
    wanted = engagement.bookings(engagement.start, engagement.last_day)
    return await first_free(conn, engagement, wanted, exclude, radius_km)


async def substitute(
    conn: AsyncConnection, engagement: Engagement, visit: Visit, *, exclude: Collection[str] = (),
    radius_km: float = DEFAULT_RADIUS_KM,
) -> str | None:
    """The nearest worker, other than the visit's own, free for this one visit."""
    wanted = engagement.bookings(visit.day, visit.day)
    skip = {*exclude, *([visit.worker_id] if visit.worker_id else [])}
    return await first_free(conn, engagement, wanted, skip, radius_km)
