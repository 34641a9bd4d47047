"""The Beckn `order` of an Order, as every on_status, on_cancel and on_update sends it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.repo import CatalogRepo
from bpp.orders.repo import message_fields
from bpp.storage.order_tables import order_events
from bpp.storage.worker_tables import workers
from catalog.order_message import Milestones, StartOtp, build_order
from fulfillment.cancellation import cancelled_quote
from fulfillment.geo import format_gps
from fulfillment.order import Order
from fulfillment.states import Event, FulfillmentState, wire_fulfillment_code


async def worker_position(conn: AsyncConnection, order: Order) -> dict[str, Any] | None:
    """The assigned worker's name, phone and position, and when it was taken: live while travelling, else where
    she accepted."""
    if order.worker_id is None:
        return None
    # a read model: the worker's public details, read here so the order's view needs nothing from the workforce
    query = select(workers.c.name, workers.c.phone, workers.c.last_lat, workers.c.last_lng, workers.c.last_seen_at)
    worker = (await conn.execute(query.where(workers.c.id == order.worker_id))).mappings().first()
    if worker is None:
        return None
    progress = order.progress
    live = progress.fulfillment_state is FulfillmentState.IN_TRANSIT and worker["last_lat"] is not None
    gps = format_gps(worker["last_lat"], worker["last_lng"]) if live else progress.worker_assigned_gps
    if gps is None:
        return None
    at = (worker["last_seen_at"] if live else None) or progress.updated_at
    return {"name": worker["name"], "phone": worker["phone"], "gps": gps, "at": at}


async def first_event_times(conn: AsyncConnection, order_id: str, *kinds: str) -> dict[str, datetime]:
    """When each of `kinds` first happened to the order (the event log is append-only: set once)."""
    query = (
        select(order_events.c.kind, func.min(order_events.c.at))
        .where(order_events.c.order_id == order_id, order_events.c.kind.in_(kinds))
        .group_by(order_events.c.kind)
    )
    return {kind: at for kind, at in (await conn.execute(query)).all()}


async def milestones(conn: AsyncConnection, order_id: str) -> Milestones:
    """When the worker set off and when she completed, from the order's events."""
    times = await first_event_times(conn, order_id, Event.TRAVELLING.value, Event.COMPLETED.value)
    return Milestones(times.get(Event.TRAVELLING.value), times.get(Event.COMPLETED.value))


async def order_message(
    conn: AsyncConnection, order: Order, *, otp: StartOtp | None = None, invoice_url: str | None = None
) -> dict[str, Any]:
    """The Beckn `order`: states spelt as on the wire, a cancellation's fee (none once refunded) in the quote, the
    worker's stop."""
    view = message_fields(order)
    view["fulfillment_state"] = wire_fulfillment_code(order.fulfillment_state)
    fee = order.cancellation_fee_due
    if fee is not None:
        view["quote"] = cancelled_quote(order.quote.snapshot, fee)
    worker = await worker_position(conn, order)
    return build_order(
        view,
        worker=worker,
        otp=otp,
        invoice_url=invoice_url,
        milestones=await milestones(conn, order.id),
        district=await CatalogRepo(conn).provider(order.service.provider_id) if worker is not None else None,
    )
