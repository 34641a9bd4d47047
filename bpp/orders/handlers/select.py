"""select -> on_select: the fixed-fee quote, and whether the chosen slot can be served.

Slot problems are answered in the on_select `error` (SRV 90001 slot not available, 90003 no slot
given) together with the quote and the arrival windows still open, so the buyer can pick one.
A successful quote is kept as the draft of (bap_id, transaction_id) for init and confirm; once the
transaction holds an order, select is refused (40003, search again) and the draft stays as confirmed.
"""

from __future__ import annotations

from typing import Any

from bpp.catalogue.repo import CatalogRepo, Draft
from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers import engagement as engagement_ondc
from bpp.orders.handlers.order_input import books_engagement, new_order_or_refuse
from bpp.orders.handlers.search import remembered_finder_fee
from bpp.orders.unit_of_work import UnitOfWork
from catalog import ordering
from catalog.model import Provider, ServiceItem
from catalog.quote import quote_for
from catalog.schedule import first_start_within, open_slots
from schemas.beckn import SelectRequest
from schemas.errors import (
    INVALID_REQUEST,
    LOCATION_NOT_SERVICEABLE,
    SCHEDULE_NOT_PROVIDED,
    SLOT_NOT_AVAILABLE,
)
from schemas.refusal import Refusal


def _check_coverage(
    deps: OrderDeps, provider: Provider, item: ServiceItem, gps: tuple[float, float] | None
) -> None:
    if gps is None:
        raise Refusal(
            INVALID_REQUEST.code,
            "Give the customer's place as gps 'lat,lng' in the end stop",
            field="message.order.fulfillments[0].stops[0].location.gps",
        )
    lat, lng = gps
    near = deps.fulfillment.coverage.categories_near(lat, lng, float(provider.serviceability_km))
    if item.category_id not in near:
        raise Refusal(
            LOCATION_NOT_SERVICEABLE.code,
            "No verified worker serves this place; choose a nearby address or another service",
            field="message.order.fulfillments[0].stops[0].location.gps",
        )


async def handle(deps: OrderDeps, request: InboundRequest[SelectRequest]) -> None:
    async with deps.unit_of_work() as uow:
        await _select(deps, uow, request)
        await uow.commit()


async def _select(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[SelectRequest]) -> None:
    """Quote the order (or answer why not) and keep the quote as the transaction's draft, inside `uow`."""
    now = deps.clock()
    conn = uow.conn
    order = await new_order_or_refuse(uow, request)
    if order is None:
        return
    # the customer's place as sent: echoed in the end stop (see catalog.wire_in.order_request)
    location = order.customer.location
    engagement = await books_engagement(conn, order.item_id)
    try:
        provider, item = await deps.catalog.orderable(conn, order.provider_id, order.item_id, engagement=engagement)
        _check_coverage(deps, provider, item, order.gps)
    except Refusal as error:
        await uow.outbox.reply(
            request, message=ordering.echo_order(request.model.message.order), error=error.as_error()
        )
        return
    if engagement:
        await engagement_ondc.select(deps, uow, request, provider, item)
        return
    quote = quote_for(item)
    answer: dict[str, Any] = {
        "provider": {"id": provider.id, "locations": [{"id": provider.location_id}]},
        "items": ordering.order_items(item, provider),
        "quote": quote.to_beckn(),
        "payments": [ordering.payment_terms(order.payment.type)],
    }
    slot = order.slot
    available = slot and first_start_within(item.availability, item.duration_minutes, slot[0], slot[1], now=now)
    if slot is None or not available:
        alternatives = open_slots(item.availability, item.duration_minutes, now=now)
        answer["items"][0]["time"] = ordering.item_slots(item, alternatives)
        if slot is None:
            stop = ordering.end_stop(location, None)
            refusal = Refusal(
                SCHEDULE_NOT_PROVIDED.code,
                "Schedule not provided; select one of the listed times and send select again",
            )
        else:
            stop = ordering.end_stop(location, ordering.time_range(slot[0], slot[1], "rejected"))
            refusal = Refusal(
                SLOT_NOT_AVAILABLE.code,
                "This time cannot be served; select one of the listed times and send select again",
            )
        answer["fulfillments"] = [ordering.fulfillment("Serviceable", [stop])]
        await uow.outbox.reply(request, message={"order": answer}, error=refusal.as_error())
        return
    stop = ordering.end_stop(location, ordering.time_range(slot[0], slot[1], "confirmed"))
    answer["fulfillments"] = [ordering.fulfillment("Serviceable", [stop])]
    finder_fee = await remembered_finder_fee(deps, request.bap_id, request.transaction_id)
    draft = Draft(
        bap_id=request.bap_id,
        transaction_id=request.transaction_id,
        provider_id=provider.id,
        item_id=item.id,
        item_version=item.version,
        quote=answer["quote"],
        slot_start=slot[0],
        slot_end=slot[1],
        finder_fee=finder_fee.as_json() if finder_fee else None,
        init=None,
    )
    await CatalogRepo(conn).save_draft(draft, now)
    await uow.outbox.reply(request, message={"order": answer})
