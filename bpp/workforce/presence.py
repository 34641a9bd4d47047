"""Who is online where: workers going online and offline, their GPS pings, and the Redis geo sets that follow.

The database row is the truth; the geo sets (idle, matchable workers per skill) are brought in line
with it after each commit, and rebuilt from it when a process starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.db import Database, Row
from bpp.storage.worker_tables import workers
from bpp.workforce import repo as worker_repo
from bpp.workforce.matching import GeoIndex
from fulfillment.workers import check_may_go_online, is_matchable


class Presence:
    """The worker's own online/offline/location actions, and the geo sets kept in line with her row."""

    def __init__(
        self, db: Database, geo: GeoIndex, clock: Callable[[], datetime], wake_matching: Callable[[], None]
    ) -> None:
        self._db = db
        self._geo = geo
        self._clock = clock
        self._wake_matching = wake_matching

    async def start(self) -> None:
        """Put the online workers back in the geo sets (Redis may have lost them while no process ran)."""
        async with self._db.connect() as conn:
            rows = (await conn.execute(select(workers).where(workers.c.online.is_(True)))).mappings().all()
        for row in rows:
            await self._follow(row, release_claim=False)

    async def go_online(self, worker_id: str, lat: float, lng: float) -> None:
        """Start receiving offers near (lat, lng); only a listed worker may."""
        async with self._db.connect() as conn:
            worker = await worker_repo.get_worker(conn, worker_id)
        check_may_go_online(worker["verification"] if worker else None, worker["standing"] if worker else None)
        await self._set(worker_id, online=True, position=(lat, lng))

    async def go_offline(self, worker_id: str) -> None:
        await self._set(worker_id, online=False)

    async def report_location(self, worker_id: str, lat: float, lng: float) -> None:
        await self._set(worker_id, position=(lat, lng))

    async def refresh_worker(self, worker_id: str) -> None:
        """Bring Redis in line with the worker's row (after a commit)."""
        async with self._db.connect() as conn:
            worker = await worker_repo.get_worker(conn, worker_id)
        if worker is not None:
            await self._follow(worker, release_claim=worker["current_order_id"] is None)

    async def released(self, conn: AsyncConnection, worker_id: str) -> None:
        """The worker was freed in `conn`'s transaction: findable again if she can take an order."""
        worker = await worker_repo.get_worker(conn, worker_id)
        if worker is not None:
            await self._follow({**worker, "current_order_id": None}, release_claim=False)

    async def _set(
        self, worker_id: str, *, online: bool | None = None, position: tuple[float, float] | None = None
    ) -> None:
        """One transaction and one Redis round trip: the update returns what the geo sets follow, where a read
        after the commit cost three more database round trips (874 against 3,694 single-row updates a second
        in bench/location_reports.py, before). A matching that takes her meanwhile wins in the database either way;
        the geo sets are hints (bpp/workforce/matching.py drops a candidate found busy)."""
        async with self._db.begin() as conn:
            worker = await worker_repo.set_presence(conn, worker_id, self._clock(), online=online, position=position)
        if worker is not None:
            await self._follow(worker, release_claim=worker["current_order_id"] is None)
        self._wake_matching()

    async def _follow(self, worker: Row, *, release_claim: bool) -> None:
        """Put the worker in the geo sets when she can take an order now, else take her out."""
        free = is_matchable(worker["verification"], worker["standing"], worker["online"])
        findable = free and worker["current_order_id"] is None and worker["last_lat"] is not None
        point = (worker["last_lat"], worker["last_lng"]) if findable else None
        await self._geo.follow(worker["id"], worker["skills"], point, release_claim=release_claim)
