"""The departments' side of the ledger: a month's invoice bills its visits, the treasury's payment clears it.

The rules are in `fulfillment/departments.py`; a visit's completion settles through `LedgerService` like every
order's (debiting the department's `unbilled` account). Balances are read from the postings whenever asked: a
department is invoiced once a month, so nothing is kept that could disagree with `ledger check`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.money.repo import LedgerRepo, paise_sum, rupees
from bpp.storage.db import Database
from bpp.storage.ledger_tables import ledger_postings
from fulfillment.ledger import ZERO, JournalEntry, department_receivable, unbilled


@dataclass(frozen=True, slots=True)
class DepartmentPosition:
    """What a department owes: completed visits not invoiced yet, and invoices the treasury has not paid."""

    account_id: str
    unbilled: Decimal
    receivable: Decimal


class DepartmentLedger:
    """Posts the departments' invoice and payment entries and reads their accounts."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def post(self, conn: AsyncConnection, entry: JournalEntry) -> bool:
        """Post `entry` in `conn`'s transaction; False when its event was posted before."""
        return await LedgerRepo(conn, self._db.is_postgres).post(entry, self._clock())

    async def positions(self, account_ids: Sequence[str]) -> dict[str, DepartmentPosition]:
        accounts = {account_id: (unbilled(account_id), department_receivable(account_id)) for account_id in account_ids}
        codes = [account.code for pair in accounts.values() for account in pair]
        query = (select(ledger_postings.c.account_code, paise_sum(ledger_postings.c.amount).label("paise"))
                 .where(ledger_postings.c.account_code.in_(codes)).group_by(ledger_postings.c.account_code))
        async with self._db.connect() as conn:
            sums = {row.account_code: rupees(row.paise) for row in await conn.execute(query)}
        return {
            account_id: DepartmentPosition(account_id, owed.natural_balance(sums.get(owed.code, ZERO)),
                                           billed.natural_balance(sums.get(billed.code, ZERO)))
            for account_id, (owed, billed) in accounts.items()
        }
