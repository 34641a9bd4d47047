"""Revision 0004 on each backend: orders and complaints stored before it get the channel of their buyer app."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from harness import Backend
from order_factory import HELPLINE, confirmed_order

from bpp.orders.repo import OrderRepo
from bpp.storage.db import Database
from bpp.storage.migrate import alembic_config


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    database = Database(backend.database_url)
    yield database
    await database.dispose()


# the two tables as revision 0003 left them, only the columns a row needs
OLD_ORDERS = sa.table("orders", *(sa.column(name) for name in (
    "id", "bap_id", "bap_uri", "transaction_id", "buyer_order_id", "buyer_created_at", "domain", "city", "provider_id",
    "item_id", "item_version", "category_id", "quote", "total", "currency", "customer", "end_location", "billing",
    "payment", "status", "fulfillment_state", "otp_attempts", "created_at", "updated_at", "version")))
OLD_COMPLAINTS = sa.table("complaints", *(sa.column(name) for name in (
    "id", "issue_id", "bap_id", "domain", "city", "order_id", "igm_category", "kind", "status", "issue_type",
    "complainant", "description", "filed_by", "created_at", "updated_at", "respond_by", "resolve_by", "version")))


async def test_earlier_orders_and_their_complaints_come_through_their_buyer_app(backend: Backend, db: Database) -> None:
    config = alembic_config(backend.database_url)
    await asyncio.to_thread(command.downgrade, config, "0003")
    now = datetime.now(UTC)
    async with db.begin() as conn:
        await conn.execute(OLD_ORDERS.insert().values(
            id="SM-OLD", bap_id="bap.example", bap_uri="https://bap.example/beckn", transaction_id="T-OLD",
            buyer_order_id="B-OLD", buyer_created_at="2026-11-20T09:29:58.120Z", domain="ONDC:SRV11",
            city="std:0522", provider_id="P1", item_id="I1", item_version=1, category_id="SRV11-1001",
            quote='{"price": {"currency": "INR", "value": "299.00"}}', total=299, currency="INR", customer="{}",
            end_location='{"gps": "26.85,80.95"}', billing="{}", payment='{"type": "ON-FULFILLMENT"}',
            status="Accepted", fulfillment_state="Pending", otp_attempts=0, created_at=now, updated_at=now, version=1))
        await conn.execute(OLD_COMPLAINTS.insert().values(
            id="C-OLD", issue_id="C-OLD", bap_id=None, domain="ONDC:SRV11", city="std:0522", order_id="SM-OLD",
            igm_category="ORDER", kind="other", status="OPEN", issue_type="ISSUE", complainant="{}",
            description='{"short_desc": "late"}', filed_by="staff:x", created_at=now, updated_at=now,
            respond_by=now, resolve_by=now, version=1))
    await asyncio.to_thread(command.upgrade, config, "head")
    async with db.connect() as conn:
        order = await OrderRepo(conn).get("SM-OLD")
        channel = (await conn.execute(sa.text("SELECT channel FROM complaints WHERE id = 'C-OLD'"))).scalar_one()
    assert order is not None and order.channel.name == "ondc:bap.example" and order.channel.bap_id == "bap.example"
    assert channel == "ondc:bap.example"


async def test_going_back_refuses_to_drop_assisted_orders(backend: Backend, db: Database) -> None:
    async with db.begin() as conn:
        await OrderRepo(conn).add(confirmed_order("SM-H1", "SM-H1", "SM-H1", channel=HELPLINE))
    with pytest.raises(RuntimeError, match="assisted channels"):
        await asyncio.to_thread(command.downgrade, alembic_config(backend.database_url), "0003")
