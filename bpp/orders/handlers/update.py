"""update → on_update: the buyer moves the booked slot (SRV "reschedule after confirmation").

Only `update_target` "fulfillments" with a new end-stop time range is supported; the move must fit
the order's reschedule terms, the service's opening hours and the assigned worker's calendar. The
order, the worker's booking and the on_update row change in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.repo import CatalogRepo
from bpp.network.protocol import InboundRequest
from bpp.orders.changes import save_order_change
from bpp.orders.handlers.status import find_order
from bpp.orders.view import order_message
from bpp.workforce import repo as worker_repo
from fulfillment.reschedule import (
    Slot,
    check_reschedule,
    reschedule_terms_from_wire,
    rescheduled_quote,
)
from fulfillment.states import Event, transition
from fulfillment.workers import slot_is_free
from schemas.errors import (
    FEATURE_NOT_SUPPORTED,
    INVALID_ORDER_STATE,
    SCHEDULE_NOT_PROVIDED,
    SLOT_NOT_AVAILABLE,
)
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.wiring.services import Services

SUPPORTED_TARGETS = ("fulfillments", "fulfillment")


def wanted_slot(model: Any) -> Slot:
    """The new arrival window: the end stop's `time.range` in the update's fulfillment."""
    for fulfillment in model.message.order.fulfillments or []:
        for stop in fulfillment.stops or []:
            time_range = stop.time.range if stop.type == "end" and stop.time else None
            if time_range is not None and time_range.start and time_range.end:
                return Slot(time_range.start, time_range.end)
    raise Refusal(
        SCHEDULE_NOT_PROVIDED.code,
        "send the new slot as fulfillments[].stops[type=end].time.range {start, end}",
        field="message.order.fulfillments",
    )


async def handle(services: Services, request: InboundRequest) -> None:
    model = request.model
    if model.message.update_target not in SUPPORTED_TARGETS:
        raise Refusal(
            FEATURE_NOT_SUPPORTED.code,
            f"update_target {model.message.update_target!r} is not supported; only rescheduling is "
            "(update_target 'fulfillments' with a new end-stop time range)",
            field="message.update_target",
        )
    wanted = wanted_slot(model)
    now = services.clock()
    async with services.db.begin() as conn:
        order = await find_order(conn, request, model.message.order.id, for_update=True)
        try:
            fee = await _check(conn, order, wanted, now)
            transition(order["status"], order["fulfillment_state"], Event.RESCHEDULED)  # guard: keeps both
        except Refusal as refused:
            message = {"order": await order_message(conn, order)}
            await services.outbox.reply(conn, request, message=message, error=refused.as_error())
            return
        moved = await _move(conn, order, wanted, fee, request.bap_id, now)
        await services.fulfillment.order_rescheduled(conn, order["id"])
        await services.outbox.reply(conn, request, message={"order": await order_message(conn, moved)})


async def _check(conn: AsyncConnection, order: Mapping[str, Any], wanted: Slot, now: datetime) -> Decimal:
    """The reschedule fee, after the terms, the opening hours and the worker's calendar agree."""
    if order["slot_start"] is None or order["slot_end"] is None:
        raise Refusal(INVALID_ORDER_STATE.code, "the order has no booked slot to move")
    terms = reschedule_terms_from_wire((order.get("terms") or {}).get("reschedule_terms"))
    item = await CatalogRepo(conn).item(order["item_id"])
    fee = check_reschedule(
        order["fulfillment_state"],
        terms,
        Slot(order["slot_start"], order["slot_end"]),
        wanted,
        now=now,
        availability=item.availability if item else None,
        duration_minutes=item.duration_minutes if item else None,
    )
    if order["worker_id"]:
        booked = [
            slot
            for slot in await worker_repo.booked_slots(conn, order["worker_id"])
            if slot != (order["slot_start"], order["slot_end"])
        ]
        if not slot_is_free(booked, wanted.start, wanted.end):
            raise Refusal(
                SLOT_NOT_AVAILABLE.code,
                "the assigned worker is already booked at that time; choose another slot",
            )
    return fee


async def _move(
    conn: AsyncConnection, order: Mapping[str, Any], wanted: Slot, fee: Decimal, actor: str, now: datetime
) -> Mapping[str, Any]:
    """Store the new slot (and any fee in the quote and total); return the new row."""
    quote = rescheduled_quote(order["quote"], fee)
    changes = {"slot_start": wanted.start, "slot_end": wanted.end, "quote": quote, "total": order["total"] + fee}
    detail = {
        "from": [order["slot_start"].isoformat(), order["slot_end"].isoformat()],
        "to": [wanted.start.isoformat(), wanted.end.isoformat()],
        "fee": str(fee),
    }
    return await save_order_change(conn, order, changes, kind=Event.RESCHEDULED.value, actor=actor, detail=detail,
                                   now=now, retry_hint="send update again")
