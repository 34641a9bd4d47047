"""SQL access to worker applications and sign-up OTPs (runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.db import Row
from bpp.storage.signup_tables import signup_otps, worker_applications
from bpp.storage.worker_tables import workers
from fulfillment.signup import DRAFT, PhoneOtp

# Columns staff and the applicant may see (never the PIN hash).
PUBLIC_COLUMNS = [column for column in worker_applications.c if column.name != "pin_hash"]


def _locked(query: Any, conn: AsyncConnection, for_update: bool, of: Any) -> Any:
    # SQLite's BEGIN IMMEDIATE already serialises writers; PostgreSQL needs the row lock (of `of`'s row only: the
    # worker side of the outer join may be missing)
    return query.with_for_update(of=of) if for_update and conn.dialect.name == "postgresql" else query


async def by_phone(conn: AsyncConnection, phone: str, *, for_update: bool = False) -> Row | None:
    """The application of a phone, with its worker's verification once she is one (None before)."""
    query = (
        select(*PUBLIC_COLUMNS, workers.c.verification)
        .select_from(worker_applications.outerjoin(workers, workers.c.id == worker_applications.c.id))
        .where(worker_applications.c.phone == phone)
    )
    return (await conn.execute(_locked(query, conn, for_update, worker_applications))).mappings().first()


async def by_id(conn: AsyncConnection, application_id: str, *, for_update: bool = False) -> Row | None:
    query = (
        select(*PUBLIC_COLUMNS, workers.c.verification)
        .select_from(worker_applications.outerjoin(workers, workers.c.id == worker_applications.c.id))
        .where(worker_applications.c.id == application_id)
    )
    return (await conn.execute(_locked(query, conn, for_update, worker_applications))).mappings().first()


async def pin_hash(conn: AsyncConnection, phone: str) -> str | None:
    query = select(worker_applications.c.pin_hash).where(worker_applications.c.phone == phone)
    return (await conn.execute(query)).scalar_one_or_none()


async def insert(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(worker_applications.insert().values(status=DRAFT, **values))


async def change(conn: AsyncConnection, application_id: str, **values: Any) -> None:
    await conn.execute(
        update(worker_applications).where(worker_applications.c.id == application_id).values(**values)
    )


async def sent(conn: AsyncConnection, district: str | None, statuses: Sequence[str]) -> Sequence[Row]:
    """Applications in `statuses` (of one district when given), oldest sent first, with their workers'
    verification."""
    query = (
        select(*PUBLIC_COLUMNS, workers.c.verification)
        .select_from(worker_applications.outerjoin(workers, workers.c.id == worker_applications.c.id))
        .where(worker_applications.c.status.in_(statuses))
        .order_by(worker_applications.c.submitted_at, worker_applications.c.id)
    )
    if district is not None:
        query = query.where(worker_applications.c.district == district)
    return (await conn.execute(query)).mappings().all()


async def is_worker_phone(conn: AsyncConnection, phone: str) -> bool:
    return (await conn.execute(select(workers.c.id).where(workers.c.phone == phone))).first() is not None


# ---- OTPs ---------------------------------------------------------------------------------------

async def otp_of(conn: AsyncConnection, phone: str) -> PhoneOtp | None:
    query = _locked(select(signup_otps).where(signup_otps.c.phone == phone), conn, True, signup_otps)
    row = (await conn.execute(query)).mappings().first()
    if row is None:
        return None
    return PhoneOtp(row["code_hash"], row["issued_at"], row["wrong_tries"], row["locked_until"])


async def keep_otp(conn: AsyncConnection, phone: str, otp: PhoneOtp, *, new: bool) -> None:
    values = {"code_hash": otp.code_hash, "issued_at": otp.issued_at, "wrong_tries": otp.wrong_tries,
              "locked_until": otp.locked_until}
    if new:
        await conn.execute(signup_otps.insert().values(phone=phone, **values))
    else:
        await conn.execute(update(signup_otps).where(signup_otps.c.phone == phone).values(**values))
