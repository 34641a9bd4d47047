"""A reply the buyer app never got within its ttl is followed by an unsolicited on_status, when there is an order.

A lost on_confirm (or on_update, on_cancel …) leaves the buyer app not knowing what became of an order that goes on
without it; the unsolicited on_status tells it the order's state now, and it is retried for
`unsolicited_callback_deadline_seconds`, not the reply's short ttl.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.outbox import Outbox
from bpp.network.protocol import OrderAddress
from bpp.orders.repo import OrderRepo
from bpp.storage.gateway_tables import messages
from fulfillment.order import Order

# the on_status `message` of an order as it is now
StatusMessage = Callable[[AsyncConnection, Order], Awaitable[dict[str, Any]]]


class LostReplyFollowUp:
    """The dispatcher's follow-up for an expired callback: an unsolicited on_status when it concerned an order."""

    def __init__(self, outbox: Outbox, status_message: StatusMessage) -> None:
        self._outbox = outbox
        self._status_message = status_message

    async def __call__(self, conn: AsyncConnection, callback: Mapping[str, Any]) -> str | None:
        """Queue the on_status that follows `callback` (an outbox row that just expired) if it answered a request
        of a transaction with an order; returns the on_status message_id, or None when nothing follows."""
        if not await _answers_a_request(conn, callback):
            return None  # our own unsolicited callback: its deadline is already the long one
        order = await OrderRepo(conn).get_by_transaction(callback["bap_id"], callback["transaction_id"])
        address = OrderAddress.of_order(order) if order is not None else None
        if order is None or address is None:
            return None
        message = await self._status_message(conn, order)
        return await self._outbox.unsolicited(conn, address, "on_status", message)


async def _answers_a_request(conn: AsyncConnection, callback: Mapping[str, Any]) -> bool:
    """A reply echoes the message_id of the buyer app's request; an unsolicited callback has one of its own."""
    found = await conn.execute(
        select(messages.c.id).where(
            messages.c.direction == "in",
            messages.c.transaction_id == callback["transaction_id"],
            messages.c.bap_id == callback["bap_id"],
            messages.c.message_id == callback["message_id"],
        ).limit(1)
    )
    return found.first() is not None
