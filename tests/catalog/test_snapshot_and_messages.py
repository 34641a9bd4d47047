"""on_search from the snapshot and the order object, checked against the SRV bundle."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from bpp.demo.catalog_seed import LUCKNOW, demo_items
from catalog.order_message import Milestones, StartOtp, build_order
from catalog.ordering import with_country_name
from catalog.quote import quote_for
from catalog.snapshot import CatalogSnapshot
from catalog.wire_in import search_intent
from schemas.attributes import validate_attributes
from schemas.beckn import Intent
from schemas.outgoing import validate_enums, validate_outgoing

NOW = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)  # Monday 09:30 IST
HAZRATGANJ = "26.8467,80.9462"
SNAPSHOT = CatalogSnapshot([LUCKNOW], demo_items(), category_image=lambda code: f"https://bpp.example/img/{code}.svg")


def _everywhere(lat: float, lng: float, radius_km: float) -> set[str]:
    return {item.category_id for item in demo_items()}


def _nowhere(lat: float, lng: float, radius_km: float) -> set[str]:
    return set()


def _search(intent: dict[str, Any], domain: str = "ONDC:SRV11", coverage: Any = _everywhere) -> dict[str, Any] | None:
    parsed = search_intent(Intent.model_validate(intent))
    return SNAPSHOT.search(parsed, domain=domain, city="std:0522", now=NOW, coverage=coverage)


def _context(action: str, domain: str = "ONDC:SRV11") -> dict[str, Any]:
    return {
        "domain": domain,
        "location": {"city": {"code": "std:0522"}, "country": {"code": "IND"}},
        "action": action,
        "version": "2.0.0",
        "bap_id": "bap.example",
        "bap_uri": "https://bap.example/ondc",
        "bpp_id": "bpp.example",
        "bpp_uri": "https://bpp.example/ondc",
        "transaction_id": str(uuid.uuid4()),
        "message_id": str(uuid.uuid4()),
        "timestamp": "2025-03-03T04:00:00.000Z",
        "ttl": "PT30S",
    }


def _item_ids(message: dict[str, Any] | None) -> list[str]:
    assert message is not None
    return [item["id"] for provider in message["catalog"]["providers"] for item in provider["items"]]


def _at(place: str) -> dict[str, Any]:
    return {"type": "Home-Service", "stops": [{"type": "end", "location": {"gps": place}}]}


def test_category_prefix_includes_extension_trades() -> None:
    ids = _item_ids(_search({"category": {"id": "SRV11-*"}, "fulfillment": _at(HAZRATGANJ)}))
    assert "SM-LKO-PLUMBER-TAP" in ids and "SM-LKO-COOK" in ids
    assert "SM-LKO-AC-SERVICE" not in ids  # SRV10 is another domain


def test_exact_category_and_domain() -> None:
    assert _item_ids(_search({"category": {"id": "SRV10-1000"}}, domain="ONDC:SRV10")) == ["SM-LKO-AC-SERVICE"]


def test_item_name_in_hindi_with_a_typo() -> None:
    assert _item_ids(_search({"item": {"descriptor": {"name": "रसोईया"}}})) == ["SM-LKO-COOK"]


def test_place_without_workers_gets_nothing() -> None:
    assert _search({"category": {"id": "SRV11-*"}, "fulfillment": _at("27.9,82.0")}, coverage=_nowhere) is None


def test_schedule_filters_items() -> None:
    sunday = {"range": {"start": "2025-03-09T05:00:00.000Z", "end": "2025-03-09T06:00:00.000Z"}}
    fulfillment = {"type": "Home-Service", "stops": [{"type": "end", "location": {"gps": HAZRATGANJ}, "time": sunday}]}
    ids = _item_ids(_search({"category": {"id": "SRV11-*"}, "fulfillment": fulfillment}))
    assert "SM-LKO-PAINTING" not in ids  # painting is Monday to Saturday
    assert "SM-LKO-PLUMBER-TAP" in ids


def test_on_search_is_valid_and_charges_the_fixed_fee() -> None:
    message = _search({"category": {"id": "SRV11-*"}, "fulfillment": _at(HAZRATGANJ)})
    payload = {"context": _context("on_search"), "message": message}
    assert validate_outgoing("on_search", payload) == []
    assert validate_enums("on_search", payload) == []
    fees = {item.id: item.fee for item in demo_items()}
    for item in message["catalog"]["providers"][0]["items"]:
        assert Decimal(item["price"]["value"]) == fees[item["id"]]


def test_on_search_items_carry_what_the_srv_table_requires() -> None:
    message = _search({"category": {"id": "SRV11-*"}, "fulfillment": _at(HAZRATGANJ)})
    assert message is not None
    provider = message["catalog"]["providers"][0]
    assert provider["time"]["label"] == "validity"
    assert provider["time"]["range"] == {"start": "2025-03-02T18:30:00.000Z", "end": "2025-04-02T18:30:00.000Z"}
    assert provider["time"]["schedule"]["frequency"].startswith("PT")
    for item in provider["items"]:
        assert item["parent_item_id"] == ""  # a stand-alone service (docs/catalogue.md)
        assert item["descriptor"]["images"] == [{"url": f"https://bpp.example/img/{item['category_ids'][0]}.svg"}]
        assert isinstance(item["time"]["schedule"]["holidays"], list)
        assert all(term["cancel_by"] for term in item["cancellation_terms"])
        assert item["time"]["range"] == provider["time"]["range"]  # bookable from today, as far as searches look
        assert item["quantity"] == {"unitized": {"measure": {"unit": "unit", "value": "1"}}}  # one visit
    assert validate_attributes("on_search", {"context": _context("on_search"), "message": message}) == []


def _order_row() -> dict[str, Any]:
    item = demo_items()[4]
    quote = quote_for(item).to_beckn()
    start = NOW + timedelta(hours=2)
    return {
        "id": "SM-ABC123",
        "buyer_order_id": "BAP-O-77",
        "buyer_created_at": "2025-03-03T09:28:00+05:30",
        "status": "Accepted",
        "provider_id": LUCKNOW.id,
        "item_id": item.id,
        "category_id": item.category_id,
        "quote": quote,
        "slot_start": start,
        "slot_end": start + timedelta(hours=1),
        "customer": {"name": "Asha", "phone": "9876543210", "email": None},
        "end_location": {"gps": "26.85,80.95", "address": "12 Hazratganj", "area_code": "226001"},
        "billing": {"name": "Asha", "phone": "9876543210"},
        "payment": {"id": "PY2", "type": "ON-FULFILLMENT", "collected_by": "BPP", "status": "NOT-PAID"},
        "terms": {
            "cancellation_terms": [
                {"fulfillment_state": {"descriptor": {"code": "Pending"}}, "cancellation_fee": {"percentage": "0"}}
            ]
        },
        "fulfillment_state": "Pending",
        "cancellation": None,
        "created_at": NOW,
        "updated_at": NOW,
    }


def test_build_order_with_worker_otp_and_invoice_is_valid() -> None:
    worker = {"name": "Ramesh", "phone": "9123456780", "gps": "26.85,80.94"}
    otp = StartOtp("4821", NOW, NOW + timedelta(minutes=15), "valid")
    set_off, done = NOW + timedelta(minutes=100), NOW + timedelta(hours=3)
    order = build_order(_order_row(), worker=worker, otp=otp, invoice_url="https://bpp.example/invoice/1",
                        milestones=Milestones(set_off, done))
    assert (order["id"], order["created_at"]) == ("BAP-O-77", "2025-03-03T09:28:00+05:30")  # the buyer app's own
    stops = {stop["type"]: stop for stop in order["fulfillments"][0]["stops"]}
    assert stops["end"]["authorization"] == {
        "type": "OTP", "token": "4821", "valid_from": "2025-03-03T04:00:00.000Z",
        "valid_to": "2025-03-03T04:15:00.000Z", "status": "valid",
    }
    assert stops["start"]["person"] == {"name": "Ramesh"}
    slot = {"start": "2025-03-03T06:00:00.000Z", "end": "2025-03-03T07:00:00.000Z"}
    assert stops["start"]["time"] == {"range": slot, "timestamp": "2025-03-03T05:40:00.000Z"}
    assert stops["end"]["time"] == {"label": "confirmed", "range": slot, "timestamp": "2025-03-03T07:00:00.000Z"}
    assert order["fulfillments"][0]["rateable"] is True
    assert order["items"][0]["category_ids"] == [demo_items()[4].category_id]
    assert order["documents"] == [{"url": "https://bpp.example/invoice/1", "label": "INVOICE"}]
    assert order["quote"]["breakup"][0]["price"]["value"] == "199.00"
    for action in ("on_confirm", "on_status", "on_update", "on_cancel"):
        assert validate_outgoing(action, {"context": _context(action), "message": {"order": order}}) == []


def test_the_workers_stop_names_her_district_unit_and_never_the_customers_place() -> None:
    """SRV on_status requires an address, PIN, district, state and country on every stop; we hold only the
    worker's position, so the start stop names the district unit she works for (docs/conformance.md)."""
    worker = {"name": "Ramesh", "phone": "9123456780", "gps": "26.85,80.94"}
    customer_place = {"gps": "26.85,80.95", "address": "12 Hazratganj", "area_code": "226010",
                      "city": {"name": "Lucknow"}, "state": {"name": "Uttar Pradesh"}, "country": {"code": "IND"}}
    row = _order_row() | {"fulfillment_state": "In-Transit", "end_location": customer_place}
    order = build_order(row, worker=worker, milestones=Milestones(set_off_at=NOW), district=LUCKNOW)
    stops = {stop["type"]: stop for stop in order["fulfillments"][0]["stops"]}
    assert stops["start"]["location"] == {
        "gps": "26.85,80.94", "id": "SM-LKO-L1", "descriptor": {"name": "Seva Mitra Lucknow"},
        "address": "Seva Mitra Kendra, Hazratganj, Lucknow, Uttar Pradesh", "area_code": "226001",
        "city": {"code": "std:0522", "name": "Lucknow"}, "state": {"code": "UP", "name": "Uttar Pradesh"},
        "country": {"code": "IND", "name": "India"},
    }
    assert stops["end"]["location"]["country"] == {"code": "IND", "name": "India"}  # the code the buyer app sent
    payload = {"context": _context("on_status"), "message": {"order": order}}
    assert validate_outgoing("on_status", payload) == []
    stops_lacking = [error for error in validate_attributes("on_status", payload) if ".stops[" in error]
    assert stops_lacking == []  # and the end stop's time is waived until the service ends


def test_the_customers_country_gets_its_name_and_keeps_its_code() -> None:
    assert with_country_name({"gps": "1,2", "country": {"code": "IND"}})["country"] == {"code": "IND", "name": "India"}
    assert with_country_name({"gps": "1,2"})["country"] == {"code": "IND", "name": "India"}  # we serve India only
    assert with_country_name({"country": {"code": "NPL"}}) == {"country": {"code": "NPL"}}  # echoed as given


def test_build_order_of_a_cancelled_order() -> None:
    row = _order_row() | {
        "status": "Cancelled",
        "fulfillment_state": "Cancelled",
        "cancellation": {"who": "buyer", "reason_id": "001", "at": NOW},
    }
    order = build_order(row)
    assert order["cancellation"] == {
        "cancelled_by": "CONSUMER",
        "reason": {"descriptor": {"code": "001"}},
        "time": "2025-03-03T04:00:00.000Z",
    }
    assert validate_outgoing("on_cancel", {"context": _context("on_cancel"), "message": {"order": order}}) == []
