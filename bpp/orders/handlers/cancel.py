"""cancel → on_cancel: a buyer cancellation under the order's cancellation terms.

The order cancels itself under its terms (`Order.cancel_by_buyer`, fee from `fulfillment.cancellation`);
the order, the worker's release and the fee's journal entry change in the same unit of work as the
on_cancel row. A refused cancellation changes nothing and answers with the ONDC code and the order
as it stands. An engagement is not cancelled but ended with notice (`update`, docs/engagements.md section 6).
"""

from __future__ import annotations

from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers import engagement as engagement_ondc
from bpp.orders.view import order_message
from schemas.beckn import CancelRequest
from schemas.refusal import Refusal


async def handle(deps: OrderDeps, request: InboundRequest[CancelRequest]) -> None:
    message = request.model.message
    now = deps.clock()
    async with deps.unit_of_work() as uow:
        if await engagement_ondc.refuse_cancel(deps, uow, request):
            await uow.commit()
            return
        order = await uow.orders.of_buyer(request.bap_id, message.order_id)
        try:
            charge = order.cancel_by_buyer(message.cancellation_reason_id, at=now)
        except Refusal as refused:  # answered with the ONDC error and the unchanged order
            unchanged = {"order": await order_message(uow.conn, order)}
            await uow.outbox.reply(request, message=unchanged, error=refused.as_error())
            await uow.commit()
            return
        await uow.orders.save(order)
        await deps.fulfillment.offers.order_cancelled(uow.conn, order)
        await deps.ledger.order_cancelled(uow.conn, order, charge.fee)  # also records refunds owed
        await uow.outbox.reply(request, message={"order": await order_message(uow.conn, order)})
        await uow.commit()
