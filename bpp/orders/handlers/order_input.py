"""Reading the order a buyer app sends in select, init and confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.service import QuoteChanged
from bpp.network.protocol import InboundRequest
from bpp.orders.repo import OrderRepo
from catalog import ordering
from fulfillment.order import Order
from schemas.errors import QUOTE_UNAVAILABLE
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.wiring.services import Services


async def read_order_or_refuse(
    services: Services, conn: AsyncConnection, request: InboundRequest
) -> ordering.OrderRequest | None:
    """The buyer app's order; or None after answering with the error and the order echoed back."""
    raw = request.message.get("order") or {}
    try:
        return ordering.read_order(raw)
    except Refusal as refusal:
        await services.outbox.reply(conn, request, message=ordering.echo_order(raw), error=refusal.as_error())
        return None


async def reply_refusal(
    services: Services, conn: AsyncConnection, request: InboundRequest, provider_id: str, refusal: Refusal
) -> None:
    """Answer a refused init or confirm: a changed price carries the new quote, anything else echoes the order."""
    if isinstance(refusal, QuoteChanged):
        message: dict[str, Any] = {"order": {"provider": {"id": provider_id}, "quote": refusal.quote}}
    else:
        message = ordering.echo_order(request.message.get("order") or {})
    await services.outbox.reply(conn, request, message=message, error=refusal.as_error())


async def transaction_order(conn: AsyncConnection, request: InboundRequest) -> Order | None:
    """The order this buyer app already confirmed in this transaction, if any: a transaction holds one order."""
    return await OrderRepo(conn).get_by_transaction(request.bap_id, request.transaction_id)


async def refuse_another_order(
    services: Services, conn: AsyncConnection, request: InboundRequest, existing: Order
) -> None:
    """Answer a select, init or confirm of a new order in a transaction that already became `existing`.

    The draft and the order stay as they are: answering with the old order, or re-quoting, would let
    a buyer app believe a second booking was made. 40003 "Quote no longer available": its quote is spent.
    """
    refusal = Refusal(
        QUOTE_UNAVAILABLE.code,
        f"transaction {request.transaction_id} already holds order {existing.buyer_order_id} "
        f"({existing.status}); to book again, search with a new transaction_id",
        field="context.transaction_id",
    )
    message = ordering.echo_order(request.message.get("order") or {})
    await services.outbox.reply(conn, request, message=message, error=refusal.as_error())


async def new_order_or_refuse(
    services: Services, conn: AsyncConnection, request: InboundRequest
) -> ordering.OrderRequest | None:
    """The order a select or init asks about; or None after answering, when the transaction already holds a
    confirmed order (one transaction, one order) or the order cannot be read."""
    existing = await transaction_order(conn, request)
    if existing is not None:
        await refuse_another_order(services, conn, request, existing)
        return None
    return await read_order_or_refuse(services, conn, request)
