"""init -> on_init: billing, the customer's place and contact, payment terms and cancellation terms.

The quote is the select draft's (re-checked against the catalogue); what init agreed is kept in
the draft for confirm. Once the transaction holds an order, init is refused (40003, search again).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bpp.catalogue.repo import CatalogRepo
from bpp.catalogue.service import settlement_account
from bpp.orders.handlers.order_input import new_order_or_refuse, reply_refusal
from catalog import ordering
from catalog.finder_fee import FinderFee
from catalog.formats import price_value
from catalog.payment_terms import init_payment
from schemas.errors import INVALID_REQUEST
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.network.protocol import InboundRequest
    from bpp.wiring.services import Services


def required_customer_details(order: ordering.OrderRequest) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Billing, end-stop location and contact; raises Refusal naming the first missing field."""
    billing = dict(order.billing or {})
    location = dict(order.end_stop.get("location") or {})
    contact = dict(order.end_stop.get("contact") or {})
    missing = [
        (path, present)
        for path, present in (
            ("message.order.billing.name", billing.get("name")),
            ("message.order.billing.phone", billing.get("phone")),
            ("message.order.fulfillments[0].stops[0].location.gps", location.get("gps")),
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


async def handle(services: Services, request: InboundRequest) -> None:
    async with services.db.begin() as conn:
        order = await new_order_or_refuse(services, conn, request)
        if order is None:
            return
        try:
            provider, item, draft = await services.catalog.agreed_draft(
                conn, request.bap_id, request.transaction_id, order
            )
            billing, location, contact = required_customer_details(order)
        except Refusal as refusal:
            await reply_refusal(services, conn, request, order.provider_id, refusal)
            return
        terms = ordering.payment_terms(order.payment)
        total = price_value(draft.quote["price"])
        account = settlement_account(services.settings)
        payment = init_payment(terms, total, account, FinderFee.from_json(draft.finder_fee))
        assert draft.slot_start is not None and draft.slot_end is not None  # select stores only slotted drafts
        stop = ordering.end_stop(
            location, ordering.time_range(draft.slot_start, draft.slot_end, "confirmed"), contact=contact
        )
        person = _person(order.end_stop, billing)
        if person:
            stop["person"] = person
        agreed = {"billing": billing, "end_stop": stop, "payment": payment}
        await CatalogRepo(conn).save_draft(replace(draft, init=agreed), services.clock())
        answer = {
            "provider": {"id": provider.id, "locations": [{"id": provider.location_id}]},
            "items": ordering.order_items(item, provider),
            "billing": billing,
            "fulfillments": [ordering.fulfillment(None, [stop])],
            "quote": draft.quote,
            "payments": [payment],
            "cancellation_terms": ordering.cancellation_terms(item),
        }
        await services.outbox.reply(conn, request, message={"order": answer})


def _person(stop: Mapping[str, Any], billing: Mapping[str, Any]) -> dict[str, str] | None:
    name = (stop.get("person") or {}).get("name") or billing.get("name")
    return {"name": str(name)} if name else None
