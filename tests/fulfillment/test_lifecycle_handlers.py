"""status / track / cancel / update / rating / support over real HTTP: valid callbacks, refusals with codes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

from harness import RunningServer, conformance_errors
from sqlalchemy import update

from bpp.catalogue.service import settlement_account
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import BUYER_APP_GSTIN
from bpp.storage.order_tables import orders
from bpp.workforce import repo as worker_repo
from catalog.formats import timestamp
from catalog.ordering import payment_terms
from catalog.payment_terms import confirm_payment
from fulfillment.geo import format_gps

TOTAL = Decimal("590.00")


async def confirmed_order(server: RunningServer, buyer: BuyerApp, **values: Any) -> tuple[str, str]:
    """An order of `buyer` straight in the database (Accepted/Pending, slot in 5 hours), as confirm stores one:
    the id the buyer app gave it (what every request names; ours is another) and its transaction."""
    services = server.services
    order_id, transaction_id = "O-" + uuid.uuid4().hex[:10], str(uuid.uuid4())
    now = services.clock()
    line = {"title": "Tap repair", "price": {"currency": "INR", "value": "590.00"},
            "item": {"id": "I1", "quantity": {"selected": {"count": 1}}},
            "tags": [{"descriptor": {"code": "title"}, "list": [{"descriptor": {"code": "type"}, "value": "item"}]}]}
    place = {"city": {"name": "Lucknow"}, "state": {"name": "Uttar Pradesh"}}
    row = {
        "id": "SM-" + order_id, "buyer_order_id": order_id, "buyer_created_at": "2026-01-05T10:00:00.000Z",
        "channel": f"ondc:{buyer.subscriber_id}", "bap_id": buyer.subscriber_id, "bap_uri": buyer.bap_uri,
        "transaction_id": transaction_id,
        "domain": "ONDC:SRV11", "city": "std:0522", "provider_id": "P1", "item_id": "I1", "item_version": 1,
        "category_id": "SRV11-1011",
        "quote": {"price": {"currency": "INR", "value": "590.00"}, "breakup": [line], "ttl": "PT15M"},
        "total": TOTAL, "currency": "INR", "slot_start": now + timedelta(hours=5),
        "slot_end": now + timedelta(hours=6), "customer": {"name": "Asha", "phone": "9123456789"},
        "end_location": {"gps": format_gps(26.8467, 80.9462), "address": "12 Hazratganj", "area_code": "226001",
                         "country": {"code": "IND"}, **place},
        "billing": {"name": "Asha", "phone": "9123456789", "tax_id": BUYER_APP_GSTIN, **place},
        "payment": confirm_payment(payment_terms("ON-FULFILLMENT"), TOTAL,
                                   settlement_account(services.settings), None, status="NOT-PAID"),
        "status": "Accepted", "fulfillment_state": "Pending", "otp_attempts": 0,
        "created_at": now, "updated_at": now, "version": 1, **values,
    }
    async with services.db.begin() as conn:
        await conn.execute(orders.insert().values(**row))
    return order_id, transaction_id


async def call(server: RunningServer, buyer: BuyerApp, action: str, transaction_id: str, message: dict) -> Any:
    settings = server.services.settings
    body = {"context": buyer.context(action, transaction_id, settings.subscriber_id, settings.subscriber_url),
            "message": message}
    sent = await buyer.post(f"{settings.subscriber_url}/{action}", body)
    assert sent.acked, sent.body if hasattr(sent, "body") else sent
    callback = await buyer.wait_for("on_" + action, buyer.replies_to(sent))
    assert conformance_errors("on_" + action, callback.body) == []
    return callback


async def set_state(server: RunningServer, order_id: str, status: str, state: str) -> None:
    async with server.services.db.begin() as conn:
        await conn.execute(update(orders).where(orders.c.buyer_order_id == order_id)
                           .values(status=status, fulfillment_state=state))


async def test_status_track_support(server: RunningServer, buyer: BuyerApp) -> None:
    order_id, txn = await confirmed_order(server, buyer)
    on_status = await call(server, buyer, "status", txn, {"order_id": order_id})
    assert on_status.message["order"]["fulfillments"][0]["state"]["descriptor"]["code"] == "Pending"
    assert (on_status.message["order"]["id"], on_status.message["order"]["created_at"]) == (
        order_id, "2026-01-05T10:00:00.000Z")  # the buyer app's, as its confirm gave them
    by_our_id = await call(server, buyer, "status", txn, {"order_id": "SM-" + order_id})
    assert by_our_id.error["code"] == "30018"
    on_track = await call(server, buyer, "track", txn, {"order_id": order_id})
    assert on_track.message["tracking"] == {"id": order_id, "status": "inactive"}
    on_support = await call(server, buyer, "support", txn, {"support": {"ref_id": order_id}})
    assert on_support.message["support"]["phone"] == "155330"


async def test_track_while_travelling_shows_her_live_position(
    server: RunningServer, buyer: BuyerApp, fx: ModuleType
) -> None:
    services = server.services
    worker_id = await fx.add_worker(services, "W-track-" + uuid.uuid4().hex[:6], 26.85, 80.95)
    seen_at = services.clock() - timedelta(seconds=30)
    async with services.db.begin() as conn:
        await worker_repo.update_worker(conn, worker_id, services.clock(), last_seen_at=seen_at)
    order_id, txn = await confirmed_order(server, buyer, status="In-progress", fulfillment_state="In-Transit",
                                          worker_id=worker_id, worker_assigned_gps=format_gps(26.84, 80.94))
    on_track = await call(server, buyer, "track", txn, {"order_id": order_id})
    assert on_track.message["tracking"] == {
        "id": order_id, "status": "active",
        "location": {"gps": format_gps(26.85, 80.95), "updated_at": timestamp(seen_at)},
    }


async def test_cancel_fee_by_state_and_refusal(server: RunningServer, buyer: BuyerApp) -> None:
    free_id, free_txn = await confirmed_order(server, buyer)
    on_cancel = await call(server, buyer, "cancel", free_txn, {"order_id": free_id, "cancellation_reason_id": "012"})
    assert on_cancel.error is None
    assert on_cancel.message["order"]["status"] == "Cancelled"
    assert on_cancel.message["order"]["quote"]["price"]["value"] == "0.00"

    started_id, started_txn = await confirmed_order(server, buyer, status="In-progress",
                                                    fulfillment_state="Service-Started")
    refused = await call(server, buyer, "cancel", started_txn,
                         {"order_id": started_id, "cancellation_reason_id": "012"})
    assert refused.error["code"] == "50001"
    assert refused.message["order"]["status"] == "In-progress"


async def test_rating_of_a_completed_order(server: RunningServer, buyer: BuyerApp) -> None:
    order_id, txn = await confirmed_order(server, buyer)
    early = await call(server, buyer, "rating", txn, {"ratings": [{"rating_category": "Provider", "id": "P1",
                                                                    "value": "4"}]})
    assert early.error["code"] == "40000"
    await set_state(server, order_id, "Completed", "Completed")
    bad = await call(server, buyer, "rating", txn, {"ratings": [{"rating_category": "Provider", "id": "P1",
                                                                  "value": "9"}]})
    assert bad.error["code"] == "30015"
    good = await call(server, buyer, "rating", txn, {"ratings": [{"rating_category": "Provider", "id": "P1",
                                                                   "value": "4"}]})
    assert good.error is None
