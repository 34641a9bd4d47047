"""SQL access to workers, their audit trail, calendar and rating (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.db import Row
from bpp.storage.worker_tables import worker_audit, worker_bookings, workers
from fulfillment.coverage import WorkerPoint
from fulfillment.workers import ACTIVE, REGISTERED, VERIFIED, Registration

# Columns a worker or staff member may see (never the PIN hash).
PUBLIC_COLUMNS = [column for column in workers.c if column.name != "pin_hash"]


async def insert_worker(
    conn: AsyncConnection,
    reg: Registration,
    pin_hash: str,
    now: datetime,
    actor: str,
    *,
    verification: str = REGISTERED,
    demo: bool = False,
    worker_id: str | None = None,
) -> str:
    """Store a new worker (status `registered` unless told) and audit who registered her."""
    new_id = worker_id or "W-" + uuid.uuid4().hex[:12]
    await conn.execute(
        workers.insert().values(
            id=new_id,
            name=reg.name.strip(),
            phone=reg.phone,
            pin_hash=pin_hash,
            skills=list(reg.skills),
            languages=list(reg.languages),
            documents=[dict(doc) for doc in reg.documents],
            district=reg.district,
            home_lat=reg.home_lat,
            home_lng=reg.home_lng,
            verification=verification,
            standing=ACTIVE,
            online=False,
            rating_count=0,
            rating_sum=Decimal(0),
            demo=demo,
            created_at=now,
            updated_at=now,
        )
    )
    await audit(conn, new_id, now, actor, "register", None, verification, None)
    return new_id


async def audit(
    conn: AsyncConnection,
    worker_id: str,
    now: datetime,
    actor: str,
    action: str,
    before: str | None,
    after: str | None,
    reason: str | None,
) -> None:
    """Record one staff (or system) action on a worker."""
    await conn.execute(
        worker_audit.insert().values(
            worker_id=worker_id, at=now, actor=actor, action=action, before=before, after=after, reason=reason
        )
    )


async def get_worker(
    conn: AsyncConnection, worker_id: str, *, for_update: bool = False
) -> Row | None:
    """One worker row (with PIN hash) or None."""
    query = select(workers).where(workers.c.id == worker_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return (await conn.execute(query)).mappings().first()


async def get_by_phone(conn: AsyncConnection, phone: str) -> Row | None:
    return (await conn.execute(select(workers).where(workers.c.phone == phone))).mappings().first()


async def list_workers(conn: AsyncConnection, district: str | None = None) -> Sequence[Row]:
    """Workers without their PIN hashes, optionally of one district."""
    query = select(*PUBLIC_COLUMNS).order_by(workers.c.created_at)
    if district is not None:
        query = query.where(workers.c.district == district)
    return (await conn.execute(query)).mappings().all()


async def audit_trail(conn: AsyncConnection, worker_id: str) -> Sequence[Row]:
    query = select(worker_audit).where(worker_audit.c.worker_id == worker_id).order_by(worker_audit.c.id)
    return (await conn.execute(query)).mappings().all()


async def update_worker(conn: AsyncConnection, worker_id: str, now: datetime, **values: Any) -> None:
    await conn.execute(update(workers).where(workers.c.id == worker_id).values(updated_at=now, **values))


# What the geo sets follow (bpp/workforce/presence.py), returned by the presence updates below.
PRESENCE_COLUMNS = (
    workers.c.id, workers.c.skills, workers.c.verification, workers.c.standing, workers.c.online,
    workers.c.current_order_id, workers.c.last_lat, workers.c.last_lng,
)


def _presence_update(*, online: bool, position: bool) -> Any:
    values: dict[str, Any] = {"updated_at": bindparam("now"), "last_seen_at": bindparam("now")}
    if online:
        values["online"] = bindparam("online")
    if position:
        values.update(last_lat=bindparam("lat"), last_lng=bindparam("lng"))
    return update(workers).where(workers.c.id == bindparam("worker_id")).values(values).returning(*PRESENCE_COLUMNS)


# Built once: a location report is the most frequent write there is (500,000 workers online at peak), and building
# the statement per call cost more client CPU than executing it (bench/location_reports.py).
_PRESENCE_UPDATES = {(o, p): _presence_update(online=o, position=p) for o in (False, True) for p in (False, True)}


async def set_presence(
    conn: AsyncConnection,
    worker_id: str,
    now: datetime,
    *,
    online: bool | None = None,
    position: tuple[float, float] | None = None,
) -> Row | None:
    """Mark the worker seen now, optionally online or offline and at `position` (lat, lng); her
    `PRESENCE_COLUMNS` as this statement left them (None when there is no such worker)."""
    statement = _PRESENCE_UPDATES[(online is not None, position is not None)]
    params: dict[str, Any] = {"worker_id": worker_id, "now": now}
    if online is not None:
        params["online"] = online
    if position is not None:
        params.update(lat=position[0], lng=position[1])
    return (await conn.execute(statement, params)).mappings().first()


async def listed_points(conn: AsyncConnection) -> list[WorkerPoint]:
    """Home positions and skills of verified workers in good standing: the area the catalogue is offered in.

    Home, not the last GPS ping: a worker serves the area she lives in, and coverage then changes only through
    staff actions (which bump the shared version), so every process answers search alike.
    """
    query = select(workers.c.home_lat, workers.c.home_lng, workers.c.skills).where(
        workers.c.verification == VERIFIED, workers.c.standing == ACTIVE
    )
    return [
        WorkerPoint(row["home_lat"], row["home_lng"], frozenset(row["skills"]))
        for row in (await conn.execute(query)).mappings()
    ]


async def claim(
    conn: AsyncConnection, worker_id: str, order_id: str, now: datetime, *, online_only: bool = True
) -> bool:
    """Give `order_id` to the worker if she is matchable (listed, and online unless `online_only` is False: staff
    may give an order to a worker they phoned) and holds no order; the DB decides races."""
    conditions = [
        workers.c.id == worker_id,
        workers.c.current_order_id.is_(None),
        workers.c.verification == VERIFIED,
        workers.c.standing == ACTIVE,
    ]
    if online_only:
        conditions.append(workers.c.online.is_(True))
    result = await conn.execute(update(workers).where(*conditions).values(current_order_id=order_id, updated_at=now))
    return result.rowcount == 1


async def release(conn: AsyncConnection, worker_id: str, order_id: str, now: datetime) -> bool:
    """Free the worker from `order_id` (no effect if she holds another order)."""
    result = await conn.execute(
        update(workers)
        .where(workers.c.id == worker_id, workers.c.current_order_id == order_id)
        .values(current_order_id=None, updated_at=now)
    )
    return result.rowcount == 1


async def booked_slots(conn: AsyncConnection, worker_id: str) -> list[tuple[datetime, datetime]]:
    query = select(worker_bookings.c.slot_start, worker_bookings.c.slot_end).where(
        worker_bookings.c.worker_id == worker_id, worker_bookings.c.active.is_(True)
    )
    return [(row.slot_start, row.slot_end) for row in await conn.execute(query)]


async def book(conn: AsyncConnection, worker_id: str, order_id: str, start: datetime, end: datetime) -> None:
    """Put the order's slot in the worker's calendar (replacing an earlier booking of that order)."""
    await conn.execute(worker_bookings.delete().where(worker_bookings.c.order_id == order_id))
    await conn.execute(
        worker_bookings.insert().values(
            order_id=order_id, worker_id=worker_id, slot_start=start, slot_end=end, active=True
        )
    )


async def end_booking(conn: AsyncConnection, order_id: str) -> None:
    await conn.execute(
        update(worker_bookings).where(worker_bookings.c.order_id == order_id).values(active=False)
    )


async def add_rating(conn: AsyncConnection, worker_id: str, value: Decimal, now: datetime) -> None:
    """Add one rating to the worker's aggregate (sum and count, never an edited average)."""
    await conn.execute(
        update(workers)
        .where(workers.c.id == worker_id)
        .values(
            rating_sum=workers.c.rating_sum + value,
            rating_count=workers.c.rating_count + 1,
            updated_at=now,
        )
    )


