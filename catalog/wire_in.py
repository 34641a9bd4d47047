"""Inbound wire models (already validated by `schemas.beckn`) turned into the values the catalogue decides on.

The gateway pipeline validated each request once; the handlers read the typed model and this module is the only
place that knows where in a Beckn order or intent a value sits (the end stop, the first payment, a tag group).
Nothing here re-checks what the models guarantee (ids present, GPS and timestamps well formed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from catalog.finder_fee import FeeKind, FinderFee
from catalog.ordering import CustomerFragments, OrderRequest, RequestedPayment
from catalog.search_intent import SearchIntent
from schemas.beckn import Intent
from schemas.objects import SelectOrder, Stop, TagGroup, Time


def search_intent(intent: Intent) -> SearchIntent:
    """What a buyer app searched for; every part is optional."""
    fulfillment = intent.fulfillment
    _, stop = end_stop(fulfillment.stops if fulfillment is not None else None)
    location = stop.location if stop is not None else None
    name = intent.item.descriptor.name if intent.item is not None and intent.item.descriptor is not None else None
    return SearchIntent(
        category_id=intent.category.id if intent.category is not None else None,
        item_name=name.strip() if name is not None and name.strip() else None,
        gps=location.lat_lng if location is not None else None,
        slot=time_slot(stop.time if stop is not None else None),
        fulfillment_type=fulfillment.type if fulfillment is not None else None,
        finder_fee=finder_fee(intent.tags),
    )


def order_request(order: SelectOrder, sent: Mapping[str, Any]) -> OrderRequest:
    """The order of a select, init or confirm; `sent` is the same order as the buyer app's JSON.

    The customer's billing, place and contact and the payment's params are kept from `sent`, not the model:
    they are stored with the order and echoed in on_init/on_confirm/on_status exactly as the buyer app wrote
    them (the model rewrites GPS and key order).
    """
    fulfillments = order.fulfillments or []
    index, stop = end_stop(fulfillments[0].stops if fulfillments else None)
    sent_stop = _sent_stop(sent, index)
    payment = order.payments[0] if order.payments else None
    sent_payment = (sent.get("payments") or [{}])[0]
    person = stop.person if stop is not None else None
    location = stop.location if stop is not None else None
    return OrderRequest(
        provider_id=order.provider.id,
        item_id=order.items[0].id,
        slot=time_slot(stop.time if stop is not None else None),
        gps=location.lat_lng if location is not None else None,
        payment=RequestedPayment(
            type=payment.type if payment is not None else None,
            status=payment.status if payment is not None else None,
            params={k: v for k, v in (sent_payment.get("params") or {}).items() if k not in ("amount", "currency")},
            finder_fee=finder_fee(
                payment.tags if payment is not None else None,
                "Buyer_Finder_Fee",
                "Buyer_Finder_Fee_Type",
                "Buyer_Finder_Fee_Amount",
            ),
        ),
        quoted_total=order.quote.price.value if order.quote is not None and order.quote.price is not None else None,
        customer=CustomerFragments(
            billing=dict(sent.get("billing") or {}),
            location=dict(sent_stop.get("location") or {}),
            contact=dict(sent_stop.get("contact") or {}),
            person_name=person.name if person is not None else None,
        ),
    )


def end_stop(stops: Sequence[Stop] | None) -> tuple[int, Stop | None]:
    """The stop of type `end` (else the first) and its index; (0, None) without stops."""
    for index, stop in enumerate(stops or ()):
        if stop.type == "end":
            return index, stop
    return 0, stops[0] if stops else None


def time_slot(time: Time | None) -> tuple[datetime, datetime] | None:
    """A stop's `time.range` as (start, end) in UTC, or None when absent or not a forward range."""
    time_range = time.range if time is not None else None
    if time_range is None or time_range.start is None or time_range.end is None:
        return None
    start, end = time_range.start.astimezone(UTC), time_range.end.astimezone(UTC)
    return (start, end) if end > start else None


def finder_fee(
    tags: Sequence[TagGroup] | None,
    group_code: str = "BAP_Terms",
    type_code: str = "finder_fee_type",
    amount_code: str = "finder_fee_amount",
) -> FinderFee | None:
    """A finder fee from a tag group (search's BAP_Terms by default), or None when absent or unreadable."""
    for group in tags or ():
        if group.descriptor is None or group.descriptor.code != group_code:
            continue
        values = group.values()
        try:
            return FinderFee(FeeKind.named(values.get(type_code) or "percent"), Decimal(str(values[amount_code])))
        except (KeyError, InvalidOperation):
            return None
    return None


def _sent_stop(sent: Mapping[str, Any], index: int) -> Mapping[str, Any]:
    fulfillments = sent.get("fulfillments") or [{}]
    stops = fulfillments[0].get("stops") or []
    return stops[index] if index < len(stops) else {}
