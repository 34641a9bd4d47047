"""The ONDC `order` object of on_confirm / on_status / on_cancel / on_update, from an `orders` row.

The row is the one in `bpp/storage/order_tables.py`; JSON columns hold Beckn fragments exactly as
they were agreed in on_init/on_confirm (quote, billing, payment, end_location, customer, terms).

`worker` (optional) is a mapping with `name`, `phone` and `gps` ("lat,lng"); `district` is the provider
(the Seva Mitra district unit) she works for, whose place names her stop. `milestones` are
when the worker set off and when she finished, from the order's event log: the start stop's
`time.timestamp` ("actual timestamp when the service provider started from start point", SRV
on_status table) and the end stop's, each set once; the position's own fix time is not one of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from catalog.formats import timestamp
from catalog.model import FULFILLMENT_ID, FULFILLMENT_TYPE, Provider
from catalog.ordering import INDIA, with_country_name

INVOICE_LABEL: Final = "INVOICE"  # the document label of every SRV example and the on_status table


@dataclass(frozen=True, slots=True)
class Milestones:
    """When the assigned worker set off towards the customer, and when she completed the service."""

    set_off_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StartOtp:
    """The customer's start OTP as the end stop's `authorization`; `status` is `valid` while it waits
    to be read out and `confirmed` once accepted (`fulfillment.states.OTP_VALID`, `OTP_CONFIRMED`)."""

    token: str
    valid_from: datetime
    valid_to: datetime
    status: str

    def authorization(self) -> dict[str, str]:
        return {
            "type": "OTP",
            "token": self.token,
            "valid_from": timestamp(self.valid_from),
            "valid_to": timestamp(self.valid_to),
            "status": self.status,
        }


def build_order(
    order: Mapping[str, Any],
    *,
    worker: Mapping[str, Any] | None = None,
    otp: StartOtp | None = None,
    invoice_url: str | None = None,
    milestones: Milestones = Milestones(),
    district: Provider | None = None,
) -> dict[str, Any]:
    """The Beckn `order` for an orders row; pass the worker (and her district unit) once assigned and the OTP."""
    location_id = f"{order['provider_id']}-L1"
    terms = order.get("terms") or {}
    message: dict[str, Any] = {
        "id": order["buyer_order_id"],  # SRV: the order id the buyer app generated; ours stays on the invoice
        "status": order["status"],
        "provider": {"id": order["provider_id"], "locations": [{"id": location_id}]},
        "items": [
            {
                "id": order["item_id"],
                "fulfillment_ids": [FULFILLMENT_ID],
                "location_ids": [location_id],
                "category_ids": [order["category_id"]],
                "quantity": {"selected": {"count": 1}},
            }
        ],
        "billing": dict(order["billing"]),
        "fulfillments": [_fulfillment(order, worker, otp, milestones, district)],
        "quote": order["quote"],
        "payments": [dict(order["payment"])],
        "created_at": order["buyer_created_at"],  # as confirm sent it; updated_at is our clock
        "updated_at": timestamp(order["updated_at"]),
    }
    if terms.get("cancellation_terms"):
        message["cancellation_terms"] = terms["cancellation_terms"]
    if order.get("cancellation"):
        message["cancellation"] = _cancellation(order["cancellation"])
    if invoice_url:
        message["documents"] = [{"url": invoice_url, "label": INVOICE_LABEL}]
    return message


def _fulfillment(
    order: Mapping[str, Any],
    worker: Mapping[str, Any] | None,
    otp: StartOtp | None,
    milestones: Milestones,
    district: Provider | None,
) -> dict[str, Any]:
    stops: list[dict[str, Any]] = []
    if worker is not None:
        stops.append(_start_stop(order, worker, milestones.set_off_at, district))
    stops.append(_end_stop(order, otp, milestones.completed_at))
    return {
        "id": FULFILLMENT_ID,
        "type": FULFILLMENT_TYPE,
        "state": {"descriptor": {"code": order["fulfillment_state"]}},
        "tracking": False,
        "rateable": True,  # the buyer app may rate the fulfillment (bpp/handlers/rating.py)
        "stops": stops,
    }


def _stop_time(order: Mapping[str, Any], at: datetime | None, *, slot_label: str | None) -> dict[str, Any] | None:
    """A stop's `time`: the booked slot as `range` (labelled when given) and when it happened."""
    time: dict[str, Any] = {}
    if order.get("slot_start") and order.get("slot_end"):
        if slot_label is not None:
            time["label"] = slot_label
        time["range"] = {"start": timestamp(order["slot_start"]), "end": timestamp(order["slot_end"])}
    if at is not None:
        time["timestamp"] = timestamp(at)
    return time or None


def _start_stop(
    order: Mapping[str, Any], worker: Mapping[str, Any], set_off_at: datetime | None, district: Provider | None
) -> dict[str, Any]:
    """The worker's stop: `time.range` is the booked slot she sets off within, `timestamp` when she did."""
    stop: dict[str, Any] = {
        "type": "start",
        "location": _worker_location(worker["gps"], district),
        "person": {"name": worker["name"]},
        "contact": {"phone": worker["phone"]},
    }
    time = _stop_time(order, set_off_at, slot_label=None)
    if time is not None:
        stop["time"] = time
    return stop


def _worker_location(gps: str, district: Provider | None) -> dict[str, Any]:
    """Where the worker sets off: her own position as `gps`; the address fields the SRV on_status table requires
    name the district unit she works for (its location id, name, address, PIN, district, state), as the SRV
    examples name the provider's location on the start stop. We hold no address of hers, and the customer's
    data is never put here (docs/conformance.md)."""
    location: dict[str, Any] = {"gps": gps}
    if district is None:
        return location
    location.update(
        id=district.location_id,
        descriptor={"name": district.name_en},
        address=district.address,
        area_code=district.area_code,
        country=dict(INDIA),
    )
    if district.city_name:
        location["city"] = {"code": district.city, "name": district.city_name}
    if district.state_name:
        location["state"] = {"code": district.state_code, "name": district.state_name}
    return location


def _end_stop(order: Mapping[str, Any], otp: StartOtp | None, completed_at: datetime | None) -> dict[str, Any]:
    customer = order["customer"]
    contact = {key: customer[key] for key in ("phone", "email") if customer.get(key)}
    stop: dict[str, Any] = {"type": "end", "location": with_country_name(order["end_location"]), "contact": contact}
    if customer.get("name"):
        stop["person"] = {"name": customer["name"]}
    time = _stop_time(order, completed_at, slot_label="confirmed")
    if time is not None:
        stop["time"] = time
    if otp is not None:
        stop["authorization"] = otp.authorization()
    return stop


def _cancellation(cancellation: Mapping[str, Any]) -> dict[str, Any]:
    """`orders.cancellation` (who, reason_id, fee, at) as the Beckn Cancellation object."""
    by_buyer = str(cancellation.get("who", "")).lower() in ("buyer", "consumer", "bap")
    result: dict[str, Any] = {"cancelled_by": "CONSUMER" if by_buyer else "PROVIDER"}
    if cancellation.get("reason_id"):
        result["reason"] = {"descriptor": {"code": str(cancellation["reason_id"])}}
    at = cancellation.get("at")
    if isinstance(at, datetime):
        result["time"] = timestamp(at)
    elif isinstance(at, str):
        result["time"] = at
    return result
