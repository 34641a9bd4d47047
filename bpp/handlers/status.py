"""status → on_status: the order as it is now, with the assigned worker and her latest position.

Also the order lookup and the order view the other post-order handlers (track, cancel, update) share.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp import worker_repo
from bpp.protocol import BusinessError, InboundRequest
from bpp.storage.order_tables import orders
from catalog.order_message import build_order
from fulfillment.cancellation import cancelled_quote
from fulfillment.geo import format_gps
from fulfillment.states import FulfillmentState, wire_fulfillment_code
from schemas.errors import ORDER_NOT_FOUND

if TYPE_CHECKING:
    from bpp.services import Services


async def find_order(
    conn: AsyncConnection, request: InboundRequest, order_id: str, *, for_update: bool = False
) -> Mapping[str, Any]:
    """The buyer app's own order `order_id`, or BusinessError 30018 (another app's order is not found)."""
    query = select(orders).where(orders.c.id == order_id, orders.c.bap_id == request.bap_id)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    order = (await conn.execute(query)).mappings().first()
    if order is None:
        raise BusinessError(
            ORDER_NOT_FOUND.code, f"order {order_id!r} not found for {request.bap_id}; check the order id"
        )
    return order


async def worker_position(conn: AsyncConnection, order: Mapping[str, Any]) -> dict[str, Any] | None:
    """The assigned worker's name, phone and position: live while travelling, else where she accepted."""
    if not order["worker_id"]:
        return None
    worker = await worker_repo.get_worker(conn, order["worker_id"])
    if worker is None:
        return None
    live = order["fulfillment_state"] == FulfillmentState.IN_TRANSIT and worker["last_lat"] is not None
    gps = format_gps(worker["last_lat"], worker["last_lng"]) if live else order["worker_assigned_gps"]
    if gps is None:
        return None
    at = worker["last_seen_at"] if live else order["updated_at"]
    return {"name": worker["name"], "phone": worker["phone"], "gps": gps, "at": at or order["updated_at"]}


async def order_message(conn: AsyncConnection, order: Mapping[str, Any]) -> dict[str, Any]:
    """The Beckn `order` for on_status / on_cancel / on_update, states spelt as on the wire."""
    view: dict[str, Any] = {**order, "fulfillment_state": wire_fulfillment_code(order["fulfillment_state"])}
    cancellation = order["cancellation"] or {}
    if cancellation.get("fee") is not None:
        view["quote"] = cancelled_quote(order["quote"], Decimal(str(cancellation["fee"])))
    return build_order(view, worker=await worker_position(conn, order))


async def handle(services: Services, request: InboundRequest) -> None:
    order_id = request.model.message.order_id
    async with services.db.begin() as conn:
        order = await find_order(conn, request, order_id)
        await services.outbox.reply(conn, request, message={"order": await order_message(conn, order)})
