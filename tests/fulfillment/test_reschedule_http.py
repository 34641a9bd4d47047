"""Reschedule over real HTTP: the SRV `update_reschedule.json` shape → on_update with the new slot, or the refusal."""

from __future__ import annotations

import copy
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

import orjson
import pytest
from harness import RunningServer, conformance_errors
from reference import EXAMPLES
from sqlalchemy import select

from bpp.catalogue.service import settlement_account
from bpp.demo.catalog_seed import LUCKNOW, seed_demo_catalog
from bpp.simulator.buyer import BuyerApp, Callback
from bpp.storage.order_tables import orders
from bpp.workforce import repo as worker_repo
from catalog.fragments import reschedule_tag
from catalog.model import RescheduleTerms
from catalog.payment_terms import confirm_payment
from catalog.schedule import IST
from fulfillment.geo import format_gps

ITEM_ID = "SM-LKO-PLUMBER-TAP"
EXAMPLE = EXAMPLES / "srv-draft-services" / "update" / "update_reschedule.json"
TERMS = RescheduleTerms(eligible=True, fee=Decimal("25"), within="PT2H", state="Pending")


def ist(days: int, hour: int) -> datetime:
    """`hour`:00 IST, `days` from today, in UTC."""
    day = (datetime.now(IST) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=IST).astimezone(UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.fixture
async def seeded(server: RunningServer) -> RunningServer:
    await seed_demo_catalog(server.services.db, server.services.catalog)
    return server


async def booked_order(server: RunningServer, buyer: BuyerApp, worker_id: str, start: datetime,
                       **values: Any) -> tuple[str, str]:
    """An Accepted order of `buyer` for the tap repair, assigned to `worker_id` and in her calendar; returns the
    id the buyer app gave it (what update names; ours is another) and its transaction."""
    services = server.services
    order_id, transaction_id = "O-" + uuid.uuid4().hex[:10], str(uuid.uuid4())
    now = services.clock()
    line = {"title": "Tap repair", "price": {"currency": "INR", "value": "199.00"}, "item": {"id": ITEM_ID},
            "tags": [{"descriptor": {"code": "title"}, "list": [{"descriptor": {"code": "type"}, "value": "item"}]}]}
    row = {
        "id": "SM-" + order_id, "buyer_order_id": order_id, "buyer_created_at": iso(now),
        "channel": f"ondc:{buyer.subscriber_id}", "bap_id": buyer.subscriber_id, "bap_uri": buyer.bap_uri,
        "transaction_id": transaction_id,
        "domain": "ONDC:SRV11", "city": "std:0522", "provider_id": LUCKNOW.id, "item_id": ITEM_ID, "item_version": 1,
        "category_id": "SRV11-1047", "quote": {"price": {"currency": "INR", "value": "199.00"}, "breakup": [line]},
        "total": Decimal("199.00"), "currency": "INR", "slot_start": start, "slot_end": start + timedelta(hours=1),
        "customer": {"name": "Asha", "phone": "9123456789"},
        "end_location": {"gps": format_gps(26.8467, 80.9462), "address": "12 Hazratganj", "area_code": "226001"},
        "billing": {"name": "Asha", "phone": "9123456789"},
        "payment": confirm_payment({"type": "ON-FULFILLMENT", "collected_by": "BPP"}, Decimal("199.00"),
                                   settlement_account(services.settings), None, status="NOT-PAID"),
        "terms": {"reschedule_terms": [reschedule_tag(TERMS)]}, "worker_id": worker_id,
        "status": "Accepted", "fulfillment_state": "Pending", "otp_attempts": 0,
        "created_at": now, "updated_at": now, "version": 1, **values,
    }
    async with services.db.begin() as conn:
        await conn.execute(orders.insert().values(**row))
        await worker_repo.book(conn, worker_id, row["id"], row["slot_start"], row["slot_end"])
    return order_id, transaction_id


def reschedule_message(order_id: str, start: datetime | None) -> dict[str, Any]:
    """The official update_reschedule.json message for our order, asking for [start, start + 1 h)."""
    message = copy.deepcopy(orjson.loads(EXAMPLE.read_bytes())["message"])
    message["order"]["id"] = order_id
    end_stop = next(stop for stop in message["order"]["fulfillments"][0]["stops"] if stop["type"] == "end")
    if start is None:
        del end_stop["time"]
    else:
        end_stop["time"]["range"] = {"start": iso(start), "end": iso(start + timedelta(hours=1))}
    return message


async def update(server: RunningServer, buyer: BuyerApp, transaction_id: str, message: dict[str, Any]) -> Callback:
    """POST update, expect the ACK, return the on_update (which must conform: SRV bundle and attribute table)."""
    settings = server.services.settings
    body = {"context": buyer.context("update", transaction_id, settings.subscriber_id, settings.subscriber_url),
            "message": message}
    sent = await buyer.post(f"{settings.subscriber_url}/update", body)
    assert sent.acked, sent.answer
    callback = await buyer.wait_for("on_update", buyer.replies_to(sent))
    assert callback.signature_ok and conformance_errors("on_update", callback.body) == []
    return callback


def end_range(callback: Callback) -> dict[str, str]:
    stops = callback.message["order"]["fulfillments"][0]["stops"]
    return dict(next(stop for stop in stops if stop["type"] == "end")["time"]["range"])


async def stored(server: RunningServer, order_id: str) -> dict[str, Any]:
    async with server.services.db.connect() as conn:
        query = select(orders).where(orders.c.buyer_order_id == order_id)
        return dict((await conn.execute(query)).mappings().one())


async def test_a_move_within_the_terms_is_confirmed_with_the_fee(seeded: RunningServer, buyer: BuyerApp,
                                                                 fx: ModuleType) -> None:
    worker_id = await fx.add_worker(seeded.services, "W-cal", *fx.HAZRATGANJ)
    order_id, txn = await booked_order(seeded, buyer, worker_id, ist(1, 10))
    wanted = ist(2, 11)
    on_update = await update(seeded, buyer, txn, reschedule_message(order_id, wanted))
    assert on_update.error is None
    assert end_range(on_update) == {"start": iso(wanted), "end": iso(wanted + timedelta(hours=1))}
    quote = on_update.message["order"]["quote"]
    assert quote["price"]["value"] == "224.00"
    assert [line["title"] for line in quote["breakup"]] == ["Tap repair", "reschedule_fee"]
    order = await stored(seeded, order_id)
    assert (order["slot_start"], order["total"], order["version"]) == (wanted, Decimal("224.00"), 2)
    async with seeded.services.db.connect() as conn:
        assert await worker_repo.booked_slots(conn, worker_id) == [(wanted, wanted + timedelta(hours=1))]


async def refusal(server: RunningServer, buyer: BuyerApp, order_id: str, txn: str,
                  start: datetime | None) -> tuple[str, str]:
    """The error code and message of a refused reschedule; the order must be unchanged."""
    before = await stored(server, order_id)
    on_update = await update(server, buyer, txn, reschedule_message(order_id, start))
    assert on_update.error is not None and on_update.error["message"]
    assert await stored(server, order_id) == before
    return str(on_update.error["code"]), str(on_update.error["message"])


async def test_too_close_to_the_booked_slot_is_50002(seeded: RunningServer, buyer: BuyerApp, fx: ModuleType) -> None:
    worker_id = await fx.add_worker(seeded.services, "W-soon", *fx.HAZRATGANJ)
    order_id, txn = await booked_order(seeded, buyer, worker_id, seeded.services.clock() + timedelta(hours=1))
    code, message = await refusal(seeded, buyer, order_id, txn, ist(2, 11))
    assert code == "50002" and "too late" in message


@pytest.mark.parametrize(
    ("status", "state", "code"),
    [("In-progress", "In-Transit", "50002"), ("In-progress", "Service-Started", "50002"),
     ("Completed", "Completed", "50008"), ("Cancelled", "Cancelled", "50008")],
)
async def test_a_booking_past_pending_cannot_move(seeded: RunningServer, buyer: BuyerApp, fx: ModuleType,
                                                 status: str, state: str, code: str) -> None:
    worker_id = await fx.add_worker(seeded.services, "W-busy", *fx.HAZRATGANJ)
    order_id, txn = await booked_order(seeded, buyer, worker_id, ist(1, 10), status=status, fulfillment_state=state)
    assert (await refusal(seeded, buyer, order_id, txn, ist(2, 11)))[0] == code


async def test_a_slot_the_worker_or_the_service_cannot_take_is_90001(seeded: RunningServer, buyer: BuyerApp,
                                                                    fx: ModuleType) -> None:
    worker_id = await fx.add_worker(seeded.services, "W-full", *fx.HAZRATGANJ)
    order_id, txn = await booked_order(seeded, buyer, worker_id, ist(1, 10))
    await booked_order(seeded, buyer, worker_id, ist(2, 11))
    taken = await refusal(seeded, buyer, order_id, txn, ist(2, 11))
    assert taken[0] == "90001" and "already booked" in taken[1]
    closed = await refusal(seeded, buyer, order_id, txn, ist(2, 23))
    assert closed[0] == "90001" and "opening hours" in closed[1]
    past = await refusal(seeded, buyer, order_id, txn, ist(-1, 11))
    assert past[0] == "90001" and "in the past" in past[1]


async def test_an_update_without_a_slot_or_of_another_kind_is_refused(seeded: RunningServer, buyer: BuyerApp,
                                                                      fx: ModuleType) -> None:
    worker_id = await fx.add_worker(seeded.services, "W-odd", *fx.HAZRATGANJ)
    order_id, txn = await booked_order(seeded, buyer, worker_id, ist(1, 10))
    assert (await refusal(seeded, buyer, order_id, txn, None))[0] == "90003"
    requote = {**reschedule_message(order_id, ist(2, 11)), "update_target": "payments"}
    on_update = await update(seeded, buyer, txn, requote)
    assert on_update.error is not None and on_update.error["code"] == "40001"
