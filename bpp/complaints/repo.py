"""SQL access to complaints and their action trail (same SQL on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.orders.repo import in_channel
from bpp.storage.complaint_tables import complaint_actions, complaints
from bpp.storage.db import Row
from fulfillment.complaints import ActionRecord, Kind, RespondentAction, Status


class ComplaintsRepo:
    """Complaints inside the caller's connection/transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get(self, complaint_id: str, *, for_update: bool = False) -> Row | None:
        query = select(complaints).where(complaints.c.id == complaint_id)
        if for_update and self.conn.dialect.name == "postgresql":
            query = query.with_for_update()
        return (await self.conn.execute(query)).mappings().first()

    async def by_issue(self, bap_id: str, issue_id: str) -> Row | None:
        query = select(complaints).where(complaints.c.bap_id == bap_id, complaints.c.issue_id == issue_id)
        return (await self.conn.execute(query)).mappings().first()

    async def insert(self, values: Mapping[str, Any]) -> None:
        await self.conn.execute(complaints.insert().values(**values, version=1))

    async def change(self, complaint: Mapping[str, Any], **values: Any) -> Mapping[str, Any]:
        """Apply `values` under the optimistic lock; raises LookupError when someone changed it first."""
        result = await self.conn.execute(
            update(complaints)
            .where(complaints.c.id == complaint["id"], complaints.c.version == complaint["version"])
            .values(**values, version=complaint["version"] + 1)
        )
        if result.rowcount != 1:
            raise LookupError(complaint["id"])
        return {**complaint, **values, "version": complaint["version"] + 1}

    async def add_action(
        self, complaint_id: str, side: str, action: str, short_desc: str, actor: str, at: datetime
    ) -> None:
        await self.conn.execute(
            complaint_actions.insert().values(
                complaint_id=complaint_id, side=side, action=action, short_desc=short_desc, actor=actor, at=at
            )
        )

    async def actions(self, complaint_id: str) -> list[Row]:
        query = (
            select(complaint_actions)
            .where(complaint_actions.c.complaint_id == complaint_id)
            .order_by(complaint_actions.c.id)
        )
        return list((await self.conn.execute(query)).mappings())

    async def respondent_actions(self, complaint_id: str) -> list[ActionRecord]:
        return [
            ActionRecord(RespondentAction(row["action"]), row["short_desc"], row["at"])
            for row in await self.actions(complaint_id)
            if row["side"] == "respondent"
        ]

    async def listing(
        self, *, city: str | None = None, status: str | None = None, channel: str | None = None, limit: int = 200
    ) -> Sequence[Row]:
        """The newest complaints, of one city, status and order channel (a name, or a kind: `in_channel`)."""
        query = select(complaints).order_by(complaints.c.created_at.desc()).limit(limit)
        if city is not None:
            query = query.where(complaints.c.city == city)
        if status is not None:
            query = query.where(complaints.c.status == status)
        if channel is not None:
            query = query.where(in_channel(complaints.c.channel, channel))
        return (await self.conn.execute(query)).mappings().all()

    async def of_orders(self, order_ids: Collection[str]) -> Sequence[Row]:
        """The complaints about these orders, newest first."""
        query = (
            select(complaints)
            .where(complaints.c.order_id.in_(list(order_ids)))
            .order_by(complaints.c.created_at.desc())
        )
        return (await self.conn.execute(query)).mappings().all()

    async def upheld_overcharging(self, worker_id: str, excluding: str) -> int:
        """How many other overcharging complaints against the worker were upheld."""
        query = select(func.count()).select_from(complaints).where(
            complaints.c.worker_id == worker_id,
            complaints.c.kind == Kind.OVERCHARGING.value,
            complaints.c.upheld.is_(True),
            complaints.c.id != excluding,
            complaints.c.status.in_([Status.RESOLVED.value, Status.CLOSED.value]),
        )
        return int((await self.conn.execute(query)).scalar_one())
