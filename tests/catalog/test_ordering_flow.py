"""search -> select -> init -> confirm over real HTTP, on both storage backends."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from bpp.demo.catalog_seed import LUCKNOW, demo_items, seed_demo_catalog
from bpp.demo.workers_seed import seed_demo_workers
from bpp.simulator.buyer import BuyerApp
from bpp.storage.order_tables import orders
from catalog.quote import breakup_sum
from catalog.schedule import IST
from schemas.outgoing import validate_outgoing

HAZRATGANJ = "26.8467,80.9462"
ITEM = next(item for item in demo_items() if item.id == "SM-LKO-PLUMBER-TAP")


@pytest.fixture
async def seeded(server: Any) -> Any:
    services = server.services
    await seed_demo_catalog(services)
    await seed_demo_workers(services)
    await services.fulfillment.workers_changed()
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
        assert validate_outgoing(f"on_{action}", callback.body) == [], callback.body
        return callback.body

    def order(self, slot: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        stop: dict[str, Any] = {
            "type": "end",
            "location": {"gps": "26.8500,80.9480", "address": "12 Ashok Marg, Hazratganj", "area_code": "226001"},
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
                "billing": {"name": "Asha Verma", "phone": "9876543210", "address": "12 Ashok Marg, Lucknow"},
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

    on_confirm = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=quote))
    order = on_confirm["message"]["order"]
    assert order["id"].startswith("SM-") and order["status"] == "Accepted"
    assert order["quote"] == quote
    assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Pending"

    again = await journey.send("confirm", journey.order(slot, id="BAP-ORDER-1", quote=quote))
    assert again["message"]["order"]["id"] == order["id"]
    async with seeded.services.db.connect() as conn:
        count = await conn.scalar(
            select(func.count()).select_from(orders).where(orders.c.transaction_id == journey.transaction_id)
        )
        total = await conn.scalar(select(orders.c.total).where(orders.c.id == order["id"]))
    assert count == 1
    assert total == Decimal(quote["price"]["value"])


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
