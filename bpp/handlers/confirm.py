"""confirm -> on_confirm: the order is stored at its locked price and handed to fulfillment.

A confirm that contradicts the quote (item, slot, price) is refused with 31002; when staff changed
the item's price since select the answer is 40008 with the new quote (see `docs/catalogue.md`).
A repeated confirm of the same transaction answers with the order already made.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalog_repo import Draft
from bpp.catalog_service import settlement_account
from bpp.handlers.init import required_customer_details
from bpp.handlers.order_input import read_order_or_refuse, reply_refusal
from bpp.protocol import BusinessError
from bpp.storage.order_tables import order_events, orders
from catalog import fragments, ordering
from catalog.model import Provider, ServiceItem
from catalog.order_message import build_order
from catalog.payment_terms import confirm_payment
from catalog.search_intent import FinderFee, finder_fee_from_tags

if TYPE_CHECKING:
    from bpp.protocol import InboundRequest
    from bpp.services import Services


def new_order_id() -> str:
    return "SM-" + uuid.uuid4().hex[:12].upper()


def _finder_fee(payment: dict[str, Any], draft: Draft) -> FinderFee | None:
    """The Buyer_Finder_Fee the buyer app states in confirm, else the one from its search."""
    stated = finder_fee_from_tags(
        payment.get("tags"), "Buyer_Finder_Fee", "Buyer_Finder_Fee_Type", "Buyer_Finder_Fee_Amount"
    )
    return stated or FinderFee.from_json(draft.finder_fee)


def _customer_details(order: ordering.OrderRequest, draft: Draft) -> tuple[dict[str, Any], ...]:
    """Billing, place and contact from confirm, or from what init agreed when confirm omits them."""
    try:
        return required_customer_details(order)
    except BusinessError:
        if draft.init is None:
            raise
        stop = draft.init["end_stop"]
        return draft.init["billing"], stop["location"], stop["contact"]


async def _existing(conn: AsyncConnection, bap_id: str, transaction_id: str) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(orders).where(orders.c.bap_id == bap_id, orders.c.transaction_id == transaction_id))
    ).first()
    return dict(row._mapping) if row else None


async def _create_order(
    services: Services,
    conn: AsyncConnection,
    request: InboundRequest,
    order: ordering.OrderRequest,
    found: tuple[Provider, ServiceItem, Draft],
) -> dict[str, Any]:
    provider, item, draft = found
    billing, location, contact = _customer_details(order, draft)
    now = services.clock()
    total = Decimal(draft.quote["price"]["value"])
    requested = dict(order.payment)
    payment = confirm_payment(
        ordering.payment_terms(requested),
        total,
        settlement_account(services.settings),
        _finder_fee(requested, draft),
        status=str(requested.get("status") or "NOT-PAID"),
        params={k: v for k, v in (requested.get("params") or {}).items() if k not in ("amount", "currency")},
    )
    name = (order.end_stop.get("person") or {}).get("name") or billing.get("name")
    row: dict[str, Any] = {
        "id": new_order_id(),
        "bap_id": request.bap_id,
        "bap_uri": request.bap_uri,
        "transaction_id": request.transaction_id,
        "domain": request.context["domain"],
        "city": provider.city,
        "provider_id": provider.id,
        "item_id": item.id,
        "item_version": draft.item_version,
        "category_id": item.category_id,
        "quote": draft.quote,
        "total": total,
        "currency": draft.quote["price"].get("currency", "INR"),
        "slot_start": draft.slot_start,
        "slot_end": draft.slot_end,
        "customer": {
            "name": name,
            "phone": contact.get("phone"),
            "email": contact.get("email") or billing.get("email"),
        },
        "end_location": location,
        "billing": billing,
        "payment": payment,
        "terms": {
            "cancellation_terms": ordering.cancellation_terms(item),
            "reschedule_terms": [fragments.reschedule_tag(item.reschedule_terms)],
        },
        "status": "Accepted",
        "fulfillment_state": "Pending",
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }
    await conn.execute(insert(orders).values(**row))
    await conn.execute(
        insert(order_events),
        [
            {"order_id": row["id"], "at": now, "kind": "Created", "actor": request.bap_id, "detail": {}},
            {
                "order_id": row["id"],
                "at": now,
                "kind": "Accepted",
                "actor": "system",
                "detail": {"item_version": draft.item_version, "total": str(total)},
            },
        ],
    )
    await services.fulfillment.order_confirmed(conn, row["id"])
    return row


async def handle(services: Services, request: InboundRequest) -> None:
    async with services.db.begin() as conn:
        existing = await _existing(conn, request.bap_id, request.transaction_id)
        if existing is not None:
            await services.outbox.reply(conn, request, message={"order": build_order(existing)})
            return
        order = await read_order_or_refuse(services, conn, request)
        if order is None:
            return
        try:
            found = await services.catalog.agreed_draft(conn, request.bap_id, request.transaction_id, order)
            row = await _create_order(services, conn, request, order, found)
        except BusinessError as refusal:
            await reply_refusal(services, conn, request, order.provider_id, refusal)
            return
        await services.outbox.reply(conn, request, message={"order": build_order(row)})
