"""init -> on_init: billing, the customer's place and contact, payment terms and cancellation terms.

The quote is the select draft's (re-checked against the catalogue); what init agreed is kept in
the draft for confirm. Once the transaction holds an order, init is refused (40003, search again).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bpp.catalogue.repo import CatalogRepo
from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers.order_input import new_order_or_refuse, reply_refusal
from bpp.orders.unit_of_work import UnitOfWork
from catalog import ordering
from catalog.finder_fee import FinderFee
from catalog.formats import price_value
from catalog.payment_terms import init_payment
from schemas.beckn import InitRequest
from schemas.errors import INVALID_REQUEST
from schemas.refusal import Refusal


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


async def handle(deps: OrderDeps, request: InboundRequest[InitRequest]) -> None:
    async with deps.unit_of_work() as uow:
        await _init(deps, uow, request)
        await uow.commit()


async def _init(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[InitRequest]) -> None:
    """Agree billing, place, contact and payment on the draft (or answer why not), inside `uow`."""
    order = await new_order_or_refuse(uow, request)
    if order is None:
        return
    try:
        provider, item, draft = await deps.catalog.agreed_draft(
            uow.conn, request.bap_id, request.transaction_id, order
        )
        billing, location, contact = required_customer_details(order)
    except Refusal as refusal:
        await reply_refusal(uow, request, order.provider_id, refusal)
        return
    terms = ordering.payment_terms(order.payment.type)
    total = price_value(draft.quote["price"])
    payment = init_payment(terms, total, deps.settlement, FinderFee.from_json(draft.finder_fee))
    assert draft.slot_start is not None and draft.slot_end is not None  # select stores only slotted drafts
    stop = ordering.end_stop(
        location, ordering.time_range(draft.slot_start, draft.slot_end, "confirmed"), contact=contact
    )
    name = customer_name(order, billing)
    if name:
        stop["person"] = {"name": name}
    agreed = {"billing": billing, "end_stop": stop, "payment": payment}
    await CatalogRepo(uow.conn).save_draft(replace(draft, init=agreed), deps.clock())
    answer = {
        "provider": {"id": provider.id, "locations": [{"id": provider.location_id}]},
        "items": ordering.order_items(item, provider),
        "billing": billing,
        "fulfillments": [ordering.fulfillment(None, [stop])],
        "quote": draft.quote,
        "payments": [payment],
        "cancellation_terms": ordering.cancellation_terms(item),
    }
    await uow.outbox.reply(request, message={"order": answer})
