"""Reading the order a buyer app sends in select, init and confirm, and the refusals they share."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.repo import CatalogRepo
from bpp.catalogue.service import QuoteChanged
from bpp.network.protocol import InboundRequest
from bpp.orders.unit_of_work import UnitOfWork
from catalog import ordering, wire_in
from fulfillment.order import Order
from schemas.beckn import ConfirmRequest, InitRequest, SelectRequest
from schemas.errors import INVALID_REQUEST, QUOTE_UNAVAILABLE
from schemas.refusal import Refusal

OrderingRequest = InboundRequest[SelectRequest] | InboundRequest[InitRequest] | InboundRequest[ConfirmRequest]


def read_order(request: OrderingRequest) -> ordering.OrderRequest:
    """The order of a select, init or confirm as values (the model already checked its shape)."""
    return wire_in.order_request(request.model.message.order, request.message["order"])


async def reply_refusal(uow: UnitOfWork, request: OrderingRequest, provider_id: str, refusal: Refusal) -> None:
    """Answer a refused init or confirm: a changed price carries the new quote, anything else echoes the order."""
    if isinstance(refusal, QuoteChanged):
        message: dict[str, Any] = {"order": {"provider": {"id": provider_id}, "quote": refusal.quote}}
    else:
        message = ordering.echo_order(request.model.message.order)
    await uow.outbox.reply(request, message=message, error=refusal.as_error())


async def refuse_another_order(uow: UnitOfWork, request: OrderingRequest, existing: Order) -> None:
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
    await uow.outbox.reply(request, message=ordering.echo_order(request.model.message.order), error=refusal.as_error())


async def books_engagement(conn: AsyncConnection, item_id: str) -> bool:
    """Whether the item asked for is an engagement item, booked as an engagement (bpp/orders/handlers/engagement.py)."""
    item = await CatalogRepo(conn).item(item_id)
    return item is not None and item.engagement is not None


async def new_order_or_refuse(uow: UnitOfWork, request: OrderingRequest) -> ordering.OrderRequest | None:
    """The order a select or init asks about; or None after answering, when the transaction already holds a
    confirmed order (one transaction, one order)."""
    existing = await uow.orders.get_by_transaction(request.bap_id, request.transaction_id)
    if existing is not None:
        await refuse_another_order(uow, request, existing)
        return None
    return read_order(request)


def required_customer_details(order: ordering.OrderRequest) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Billing, end-stop location and contact as sent; raises Refusal naming the first missing field."""
    billing = dict(order.customer.billing)
    location = dict(order.customer.location)
    contact = dict(order.customer.contact)
    missing = [
        (path, present)
        for path, present in (
            ("message.order.billing.name", billing.get("name")),
            ("message.order.billing.phone", billing.get("phone")),
            ("message.order.fulfillments[0].stops[0].location.gps", order.gps),
            ("message.order.fulfillments[0].stops[0].location.address", location.get("address")),
            ("message.order.fulfillments[0].stops[0].contact.phone", contact.get("phone") or billing.get("phone")),
        )
        if not present
    ]
    if missing:
        path = missing[0][0]
        raise Refusal(
            INVALID_REQUEST.code, f"{path} is required; add it and send again", field=path
        )
    contact.setdefault("phone", billing["phone"])
    return billing, location, contact


def customer_name(order: ordering.OrderRequest, billing: dict[str, Any]) -> str | None:
    """The name at the end stop, else the billing name (None when neither is given)."""
    name = order.customer.person_name or billing.get("name")
    return str(name) if name else None
