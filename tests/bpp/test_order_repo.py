"""OrderRepo on each backend: an Order round-trips through the orders table, and `save` is an optimistic lock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from harness import Backend
from order_factory import CONFIRMED_AT as NOW
from order_factory import HELPLINE, QUOTE, confirmed_order
from sqlalchemy import select

from bpp.orders.repo import OrderChangedMeanwhile, OrderRepo
from bpp.storage.db import Database
from bpp.storage.order_tables import order_events, orders
from fulfillment.states import Event, FulfillmentState, OrderStatus


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    database = Database(backend.database_url)
    yield database
    await database.dispose()


async def test_an_added_order_reads_back_the_same_by_id_buyer_order_and_transaction(db: Database) -> None:
    async with db.begin() as conn:
        await OrderRepo(conn).add(confirmed_order())
    async with db.connect() as conn:
        repo = OrderRepo(conn)
        found = [await repo.get("SM-1"), await repo.get_by_buyer_order("bap.example", "BAP-ORDER-1"),
                 await repo.get_by_transaction("bap.example", "T1")]
        query = select(order_events.c.kind, order_events.c.actor).order_by(order_events.c.id)
        kinds = (await conn.execute(query)).all()
        assert await repo.get("SM-2") is None and await repo.get_by_transaction("bap.example", "T2") is None
    expected = confirmed_order()
    for order in found:
        assert order is not None
        assert (order.id, order.buyer_order_id, order.buyer_created_at, order.transaction_id, order.version) == (
            "SM-1", "BAP-ORDER-1", "2026-11-20T09:29:58.120Z", "T1", 1)
        assert (order.channel, order.service, order.terms, order.created_at) == (
            expected.channel, expected.service, expected.terms, NOW)
        quote = order.quote
        assert (quote.total, quote.currency, dict(quote.snapshot)) == (Decimal("590.00"), "INR", QUOTE)
        assert order.details == expected.details and order.progress == expected.progress
        assert order.pending_events == ()
    assert [tuple(row) for row in kinds] == [("Created", "bap.example"), ("Accepted", "system")]


async def test_save_writes_the_change_and_its_event_and_bumps_the_version(db: Database) -> None:
    async with db.begin() as conn:
        await OrderRepo(conn).add(confirmed_order())
    later = NOW.replace(hour=10)
    async with db.begin() as conn:
        repo = OrderRepo(conn, lock_rows=db.is_postgres)
        order = await repo.get("SM-1")
        assert order is not None
        order.advance(Event.TRAVELLING, actor="worker:W1", at=later, detail={"km": 2})
        await repo.save(order)
        assert (order.version, order.pending_events) == (2, ())
    async with db.connect() as conn:
        stored = await OrderRepo(conn).get("SM-1")
        last = (await conn.execute(select(order_events).order_by(order_events.c.id.desc()))).mappings().first()
    assert stored is not None
    assert (stored.status, stored.fulfillment_state, stored.version, stored.progress.updated_at) == (
        OrderStatus.IN_PROGRESS, FulfillmentState.IN_TRANSIT, 2, later)
    assert last is not None and (last["kind"], last["actor"], last["detail"]) == ("travelling", "worker:W1", {"km": 2})


async def test_a_save_from_a_stale_read_is_refused_and_stores_nothing(db: Database) -> None:
    async with db.begin() as conn:
        await OrderRepo(conn).add(confirmed_order())
    async with db.connect() as conn:
        first, second = await OrderRepo(conn).get("SM-1"), await OrderRepo(conn).get("SM-1")
    assert first is not None and second is not None
    first.advance(Event.TRAVELLING, actor="worker:W1", at=NOW)
    second.advance(Event.CANCELLED, actor="bap.example", at=NOW)
    async with db.begin() as conn:
        await OrderRepo(conn).save(first)
    with pytest.raises(OrderChangedMeanwhile) as refused:
        async with db.begin() as conn:
            await OrderRepo(conn).save(second)
    assert refused.value.code == "20007"
    async with db.connect() as conn:
        stored = await OrderRepo(conn).get("SM-1")
        cancelled = await conn.scalar(select(order_events.c.id).where(order_events.c.kind == "cancelled"))
    assert stored is not None and (stored.status, stored.version, cancelled) == (OrderStatus.IN_PROGRESS, 2, None)


async def test_an_assisted_order_has_its_channel_and_no_buyer_app(db: Database) -> None:
    """Helpline orders carry no bap_id: two of them never collide on the buyer-app keys, and their channel reads
    back as stored."""
    async with db.begin() as conn:
        repo = OrderRepo(conn)
        for number in (1, 2):
            await repo.add(confirmed_order(f"SM-H{number}", f"SM-H{number}", f"SM-H{number}", channel=HELPLINE))
        await repo.add(confirmed_order())
    async with db.connect() as conn:
        helpline = await OrderRepo(conn).get("SM-H2")
        ondc = await OrderRepo(conn).get("SM-1")
        stored = dict((await conn.execute(select(orders.c.channel, orders.c.bap_id, orders.c.bap_uri)
                                          .where(orders.c.id == "SM-H2"))).mappings().one())
    assert helpline is not None and helpline.channel == HELPLINE and helpline.channel.buyer_app is None
    assert stored == {"channel": "helpline", "bap_id": None, "bap_uri": None}
    assert ondc is not None and ondc.channel.name == "ondc:bap.example" and ondc.channel.bap_id == "bap.example"
