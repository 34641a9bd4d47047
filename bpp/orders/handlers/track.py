"""track → on_track: the worker's latest position while she travels to the customer; inactive otherwise.

Shape from the Beckn core `Tracking` object and the TRV10 on_track example: `status` active/inactive
and, when active, `location.gps` with `location.updated_at`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bpp.network.protocol import InboundRequest
from bpp.orders.handlers.status import find_order
from bpp.orders.view import worker_position
from catalog.formats import timestamp
from fulfillment.states import FulfillmentState

if TYPE_CHECKING:
    from bpp.wiring.services import Services


async def handle(services: Services, request: InboundRequest) -> None:
    order_id = request.model.message.order_id
    async with services.db.begin() as conn:
        order = await find_order(conn, request, order_id)
        position = await worker_position(conn, order)
        tracking: dict[str, object] = {"id": order["buyer_order_id"], "status": "inactive"}
        if order["fulfillment_state"] == FulfillmentState.IN_TRANSIT and position is not None:
            tracking["status"] = "active"
            tracking["location"] = {"gps": position["gps"], "updated_at": timestamp(position["at"])}
        await services.outbox.reply(conn, request, message={"tracking": tracking})
