"""search -> select -> init -> confirm over real HTTP, on both storage backends."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from harness import conformance_errors, seed_demo
from sqlalchemy import func, select

from bpp.catalogue.repo import CatalogRepo
from bpp.demo.catalog_seed import LUCKNOW, demo_items
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import BUYER_APP_GSTIN
from bpp.storage.order_tables import orders
from catalog.formats import timestamp
from catalog.quote import breakup_sum
from catalog.schedule import IST
from schemas.fields import MAX_ID_LENGTH

HAZRATGANJ = "26.8467,80.9462"
ITEM = next(item for item in demo_items() if item.id == "SM-LKO-PLUMBER-TAP")
LUCKNOW_PLACE = {"city": {"name": "Lucknow"}, "state": {"name": "Uttar Pradesh"}}  # as an SRV buyer app sends them


@pytest.fixture
async def seeded(server: Any) -> Any:
    await seed_demo(server.services)
    await server.services.fulfillment.coverage.workers_changed()
    return server


def _slot(days: int = 1, hour: int = 10) -> dict[str, Any]:
    day = (datetime.now(IST) + timedelta(days=days)).date()
    start = datetime(day.year, day.month, day.day, hour, tzinfo=IST).astimezone(UTC)
    end = start + timedelta(hours=1)
    fmt = "%Y-%m-%dT%H:%M:%S.000Z"
    return {"range": {"start": start.strftime(fmt), "end": end.strftime(fmt)}}


class Journey:
    """One buyer-app transaction against the BPP under test."""

    def __init__(self, buyer: BuyerApp, server: Any) -> None:
        self.buyer, self.server = buyer, server
        self.transaction_id = str(uuid.uuid4())
        self.bpp_id = server.services.settings.subscriber_id

    async def send(self, action: str, message: dict[str, Any], *, expect_reply: bool = True) -> dict[str, Any]:
        context = self.buyer.context(
            action,
            self.transaction_id,
            None if action == "search" else self.bpp_id,
            None if action == "search" else self.server.ondc_url,
        )
        sent = await self.buyer.post(f"{self.server.ondc_url}/{action}", {"context": context, "message": message})
        assert sent.acked, sent.answer
        if not expect_reply:
            return {}
        callback = await self.buyer.wait_for(f"on_{action}", self.buyer.replies_to(sent))
        assert conformance_errors(f"on_{action}", callback.body) == [], callback.body
        return callback.body

    def order(self, slot: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        stop: dict[str, Any] = {
            "type": "end",
            "location": {"gps": "26.8500,80.9480", "address": "12 Ashok Marg, Hazratganj", "area_code": "226001",
                         **LUCKNOW_PLACE},
            "contact": {"phone": "9876543210"},
        }
        if slot is not None:
            stop["time"] = slot
        return {
            "order": {
                "provider": {"id": LUCKNOW.id},
                "items": [{"id": ITEM.id, "quantity": {"selected": {"count": 1}}}],
                "fulfillments": [{"type": "Home-Service", "stops": [stop]}],
                "payments": [{"type": "ON-FULFILLMENT"}],
                "billing": {"name": "Asha Verma", "phone": "9876543210", "address": "12 Ashok Marg, Lucknow",
                            "tax_id": BUYER_APP_GSTIN, **LUCKNOW_PLACE},
                **extra,
            }
        }


async def test_search_offers_fixed_fee_items_near_workers(seeded: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, seeded)
    intent = {
        "category": {"id": "SRV11-*"},
        "fulfillment": {"type": "Home-Service", "stops": [{"type": "end", "location": {"gps": HAZRATGANJ}}]},
        "tags": [
            {
                "descriptor": {"code": "BAP_Terms"},
                "list": [
                    {"descriptor": {"code": "finder_fee_type"}, "value": "percent"},
                    {"descriptor": {"code": "finder_fee_amount"}, "value": "3"},
                ],
            }
        ],
    }
    body = await journey.send("search", {"intent": intent})
    items = body["message"]["catalog"]["providers"][0]["items"]
    fees = {item.id: item.fee for item in demo_items()}
    assert any(item["id"] == ITEM.id for item in items)
    assert all(Decimal(item["price"]["value"]) == fees[item["id"]] for item in items)


async def test_search_far_from_every_worker_gets_no_offer(seeded: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, seeded)
    far_away = "28.1000,81.9000"  # about 150 km from Hazratganj
    intent = {"fulfillment": {"type": "Home-Service", "stops": [{"type": "end", "location": {"gps": far_away}}]}}
    await journey.send("search", {"intent": intent}, expect_reply=False)
    # searches are answered in arrival order; once a later search near the workers is answered, the far one
    # has had its turn too
    covered = {"fulfillment": {"type": "Home-Service", "stops": [{"type": "end", "location": {"gps": HAZRATGANJ}}]}}
    assert (await Journey(buyer, seeded).send("search", {"intent": covered}))["message"]["catalog"]["providers"]
    assert not [c for c in buyer.callbacks if c.context.get("transaction_id") == journey.transaction_id]


async def test_whole_order_charges_the_fixed_fee_and_confirm_is_idempotent(seeded: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, seeded)
    slot = _slot()
    on_select = await journey.send("select", journey.order(slot))
    quote = on_select["message"]["order"]["quote"]
    assert "error" not in on_select
    assert Decimal(quote["breakup"][0]["price"]["value"]) == ITEM.fee
    assert breakup_sum(quote) == Decimal(quote["price"]["value"])
    assert on_select["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"] == "Serviceable"

    on_init = await journey.send("init", journey.order(slot))
    assert on_init["message"]["order"]["quote"] == quote
    assert on_init["message"]["order"]["cancellation_terms"]

    created = "2026-01-05T09:28:41.123+05:30"  # the buyer app's clock, in its own offset
    on_confirm = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=quote, created_at=created))
    order = on_confirm["message"]["order"]
    assert (order["id"], order["created_at"], order["status"]) == ("BAP-ORDER-1", created, "Accepted")
    assert order["updated_at"] != created
    assert order["quote"] == quote
    assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Pending"

    again = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=quote))
    assert again["message"]["order"]["id"] == order["id"]
    async with seeded.services.db.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(orders).where(orders.c.transaction_id == journey.transaction_id)
        )
        ours, total = (await conn.execute(
            select(orders.c.id, orders.c.total).where(orders.c.buyer_order_id == order["id"])
        )).one()
    assert count == 1
    assert total == Decimal(quote["price"]["value"])

    status = await journey.send("status", {"order_id": "BAP-ORDER-1"})
    assert (status["message"]["order"]["id"], status["message"]["order"]["created_at"]) == ("BAP-ORDER-1", created)
    by_our_id = await journey.send("status", {"order_id": ours})  # our reference means nothing to a buyer app
    assert by_our_id["error"]["code"] == "30018"


async def test_one_transaction_holds_one_order(seeded: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, seeded)
    slot = _slot()
    quote = (await journey.send("select", journey.order(slot)))["message"]["order"]["quote"]
    await journey.send("init", journey.order(slot))
    await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=quote))

    another = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-2", quote=quote))
    reselect = await journey.send("select", journey.order(_slot(days=2)))
    reinit = await journey.send("init", journey.order(slot))
    for refused in (another, reselect, reinit):
        assert refused["error"]["code"] == "40003", refused
        assert "BAP-ORDER-1" in refused["error"]["message"] and "new transaction_id" in refused["error"]["message"]
        assert "id" not in refused["message"]["order"]  # no order is offered as if it were the new one
    async with seeded.services.db.connect() as conn:
        ordered = await conn.scalars(
            select(orders.c.buyer_order_id).where(orders.c.transaction_id == journey.transaction_id)
        )
        assert list(ordered) == ["BAP-ORDER-1"]
        draft = await CatalogRepo(conn).draft(buyer.subscriber_id, journey.transaction_id)
    assert draft is not None and timestamp(draft.slot_start) == slot["range"]["start"]  # the select changed nothing

    next_time = Journey(buyer, seeded)  # a new transaction books again; the old order id stays the old order's
    quote = (await next_time.send("select", next_time.order(slot)))["message"]["order"]["quote"]
    reused = await next_time.send("confirm", next_time.order(slot, id="BAP-ORDER-1", quote=quote))
    assert reused["error"]["code"] == "31002" and reused["error"]["path"] == "message.order.id"
    booked = await next_time.send("confirm", next_time.order(slot, id="BAP-ORDER-2", quote=quote))
    assert booked["message"]["order"]["id"] == "BAP-ORDER-2"


async def test_an_order_id_longer_than_the_column_is_refused_with_its_path(server: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, server)
    context = buyer.context("confirm", journey.transaction_id, journey.bpp_id, server.ondc_url)
    message = journey.order(_slot(), id="B" * (MAX_ID_LENGTH + 1))
    refused = await buyer.post(f"{server.ondc_url}/confirm", {"context": context, "message": message})
    assert not refused.acked and refused.answer["error"]["path"] == "message.order.id"
    assert orders.c.buyer_order_id.type.length >= MAX_ID_LENGTH


async def test_select_without_or_with_an_impossible_slot(seeded: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, seeded)
    missing = await journey.send("select", journey.order(None))
    assert missing["error"]["code"] == "90003"
    assert missing["message"]["order"]["items"][0]["time"]["schedule"]["times"]
    night = await journey.send("select", journey.order(_slot(hour=23)))
    assert night["error"]["code"] == "90001"


async def test_price_change_between_select_and_confirm_is_requoted(seeded: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, seeded)
    slot = _slot()
    old_quote = (await journey.send("select", journey.order(slot)))["message"]["order"]["quote"]
    await journey.send("init", journey.order(slot))
    await seeded.services.catalog.save_item(replace(ITEM, fee=Decimal("249")), actor="staff:test")

    refused = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=old_quote))
    assert refused["error"]["code"] == "40008"
    new_quote = refused["message"]["order"]["quote"]
    assert new_quote["breakup"][0]["price"]["value"] == "249.00"

    accepted = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=new_quote))
    assert accepted["message"]["order"]["quote"] == new_quote


async def test_confirm_contradicting_the_quote_is_refused(seeded: Any, buyer: BuyerApp) -> None:
    journey = Journey(buyer, seeded)
    slot = _slot()
    quote = (await journey.send("select", journey.order(slot)))["message"]["order"]["quote"]
    cheaper = {**quote, "price": {"currency": "INR", "value": "1.00"}}
    refused = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=cheaper))
    assert refused["error"]["code"] == "31002"
    other_time = await journey.send("confirm", journey.order(_slot(hour=15), id="BAP-ORDER-1", quote=quote))
    assert other_time["error"]["code"] == "31002"
