"""status → on_status: the order as it is now, with the assigned worker and, once completed, the invoice; an
engagement with its visits in play (bpp/orders/handlers/engagement.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers import engagement as engagement_ondc
from bpp.orders.view import order_message
from fulfillment.order import Order
from schemas.beckn import StatusRequest
from schemas.enums import OrderStatus


async def status_message(invoice_url: Callable[[str], str], conn: AsyncConnection, order: Order) -> dict[str, Any]:
    """The on_status `message` of an order as it is now, with the invoice once completed."""
    invoice = invoice_url(order.id) if order.status is OrderStatus.COMPLETED else None
    return {"order": await order_message(conn, order, invoice_url=invoice)}


async def handle(deps: OrderDeps, request: InboundRequest[StatusRequest]) -> None:
    async with deps.unit_of_work() as uow:
        engagement = await engagement_ondc.service(deps).by_buyer_order(
            uow.conn, request.bap_id, request.model.message.order_id)
        if engagement is not None:
            await engagement_ondc.status(deps, uow, request, *engagement)
            await uow.commit()
            return
        order = await uow.orders.of_buyer(request.bap_id, request.model.message.order_id)
        message = await status_message(deps.invoice_url, uow.conn, order)
        await uow.outbox.reply(request, message=message)
        await uow.commit()
