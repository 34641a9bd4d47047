"""The kiosks table: each kiosk, its district, its commission and its one login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.kiosk_tables import kiosks


@dataclass(frozen=True, slots=True)
class Kiosk:
    id: str
    name: str
    district: str  # the city code of the district it books in, e.g. std:0522
    operator_name: str
    operator_phone: str
    commission: Decimal | None  # per completed booking; None: the deployment's setting
    staff_user_id: str


def _kiosk(row: Any) -> Kiosk:
    return Kiosk(row.id, row.name, row.district, row.operator_name, row.operator_phone, row.commission,
                 row.staff_user_id)


class KioskRepo:
    """The kiosks table seen through one connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, kiosk: Kiosk, created_at: datetime) -> None:
        await self._conn.execute(kiosks.insert().values(
            id=kiosk.id, name=kiosk.name, district=kiosk.district, operator_name=kiosk.operator_name,
            operator_phone=kiosk.operator_phone, commission=kiosk.commission, staff_user_id=kiosk.staff_user_id,
            created_at=created_at,
        ))

    async def update(self, kiosk: Kiosk) -> None:
        """Its name, district, operator and commission as given (its id and login stay)."""
        await self._conn.execute(kiosks.update().where(kiosks.c.id == kiosk.id).values(
            name=kiosk.name, district=kiosk.district, operator_name=kiosk.operator_name,
            operator_phone=kiosk.operator_phone, commission=kiosk.commission,
        ))

    async def get(self, kiosk_id: str) -> Kiosk | None:
        row = (await self._conn.execute(select(kiosks).where(kiosks.c.id == kiosk_id))).first()
        return _kiosk(row) if row else None

    async def of_operator(self, staff_user_id: str) -> Kiosk | None:
        row = (await self._conn.execute(select(kiosks).where(kiosks.c.staff_user_id == staff_user_id))).first()
        return _kiosk(row) if row else None

    async def listed(self, district: str | None) -> list[Kiosk]:
        """The kiosks of `district` (every district's when None), by id."""
        query = select(kiosks).order_by(kiosks.c.id)
        if district is not None:
            query = query.where(kiosks.c.district == district)
        return [_kiosk(row) for row in await self._conn.execute(query)]
