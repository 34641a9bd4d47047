"""The ONDC `order` object of on_confirm / on_status / on_cancel / on_update, from an `orders` row.

The row is the one in `bpp/storage/order_tables.py`; JSON columns hold Beckn fragments exactly as
they were agreed in on_init/on_confirm (quote, billing, payment, end_location, customer, terms).

`worker` (optional) is a mapping with `name`, `phone`, `gps` ("lat,lng") and optionally `at`
(an aware datetime of that position; the order's `updated_at` otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from catalog.formats import timestamp
from catalog.model import FULFILLMENT_ID, FULFILLMENT_TYPE


def build_order(
    order: Mapping[str, Any],
    *,
    worker: Mapping[str, Any] | None = None,
    otp: str | None = None,
    invoice_url: str | None = None,
) -> dict[str, Any]:
    """The Beckn `order` for an orders row; pass the worker once assigned and the OTP to share."""
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
        "fulfillments": [_fulfillment(order, worker, otp)],
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
        message["documents"] = [{"url": invoice_url, "label": "Invoice"}]
    return message


def _fulfillment(
    order: Mapping[str, Any], worker: Mapping[str, Any] | None, otp: str | None
) -> dict[str, Any]:
    stops: list[dict[str, Any]] = []
    if worker is not None:
        stops.append(_start_stop(worker, worker.get("at") or order["updated_at"]))
    stops.append(_end_stop(order, otp))
    return {
        "id": FULFILLMENT_ID,
        "type": FULFILLMENT_TYPE,
        "state": {"descriptor": {"code": order["fulfillment_state"]}},
        "tracking": False,
        "stops": stops,
    }


def _start_stop(worker: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    return {
        "type": "start",
        "location": {"gps": worker["gps"]},
        "time": {"timestamp": timestamp(at)},
        "person": {"name": worker["name"]},
        "contact": {"phone": worker["phone"]},
    }


def _end_stop(order: Mapping[str, Any], otp: str | None) -> dict[str, Any]:
    customer = order["customer"]
    contact = {key: customer[key] for key in ("phone", "email") if customer.get(key)}
    stop: dict[str, Any] = {"type": "end", "location": dict(order["end_location"]), "contact": contact}
    if customer.get("name"):
        stop["person"] = {"name": customer["name"]}
    if order.get("slot_start") and order.get("slot_end"):
        stop["time"] = {
            "label": "confirmed",
            "range": {"start": timestamp(order["slot_start"]), "end": timestamp(order["slot_end"])},
        }
    if otp is not None:
        stop["authorization"] = {"type": "OTP", "token": otp}
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
