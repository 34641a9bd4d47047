"""Settlements per second on PostgreSQL, against plain single-row inserts measured in the same run.

Creates a scratch database on the server, fills it with confirmed orders, then runs, with the same
concurrency and one transaction each: (1) the baseline, one plain INSERT per transaction; (2) each order's
update to Completed and the settlement of its completion through `LedgerService.order_completed`, as the
worker app's completion does: the caller holds the `Order` (read before the clock starts, in one query), so
the settlement is one statement that claims the entry, raises the worker balances and inserts the postings.
Both jobs bind values into statements built once. Prints both rates, their ratio and the benchmark
process's own CPU time per transaction (the rest of the machine serves PostgreSQL), then drops the database.

    python bench/settlement_throughput.py [--pg postgresql://postgres@127.0.0.1:5432/postgres]
                                          [--orders 4000] [--workers 200] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, update

from bpp.money.repo import LedgerRepo
from bpp.money.service import LedgerService
from bpp.orders.repo import OrderRepo
from bpp.platform.settings import Settings
from bpp.storage.db import Database
from bpp.storage.order_tables import orders
from bpp.storage.tables import metadata
from bpp.storage.types import Money

baseline_metadata = MetaData()
baseline_rows = Table(
    "bench_baseline_rows",
    baseline_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_key", String(255), nullable=False),
    Column("amount", Money, nullable=False),
)


# The callers' own statements, built once like the ledger's, so neither rate pays for statement building.
ADD_BASELINE_ROW = baseline_rows.insert().values(event_key=bindparam("key"), amount=bindparam("amount"))
MARK_COMPLETED = update(orders).where(orders.c.id == bindparam("order_id")).values(status="Completed")


def order_row(index: int, workers: int, now: datetime) -> dict[str, Any]:
    cash = index % 2 == 0
    tag = {
        "descriptor": {"code": "Buyer_Finder_Fee"},
        "list": [
            {"descriptor": {"code": "Buyer_Finder_Fee_Type"}, "value": "percent"},
            {"descriptor": {"code": "Buyer_Finder_Fee_Amount"}, "value": "3"},
        ],
    }
    tax_line = {
        "title": "tax",
        "price": {"currency": "INR", "value": "90.00"},
        "tags": [{"descriptor": {"code": "title"}, "list": [{"descriptor": {"code": "type"}, "value": "tax"}]}],
    }
    return {
        "id": f"bench-{index}",
        "channel": f"ondc:bap-{index % 3}.example",
        "bap_id": f"bap-{index % 3}.example",
        "bap_uri": "https://bap.example/ondc",
        "transaction_id": uuid.uuid4().hex,
        "buyer_order_id": f"BAP-{index}",
        "buyer_created_at": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "domain": "ONDC:SRV11",
        "city": "std:0522",
        "provider_id": "P1",
        "item_id": "I1",
        "item_version": 1,
        "category_id": "SRV11-1016",
        "quote": {"price": {"currency": "INR", "value": "590.00"}, "breakup": [tax_line]},
        "total": Decimal("590.00"),
        "customer": {},
        "end_location": {},
        "billing": {},
        "payment": {
            "collected_by": "BPP" if cash else "BAP",
            "type": "ON-FULFILLMENT" if cash else "PRE-FULFILLMENT",
            "tags": [tag],
        },
        "status": "In-progress",
        "fulfillment_state": "At-Location",
        "worker_id": f"W{index % workers}",
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


@dataclass(frozen=True)
class Run:
    seconds: float
    client_cpu_seconds: float  # this process: SQLAlchemy, asyncpg, the settlement rules


async def run_concurrently(jobs: Sequence[Callable[[], Awaitable[None]]], concurrency: int) -> Run:
    """Wall and client CPU seconds to run every job with `concurrency` at a time."""
    queue = list(reversed(jobs))

    async def drain() -> None:
        while queue:
            await queue.pop()()

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(drain() for _ in range(concurrency)))
    return Run(time.perf_counter() - started, time.process_time() - cpu)


async def bench(admin_dsn: str, order_count: int, workers: int, concurrency: int) -> None:
    name = f"sm_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    host = admin_dsn.split("://", 1)[1].rsplit("/", 1)[0]
    db = Database(f"postgresql+asyncpg://{host}/{name}")
    try:
        async with db.begin() as conn:
            await conn.run_sync(metadata.create_all)
            await conn.run_sync(baseline_metadata.create_all)
            now = datetime.now(UTC)
            await conn.execute(orders.insert(), [order_row(i, workers, now) for i in range(order_count)])
            held = {order.id: order for order in await OrderRepo(conn).in_hand([f"W{w}" for w in range(workers)])}
        commission = Settings(database_url=db.url).platform_commission_percent
        service = LedgerService(db, lambda: datetime.now(UTC), commission)

        def baseline_job(index: int) -> Callable[[], Awaitable[None]]:
            async def job() -> None:
                async with db.begin() as conn:
                    await conn.execute(ADD_BASELINE_ROW, {"key": f"b:{index}", "amount": Decimal("1")})

            return job

        def settlement_job(index: int) -> Callable[[], Awaitable[None]]:
            async def job() -> None:
                order = held[f"bench-{index}"]
                async with db.begin() as conn:
                    await conn.execute(MARK_COMPLETED, {"order_id": order.id})
                    await service.order_completed(conn, order)

            return job

        await run_concurrently([baseline_job(-i) for i in range(1, 201)], concurrency)  # warm the pool
        baseline = await run_concurrently([baseline_job(i) for i in range(order_count)], concurrency)
        settle = await run_concurrently([settlement_job(i) for i in range(order_count)], concurrency)
        async with db.connect() as conn:
            report = await LedgerRepo(conn, True).check()
        baseline_rate = order_count / baseline.seconds
        settle_rate = order_count / settle.seconds
        print(f"orders {order_count}, workers {workers}, concurrency {concurrency}, PostgreSQL {name}")
        print(
            f"baseline: {baseline_rate:8.0f} single-row insert transactions/s"
            f" (client CPU {baseline.client_cpu_seconds / order_count * 1000:.2f} ms each)"
        )
        print(
            f"settle:   {settle_rate:8.0f} settlements/s ({report.entries} entries, {report.postings} postings,"
            f" balanced={report.balanced}; client CPU {settle.client_cpu_seconds / order_count * 1000:.2f} ms each)"
        )
        print(f"ratio settlements/baseline: {settle_rate / baseline_rate:.2f}")
    finally:
        await db.dispose()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="admin DSN")
    parser.add_argument("--orders", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(bench(args.pg, args.orders, args.workers, args.concurrency))


if __name__ == "__main__":
    main()
