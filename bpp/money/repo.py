"""Ledger storage: posting balanced entries exactly once, balances, statements and the integrity check.

Races between two postings of one event are decided by the unique event key (`ON CONFLICT DO NOTHING`);
a worker account's row is locked (by the upsert of its kept balance on PostgreSQL, the database write
lock on SQLite) while its running balance is extended; `posting` writes an entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, cast, exists, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.money.posting import post_entry
from bpp.storage.ledger_tables import (
    journal_entries,
    ledger_accounts,
    ledger_postings,
    payout_accounts,
    payout_batches,
    payout_lines,
)
from bpp.storage.order_tables import orders
from bpp.storage.worker_tables import workers
from fulfillment.ledger import ZERO, Account, AccountKind, JournalEntry, natural_amount
from fulfillment.payouts import LineStatus, PayeeDetails, WorkerPosition, payout_mode
from fulfillment.reconciliation import EntryFigures
from fulfillment.settlement import PaymentMode

PAYOUT_KIND_PREFIX = "payout_"


def paise_sum(amount: Any) -> ColumnElement[int]:
    """SUM in whole paise: exact on PostgreSQL and on SQLite (which sums NUMERIC as floating point)."""
    return func.coalesce(func.sum(cast(func.round(amount * 100), BigInteger)), 0)


def _money(value: Any) -> Decimal:
    """A NUMERIC read through a bare subquery (no Money type attached) as exact rupees."""
    return ZERO if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def rupees(paise: int) -> Decimal:
    return (Decimal(int(paise)) / 100).quantize(Decimal("0.01"))


@dataclass(slots=True)
class CheckReport:
    """What `ledger check` found."""

    entries: int = 0
    postings: int = 0
    unbalanced_entries: list[dict[str, str]] = field(default_factory=list)
    entries_without_postings: list[str] = field(default_factory=list)
    worker_account_mismatches: list[dict[str, str]] = field(default_factory=list)
    kept_balance_mismatches: list[dict[str, str]] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not (
            self.unbalanced_entries
            or self.entries_without_postings
            or self.worker_account_mismatches
            or self.kept_balance_mismatches
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "postings": self.postings,
            "balanced": self.balanced,
            "unbalanced_entries": self.unbalanced_entries,
            "entries_without_postings": self.entries_without_postings,
            "worker_account_mismatches": self.worker_account_mismatches,
            "kept_balance_mismatches": self.kept_balance_mismatches,
        }


class LedgerRepo:
    """The ledger tables seen through one connection (inside the caller's transaction)."""

    def __init__(self, conn: AsyncConnection, is_postgres: bool) -> None:
        self.conn = conn
        self.is_postgres = is_postgres

    def _insert(self, table: Any) -> Any:
        return pg_insert(table) if self.is_postgres else sqlite_insert(table)

    async def post(
        self,
        entry: JournalEntry,
        posted_at: datetime,
        window: tuple[datetime, datetime] | None = None,
    ) -> bool:
        """Write `entry` unless its event was already posted; True when this call posted it."""
        return await post_entry(self.conn, self.is_postgres, entry, posted_at, window)

    async def has_entry(self, event_key: str) -> bool:
        """True when the business event `event_key` has already been posted."""
        found = await self.conn.execute(
            select(journal_entries.c.event_key).where(journal_entries.c.event_key == event_key)
        )
        return found.first() is not None

    async def lock_accounts(self, accounts: Sequence[Account]) -> None:
        """Serialise writers of these accounts until commit (PostgreSQL; SQLite has one writer anyway)."""
        if self.is_postgres and accounts:
            codes = sorted({a.code for a in accounts})
            await self.conn.execute(
                select(ledger_accounts.c.code)
                .where(ledger_accounts.c.code.in_(codes))
                .order_by(ledger_accounts.c.code)
                .with_for_update()
            )

    # --- balances ---------------------------------------------------------------------------------

    async def balance(self, account: Account) -> Decimal:
        """The account's balance as people read it (sum of its postings)."""
        total = await self.conn.execute(
            select(paise_sum(ledger_postings.c.amount)).where(ledger_postings.c.account_code == account.code)
        )
        return account.natural_balance(rupees(total.scalar_one()))

    async def worker_positions(
        self,
        cutoff: datetime | None = None,
        worker_ids: Sequence[str] | None = None,
        district: str | None = None,
    ) -> list[WorkerPosition]:
        """Wallet and cash held per worker: earnings up to `cutoff`, payout movements whenever made."""
        account = ledger_accounts
        conditions = [account.c.kind.in_([AccountKind.WORKER_WALLET.value, AccountKind.WORKER_CASH.value])]
        if worker_ids is not None:
            conditions.append(account.c.owner.in_(list(worker_ids)))
        if district is not None:
            conditions.append(account.c.owner.in_(select(workers.c.id).where(workers.c.district == district)))
        posting_filter = ledger_postings.c.account_code == account.c.code
        if cutoff is not None:
            posting_filter = and_(
                posting_filter,
                or_(
                    journal_entries.c.posted_at <= cutoff,
                    journal_entries.c.kind.like(f"{PAYOUT_KIND_PREFIX}%"),
                ),
            )
        query = (
            select(account.c.code, paise_sum(ledger_postings.c.amount))
            .select_from(
                account.outerjoin(
                    ledger_postings.join(journal_entries, journal_entries.c.id == ledger_postings.c.entry_id),
                    posting_filter,
                )
            )
            .where(*conditions)
            .group_by(account.c.code)
        )
        wallets: dict[str, Decimal] = {}
        cash: dict[str, Decimal] = {}
        for code, total in (await self.conn.execute(query)).all():
            acc = Account.from_code(code)
            natural = acc.natural_balance(rupees(total))
            (wallets if acc.kind is AccountKind.WORKER_WALLET else cash)[acc.owner] = natural
        owners = sorted(set(wallets) | set(cash))
        return [WorkerPosition(w, wallets.get(w, ZERO), cash.get(w, ZERO)) for w in owners]

    async def statement(self, worker_id: str, limit: int, before_id: int | None = None) -> list[dict[str, Any]]:
        """A worker's postings, newest first, with the running balance of each of her two accounts."""
        codes = [
            Account(AccountKind.WORKER_WALLET, worker_id).code,
            Account(AccountKind.WORKER_CASH, worker_id).code,
        ]
        query = (
            select(
                ledger_postings.c.id,
                ledger_postings.c.account_code,
                ledger_postings.c.amount,
                ledger_postings.c.balance_after,
                journal_entries.c.kind,
                journal_entries.c.order_id,
                journal_entries.c.posted_at,
                journal_entries.c.detail,
            )
            .join(journal_entries, journal_entries.c.id == ledger_postings.c.entry_id)
            .where(ledger_postings.c.account_code.in_(codes))
            .order_by(ledger_postings.c.id.desc())
            .limit(limit)
        )
        if before_id is not None:
            query = query.where(ledger_postings.c.id < before_id)
        lines = []
        for row in (await self.conn.execute(query)).mappings():
            acc = Account.from_code(row["account_code"])
            lines.append(
                {
                    "id": row["id"],
                    "at": row["posted_at"].isoformat(),
                    "account": acc.kind.value,
                    "event": row["kind"],
                    "order_id": row["order_id"],
                    "amount": str(acc.natural_balance(row["amount"])),
                    "balance_after": str(acc.natural_balance(row["balance_after"])),
                    "detail": row["detail"],
                }
            )
        return lines

    async def order_entries(self, order_id: str) -> list[dict[str, Any]]:
        """The journal entries of one order, oldest first, each with its postings (signed: debit positive)."""
        query = (
            select(journal_entries, ledger_postings.c.account_code, ledger_postings.c.amount)
            .join(ledger_postings, ledger_postings.c.entry_id == journal_entries.c.id)
            .where(journal_entries.c.order_id == order_id)
            .order_by(journal_entries.c.id, ledger_postings.c.id)
        )
        entries: dict[int, dict[str, Any]] = {}
        for row in (await self.conn.execute(query)).mappings():
            entry = entries.setdefault(row["id"], {
                "event_key": row["event_key"], "kind": row["kind"], "posted_at": row["posted_at"].isoformat(),
                "worker_id": row["worker_id"], "bap_id": row["bap_id"], "detail": row["detail"], "postings": [],
            })
            entry["postings"].append({"account": row["account_code"], "amount": str(row["amount"])})
        return list(entries.values())

    # --- integrity ---------------------------------------------------------------------------------

    async def check(self) -> CheckReport:
        """Every entry balances and has postings; every worker running total and kept balance equals its postings."""
        report = CheckReport()
        report.entries = (await self.conn.execute(select(func.count()).select_from(journal_entries))).scalar_one()
        report.postings = (await self.conn.execute(select(func.count()).select_from(ledger_postings))).scalar_one()
        entry_sum = paise_sum(ledger_postings.c.amount)
        sums = await self.conn.execute(
            select(ledger_postings.c.entry_id, entry_sum, func.count())
            .group_by(ledger_postings.c.entry_id)
            .having(or_(entry_sum != 0, func.count() < 2))
        )
        report.unbalanced_entries = [
            {"entry_id": str(entry_id), "sum": str(rupees(total)), "postings": str(count)}
            for entry_id, total, count in sums.all()
        ]
        empty = await self.conn.execute(
            select(journal_entries.c.event_key).where(
                ~exists().where(ledger_postings.c.entry_id == journal_entries.c.id)
            )
        )
        report.entries_without_postings = [key for (key,) in empty.all()]
        report.worker_account_mismatches = await self._running_balance_mismatches()
        report.kept_balance_mismatches = await self._kept_balance_mismatches()
        return report

    async def _kept_balance_mismatches(self) -> list[dict[str, str]]:
        account = ledger_accounts
        sums = await self.conn.execute(
            select(account.c.code, account.c.balance, paise_sum(ledger_postings.c.amount))
            .select_from(account.outerjoin(ledger_postings, ledger_postings.c.account_code == account.c.code))
            .where(account.c.kind.in_([AccountKind.WORKER_WALLET.value, AccountKind.WORKER_CASH.value]))
            .group_by(account.c.code, account.c.balance)
        )
        return [
            {"account": code, "kept": str(kept), "sum_of_postings": str(rupees(total))}
            for code, kept, total in sums.all()
            if kept != rupees(total)
        ]

    async def _running_balance_mismatches(self) -> list[dict[str, str]]:
        worker_kinds = [AccountKind.WORKER_WALLET.value, AccountKind.WORKER_CASH.value]
        rows = await self.conn.stream(
            select(
                ledger_postings.c.id,
                ledger_postings.c.account_code,
                ledger_postings.c.amount,
                ledger_postings.c.balance_after,
            )
            .join(ledger_accounts, ledger_accounts.c.code == ledger_postings.c.account_code)
            .where(ledger_accounts.c.kind.in_(worker_kinds))
            .order_by(ledger_postings.c.account_code, ledger_postings.c.id)
        )
        mismatches: list[dict[str, str]] = []
        current_code, running = None, ZERO
        async for posting_id, code, amount, balance_after in rows:
            if code != current_code:
                current_code, running = code, ZERO
            running += amount
            if balance_after != running:
                mismatches.append(
                    {
                        "account": code,
                        "posting_id": str(posting_id),
                        "stored": str(balance_after),
                        "sum_of_postings": str(running),
                    }
                )
        return mismatches


class PayoutRepo:
    """Payout batches, their lines and workers' payout details."""

    def __init__(self, conn: AsyncConnection, is_postgres: bool) -> None:
        self.conn = conn
        self.is_postgres = is_postgres

    async def insert_batch(self, row: dict[str, Any]) -> None:
        await self.conn.execute(payout_batches.insert().values(**row))

    async def insert_lines(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.conn.execute(payout_lines.insert(), rows)

    async def batch(self, batch_id: str) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(payout_batches).where(payout_batches.c.id == batch_id))).mappings()
        found = row.first()
        return dict(found) if found else None

    async def batches(self, district: str | None, limit: int) -> list[dict[str, Any]]:
        query = select(payout_batches).order_by(payout_batches.c.created_at.desc()).limit(limit)
        if district is not None:
            query = query.where(payout_batches.c.district == district)
        return [dict(row) for row in (await self.conn.execute(query)).mappings()]

    async def lines_for_export(self, batch_id: str) -> list[dict[str, Any]]:
        query = (
            select(
                payout_lines,
                func.coalesce(payout_accounts.c.holder_name, workers.c.name).label("holder_name"),
                payout_accounts.c.upi_vpa,
                payout_accounts.c.bank_account,
                payout_accounts.c.ifsc,
            )
            .select_from(
                payout_lines.outerjoin(
                    payout_accounts, payout_accounts.c.worker_id == payout_lines.c.worker_id
                ).outerjoin(workers, workers.c.id == payout_lines.c.worker_id)
            )
            .where(payout_lines.c.batch_id == batch_id)
            .order_by(payout_lines.c.line_no)
        )
        return [dict(row) for row in (await self.conn.execute(query)).mappings()]

    async def line(self, batch_id: str, line_no: int) -> dict[str, Any] | None:
        query = select(payout_lines).where(payout_lines.c.batch_id == batch_id, payout_lines.c.line_no == line_no)
        found = (await self.conn.execute(query)).mappings().first()
        return dict(found) if found else None

    async def settle_reserved_line(self, batch_id: str, line_no: int, values: dict[str, Any]) -> bool:
        """Move a line out of `reserved`; False when another transaction settled it first."""
        result = await self.conn.execute(
            update(payout_lines)
            .where(
                payout_lines.c.batch_id == batch_id,
                payout_lines.c.line_no == line_no,
                payout_lines.c.status == LineStatus.RESERVED.value,
            )
            .values(**values)
        )
        return result.rowcount == 1

    async def set_batch_totals(self, batch_id: str, line_count: int, total: Decimal) -> None:
        await self.conn.execute(
            update(payout_batches).where(payout_batches.c.id == batch_id).values(line_count=line_count, total=total)
        )

    async def save_payout_account(self, row: dict[str, Any]) -> None:
        stmt = (pg_insert if self.is_postgres else sqlite_insert)(payout_accounts).values(**row)
        changes = {k: v for k, v in row.items() if k != "worker_id"}
        await self.conn.execute(stmt.on_conflict_do_update(index_elements=["worker_id"], set_=changes))

    async def payees(self, worker_ids: Sequence[str]) -> dict[str, PayeeDetails]:
        """Who these workers are, how each is paid, and what sits in batches not yet back from the bank."""
        reserved = (
            select(payout_lines.c.worker_id, paise_sum(payout_lines.c.amount).label("paise"))
            .where(payout_lines.c.status == LineStatus.RESERVED.value, payout_lines.c.worker_id.in_(worker_ids))
            .group_by(payout_lines.c.worker_id)
            .subquery()
        )
        query = (
            select(
                workers.c.id, workers.c.name, workers.c.phone, workers.c.district,
                payout_accounts.c.upi_vpa, payout_accounts.c.bank_account, reserved.c.paise,
            )
            .select_from(
                workers.outerjoin(payout_accounts, payout_accounts.c.worker_id == workers.c.id)
                .outerjoin(reserved, reserved.c.worker_id == workers.c.id)
            )
            .where(workers.c.id.in_(worker_ids))
        )
        return {
            row.id: PayeeDetails(
                name=row.name,
                phone=row.phone,
                district=row.district,
                mode=payout_mode(row.upi_vpa, row.bank_account),
                in_payout=rupees(row.paise or 0),
            )
            for row in await self.conn.execute(query)
        }



async def reconciliation_figures(
    conn: AsyncConnection, start: datetime, end: datetime, bap_id: str | None, city: str | None
) -> list[EntryFigures]:
    """One EntryFigures per order entry of a buyer app whose settlement window starts in [start, end)."""
    bap_kinds = {
        AccountKind.BAP_RECEIVABLE.value: "receivable",
        AccountKind.BAP_FINDER_FEE.value: "finder_fee_payable",
        AccountKind.BAP_REFUNDS.value: "refunds_payable",
    }
    query = (
        select(
            journal_entries.c.id,
            journal_entries.c.bap_id,
            journal_entries.c.order_id,
            journal_entries.c.kind,
            journal_entries.c.window_start,
            journal_entries.c.window_end,
            journal_entries.c.detail,
            orders.c.quote,
            orders.c.total,
        )
        .join(orders, orders.c.id == journal_entries.c.order_id)
        .where(
            journal_entries.c.bap_id.is_not(None),
            journal_entries.c.window_start >= start,
            journal_entries.c.window_start < end,
        )
        .order_by(journal_entries.c.id)
    )
    if bap_id is not None:
        query = query.where(journal_entries.c.bap_id == bap_id)
    if city is not None:
        query = query.where(orders.c.city == city)
    entries = (await conn.execute(query)).mappings().all()
    if not entries:
        return []
    sums = await conn.execute(
        select(ledger_postings.c.entry_id, ledger_accounts.c.kind, ledger_postings.c.amount)
        .join(ledger_accounts, ledger_accounts.c.code == ledger_postings.c.account_code)
        .where(
            ledger_postings.c.entry_id.in_([e["id"] for e in entries]),
            ledger_accounts.c.kind.in_(list(bap_kinds)),
        )
    )
    amounts: dict[int, dict[str, Decimal]] = {}
    for entry_id, kind, amount in sums.all():
        natural = natural_amount(AccountKind(kind), amount)
        amounts.setdefault(entry_id, {})[bap_kinds[kind]] = natural
    figures = []
    for entry in entries:
        detail, found = entry["detail"], amounts.get(entry["id"], {})
        quoted = (entry["quote"] or {}).get("price", {}).get("value", entry["total"])
        figures.append(
            EntryFigures(
                bap_id=entry["bap_id"],
                window_start=entry["window_start"],
                window_end=entry["window_end"],
                order_id=entry["order_id"],
                kind=entry["kind"],
                mode=PaymentMode(detail["mode"]),
                settled_total=Decimal(detail["order_total"]),
                quoted_total=Decimal(str(quoted)).quantize(Decimal("0.01")),
                finder_fee=Decimal(detail["finder_fee"]),
                receivable=found.get("receivable", ZERO),
                finder_fee_payable=found.get("finder_fee_payable", ZERO),
                refunds_payable=found.get("refunds_payable", ZERO),
            )
        )
    return figures
