"""Engagements over ONDC (docs/engagements.md sections 5 and 6): select, init and confirm of an engagement item quote
the first month; confirm stores the engagement with the order it was booked as, and the on_confirm, in one unit of
work; status shows the engagement and its visits in play; update pauses, resumes, ends with notice or moves the
visit time through the aggregate's methods and answers on_update.

The order handlers (`bpp/orders/handlers/`) hand a request here when its item is an engagement item (select, init,
confirm) or its order is an engagement (status, update). A Refusal is answered in the callback's `error` with its
ONDC code, as for one-off orders.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.repo import CatalogRepo, Draft
from bpp.engagements.messages import engagement_message
from bpp.engagements.service import EngagementService, OndcOrder
from bpp.engagements.wire import quote, schedule_fulfillment, wanted_change
from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers.order_input import (
    OrderingRequest,
    customer_name,
    read_order,
    reply_refusal,
    required_customer_details,
)
from bpp.orders.handlers.search import remembered_finder_fee
from bpp.orders.unit_of_work import UnitOfWork
from catalog import ordering
from catalog.engagement_wire import wanted_engagement
from catalog.finder_fee import FinderFee
from catalog.formats import price_value, timestamp
from catalog.model import Provider, ServiceItem
from catalog.payment_terms import confirm_payment, init_payment
from fulfillment.engagement import Engagement, india_today
from fulfillment.order import Channel, CustomerDetails
from schemas.beckn import CancelRequest, ConfirmRequest, InitRequest, SelectRequest, UpdateRequest
from schemas.enums import FulfillmentStateCode
from schemas.errors import CANCELLATION_NOT_POSSIBLE, ORDER_VALIDATION_FAILURE, QUOTE_UNAVAILABLE
from schemas.refusal import Refusal


def service(deps: OrderDeps) -> EngagementService:
    return EngagementService(deps.clock)


def new_engagement_id() -> str:
    return "EN-" + uuid.uuid4().hex[:12].upper()


def _draft(deps: OrderDeps, request: OrderingRequest, provider: Provider, item: ServiceItem,
           details: CustomerDetails, engagement_id: str = "quote") -> Engagement:
    """The engagement the request asks for (unstored); the aggregate refuses a past start or a term out of range."""
    assert item.engagement is not None  # orderable(engagement=True) returns only engagement items
    fulfillments = request.model.message.order.fulfillments
    wanted = wanted_engagement(fulfillments[0] if fulfillments else None, item.engagement)
    channel = Channel.ondc(request.bap_id, request.bap_uri, request.model.context.domain, provider.city)
    return service(deps).draft(
        id=engagement_id, channel=channel, provider=provider, item=item, version=item.version,
        schedule=wanted.schedule, start=wanted.start, months=wanted.months, details=details,
    )


def _first_month_quote(engagement: Engagement) -> dict[str, Any]:
    return quote(EngagementService.first_month(engagement), engagement.service.item_id)


def _items(item: ServiceItem, provider: Provider, engagement: Engagement) -> list[dict[str, Any]]:
    items = ordering.order_items(item, provider)
    items[0]["quantity"] = {"selected": {"count": EngagementService.first_month(engagement).price.visits}}
    return items


async def _refuse_taken_transaction(deps: OrderDeps, uow: UnitOfWork, request: OrderingRequest) -> bool:
    """Answer 40003 when the transaction already booked an engagement (one transaction, one order)."""
    found = await service(deps).by_transaction(uow.conn, request.bap_id, request.transaction_id)
    if found is None:
        return False
    refusal = Refusal(QUOTE_UNAVAILABLE.code,
                      f"transaction {request.transaction_id} already holds order {found[1].buyer_order_id}; "
                      "to book again, search with a new transaction_id", field="context.transaction_id")
    await uow.outbox.reply(request, message=ordering.echo_order(request.model.message.order), error=refusal.as_error())
    return True


async def select(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[SelectRequest], provider: Provider,
                 item: ServiceItem) -> None:
    """Quote the first month of the schedule and term asked for, and keep it as the transaction's draft."""
    if await _refuse_taken_transaction(deps, uow, request):
        return
    order = read_order(request)
    try:
        engagement = _draft(deps, request, provider, item, CustomerDetails({}, order.customer.location, {}))
    except Refusal as refusal:
        await uow.outbox.reply(request, message=ordering.echo_order(request.model.message.order),
                               error=refusal.as_error())
        return
    today = india_today(deps.clock())
    f1 = schedule_fulfillment(engagement, FulfillmentStateCode.SERVICEABLE, today)
    term = engagement.visits(engagement.start, engagement.last_day)
    first_month = _first_month_quote(engagement)
    answer = {
        "provider": {"id": provider.id, "locations": [{"id": provider.location_id}]},
        "items": _items(item, provider, engagement),
        "fulfillments": [f1],
        "quote": first_month,
        "payments": [ordering.payment_terms(order.payment.type)],
    }
    finder_fee = await remembered_finder_fee(deps, request.bap_id, request.transaction_id)
    draft = Draft(
        bap_id=request.bap_id, transaction_id=request.transaction_id, provider_id=provider.id, item_id=item.id,
        item_version=item.version, quote=first_month, slot_start=term[0].start, slot_end=term[-1].end,
        finder_fee=finder_fee.as_json() if finder_fee else None, init=None,
    )
    await CatalogRepo(uow.conn).save_draft(draft, deps.clock())
    await uow.outbox.reply(request, message={"order": answer})


async def _agreed(
    deps: OrderDeps, conn: AsyncConnection, request: OrderingRequest, order: ordering.OrderRequest,
    details: CustomerDetails, engagement_id: str = "quote",
) -> tuple[Provider, ServiceItem, Draft, Engagement]:
    """The draft select made and the engagement asked for now, which must cost what was quoted (31002)."""
    asked_of = await CatalogRepo(conn).provider(order.provider_id)

    def requote(item: ServiceItem) -> dict[str, Any]:  # the item changed since select: its first month again
        assert asked_of is not None  # agreed_draft found the provider before it prices the item
        return _first_month_quote(_draft(deps, request, asked_of, item, details, engagement_id))

    provider, item, draft = await deps.catalog.agreed_draft(conn, request.bap_id, request.transaction_id, order,
                                                            engagement_quote=requote)
    engagement = _draft(deps, request, provider, item, details, engagement_id)
    if _first_month_quote(engagement)["price"] != draft.quote["price"]:
        raise Refusal(ORDER_VALIDATION_FAILURE.code,
                      "The schedule or term differs from the quoted one; send select again to change it",
                      field="message.order.fulfillments[0]")
    return provider, item, draft, engagement


async def init(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[InitRequest]) -> None:
    """Agree billing, place, contact and payment on the draft (or answer why not)."""
    if await _refuse_taken_transaction(deps, uow, request):
        return
    order = read_order(request)
    try:
        billing, location, contact = required_customer_details(order)
        provider, item, draft, engagement = await _agreed(
            deps, uow.conn, request, order, CustomerDetails({}, location, billing))
    except Refusal as refusal:
        await reply_refusal(uow, request, order.provider_id, refusal)
        return
    payment = init_payment(ordering.payment_terms(order.payment.type), price_value(draft.quote["price"]),
                           deps.settlement, FinderFee.from_json(draft.finder_fee))
    extra: dict[str, Any] = {"contact": contact}
    name = customer_name(order, billing)
    if name:
        extra["person"] = {"name": name}
    f1 = schedule_fulfillment(engagement, None, india_today(deps.clock()), extra)
    await CatalogRepo(uow.conn).save_draft(
        replace(draft, init={"billing": billing, "end_stop": f1["stops"][0], "payment": payment}), deps.clock())
    answer = {
        "provider": {"id": provider.id, "locations": [{"id": provider.location_id}]},
        "items": _items(item, provider, engagement),
        "billing": billing,
        "fulfillments": [f1],
        "quote": draft.quote,
        "payments": [payment],
        "cancellation_terms": ordering.cancellation_terms(item),
    }
    await uow.outbox.reply(request, message={"order": answer})


async def confirm(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[ConfirmRequest]) -> None:
    """Store the engagement and the order it was booked as, and answer on_confirm, in `uow` (a repeated confirm of
    the same order answers with it again)."""
    engagements = service(deps)
    confirmed = request.model.message.order
    found = await engagements.by_transaction(uow.conn, request.bap_id, request.transaction_id)
    if found is not None:
        if found[1].buyer_order_id == confirmed.id:
            await uow.outbox.reply(request, message=await engagement_message(deps.clock, uow.conn, *found))
        else:
            await _refuse_taken_transaction(deps, uow, request)
        return
    order = read_order(request)
    try:
        await _refuse_reused_order_id(deps, uow, request.bap_id, confirmed.id)
        billing, location, contact = required_customer_details(order)
        customer = {"name": customer_name(order, billing), "phone": contact.get("phone"),
                    "email": contact.get("email") or billing.get("email")}
        _, _, draft, engagement = await _agreed(
            deps, uow.conn, request, order, CustomerDetails(customer, location, billing), new_engagement_id())
    except Refusal as refusal:
        await reply_refusal(uow, request, order.provider_id, refusal)
        return
    requested = order.payment
    payment = confirm_payment(
        ordering.payment_terms(requested.type), price_value(draft.quote["price"]), deps.settlement,
        requested.finder_fee or FinderFee.from_json(draft.finder_fee), status=requested.status or "NOT-PAID",
        params=dict(requested.params),
    )
    created_at = str(request.message["order"].get("created_at") or timestamp(deps.clock()))
    booked = OndcOrder(request.bap_id, request.transaction_id, confirmed.id, created_at, payment)
    await engagements.confirm(uow.conn, engagement, booked)
    await uow.outbox.reply(request, message=await engagement_message(deps.clock, uow.conn, engagement, booked))


async def _refuse_reused_order_id(deps: OrderDeps, uow: UnitOfWork, bap_id: str, buyer_order_id: str) -> None:
    """Each order of a buyer app has its own id, engagement or one-off (31002 otherwise)."""
    if (await uow.orders.get_by_buyer_order(bap_id, buyer_order_id) is not None
            or await service(deps).by_buyer_order(uow.conn, bap_id, buyer_order_id) is not None):
        raise Refusal(ORDER_VALIDATION_FAILURE.code,
                      f"order id {buyer_order_id!r} is already used by another of your orders; "
                      "give this order a new id and send confirm again", field="message.order.id")


async def status(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[Any], engagement: Engagement,
                 order: OndcOrder) -> None:
    await uow.outbox.reply(request, message=await engagement_message(deps.clock, uow.conn, engagement, order))


async def update(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[UpdateRequest]) -> bool:
    """Apply the buyer's change and answer on_update; False when the order is not an engagement."""
    found = await service(deps).by_buyer_order(uow.conn, request.bap_id, request.model.message.order.id, lock=True)
    if found is None:
        return False
    engagement, order = found
    try:
        change = wanted_change(request.model.message.order.fulfillments)
        await service(deps).change(uow.conn, engagement, change, request.bap_id)
    except Refusal as refused:  # answered with the ONDC error and the engagement as it was
        unchanged = await service(deps).by_buyer_order(uow.conn, request.bap_id, order.buyer_order_id)
        assert unchanged is not None
        await uow.outbox.reply(request, message=await engagement_message(deps.clock, uow.conn, *unchanged),
                               error=refused.as_error())
        return True
    await uow.outbox.reply(request, message=await engagement_message(deps.clock, uow.conn, engagement, order))
    return True


async def refuse_cancel(deps: OrderDeps, uow: UnitOfWork, request: InboundRequest[CancelRequest]) -> bool:
    """An engagement ends with notice, by its terms, not by cancel: answer 50001 with the engagement as it stands.
    False when the order is not an engagement."""
    found = await service(deps).by_buyer_order(uow.conn, request.bap_id, request.model.message.order_id)
    if found is None:
        return False
    refusal = Refusal(CANCELLATION_NOT_POSSIBLE.code, "An engagement is not cancelled: end it with notice by update "
                      "(update_target fulfillments, F1 tag group engagement_update, action end)",
                      field="message.order_id")
    await uow.outbox.reply(request, message=await engagement_message(deps.clock, uow.conn, *found),
                           error=refusal.as_error())
    return True
