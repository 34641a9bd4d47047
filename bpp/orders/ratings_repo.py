"""SQL access to the ratings buyer apps give an order's worker or provider, and the providers' aggregates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.complaint_tables import rating_aggregates, ratings
from bpp.storage.db import Row
from fulfillment.ratings import RatingAggregate


class RatingsRepo:
    """Ratings and provider aggregates inside the caller's transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(
        self, order_id: str, subject: str, subject_id: str, category: str, value: int, bap_id: str, at: datetime
    ) -> bool:
        """Store one rating; False when this order already rated this subject (nothing changes)."""
        existing = await self.conn.execute(
            select(ratings.c.id).where(
                ratings.c.order_id == order_id, ratings.c.subject == subject, ratings.c.subject_id == subject_id
            )
        )
        if existing.first() is not None:
            return False
        await self.conn.execute(
            ratings.insert().values(
                order_id=order_id,
                subject=subject,
                subject_id=subject_id,
                rating_category=category,
                value=value,
                bap_id=bap_id,
                rated_at=at,
            )
        )
        return True

    async def aggregate(self, subject: str, subject_id: str) -> RatingAggregate:
        query = select(rating_aggregates.c.count, rating_aggregates.c.total).where(
            rating_aggregates.c.subject == subject, rating_aggregates.c.subject_id == subject_id
        )
        row = (await self.conn.execute(query)).first()
        if row is None:
            return RatingAggregate()
        count, total = row  # unpacked: the attribute `row.count` is, to mypy, the tuple method of that name
        return RatingAggregate(count, total)

    async def add_to_aggregate(self, subject: str, subject_id: str, value: int, at: datetime) -> RatingAggregate:
        """Count one more rating of the subject (a SQL increment, safe under concurrent ratings)."""
        result = await self.conn.execute(
            update(rating_aggregates)
            .where(rating_aggregates.c.subject == subject, rating_aggregates.c.subject_id == subject_id)
            .values(
                count=rating_aggregates.c.count + 1, total=rating_aggregates.c.total + value, updated_at=at
            )
        )
        if result.rowcount == 0:
            await self.conn.execute(
                rating_aggregates.insert().values(
                    subject=subject, subject_id=subject_id, count=1, total=value, updated_at=at
                )
            )
        return await self.aggregate(subject, subject_id)

    async def recent(self, subject: str, subject_id: str, limit: int = 50) -> list[Row]:
        query = (
            select(ratings)
            .where(ratings.c.subject == subject, ratings.c.subject_id == subject_id)
            .order_by(ratings.c.rated_at.desc())
            .limit(limit)
        )
        return list((await self.conn.execute(query)).mappings())

    async def of_order(self, order_id: str) -> list[Row]:
        """The ratings a buyer app gave for one order (its worker, its provider)."""
        query = select(ratings).where(ratings.c.order_id == order_id).order_by(ratings.c.rated_at)
        return list((await self.conn.execute(query)).mappings())
