"""update → on_update: the buyer moves the booked slot (SRV "reschedule after confirmation").

Only `update_target` "fulfillments" with a new end-stop time range is supported; the move must fit
the order's reschedule terms, the service's opening hours and the assigned worker's calendar. The
order, the worker's booking and the on_update row change in one transaction. An engagement's change (pause,
resume, end with notice, the visit time) is `bpp/orders/handlers/engagement.py`'s.
"""

from __future__ import annotations

from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers import engagement as engagement_ondc
from bpp.orders.reschedule import reschedule_fee
from bpp.orders.view import order_message
from fulfillment.reschedule import Slot
from schemas.beckn import UpdateRequest
from schemas.errors import FEATURE_NOT_SUPPORTED, SCHEDULE_NOT_PROVIDED
from schemas.refusal import Refusal

SUPPORTED_TARGETS = ("fulfillments", "fulfillment")


def wanted_slot(model: UpdateRequest) -> Slot:
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


async def handle(deps: OrderDeps, request: InboundRequest[UpdateRequest]) -> None:
    model = request.model
    if model.message.update_target not in SUPPORTED_TARGETS:
        raise Refusal(
            FEATURE_NOT_SUPPORTED.code,
            f"update_target {model.message.update_target!r} is not supported; only rescheduling is "
            "(update_target 'fulfillments' with a new end-stop time range)",
            field="message.update_target",
        )
    async with deps.unit_of_work() as uow:
        if await engagement_ondc.update(deps, uow, request):
            await uow.commit()
            return
        wanted = wanted_slot(model)
        now = deps.clock()
        order = await uow.orders.of_buyer(request.bap_id, model.message.order.id)
        try:
            fee = await reschedule_fee(uow.conn, order, wanted, now, deps.fulfillment.offers)
            order.reschedule(wanted, fee, at=now)
        except Refusal as refused:  # answered with the ONDC error and the unchanged order
            unchanged = {"order": await order_message(uow.conn, order)}
            await uow.outbox.reply(request, message=unchanged, error=refused.as_error())
            await uow.commit()
            return
        await uow.orders.save(order)
        await deps.fulfillment.offers.order_rescheduled(uow.conn, order)
        await uow.outbox.reply(request, message={"order": await order_message(uow.conn, order)})
        await uow.commit()
