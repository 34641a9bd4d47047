"""The Beckn `order` the unsolicited callbacks of a worker's step carry (they go to `OrderAddress.of_order`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.orders.view import order_message
from catalog.order_message import StartOtp
from fulfillment.order import Order


async def order_payload(
    conn: AsyncConnection, order: Order, *, otp: StartOtp | None = None, invoice_url: str | None = None
) -> dict[str, Any]:
    """The callback `message`: the order as it now is (with the start OTP or the invoice when there is one)."""
    return {"order": await order_message(conn, order, otp=otp, invoice_url=invoice_url)}
