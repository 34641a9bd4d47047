"""What the workforce area needs from other areas, as narrow ports (the money area implements them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection


class OrderSettlement(Protocol):
    """The ledger's side of an order ending, posted inside the caller's transaction (a repeat posts nothing)."""

    async def order_completed(self, conn: AsyncConnection, order_id: str) -> None: ...

    async def order_cancelled(self, conn: AsyncConnection, order_id: str, fee: Decimal) -> None: ...
