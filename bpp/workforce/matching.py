"""Nearest-worker matching: Redis geo sets of idle workers, atomic claims, durable matching jobs.

Redis holds hints (who is idle where, who is being claimed); the database holds the truth
(`workers.current_order_id`, `offers`, `matching_jobs`), so a lost Redis key or a rolled-back
transaction can make a claim fail but never give one worker two orders.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.ops.metrics import OFFERS
from bpp.orders.repo import OrderRepo
from bpp.storage.db import Database, Row
from bpp.storage.worker_tables import matching_jobs, offers
from bpp.workforce import repo as worker_repo
from bpp.workforce.engagement_staffing import free_of_engagements
from fulfillment.matching import Candidate, offer_order
from fulfillment.order import Order
from fulfillment.workers import slot_is_free
from schemas.fields import parse_gps

NoWorker = Callable[[AsyncConnection, str, str], Awaitable[None]]
OfferMade = Callable[[str, str], None]

RING_FRACTIONS = (1 / 6, 1 / 3, 2 / 3, 1.0)
CANDIDATES_PER_ROUND = 10  # plus the workers a job already excluded


class GeoIndex:
    """Idle online workers per skill in Redis geo sets, and short-lived claim keys."""

    def __init__(self, redis: Redis, prefix: str = "sm") -> None:
        self._redis = redis
        self._prefix = prefix

    def geo_key(self, category_id: str) -> str:
        return f"{self._prefix}:geo:{category_id}"

    def claim_key(self, worker_id: str) -> str:
        return f"{self._prefix}:claim:{worker_id}"

    async def remove(self, worker_id: str, skills: Iterable[str]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for skill in skills:
                pipe.zrem(self.geo_key(skill), worker_id)
            await pipe.execute()

    async def nearest(
        self, category_id: str, lat: float, lng: float, radius_km: float, count: int = CANDIDATES_PER_ROUND
    ) -> list[Candidate]:
        """Up to `count` idle workers of the category within the radius, nearest first.

        Searches growing circles (1/6, 1/3, 2/3, all of the radius) and stops at the first with `count`
        workers: Redis sorts every member inside the circle, so a small circle is much cheaper in a
        dense city, and the nearest `count` of an inner circle are the nearest of the whole one.
        """
        found: list[Any] = []
        for fraction in RING_FRACTIONS:
            found = await self._redis.geosearch(
                self.geo_key(category_id),
                longitude=lng,
                latitude=lat,
                radius=radius_km * fraction,
                unit="km",
                sort="ASC",
                count=count,
                withdist=True,
            )
            if len(found) >= count:
                break
        return [Candidate(member.decode(), float(distance)) for member, distance in found]

    async def try_claim(self, worker_id: str, order_id: str, ttl_seconds: float) -> bool:
        """First of concurrent matchers to claim the worker wins; the key expires by itself."""
        return bool(await self._redis.set(self.claim_key(worker_id), order_id, nx=True, px=int(ttl_seconds * 1000)))

    async def follow(
        self, worker_id: str, skills: Iterable[str], point: tuple[float, float] | None, *, release_claim: bool
    ) -> None:
        """In one round trip: findable at `point` (lat, lng) for each skill, or for none when `point` is None;
        with `release_claim`, her claim key goes whatever order it names (she holds none in the database)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            for skill in skills:
                if point is None:
                    pipe.zrem(self.geo_key(skill), worker_id)
                else:
                    pipe.geoadd(self.geo_key(skill), (point[1], point[0], worker_id))
            if release_claim:
                pipe.delete(self.claim_key(worker_id))
            await pipe.execute()

    async def drop_claim(self, worker_id: str, order_id: str) -> None:
        """Remove the claim key if it is still ours (no other order can hold it while ours exists)."""
        key = self.claim_key(worker_id)
        if await self._redis.get(key) == order_id.encode():
            await self._redis.delete(key)


@dataclass(frozen=True, slots=True)
class OfferSent:
    """A new offer, for the in-process listeners (worker app notices, demo simulator)."""

    order_id: str
    worker_id: str


@dataclass(frozen=True, slots=True)
class Crew:
    """The visits of one booking on one day (a department's work order): each goes to a different worker, and the
    workers who took the booking's visits on other days are asked first."""

    name: str
    day: str  # ISO date


async def schedule_job(
    conn: AsyncConnection, order_id: str, now: datetime, *, due_at: datetime | None = None, crew: Crew | None = None
) -> None:
    """Record that `order_id` needs a worker from `due_at` (default now), in the caller's transaction (idempotent)."""
    existing = await conn.execute(select(matching_jobs.c.order_id).where(matching_jobs.c.order_id == order_id))
    if existing.first() is not None:
        return
    await conn.execute(
        matching_jobs.insert().values(
            order_id=order_id, status="pending", due_at=due_at or now, excluded=[], created_at=now, updated_at=now,
            crew=crew.name if crew else None, crew_day=crew.day if crew else None,
        )
    )


async def crew_workers(conn: AsyncConnection, order_id: str, crew: Crew) -> tuple[set[str], set[str]]:
    """Workers holding (or being offered) another of the crew's visits that day, who are skipped; and those who took
    its visits on other days, who are asked first. A cancelled visit's job is closed: its worker holds nothing."""
    query = (
        select(offers.c.worker_id, matching_jobs.c.crew_day)
        .join(matching_jobs, matching_jobs.c.order_id == offers.c.order_id)
        .where(
            matching_jobs.c.crew == crew.name,
            matching_jobs.c.order_id != order_id,
            matching_jobs.c.status != "closed",
            offers.c.outcome.in_(("pending", "accepted")),
        )
    )
    busy: set[str] = set()
    earlier: set[str] = set()
    for row in await conn.execute(query):
        (busy if row.crew_day == crew.day else earlier).add(row.worker_id)
    return busy, earlier - busy


async def reopen_job(conn: AsyncConnection, order_id: str, exclude: str | None, now: datetime) -> None:
    """Send the job back to matching now, skipping `exclude` (who declined or dropped out)."""
    row = (await conn.execute(select(matching_jobs.c.excluded).where(matching_jobs.c.order_id == order_id))).first()
    if row is None:
        await schedule_job(conn, order_id, now)
        return
    excluded = [*row.excluded, exclude] if exclude and exclude not in row.excluded else list(row.excluded)
    await conn.execute(
        update(matching_jobs)
        .where(matching_jobs.c.order_id == order_id)
        .values(status="pending", due_at=now, claimed_until=None, excluded=excluded, updated_at=now)
    )


async def close_job(conn: AsyncConnection, order_id: str, status: str, now: datetime) -> None:
    await conn.execute(
        update(matching_jobs)
        .where(matching_jobs.c.order_id == order_id)
        .values(status=status, claimed_until=None, updated_at=now)
    )


class Matcher:
    """Runs due matching jobs: offer the nearest free worker, then the next when she lets it lapse."""

    def __init__(
        self,
        db: Database,
        geo: GeoIndex,
        clock: Callable[[], datetime],
        *,
        radius_for: Callable[[str], float],
        offer_timeout_seconds: float,
        no_worker: NoWorker,
        offer_made: OfferMade,
        lease_seconds: float = 30.0,
    ) -> None:
        self._db = db
        self._geo = geo
        self._clock = clock
        self._radius_for = radius_for
        self._offer_timeout = timedelta(seconds=offer_timeout_seconds)
        self._no_worker = no_worker
        self._offer_made = offer_made
        self._lease = timedelta(seconds=lease_seconds)
        self.owner = uuid.uuid4().hex

    async def run_due(self, limit: int = 50) -> int:
        """Claim due jobs (a lease, so other processes skip them) and advance each; returns how many."""
        claimed = await self._claim_due(limit)
        for order_id in claimed:
            await self.advance(order_id)
        return len(claimed)

    async def _claim_due(self, limit: int) -> list[str]:
        now = self._clock()
        free = or_(matching_jobs.c.claimed_until.is_(None), matching_jobs.c.claimed_until < now)
        due = and_(matching_jobs.c.status == "pending", matching_jobs.c.due_at <= now, free)
        async with self._db.connect() as conn:
            rows = await conn.execute(
                select(matching_jobs.c.order_id).where(due).order_by(matching_jobs.c.due_at).limit(limit)
            )
            order_ids = [row.order_id for row in rows]
        claimed = []
        for order_id in order_ids:
            async with self._db.begin() as conn:
                result = await conn.execute(
                    update(matching_jobs)
                    .where(matching_jobs.c.order_id == order_id, due)
                    .values(claimed_until=now + self._lease, claimed_by=self.owner)
                )
            if result.rowcount == 1:
                claimed.append(order_id)
        return claimed

    async def advance(self, order_id: str) -> None:
        """One step of a claimed job, in one transaction."""
        sent: OfferSent | None = None
        released: str | None = None
        async with self._db.begin() as conn:
            now = self._clock()
            order = await OrderRepo(conn).get(order_id)
            if order is None or not order.needs_worker:
                await close_job(conn, order_id, "closed", now)
                return
            waiting = await _pending_offer(conn, order_id)
            if waiting is not None and waiting["expires_at"] > now:
                await _wait_until(conn, order_id, waiting["expires_at"], now)
                return
            if waiting is not None:
                released = await self._expire(conn, waiting, now)
            sent = await self._offer_next(conn, order, now)
            if sent is None:
                await close_job(conn, order_id, "failed", now)
                await self._no_worker(conn, order_id, "no verified worker accepted within the radius")
        if released is not None:
            OFFERS.labels("timed_out").inc()
            await self._geo.drop_claim(released, order_id)
        if sent is not None:
            OFFERS.labels("sent").inc()
            self._offer_made(sent.order_id, sent.worker_id)

    async def _expire(self, conn: AsyncConnection, offer: Mapping[str, Any], now: datetime) -> str:
        await conn.execute(
            update(offers)
            .where(offers.c.id == offer["id"], offers.c.outcome == "pending")
            .values(outcome="expired", decided_at=now)
        )
        await worker_repo.release(conn, offer["worker_id"], offer["order_id"], now)
        await reopen_job(conn, offer["order_id"], offer["worker_id"], now)
        return str(offer["worker_id"])

    async def _offer_next(self, conn: AsyncConnection, order: Order, now: datetime) -> OfferSent | None:
        job = (
            await conn.execute(
                select(matching_jobs.c.excluded, matching_jobs.c.crew, matching_jobs.c.crew_day)
                .where(matching_jobs.c.order_id == order.id)
            )
        ).first()
        excluded = list(job.excluded) if job is not None else []
        preferred: set[str] = set()
        if job is not None and job.crew is not None:
            busy, preferred = await crew_workers(conn, order.id, Crew(job.crew, job.crew_day))
            excluded.extend(busy)
        lat, lng = parse_gps(order.details.end_location["gps"])
        category_id = order.service.category_id
        radius = self._radius_for(category_id)
        candidates = await self._geo.nearest(category_id, lat, lng, radius, CANDIDATES_PER_ROUND + len(excluded))
        slot = order_slot(order, now)
        for candidate in offer_order(candidates, excluded, radius, preferred):
            if not slot_is_free(await worker_repo.booked_slots(conn, candidate.worker_id), *slot):
                continue
            if not await free_of_engagements(conn, candidate.worker_id, *slot, (lat, lng)):
                continue
            if not await self._geo.try_claim(candidate.worker_id, order.id, self._offer_timeout.total_seconds() + 5):
                continue
            if not await worker_repo.claim(conn, candidate.worker_id, order.id, now):
                await self._geo.drop_claim(candidate.worker_id, order.id)
                continue
            expires = now + self._offer_timeout
            await conn.execute(
                offers.insert().values(
                    order_id=order.id,
                    worker_id=candidate.worker_id,
                    distance_km=candidate.distance_km,
                    sent_at=now,
                    expires_at=expires,
                    outcome="pending",
                )
            )
            await _wait_until(conn, order.id, expires, now)
            worker = await worker_repo.get_worker(conn, candidate.worker_id)
            if worker is not None:
                await self._geo.remove(candidate.worker_id, worker["skills"])
            return OfferSent(order.id, candidate.worker_id)
        return None


def order_slot(order: Order, now: datetime) -> tuple[datetime, datetime]:
    """The order's booked slot; an order for as soon as possible occupies the next hour."""
    if order.slot is not None:
        return order.slot.start, order.slot.end
    return now, now + timedelta(hours=1)


async def _pending_offer(conn: AsyncConnection, order_id: str) -> Row | None:
    query = select(offers).where(offers.c.order_id == order_id, offers.c.outcome == "pending")
    return (await conn.execute(query)).mappings().first()


async def _wait_until(conn: AsyncConnection, order_id: str, due: datetime, now: datetime) -> None:
    await conn.execute(
        update(matching_jobs)
        .where(matching_jobs.c.order_id == order_id)
        .values(due_at=due, claimed_until=None, updated_at=now)
    )
