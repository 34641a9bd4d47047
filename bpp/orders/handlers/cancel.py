"""cancel → on_cancel: a buyer cancellation under the order's cancellation terms.

The fee comes from `fulfillment.cancellation`; the order, the worker's release and the fee's
journal entry change in the same transaction as the on_cancel row. A refused cancellation changes
nothing and answers with the ONDC code and the order as it stands.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import InboundRequest
from bpp.orders.changes import save_order_change
from bpp.orders.handlers.status import find_order
from bpp.orders.view import order_message
from fulfillment.cancellation import (
    CancellationCharge,
    buyer_cancellation,
    cancellation_terms_from_wire,
)
from fulfillment.states import Event, transition
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.wiring.services import Services


async def handle(services: Services, request: InboundRequest) -> None:
    message = request.model.message
    now = services.clock()
    async with services.db.begin() as conn:
        order = await find_order(conn, request, message.order_id, for_update=True)
        terms = cancellation_terms_from_wire((order.get("terms") or {}).get("cancellation_terms"))
        try:
            charge = buyer_cancellation(
                order["fulfillment_state"],
                message.cancellation_reason_id,
                terms,
                order["total"],
                now=now,
                slot_start=order["slot_start"],
            )
            status, state = transition(order["status"], order["fulfillment_state"], Event.CANCELLED)
        except Refusal as refused:
            await _refuse(services, conn, request, order, refused)
            return
        cancelled = await _cancel(conn, order, charge, request.bap_id, status.value, state.value, now)
        await services.fulfillment.order_cancelled(conn, order["id"])
        await services.ledger.order_cancelled(conn, order["id"], charge.fee)  # also records refunds owed
        await services.outbox.reply(conn, request, message={"order": await order_message(conn, cancelled)})


async def _cancel(
    conn: AsyncConnection,
    order: Mapping[str, Any],
    charge: CancellationCharge,
    actor: str,
    status: str,
    state: str,
    now: datetime,
) -> Mapping[str, Any]:
    """Write the cancellation (optimistic lock on `version`) and its event; return the new row."""
    record = {
        "who": "buyer",
        "reason_id": charge.reason.code,
        "fee": str(charge.fee),
        "state_when_cancelled": charge.fulfillment_state,
        "at": now.isoformat(),
    }
    return await save_order_change(
        conn, order, {"status": status, "fulfillment_state": state, "cancellation": record},
        kind=Event.CANCELLED.value, actor=actor, detail={"reason_id": charge.reason.code, "fee": str(charge.fee)},
        now=now, retry_hint="send cancel again",
    )


async def _refuse(
    services: Services,
    conn: AsyncConnection,
    request: InboundRequest,
    order: Mapping[str, Any],
    refused: Refusal,
) -> None:
    """Answer on_cancel with the ONDC error and the unchanged order."""
    message = {"order": await order_message(conn, order)}
    await services.outbox.reply(conn, request, message=message, error=refused.as_error())
