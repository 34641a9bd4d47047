"""init -> on_init: billing, the customer's place and contact, payment terms and cancellation terms.

The quote is the select draft's (re-checked against the catalogue); what init agreed is kept in
the draft for confirm. Once the transaction holds an order, init is refused (40003, search again).
"""

from __future__ import annotations

from dataclasses import replace

from bpp.catalogue.repo import CatalogRepo
from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers import engagement as engagement_ondc
from bpp.orders.handlers.order_input import (
    books_engagement,
    customer_name,
    new_order_or_refuse,
    reply_refusal,
    required_customer_details,
)
from bpp.orders.unit_of_work import UnitOfWork
from catalog import ordering
from catalog.finder_fee import FinderFee
from catalog.formats import price_value
from catalog.payment_terms import init_payment
from schemas.beckn import InitRequest
from schemas.refusal import Refusal


async def handle(deps: OrderDeps, request: InboundRequest[InitRequest]) -> None:
    async with deps.unit_of_work() as uow:
        await _init(deps, uow, request)
        await uow.commit()


async def _init(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[InitRequest]) -> None:
    """Agree billing, place, contact and payment on the draft (or answer why not), inside `uow`."""
    order = await new_order_or_refuse(uow, request)
    if order is None:
        return
    if await books_engagement(uow.conn, order.item_id):
        await engagement_ondc.init(deps, uow, request)
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
