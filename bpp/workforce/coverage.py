"""Where we can serve: the coverage index search answers from, and the per-category matching radii.

Both are loaded from the database into every process and reloaded when the shared `coverage` version
moves (a staff change of who is listed, where, or a radius), so every process answers alike.
"""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.platform.shared_version import SharedVersion
from bpp.storage.db import Database
from bpp.storage.worker_tables import matching_radii
from bpp.workforce import repo as worker_repo
from fulfillment.coverage import CoverageIndex
from fulfillment.matching import radius_for


class Coverage:
    """The coverage index and matching radii of this process, kept in line with the database."""

    def __init__(self, db: Database, redis: Redis, *, default_radius_km: float) -> None:
        self._db = db
        self._default_radius_km = default_radius_km
        self._index = CoverageIndex()
        self._radii: dict[str, float] = {}
        self._version = SharedVersion(redis, "coverage", self._load)

    async def start(self) -> None:
        await self._version.start()

    async def stop(self) -> None:
        await self._version.stop()

    def categories_near(self, lat: float, lng: float, radius_km: float) -> set[str]:
        """The categories some listed worker's home within `radius_km` of the point offers."""
        return self._index.categories_near(lat, lng, radius_km)

    def radius_for(self, category_id: str) -> float:
        """How far matching looks for a worker of the category."""
        return radius_for(category_id, self._default_radius_km, self._radii)

    async def set_radius(self, conn: AsyncConnection, category_id: str, radius_km: float) -> None:
        """Set a category's own matching radius (staff); call `workers_changed()` after the commit."""
        await conn.execute(matching_radii.delete().where(matching_radii.c.category_id == category_id))
        await conn.execute(matching_radii.insert().values(category_id=category_id, radius_km=radius_km))

    async def workers_changed(self) -> None:
        """Call after a commit that changed who is listed, where, or a matching radius: every process reloads."""
        await self._version.bump()

    async def _load(self, version: int) -> None:
        """Rebuild the coverage index and the per-category matching radii from the database."""
        async with self._db.connect() as conn:
            points = await worker_repo.listed_points(conn)
            radii = await conn.execute(select(matching_radii))
            self._radii = {row.category_id: row.radius_km for row in radii}
        self._index = CoverageIndex(points)
