"""What the workforce area needs from other areas, as narrow ports (the money area implements them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from fulfillment.order import Order


class OrderSettlement(Protocol):
    """The ledger's side of an order ending, posted inside the caller's transaction (a repeat posts nothing).

    The caller passes the order it saved in that transaction, so settlement need not read it again."""

    async def order_completed(self, conn: AsyncConnection, order: Order) -> None: ...

    async def order_cancelled(self, conn: AsyncConnection, order: Order, fee: Decimal) -> None: ...
