"""The unsolicited callbacks a worker's step sends about an Order: where they go and the Beckn `order` they carry."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import OrderAddress
from bpp.orders.repo import message_fields
from bpp.orders.view import order_message
from catalog.order_message import StartOtp
from fulfillment.order import Order


def order_address(order: Order) -> OrderAddress:
    """Where the unsolicited callbacks of `order` go: the buyer app and transaction it came through."""
    channel = order.channel
    return OrderAddress(channel.bap_id, channel.bap_uri, order.transaction_id, channel.domain, channel.city)


async def order_payload(
    conn: AsyncConnection, order: Order, *, otp: StartOtp | None = None, invoice_url: str | None = None
) -> dict[str, Any]:
    """The callback `message`: the order as it now is (with the start OTP or the invoice when there is one)."""
    return {"order": await order_message(conn, message_fields(order), otp=otp, invoice_url=invoice_url)}
