"""A buyer app's select/init/confirm `order` as values, and the parts of our answers (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from catalog import fragments
from catalog.finder_fee import FinderFee
from catalog.formats import timestamp
from catalog.model import FULFILLMENT_ID, FULFILLMENT_TYPE, Provider, ServiceItem
from catalog.schedule import IST
from schemas.objects import Order

DEFAULT_PAYMENT: Final = {"type": "ON-FULFILLMENT", "collected_by": "BPP"}
INDIA: Final = {"code": "IND", "name": "India"}


@dataclass(frozen=True, slots=True)
class RequestedPayment:
    """The buyer app's first payment: the kind it asks for, its status and params, its finder fee."""

    type: str | None
    status: str | None
    params: Mapping[str, Any]  # as sent, without amount and currency (those are ours); echoed in on_confirm
    finder_fee: FinderFee | None


@dataclass(frozen=True, slots=True)
class CustomerFragments:
    """Billing, the customer's place and contact as the buyer app sent them: stored and echoed unchanged."""

    billing: Mapping[str, Any]
    location: Mapping[str, Any]
    contact: Mapping[str, Any]
    person_name: str | None


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """The parts of an incoming select/init/confirm order the catalogue checks (read by `catalog.wire_in`)."""

    provider_id: str
    item_id: str
    slot: tuple[datetime, datetime] | None
    gps: tuple[float, float] | None  # the customer's place
    payment: RequestedPayment
    quoted_total: Decimal | None
    customer: CustomerFragments


def payment_terms(requested_type: str | None) -> dict[str, str]:
    """Who collects: PRE-FULFILLMENT is collected by the buyer app, otherwise by us on fulfillment."""
    if requested_type == "PRE-FULFILLMENT":
        return {"type": "PRE-FULFILLMENT", "collected_by": "BAP"}
    if requested_type == "POST-FULFILLMENT":
        return {"type": "POST-FULFILLMENT", "collected_by": "BPP"}
    return dict(DEFAULT_PAYMENT)


def order_items(item: ServiceItem, provider: Provider) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "fulfillment_ids": [FULFILLMENT_ID],
            "location_ids": [provider.location_id],
            "category_ids": [item.category_id],
            "quantity": {"selected": {"count": 1}},
        }
    ]


def time_range(start: datetime, end: datetime, label: str) -> dict[str, Any]:
    """A slot as a stop's `time`; `days` is the slot's weekday in India (ISO, 1 = Monday), the "day on which
    the service is confirmed" of the SRV on_select and on_init tables."""
    return {
        "label": label,
        "days": str(start.astimezone(IST).isoweekday()),
        "range": {"start": timestamp(start), "end": timestamp(end)},
    }


def with_country_name(location: Mapping[str, Any]) -> dict[str, Any]:
    """The customer's place with `country.name`, which the SRV order tables require of the end stop, while
    buyer apps send the code (`IND`, as every SRV example does). The code is kept; a place without a country
    is in India too (we serve only Indian districts). Another country is echoed as given."""
    country = dict(location.get("country") or {})
    if country.get("code", INDIA["code"]) != INDIA["code"]:
        return dict(location)
    return {**location, "country": {**INDIA, **country}}


def end_stop(location: Mapping[str, Any], time: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    stop: dict[str, Any] = {"type": "end", "location": with_country_name(location), **extra}
    if time is not None:
        stop["time"] = time
    return stop


def fulfillment(state: str | None, stops: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {"id": FULFILLMENT_ID, "type": FULFILLMENT_TYPE, "tracking": False}
    if state is not None:
        result["state"] = {"descriptor": {"code": state}}
    result["stops"] = stops
    return result


def item_slots(item: ServiceItem, slots: list[tuple[datetime, datetime]]) -> dict[str, Any]:
    """The item's `time` listing the arrival windows it can still be booked for (on a slot error)."""
    return {
        "label": "validity",
        "duration": f"PT{item.duration_minutes}M",
        "schedule": {
            "frequency": f"PT{item.availability.slot_minutes}M",
            "times": [timestamp(start) for start, _ in slots],
        },
    }


def cancellation_terms(item: ServiceItem) -> list[dict[str, Any]]:
    return fragments.cancellation_terms(item.cancellation_terms)


def order_terms(item: ServiceItem) -> dict[str, Any]:
    """The cancellation and reschedule terms an order keeps from its item, as the wire has them."""
    return {
        "cancellation_terms": cancellation_terms(item),
        "reschedule_terms": [fragments.reschedule_tag(item.reschedule_terms)],
    }


def echo_order(order: Order) -> dict[str, Any]:
    """The `message` of an error callback: the request's provider and item ids, echoed."""
    echoed: dict[str, Any] = {}
    if order.provider is not None:
        echoed["provider"] = {"id": order.provider.id}
    if order.items:
        echoed["items"] = [{"id": item.id} for item in order.items]
    return {"order": echoed}
