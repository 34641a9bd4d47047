"""Helpers of the fulfillment tests (workers and confirmed orders straight in the database), as fixture `fx`."""

from __future__ import annotations

import asyncio
import itertools
import sys
import uuid
from decimal import Decimal
from types import ModuleType
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from bpp.platform.auth import hash_secret
from bpp.storage.gateway_tables import outbox
from bpp.storage.order_tables import orders
from bpp.storage.worker_tables import offers
from bpp.wiring.services import Services
from bpp.workforce import repo as worker_repo
from catalog.formats import timestamp
from fulfillment.geo import format_gps
from fulfillment.workers import Registration

CATEGORY = "SRV11-1011"
PIN = "1234"
PIN_HASH = hash_secret(PIN)
HAZRATGANJ = (26.8467, 80.9462)
_phones = itertools.count(6_000_000_000)


async def add_worker(
    services: Services,
    worker_id: str,
    lat: float,
    lng: float,
    *,
    skills: tuple[str, ...] = (CATEGORY,),
    verification: str = "verified",
    standing: str = "active",
    online: bool = True,
) -> str:
    """A worker at (lat, lng), online unless told, in the geo sets when matchable."""
    reg = Registration(worker_id, str(next(_phones)), PIN, skills, lat, lng, "std:0522")
    now = services.clock()
    async with services.db.begin() as conn:
        await worker_repo.insert_worker(
            conn, reg, PIN_HASH, now, "test", verification=verification, worker_id=worker_id
        )
        await worker_repo.update_worker(
            conn, worker_id, now, online=online, last_lat=lat, last_lng=lng, standing=standing
        )
    await services.fulfillment.presence.refresh_worker(worker_id)
    return worker_id


async def add_order(
    services: Services,
    lat: float,
    lng: float,
    *,
    category: str = CATEGORY,
    payment_type: str = "ON-FULFILLMENT",
    total: Decimal = Decimal("299.00"),
) -> str:
    """A confirmed order at (lat, lng); matching is scheduled in the same transaction."""
    order_id = "O-" + uuid.uuid4().hex[:10]
    now = services.clock()
    async with services.db.begin() as conn:
        await conn.execute(
            orders.insert().values(
                id=order_id,
                channel="ondc:buyer.test",
                bap_id="buyer.test",
                bap_uri="http://127.0.0.1:9/bap",
                transaction_id="T-" + order_id,
                buyer_order_id="BAP-" + order_id,
                buyer_created_at=timestamp(now),
                domain="ONDC:SRV11",
                city="std:0522",
                provider_id="P1",
                item_id="I1",
                item_version=1,
                category_id=category,
                quote={"price": {"currency": "INR", "value": str(total)}, "breakup": []},
                total=total,
                currency="INR",
                customer={"name": "Asha", "phone": "9123456789"},
                end_location={"gps": format_gps(lat, lng), "address": "12 Hazratganj", "area_code": "226001"},
                billing={"name": "Asha", "phone": "9123456789"},
                payment={"type": payment_type, "collected_by": "BPP", "status": "NOT-PAID"},
                status="Created",
                fulfillment_state="Pending",
                otp_attempts=0,
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        await services.fulfillment.matching.order_confirmed(conn, order_id)
    services.fulfillment.matching.wake()
    return order_id


async def order_row(services: Services, order_id: str) -> dict[str, Any]:
    async with services.db.connect() as conn:
        return dict((await conn.execute(select(orders).where(orders.c.id == order_id))).mappings().one())


async def pending_offer(services: Services, order_id: str) -> dict[str, Any] | None:
    async with services.db.connect() as conn:
        row = (
            (await conn.execute(select(offers).where(offers.c.order_id == order_id, offers.c.outcome == "pending")))
            .mappings()
            .first()
        )
    return dict(row) if row else None


async def settle(services: Services, order_ids: list[str], timeout: float = 15.0) -> None:
    """Run matching until every order has an open offer, a worker, or is cancelled."""
    deadline = asyncio.get_running_loop().time() + timeout
    waiting = list(order_ids)
    while waiting:
        await services.fulfillment.matching.run_once()
        still = []
        for order_id in waiting:
            row = await order_row(services, order_id)
            if row["status"] == "Cancelled" or row["worker_id"] or await pending_offer(services, order_id):
                continue
            still.append(order_id)
        waiting = still
        if waiting and asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"orders never matched or cancelled: {waiting}")
        if waiting:
            await asyncio.sleep(0.05)


async def callbacks(services: Services, order_id: str, action: str) -> list[dict[str, Any]]:
    """Payloads of the callbacks queued for the order's transaction."""
    async with services.db.connect() as conn:
        rows = await conn.execute(
            select(outbox.c.payload)
            .where(outbox.c.transaction_id == "T-" + order_id, outbox.c.action == action)
            .order_by(outbox.c.id)
        )
        return [orjson.loads(row.payload) for row in rows]


@pytest.fixture
def fx() -> ModuleType:
    """This module: add_worker, add_order, settle, callbacks, ..."""
    return sys.modules[__name__]
