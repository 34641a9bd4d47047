"""Whether an order may move to another slot now, and for what fee: its terms, the service's opening hours and
the assigned worker's calendar agree (a buyer app's update, or a helpline operator for a caller)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.repo import CatalogRepo
from bpp.orders.deps import OffersPort
from fulfillment.order import Order
from fulfillment.reschedule import Slot, check_reschedule, reschedule_terms_from_wire
from fulfillment.workers import slot_is_free
from schemas.errors import INVALID_ORDER_STATE, SLOT_NOT_AVAILABLE
from schemas.refusal import Refusal


async def reschedule_fee(
    conn: AsyncConnection, order: Order, wanted: Slot, now: datetime, offers: OffersPort
) -> Decimal:
    """The reschedule fee, after the terms, the opening hours and the worker's calendar agree; a Refusal if not."""
    booked_slot = order.slot
    if booked_slot is None:
        raise Refusal(INVALID_ORDER_STATE.code, "the order has no booked slot to move")
    terms = reschedule_terms_from_wire((order.terms or {}).get("reschedule_terms"))
    item = await CatalogRepo(conn).item(order.service.item_id)
    fee = check_reschedule(
        order.fulfillment_state,
        terms,
        booked_slot,
        wanted,
        now=now,
        availability=item.availability if item else None,
        duration_minutes=item.duration_minutes if item else None,
    )
    await check_worker_free(conn, order, wanted, offers)
    return fee


async def check_worker_free(conn: AsyncConnection, order: Order, wanted: Slot, offers: OffersPort) -> None:
    """The order's worker, if it has one, is free for `wanted` (the visit it moves from aside); a Refusal if not."""
    if order.worker_id is None or order.slot is None:
        return
    moving = (order.slot.start, order.slot.end)
    booked = [slot for slot in await offers.booked_slots(conn, order.worker_id) if slot != moving]
    if not slot_is_free(booked, wanted.start, wanted.end):
        raise Refusal(
            SLOT_NOT_AVAILABLE.code,
            "the assigned worker is already booked at that time; choose another slot",
            message_hi="उस समय सौंपा गया कर्मी दूसरी विज़िट पर है; कोई दूसरा समय चुनें।",
        )
