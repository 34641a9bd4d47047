"""Reading a buyer app's select/init/confirm `order` and writing the parts of our answers (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from catalog import fragments
from catalog.formats import timestamp
from catalog.model import FULFILLMENT_ID, FULFILLMENT_TYPE, Provider, ServiceItem
from catalog.schedule import IST
from catalog.search_intent import parse_slot
from schemas.errors import INVALID_REQUEST
from schemas.refusal import Refusal

DEFAULT_PAYMENT: Final = {"type": "ON-FULFILLMENT", "collected_by": "BPP"}
INDIA: Final = {"code": "IND", "name": "India"}


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """The parts of an incoming select/init/confirm order the catalogue checks."""

    provider_id: str
    item_id: str
    end_stop: Mapping[str, Any]
    slot: tuple[datetime, datetime] | None
    payment: Mapping[str, Any]
    billing: Mapping[str, Any] | None
    quote: Mapping[str, Any] | None


def read_order(order: Mapping[str, Any]) -> OrderRequest:
    """Read the order of select/init/confirm; refuses with 30000 naming the missing field."""
    provider_id = (order.get("provider") or {}).get("id")
    if not provider_id:
        raise Refusal(INVALID_REQUEST.code, "provider id is missing", "message.order.provider.id")
    items = order.get("items") or []
    if not items or not items[0].get("id"):
        raise Refusal(INVALID_REQUEST.code, "item id is missing", "message.order.items[0].id")
    fulfillments = order.get("fulfillments") or [{}]
    stops = fulfillments[0].get("stops") or []
    end_stop = next((stop for stop in stops if stop.get("type") == "end"), stops[0] if stops else {})
    try:
        slot = parse_slot(end_stop.get("time"))
    except ValueError as exc:
        raise Refusal(INVALID_REQUEST.code, str(exc), "message.order.fulfillments[0].stops[0].time.range") from None
    payments = order.get("payments") or [{}]
    return OrderRequest(
        provider_id=str(provider_id),
        item_id=str(items[0]["id"]),
        end_stop=end_stop,
        slot=slot,
        payment=payments[0],
        billing=order.get("billing"),
        quote=order.get("quote"),
    )


def payment_terms(requested: Mapping[str, Any]) -> dict[str, str]:
    """Who collects: PRE-FULFILLMENT is collected by the buyer app, otherwise by us on fulfillment."""
    if requested.get("type") == "PRE-FULFILLMENT":
        return {"type": "PRE-FULFILLMENT", "collected_by": "BAP"}
    if requested.get("type") == "POST-FULFILLMENT":
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


def echo_order(raw_order: Mapping[str, Any]) -> dict[str, Any]:
    """The `message` of an error callback: the request's provider and item ids, echoed."""
    echoed: dict[str, Any] = {}
    provider_id = (raw_order.get("provider") or {}).get("id")
    if provider_id:
        echoed["provider"] = {"id": str(provider_id)}
    item_ids = [
        str(item["id"]) for item in raw_order.get("items") or () if isinstance(item, Mapping) and item.get("id")
    ]
    if item_ids:
        echoed["items"] = [{"id": item_id} for item_id in item_ids]
    return {"order": echoed}
