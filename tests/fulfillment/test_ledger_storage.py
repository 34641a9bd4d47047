"""The ledger on each backend: events post once even when raced, payouts, reconciliation, `ledger check`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from bpp.cli.ledger import run_check
from bpp.money.repo import LedgerRepo, paise_sum, rupees
from bpp.money.service import LedgerService
from bpp.orders.repo import OrderRepo
from bpp.platform.settings import Settings
from bpp.storage.db import Database
from bpp.storage.ledger_tables import journal_entries, ledger_postings, payout_lines
from bpp.storage.order_tables import orders
from catalog.formats import timestamp
from fulfillment.ledger import LedgerError, cancellation_key, completion_key
from fulfillment.payouts import LineStatus
from fulfillment.settlement import cancellation_entry, completion_entry, terms_from_order
from schemas.refusal import Refusal


class LedgerUnderTest(LedgerService):
    """The ledger service with the database it posts to, which the tests read and edit directly."""

    def __init__(self, db: Database) -> None:
        super().__init__(db, lambda: datetime.now(UTC), Settings().platform_commission_percent)
        self.db = db


@pytest.fixture
async def ledger(backend: Any) -> AsyncIterator[LedgerUnderTest]:
    db = Database(backend.database_url)
    yield LedgerUnderTest(db)
    await db.dispose()


def quote_line(kind: str, value: Decimal) -> dict[str, Any]:
    return {
        "title": kind,
        "price": {"currency": "INR", "value": str(value)},
        "tags": [{"descriptor": {"code": "title"}, "list": [{"descriptor": {"code": "type"}, "value": kind}]}],
    }


async def add_order(
    service: LedgerUnderTest,
    *,
    worker: str = "W1",
    bap: str = "bap.example",
    cash: bool = False,
    price: Decimal = Decimal("500.00"),
    tax: Decimal = Decimal("90.00"),
) -> str:
    order_id = uuid.uuid4().hex
    now = datetime.now(UTC)
    total = price + tax
    payment = {
        "type": "ON-FULFILLMENT" if cash else "PRE-FULFILLMENT",
        "collected_by": "BPP" if cash else "BAP",
        "status": "NOT-PAID" if cash else "PAID",
        "tags": [
            {
                "descriptor": {"code": "Buyer_Finder_Fee"},
                "list": [
                    {"descriptor": {"code": "Buyer_Finder_Fee_Type"}, "value": "percent"},
                    {"descriptor": {"code": "Buyer_Finder_Fee_Amount"}, "value": "3"},
                ],
            }
        ],
    }
    async with service.db.begin() as conn:
        await conn.execute(
            orders.insert().values(
                id=order_id,
                channel=f"ondc:{bap}",
                bap_id=bap,
                bap_uri=f"https://{bap}/ondc",
                transaction_id=uuid.uuid4().hex,
                buyer_order_id="BAP-" + order_id,
                buyer_created_at=timestamp(now),
                domain="ONDC:SRV11",
                city="std:0522",
                provider_id="P1",
                item_id="I1",
                item_version=1,
                category_id="SRV11-1016",
                quote={
                    "price": {"currency": "INR", "value": str(total)},
                    "breakup": [quote_line("item", price), quote_line("tax", tax)],
                },
                total=total,
                customer={},
                end_location={},
                billing={},
                payment=payment,
                status="In-progress",
                fulfillment_state="At-Location",
                worker_id=worker,
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
    return order_id


async def finish(service: LedgerUnderTest, order_id: str, fee: Decimal | None = None) -> None:
    """What the order's owner does: change the order, then settle, in one transaction."""
    async with service.db.begin() as conn:
        status = "Completed" if fee is None else "Cancelled"
        await conn.execute(update(orders).where(orders.c.id == order_id).values(status=status))
        order = await OrderRepo(conn).get(order_id)
        assert order is not None
        if fee is None:
            await service.order_completed(conn, order)
        else:
            await service.order_cancelled(conn, order, fee)


async def entry_count(service: LedgerUnderTest, event_key: str) -> int:
    async with service.db.connect() as conn:
        query = select(func.count()).select_from(journal_entries).where(journal_entries.c.event_key == event_key)
        return (await conn.execute(query)).scalar_one()


async def test_a_raced_completion_posts_once(ledger: LedgerUnderTest) -> None:
    order_id = await add_order(ledger)
    await asyncio.gather(*(finish(ledger, order_id) for _ in range(6)))
    assert await entry_count(ledger, f"order:{order_id}:completed") == 1
    position = await ledger.worker_position("W1")
    assert (position.wallet, position.cash_held) == (Decimal("435.00"), Decimal("0.00"))
    assert (await ledger.check()).balanced


async def test_cash_job_leaves_the_worker_owing_and_out_of_payouts(ledger: LedgerUnderTest) -> None:
    await finish(ledger, await add_order(ledger, worker="W2", cash=True))
    assert (await ledger.worker_position("W2")).payable == Decimal("-155.00")
    batch = await ledger.create_payout_batch(
        created_by="staff:1", cutoff=datetime.now(UTC), minimum=Decimal("1"), district=None
    )
    assert batch["line_count"] == 0
    statement = await ledger.statement("W2")
    assert {line["account"] for line in statement} == {"wallet", "cash_held"}


async def test_cash_handed_in_leaves_what_she_holds_once_per_receipt(ledger: LedgerUnderTest) -> None:
    await finish(ledger, await add_order(ledger, worker="W5", cash=True))
    before = await ledger.worker_position("W5")
    assert before.cash_held == Decimal("590.00")
    await asyncio.gather(*(ledger.record_cash_deposit("W5", Decimal("300.00"), "SLIP-1") for _ in range(3)))
    assert (await ledger.worker_position("W5")).cash_held == Decimal("290.00")
    with pytest.raises(LedgerError, match="more than"):
        await ledger.record_cash_deposit("W5", Decimal("290.01"), "SLIP-2")
    await ledger.record_cash_deposit("W5", Decimal("290.00"), "SLIP-2")
    after = await ledger.worker_position("W5")
    assert after.cash_held == Decimal("0.00") and after.payable == after.wallet
    assert await entry_count(ledger, "cash:W5:SLIP-1") == 1
    assert (await ledger.check()).balanced


async def test_payout_lines_pay_or_fail_once(ledger: LedgerUnderTest) -> None:
    for worker in ("W1", "W2", "W3"):
        await finish(ledger, await add_order(ledger, worker=worker))
    await finish(ledger, await add_order(ledger, worker="W3", cash=True))  # W3 nets 435 - 155 = 280
    await ledger.save_payout_account("W1", {"holder_name": "Sita Devi", "upi_vpa": "sita@upi"}, "staff:1")
    batch = await ledger.create_payout_batch(
        created_by="staff:1", cutoff=datetime.now(UTC), minimum=Decimal("300"), district=None
    )
    assert (batch["line_count"], batch["total"]) == (2, "870.00")
    again = await ledger.create_payout_batch(
        created_by="staff:1", cutoff=datetime.now(UTC), minimum=Decimal("1"), district=None
    )
    assert (again["line_count"], again["total"]) == (1, "280.00")  # W1 and W2 are already reserved
    assert "Sita Devi,435.00,UPI,sita@upi" in await ledger.payout_csv(batch["id"])

    paid = await asyncio.gather(
        *(ledger.settle_payout_line(batch["id"], 1, LineStatus.PAID, bank_reference="UTR1") for _ in range(4))
    )
    assert {line["status"] for line in paid} == {"paid"}
    with pytest.raises(LedgerError, match="already paid"):
        await ledger.settle_payout_line(batch["id"], 1, LineStatus.FAILED)
    await ledger.settle_payout_line(batch["id"], 2, LineStatus.FAILED, failure_reason="account closed")
    await ledger.settle_payout_line(batch["id"], 2, LineStatus.FAILED)
    assert (await ledger.worker_position("W1")).wallet == Decimal("0.00")
    assert (await ledger.worker_position("W2")).wallet == Decimal("435.00")
    assert (await ledger.check()).balanced


async def test_reconciliation_matches_the_quotes(ledger: LedgerUnderTest) -> None:
    await finish(ledger, await add_order(ledger))
    await finish(ledger, await add_order(ledger, cash=True))
    await finish(ledger, await add_order(ledger), fee=Decimal("118.00"))
    now = datetime.now(UTC)
    (summary,) = await ledger.reconciliation(now - timedelta(days=2), now + timedelta(days=1))
    assert summary.as_dict() | {"window_start": None, "window_end": None} == {
        "bap_id": "bap.example",
        "window_start": None,
        "window_end": None,
        "entries": 3,
        "quoted_total": "1770.00",
        "finder_fee": "33.00",
        "receivable": "1162.00",
        "finder_fee_payable": "15.00",
        "refunds_payable": "472.00",
        "net_due_from_buyer_app": "675.00",
        "mismatches": [],
    }


async def test_ledger_check_command_catches_an_edited_posting(
    ledger: LedgerUnderTest, backend: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await finish(ledger, await add_order(ledger))
    monkeypatch.setenv("SEVAMITRA_DATABASE_URL", backend.database_url)
    args = argparse.Namespace(config=None, json=True)
    assert await asyncio.to_thread(run_check, args) == 0
    assert '"balanced": true' in capsys.readouterr().out
    async with ledger.db.begin() as conn:
        first = (await conn.execute(select(func.min(ledger_postings.c.id)))).scalar_one()
        await conn.execute(
            update(ledger_postings)
            .where(ledger_postings.c.id == first)
            .values(amount=ledger_postings.c.amount + Decimal("1.00"))
        )
    assert await asyncio.to_thread(run_check, args) == 1
    assert '"balanced": false' in capsys.readouterr().out


# --- random concurrent histories -------------------------------------------------------------------

ORDERS = 5
order_step = st.tuples(
    st.sampled_from(["complete", "cancel"]), st.integers(0, ORDERS - 1), st.integers(0, 100), st.booleans()
)
payout_step = st.tuples(
    st.sampled_from(["payout", "paid", "failed"]), st.integers(0, 3), st.integers(0, 400), st.booleans()
)
history = st.lists(st.lists(st.one_of(order_step, payout_step), min_size=1, max_size=6), min_size=1, max_size=5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rounds=history)
async def test_random_concurrent_histories_keep_the_ledger_whole(
    ledger: LedgerUnderTest, rounds: list[list[tuple[str, int, int, bool]]]
) -> None:
    """Completions, cancellations, repeats, payouts, paid and failed lines, each round run concurrently."""
    workers = [f"H{uuid.uuid4().hex[:6]}", f"H{uuid.uuid4().hex[:6]}"]
    order_ids = [await add_order(ledger, worker=workers[i % 2], cash=i % 3 == 0) for i in range(ORDERS)]
    outcome = {order_id: i % 2 == 0 for i, order_id in enumerate(order_ids)}  # each order completes or cancels
    batches: list[str] = []

    async def play(kind: str, index: int, amount: int, flag: bool) -> None:
        if kind in ("complete", "cancel"):
            order_id = order_ids[index]
            fee = None if outcome[order_id] else Decimal(amount * 59) / 10  # 0 .. 590.00
            await finish(ledger, order_id, fee)
        elif kind == "payout":
            batch = await ledger.create_payout_batch(
                created_by="test", cutoff=datetime.now(UTC), minimum=Decimal(amount), district=None
            )
            batches.append(batch["id"])
        elif batches:
            status = LineStatus.PAID if kind == "paid" else LineStatus.FAILED
            batch_id = batches[index % len(batches)]
            with contextlib.suppress(Refusal):  # no such line, or it already went the other way
                await ledger.settle_payout_line(batch_id, 1 + int(flag), status)

    for round_steps in rounds:
        await asyncio.gather(*(play(*step) for step in round_steps))

    report = await ledger.check()
    assert report.balanced, report.as_dict()
    async with ledger.db.connect() as conn:
        keys = (await conn.execute(select(journal_entries.c.event_key))).scalars().all()
        assert len(keys) == len(set(keys))
        expected = await expected_worker_money(conn, ledger, set(keys))
        paid_out = dict(
            (
                await conn.execute(
                    select(payout_lines.c.worker_id, paise_sum(payout_lines.c.amount))
                    .where(payout_lines.c.status != LineStatus.FAILED.value)
                    .group_by(payout_lines.c.worker_id)
                )
            ).all()
        )
        positions = await LedgerRepo(conn, ledger.db.is_postgres).worker_positions(worker_ids=workers)
    for position in positions:
        assert position.payable + rupees(paid_out.get(position.worker_id, 0)) == expected.get(position.worker_id, 0)


async def expected_worker_money(conn: Any, ledger: LedgerUnderTest, keys: set[str]) -> dict[str, Decimal]:
    """Each worker's net from the pure rules, over the orders whose events the ledger holds."""
    expected: dict[str, Decimal] = {}
    for order_id in (await conn.execute(select(orders.c.id))).scalars().all():
        order = await OrderRepo(conn).get(order_id)
        assert order is not None
        terms = terms_from_order(order)
        entries = []
        if completion_key(order_id) in keys:
            entries.append(completion_entry(terms, ledger.policy))
        if cancellation_key(order_id) in keys:
            cancelled = await conn.execute(
                select(journal_entries.c.detail).where(journal_entries.c.event_key == cancellation_key(order_id))
            )
            fee = Decimal(cancelled.scalar_one()["gross"])
            entries.append(cancellation_entry(terms, ledger.policy, fee))
        for entry in entries:
            for posting in entry.postings:
                if posting.account.is_worker_account:
                    expected[posting.account.owner] = expected.get(posting.account.owner, Decimal(0)) - posting.amount
    return expected
