"""Kept worker balances on each backend: raced postings stay single and exact, `ledger check` re-adds them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select, update

from bpp.money.repo import LedgerRepo, paise_sum, rupees
from bpp.storage.db import Database
from bpp.storage.ledger_tables import journal_entries, ledger_accounts, ledger_postings
from bpp.storage.migrate import alembic_config
from fulfillment.ledger import COMMISSION, TAX, JournalEntry, build_entry, cash_held, credit, debit, receivable, wallet


@pytest.fixture
async def db(backend: Any) -> AsyncIterator[Database]:
    database = Database(backend.database_url)
    yield database
    await database.dispose()


def job_entry(key: str, worker: str, fee: Decimal, cash: bool) -> JournalEntry:
    """A completion-shaped entry: the worker earns `fee`, the platform a tenth of it, tax on top."""
    commission, tax = fee / 10, fee * Decimal("0.18")
    money_in = cash_held(worker) if cash else receivable("bap.example")
    return build_entry(
        key,
        "completion",
        [
            debit(money_in, fee + commission + tax),
            credit(wallet(worker), fee),
            credit(COMMISSION, commission),
            credit(TAX, tax),
        ],
        worker_id=worker,
    )


async def post(db: Database, entry: JournalEntry) -> bool:
    async with db.begin() as conn:
        return await LedgerRepo(conn, db.is_postgres).post(entry, datetime.now(UTC))


async def kept_and_summed(db: Database, code: str) -> tuple[Decimal, Decimal]:
    async with db.connect() as conn:
        kept = (await conn.execute(select(ledger_accounts.c.balance).where(ledger_accounts.c.code == code))).scalar()
        summed = select(paise_sum(ledger_postings.c.amount)).where(ledger_postings.c.account_code == code)
        return kept, rupees((await conn.execute(summed)).scalar_one())


async def test_raced_postings_of_one_worker_post_once_each_and_keep_her_balance(db: Database) -> None:
    fees = [Decimal("100.00") + i for i in range(12)]
    entries = [job_entry(f"job:{i}", "W7", fee, cash=i % 3 == 0) for i, fee in enumerate(fees)]
    posted = await asyncio.gather(*(post(db, entry) for entry in entries * 3))  # each event three times at once
    assert sum(posted) == len(entries)
    async with db.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(journal_entries))).scalar_one() == len(entries)
        report = await LedgerRepo(conn, db.is_postgres).check()
    assert report.balanced, report.as_dict()
    assert await kept_and_summed(db, wallet("W7").code) == (-sum(fees), -sum(fees))
    kept_cash, summed_cash = await kept_and_summed(db, cash_held("W7").code)
    assert kept_cash == summed_cash > 0
    assert await kept_and_summed(db, COMMISSION.code) == (None, -sum(fees) / 10)  # platform accounts keep no total


async def test_ledger_check_catches_an_edited_kept_balance(db: Database) -> None:
    await post(db, job_entry("job:1", "W8", Decimal("200.00"), cash=False))
    async with db.begin() as conn:
        await conn.execute(
            update(ledger_accounts).where(ledger_accounts.c.code == wallet("W8").code).values(balance=Decimal("-1.00"))
        )
    async with db.connect() as conn:
        report = await LedgerRepo(conn, db.is_postgres).check()
    assert report.kept_balance_mismatches == [
        {"account": "wallet:W8", "kept": "-1.00", "sum_of_postings": "-200.00"}
    ]
    assert not report.balanced


async def test_the_migration_keeps_the_sum_of_earlier_postings(backend: Any, db: Database) -> None:
    """Worker accounts that posted before revision 0003 start from the sum of their postings."""
    config = alembic_config(backend.database_url)
    await asyncio.to_thread(command.downgrade, config, "0002")
    now = datetime.now(UTC)
    async with db.begin() as conn:
        await conn.execute(
            ledger_accounts.insert(),
            [
                {"code": code, "kind": code.split(":")[0], "owner": owner, "created_at": now}
                for code, owner in (("wallet:W9", "W9"), ("commission", ""), ("wallet:W10", "W10"))
            ],
        )
        entry_id = (
            await conn.execute(
                journal_entries.insert()
                .values(event_key="old", kind="completion", posted_at=now, detail={})
                .returning(journal_entries.c.id)
            )
        ).scalar_one()
        await conn.execute(
            ledger_postings.insert(),
            [
                {"entry_id": entry_id, "account_code": code, "amount": amount, "balance_after": None}
                for paid in (Decimal("0.10"), Decimal("0.20"), Decimal("100.01"))
                for code, amount in (("wallet:W9", -paid), ("commission", paid))
            ],
        )
    await asyncio.to_thread(command.upgrade, config, "head")
    async with db.connect() as conn:
        kept = dict((await conn.execute(select(ledger_accounts.c.code, ledger_accounts.c.balance))).all())
    assert kept == {"wallet:W9": Decimal("-100.31"), "wallet:W10": Decimal("0.00"), "commission": None}
