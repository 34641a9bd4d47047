"""The kiosks' side of the ledger: the fee a kiosk takes when it books, its deposits, what it owes, its statement.

The rules are in `fulfillment/kiosk.py`; a kiosk order's completion and cancellation settle through
`LedgerService` like every order's. A kiosk's cash account is read from its postings whenever asked: a kiosk books
a few orders an hour, so there is no hot row to spare, and nothing kept that could disagree with `ledger check`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.money.repo import LedgerRepo, paise_sum, rupees
from bpp.storage.db import Database
from bpp.storage.ledger_tables import journal_entries, ledger_postings
from fulfillment.kiosk import (
    KioskStatement,
    Movement,
    collection_entry,
    deposit_entry,
    deposit_key,
    kiosk_terms,
    statement,
)
from fulfillment.ledger import ZERO, kiosk_cash
from fulfillment.order import Order


class KioskLedger:
    """Posts the kiosks' entries and reads their cash accounts."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    def _ledger(self, conn: AsyncConnection) -> LedgerRepo:
        return LedgerRepo(conn, self._db.is_postgres)

    async def collected(self, conn: AsyncConnection, order: Order) -> None:
        """The kiosk that booked `order` (in `conn`'s transaction) took its fee: post it once."""
        await self._ledger(conn).post(collection_entry(order.id, kiosk_terms(order.payment.snapshot)), self._clock())

    async def record_deposit(self, kiosk_id: str, amount: Decimal, receipt: str) -> Decimal:
        """Staff record cash the kiosk paid in (its cash → bank); the same slip posts once. Returns what it still owes.

        A refund the kiosk makes while the deposit is recorded may leave it owing less than the deposit: the slip is
        still true (the bank has the money), and the kiosk's account then shows what Seva Mitra owes it."""
        async with self._db.begin() as conn:
            ledger = self._ledger(conn)
            account = kiosk_cash(kiosk_id)
            await ledger.lock_accounts([account])
            if not await ledger.has_entry(deposit_key(kiosk_id, receipt.strip())):
                entry = deposit_entry(kiosk_id, amount, receipt, await ledger.balance(account))
                await ledger.post(entry, self._clock())
            return await ledger.balance(account)

    async def cash_due(self, kiosk_ids: Sequence[str]) -> dict[str, Decimal]:
        """What each kiosk owes Seva Mitra now (negative: what Seva Mitra owes it)."""
        codes = {kiosk_cash(kiosk_id).code: kiosk_id for kiosk_id in kiosk_ids}
        async with self._db.connect() as conn:
            sums = await conn.execute(
                select(ledger_postings.c.account_code, paise_sum(ledger_postings.c.amount))
                .where(ledger_postings.c.account_code.in_(list(codes)))
                .group_by(ledger_postings.c.account_code)
            )
            found = {codes[code]: kiosk_cash(codes[code]).natural_balance(rupees(total)) for code, total in sums}
        return {kiosk_id: found.get(kiosk_id, ZERO) for kiosk_id in kiosk_ids}

    async def statement(self, kiosk_id: str, since: datetime, until: datetime) -> KioskStatement:
        """The kiosk's cash account from `since` to `until` (both included): what it owed before, and each entry."""
        account = kiosk_cash(kiosk_id)
        joined = ledger_postings.join(journal_entries, journal_entries.c.id == ledger_postings.c.entry_id)
        async with self._db.connect() as conn:
            before = await conn.execute(
                select(paise_sum(ledger_postings.c.amount))
                .select_from(joined)
                .where(ledger_postings.c.account_code == account.code, journal_entries.c.posted_at < since)
            )
            opening = account.natural_balance(rupees(before.scalar_one()))
            rows = await conn.execute(
                select(journal_entries.c.id, journal_entries.c.posted_at, journal_entries.c.kind,
                       journal_entries.c.order_id, journal_entries.c.detail, ledger_postings.c.amount)
                .select_from(joined)
                .where(ledger_postings.c.account_code == account.code, journal_entries.c.posted_at >= since,
                       journal_entries.c.posted_at <= until)
                .order_by(journal_entries.c.id)
            )
            movements = [
                Movement(row.id, row.posted_at, row.kind, row.order_id, account.natural_balance(row.amount),
                         row.detail)
                for row in rows
            ]
        return statement(opening, movements)
