"""status → on_status: the order as it is now, with the assigned worker and, once completed, the invoice.

Also the order lookup the other post-order handlers (track, cancel, update) share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import InboundRequest
from bpp.orders.view import order_message
from bpp.storage.db import Row
from bpp.storage.order_tables import orders
from schemas.enums import OrderStatus
from schemas.errors import ORDER_NOT_FOUND
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.wiring.services import Services


async def find_order(
    conn: AsyncConnection, request: InboundRequest, order_id: str, *, for_update: bool = False
) -> Row:
    """The buyer app's order by the id it gave in confirm, or Refusal 30018 (never another app's order)."""
    query = select(orders).where(orders.c.bap_id == request.bap_id, orders.c.buyer_order_id == order_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    order = (await conn.execute(query)).mappings().first()
    if order is None:
        raise Refusal(
            ORDER_NOT_FOUND.code, f"order {order_id!r} not found for {request.bap_id}; check the order id"
        )
    return order


async def status_message(services: Services, conn: AsyncConnection, order: Row) -> dict[str, Any]:
    """The on_status `message` of an order as it is now (with the invoice once completed)."""
    invoice = services.fulfillment.invoice_url(order["id"]) if order["status"] == OrderStatus.COMPLETED else None
    return {"order": await order_message(conn, order, invoice_url=invoice)}


async def handle(services: Services, request: InboundRequest) -> None:
    order_id = request.model.message.order_id
    async with services.db.begin() as conn:
        order = await find_order(conn, request, order_id)
        await services.outbox.reply(conn, request, message=await status_message(services, conn, order))
