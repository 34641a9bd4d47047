"""SQL access to agencies and their workers (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.signup.repo import PUBLIC_COLUMNS as APPLICATION_COLUMNS
from bpp.storage.agency_tables import agencies, agency_workers
from bpp.storage.db import Row
from bpp.storage.ledger_tables import payout_batches, payout_lines
from bpp.storage.order_tables import orders
from bpp.storage.signup_tables import worker_applications
from bpp.storage.worker_tables import workers

# Columns staff and the agency may see (never the password hash).
PUBLIC_COLUMNS = [column for column in agencies.c if column.name != "password_hash"]


def _locked(query: Any, conn: AsyncConnection, for_update: bool) -> Any:
    # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs the row lock
    return query.with_for_update() if for_update and conn.dialect.name == "postgresql" else query


async def by_phone(conn: AsyncConnection, phone: str, *, for_update: bool = False) -> Row | None:
    query = select(*PUBLIC_COLUMNS).where(agencies.c.phone == phone)
    return (await conn.execute(_locked(query, conn, for_update))).mappings().first()


async def by_id(conn: AsyncConnection, agency_id: str, *, for_update: bool = False) -> Row | None:
    query = select(*PUBLIC_COLUMNS).where(agencies.c.id == agency_id)
    return (await conn.execute(_locked(query, conn, for_update))).mappings().first()


async def by_login(conn: AsyncConnection, staff_user_id: str) -> Row | None:
    query = select(*PUBLIC_COLUMNS).where(agencies.c.staff_user_id == staff_user_id)
    return (await conn.execute(query)).mappings().first()


async def gstin_taken(conn: AsyncConnection, gstin: str, other_than: str | None) -> bool:
    query = select(agencies.c.id).where(agencies.c.gstin == gstin)
    if other_than is not None:
        query = query.where(agencies.c.id != other_than)
    return (await conn.execute(query)).first() is not None


async def password_hash(conn: AsyncConnection, agency_id: str) -> str:
    return str((await conn.execute(select(agencies.c.password_hash).where(agencies.c.id == agency_id))).scalar_one())


async def insert(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(agencies.insert().values(**values))


async def change(conn: AsyncConnection, agency_id: str, **values: Any) -> None:
    await conn.execute(update(agencies).where(agencies.c.id == agency_id).values(**values))


async def listing(conn: AsyncConnection, district: str | None, statuses: Sequence[str]) -> Sequence[Row]:
    """Agencies in `statuses` (of one district when given), oldest sent first."""
    query = (select(*PUBLIC_COLUMNS).where(agencies.c.status.in_(statuses))
             .order_by(agencies.c.submitted_at, agencies.c.id))
    if district is not None:
        query = query.where(agencies.c.district == district)
    return (await conn.execute(query)).mappings().all()


# ---- its workers --------------------------------------------------------------------------------

async def add_worker(conn: AsyncConnection, agency_id: str, worker_id: str, now: Any) -> None:
    await conn.execute(agency_workers.insert().values(worker_id=worker_id, agency_id=agency_id, added_at=now))


async def agency_of_worker(conn: AsyncConnection, worker_id: str) -> str | None:
    query = select(agency_workers.c.agency_id).where(agency_workers.c.worker_id == worker_id)
    return (await conn.execute(query)).scalar_one_or_none()


async def workers_of(conn: AsyncConnection, agency_id: str) -> Sequence[Row]:
    """The agency's workers as applications (with the verification and rating of those approved), newest first."""
    query = (
        select(*APPLICATION_COLUMNS, workers.c.verification, workers.c.rating_count, workers.c.rating_sum)
        .select_from(agency_workers.join(worker_applications, worker_applications.c.id == agency_workers.c.worker_id)
                     .outerjoin(workers, workers.c.id == agency_workers.c.worker_id))
        .where(agency_workers.c.agency_id == agency_id)
        .order_by(agency_workers.c.added_at.desc(), agency_workers.c.worker_id)
    )
    return (await conn.execute(query)).mappings().all()


async def jobs_of(conn: AsyncConnection, agency_id: str, limit: int) -> Sequence[Row]:
    """The orders its workers were given, newest first."""
    query = (
        select(orders.c.id, orders.c.category_id, orders.c.status, orders.c.fulfillment_state, orders.c.slot_start,
               orders.c.total, orders.c.created_at, orders.c.worker_id, workers.c.name.label("worker_name"))
        .select_from(orders.join(agency_workers, agency_workers.c.worker_id == orders.c.worker_id)
                     .join(workers, workers.c.id == orders.c.worker_id))
        .where(agency_workers.c.agency_id == agency_id)
        .order_by(orders.c.created_at.desc(), orders.c.id)
        .limit(limit)
    )
    return (await conn.execute(query)).mappings().all()


async def payouts_of(conn: AsyncConnection, agency_id: str, limit: int) -> Sequence[Row]:
    """The payout lines of its workers, newest batch first."""
    query = (
        select(payout_lines.c.batch_id, payout_lines.c.worker_id, workers.c.name.label("worker_name"),
               payout_lines.c.amount, payout_lines.c.status, payout_lines.c.bank_reference,
               payout_batches.c.created_at)
        .select_from(payout_lines.join(payout_batches, payout_batches.c.id == payout_lines.c.batch_id)
                     .join(agency_workers, agency_workers.c.worker_id == payout_lines.c.worker_id)
                     .join(workers, workers.c.id == payout_lines.c.worker_id))
        .where(agency_workers.c.agency_id == agency_id)
        .order_by(payout_batches.c.created_at.desc(), payout_lines.c.line_no)
        .limit(limit)
    )
    return (await conn.execute(query)).mappings().all()

