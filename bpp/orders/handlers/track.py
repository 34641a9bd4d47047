"""track → on_track: the worker's latest position while she travels to the customer; inactive otherwise.

Shape from the Beckn core `Tracking` object and the TRV10 on_track example: `status` active/inactive
and, when active, `location.gps` with `location.updated_at`.
"""

from __future__ import annotations

from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.view import worker_position
from catalog.formats import timestamp
from fulfillment.states import FulfillmentState
from schemas.beckn import TrackRequest


async def handle(deps: OrderDeps, request: InboundRequest[TrackRequest]) -> None:
    async with deps.unit_of_work() as uow:
        order = await uow.orders.of_buyer(request.bap_id, request.model.message.order_id)
        position = await worker_position(uow.conn, order)
        tracking: dict[str, object] = {"id": order.buyer_order_id, "status": "inactive"}
        if order.fulfillment_state == FulfillmentState.IN_TRANSIT and position is not None:
            tracking["status"] = "active"
            tracking["location"] = {"gps": position["gps"], "updated_at": timestamp(position["at"])}
        await uow.outbox.reply(request, message={"tracking": tracking})
        await uow.commit()
