"""What the workforce area needs from other areas, as narrow ports (the money and assisted areas implement them)."""

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


class CitizenNotices(Protocol):
    """How the customer of an order no buyer app follows (an assisted channel's: helpline, kiosk, department) hears
    of it: an SMS queued in the caller's transaction, so it goes out only if the change commits; `wake` after the
    commit sends it at once rather than at the sender's next poll."""

    async def worker_coming(self, conn: AsyncConnection, order: Order, worker_name: str, otp: str) -> None: ...

    async def cancelled(self, conn: AsyncConnection, order: Order) -> None: ...

    def wake(self) -> None: ...
