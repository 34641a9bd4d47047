"""The ledger as the rest of the BPP uses it: settle orders, run payouts, reconcile with buyer apps."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.money.engagement_ledger import engagement_earnings
from bpp.money.repo import CheckReport, LedgerRepo, PayoutRepo, reconciliation_figures
from bpp.ops.metrics import SETTLEMENTS
from bpp.storage.db import Database
from catalog.csv_io import RowError
from fulfillment.ledger import (
    JournalEntry,
    LedgerError,
    cash_deposit_entry,
    cash_deposit_key,
    cash_held,
    wallet,
)
from fulfillment.order import Order
from fulfillment.payouts import (
    LineStatus,
    PayeeDetails,
    PayoutLine,
    StoredLine,
    WorkerPosition,
    export_csv,
    failed_entry,
    next_status,
    paid_entry,
    plan_lines,
    plan_return,
    reserve_entry,
    validate_payout_details,
)
from fulfillment.reconciliation import WindowSummary, settlement_window, summarize
from fulfillment.settlement import (
    OrderTerms,
    SettlementPolicy,
    cancellation_entry,
    completion_entry,
    fee_refund_entry,
    terms_from_order,
)
from schemas.refusal import NOT_FOUND, Refusal

ZERO = Decimal("0.00")


def _no_such(what: str) -> Refusal:
    """Staff asked for a payout batch or line that does not exist."""
    return Refusal(NOT_FOUND, f"{what} does not exist. Check the id and try again.",
                   message_hi="यह रिकॉर्ड नहीं मिला। आईडी जाँचकर फिर कोशिश करें।")


class LedgerService:
    """Settlement on completion and cancellation, payouts and reconciliation over the ledger tables."""

    def __init__(self, db: Database, clock: Callable[[], datetime], commission_percent: Decimal) -> None:
        self._db = db
        self._clock = clock
        self.policy = SettlementPolicy(commission_percent=commission_percent)

    async def start(self) -> None:
        """Nothing to load: every balance is read from the postings when asked."""

    async def stop(self) -> None:
        """Nothing runs in the background."""

    def _ledger(self, conn: AsyncConnection) -> LedgerRepo:
        return LedgerRepo(conn, self._db.is_postgres)

    def _payouts(self, conn: AsyncConnection) -> PayoutRepo:
        return PayoutRepo(conn, self._db.is_postgres)

    # --- settlement (inside the caller's transaction) ----------------------------------------------

    # The caller passes the order it has just saved in `conn`'s transaction: reading it again would cost a
    # round trip to the database on every settlement and could tell nothing the aggregate does not.

    async def order_completed(self, conn: AsyncConnection, order: Order) -> None:
        """Post the completion entry of `order`; a repeat posts nothing."""
        terms = terms_from_order(order)
        await self._post_order_entry(conn, completion_entry(terms, self.policy), terms)

    async def order_cancelled(self, conn: AsyncConnection, order: Order, fee: Decimal) -> None:
        """Post the cancellation entry (fee split, prepaid refund) of `order`; a repeat posts nothing."""
        terms = terms_from_order(order)
        entry = cancellation_entry(terms, self.policy, fee)
        if entry is not None:
            await self._post_order_entry(conn, entry, terms)

    async def cancellation_fee_refunded(self, conn: AsyncConnection, order: Order, fee: Decimal) -> None:
        """Post the entry giving back `order`'s cancellation fee (its worker's share, commission and tax back,
        the buyer app owed it for its customer); a repeat posts nothing."""
        terms = terms_from_order(order)
        await self._post_order_entry(conn, fee_refund_entry(terms, self.policy, fee), terms)

    async def engagement_posted(self, conn: AsyncConnection, entry: JournalEntry) -> bool:
        """Post an engagement's entry (`fulfillment.engagement_money`) in `conn`'s transaction; False when its event
        was posted before. Engagements are billed by the month, outside the buyer apps' settlement windows."""
        return await _post(self._ledger(conn), entry, self._clock())

    async def _post_order_entry(self, conn: AsyncConnection, entry: JournalEntry, terms: OrderTerms) -> bool:
        now = self._clock()
        window = settlement_window(now, terms.settlement_window)
        return await _post(self._ledger(conn), entry, now, window)

    # --- wallets -----------------------------------------------------------------------------------

    async def worker_position(self, worker_id: str) -> WorkerPosition:
        async with self._db.connect() as conn:
            positions = await self._ledger(conn).worker_positions(worker_ids=[worker_id])
        return positions[0] if positions else WorkerPosition(worker_id, ZERO, ZERO)

    async def record_cash_deposit(self, worker_id: str, amount: Decimal, receipt: str) -> WorkerPosition:
        """Staff record cash a worker handed in (cash held → bank); the same receipt posts once."""
        async with self._db.begin() as conn:
            ledger = self._ledger(conn)
            held_account = cash_held(worker_id)
            await ledger.lock_accounts([held_account])
            if not await ledger.has_entry(cash_deposit_key(worker_id, receipt.strip())):
                entry = cash_deposit_entry(worker_id, amount, receipt, await ledger.balance(held_account))
                await _post(ledger, entry, self._clock())
        return await self.worker_position(worker_id)

    async def worker_positions(self, district: str | None) -> list[WorkerPosition]:
        async with self._db.connect() as conn:
            return await self._ledger(conn).worker_positions(district=district)

    async def owed(self, district: str | None) -> list[tuple[WorkerPosition, PayeeDetails]]:
        """What each worker with a wallet is owed, with who she is and how she is paid."""
        async with self._db.connect() as conn:
            positions = await self._ledger(conn).worker_positions(district=district)
            payees = await self._payouts(conn).payees([p.worker_id for p in positions])
        return [(p, payees[p.worker_id]) for p in positions if p.worker_id in payees]

    async def statement(self, worker_id: str, limit: int = 50, before_id: int | None = None) -> list[dict[str, Any]]:
        async with self._db.connect() as conn:
            return await self._ledger(conn).statement(worker_id, limit, before_id)

    async def engagement_earnings(self, worker_id: str) -> list[tuple[str, int, Decimal]]:
        """(engagement id, visits credited, her credit) per engagement she did visits of."""
        async with self._db.connect() as conn:
            return await engagement_earnings(conn, worker_id)

    async def order_entries(self, order_id: str) -> list[dict[str, Any]]:
        """An order's journal entries and their postings, oldest first (the staff console's order page)."""
        async with self._db.connect() as conn:
            return await self._ledger(conn).order_entries(order_id)

    async def check(self) -> CheckReport:
        async with self._db.connect() as conn:
            return await self._ledger(conn).check()

    # --- payouts -----------------------------------------------------------------------------------

    async def create_payout_batch(
        self, *, created_by: str, cutoff: datetime, minimum: Decimal, district: str | None
    ) -> dict[str, Any]:
        """Reserve the payable balance of every eligible wallet (as of `cutoff`) in a new batch."""
        if minimum < 0:
            raise LedgerError("the minimum balance cannot be negative", "minimum")
        batch_id = uuid.uuid4().hex
        now = self._clock()
        async with self._db.begin() as conn:
            ledger, payouts = self._ledger(conn), self._payouts(conn)
            await payouts.insert_batch(
                {
                    "id": batch_id,
                    "created_at": now,
                    "created_by": created_by,
                    "cutoff": cutoff,
                    "minimum": minimum,
                    "district": district,
                    "line_count": 0,
                    "total": ZERO,
                }
            )
            candidates = plan_lines(await ledger.worker_positions(cutoff, district=district), minimum)
            worker_ids = [line.worker_id for line in candidates]
            await ledger.lock_accounts([wallet(w) for w in worker_ids] + [cash_held(w) for w in worker_ids])
            lines = plan_lines(await ledger.worker_positions(cutoff, worker_ids=worker_ids), minimum)
            for line in lines:
                await _post(ledger, reserve_entry(batch_id, line), now)
            await payouts.insert_lines([_line_row(batch_id, line, now) for line in lines])
            total = sum((line.amount for line in lines), ZERO)
            await payouts.set_batch_totals(batch_id, len(lines), total)
        return {"id": batch_id, "line_count": len(lines), "total": str(total), "cutoff": cutoff.isoformat()}

    async def settle_payout_line(
        self,
        batch_id: str,
        line_no: int,
        outcome: LineStatus,
        *,
        bank_reference: str | None = None,
        failure_reason: str | None = None,
    ) -> dict[str, Any]:
        """Mark a reserved line paid (clearing → bank) or failed (money back to the wallet); repeats are no-ops."""
        now = self._clock()
        changes: dict[str, Any] = {"status": outcome.value, "updated_at": now}
        changes |= {"bank_reference": bank_reference} if outcome is LineStatus.PAID else {}
        changes |= {"failure_reason": failure_reason} if outcome is LineStatus.FAILED else {}
        async with self._db.begin() as conn:
            payouts = self._payouts(conn)
            claimed = await payouts.settle_reserved_line(batch_id, line_no, changes)  # write first: takes the lock
            row = await payouts.line(batch_id, line_no)
            if row is None:
                raise _no_such(f"payout line {line_no} of batch {batch_id}")
            if not claimed:
                next_status(LineStatus(row["status"]), outcome)  # raises when it went the other way
                return _line_view(row)
            line = PayoutLine(line_no, row["worker_id"], row["wallet_debit"], row["cash_offset"])
            entry = paid_entry(batch_id, line) if outcome is LineStatus.PAID else failed_entry(batch_id, line)
            await _post(self._ledger(conn), entry, now)
            return _line_view(row)

    async def apply_return_file(self, batch_id: str, text: str) -> dict[str, Any]:
        """Settle the lines the bank's return file reports paid or failed; every other row is reported back.

        Each line settles in its own transaction, as when staff mark it by hand: a wrong row keeps none of the
        good ones from being kept, and uploading the same file again changes nothing.
        """
        async with self._db.connect() as conn:
            payouts = self._payouts(conn)
            if await payouts.batch(batch_id) is None:
                raise _no_such(f"payout batch {batch_id}")
            stored = {
                row["line_no"]: StoredLine(row["line_no"], row["worker_id"], row["amount"], LineStatus(row["status"]))
                for row in await payouts.lines_for_export(batch_id)
            }
        plan = plan_return(text, batch_id, stored)
        settled: dict[LineStatus, list[int]] = {LineStatus.PAID: [], LineStatus.FAILED: []}
        for returned in plan.settle:
            try:
                await self.settle_payout_line(
                    batch_id, returned.line_no, returned.outcome,
                    bank_reference=returned.bank_reference, failure_reason=returned.failure_reason,
                )
            except LedgerError as refused:  # settled the other way since the file was read
                plan.errors.append(RowError(returned.row, "status", refused.message, refused.message_hi or ""))
            else:
                settled[returned.outcome].append(returned.line_no)
        return {
            "paid": settled[LineStatus.PAID],
            "failed": settled[LineStatus.FAILED],
            "unchanged": [returned.line_no for returned in plan.unchanged],
            "pending": plan.pending,
            "errors": [error.as_json() for error in sorted(plan.errors, key=lambda e: (e.line, e.field))],
        }

    async def payout_batch(self, batch_id: str) -> dict[str, Any]:
        async with self._db.connect() as conn:
            payouts = self._payouts(conn)
            batch = await payouts.batch(batch_id)
            if batch is None:
                raise _no_such(f"payout batch {batch_id}")
            lines = await payouts.lines_for_export(batch_id)
        return {**_batch_view(batch), "lines": [_line_view(line) for line in lines]}

    async def payout_batches(self, district: str | None, limit: int = 50) -> list[dict[str, Any]]:
        async with self._db.connect() as conn:
            return [_batch_view(b) for b in await self._payouts(conn).batches(district, limit)]

    async def payout_csv(self, batch_id: str) -> str:
        async with self._db.connect() as conn:
            if await self._payouts(conn).batch(batch_id) is None:
                raise _no_such(f"payout batch {batch_id}")
            return export_csv(batch_id, await self._payouts(conn).lines_for_export(batch_id))

    async def save_payout_account(self, worker_id: str, details: Mapping[str, str | None], actor: str) -> None:
        """Store where a worker is paid (UPI VPA, or bank account + IFSC), after checking their format."""
        clean = validate_payout_details(details)
        async with self._db.begin() as conn:
            await self._payouts(conn).save_payout_account(
                {"worker_id": worker_id, **clean, "updated_at": self._clock(), "updated_by": actor}
            )

    # --- reconciliation ----------------------------------------------------------------------------

    async def reconciliation(
        self, start: datetime, end: datetime, bap_id: str | None = None, city: str | None = None
    ) -> list[WindowSummary]:
        async with self._db.connect() as conn:
            return summarize(await reconciliation_figures(conn, start, end, bap_id, city))


async def _post(
    ledger: LedgerRepo, entry: JournalEntry, posted_at: datetime, window: tuple[datetime, datetime] | None = None
) -> bool:
    """Post `entry` (nothing when its event was posted before) and count it in `SETTLEMENTS` when its
    transaction commits: a rolled-back entry was never posted, and a repeat is not counted twice."""
    posted = await ledger.post(entry, posted_at, window)
    if posted:
        kind = entry.kind
        event.listen(ledger.conn.sync_connection, "commit", lambda _: SETTLEMENTS.labels(kind).inc(), once=True)
    return posted


def _line_row(batch_id: str, line: PayoutLine, now: datetime) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "line_no": line.line_no,
        "worker_id": line.worker_id,
        "wallet_debit": line.wallet_debit,
        "cash_offset": line.cash_offset,
        "amount": line.amount,
        "status": LineStatus.RESERVED.value,
        "updated_at": now,
    }


def _batch_view(batch: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": batch["id"],
        "created_at": batch["created_at"].isoformat(),
        "created_by": batch["created_by"],
        "cutoff": batch["cutoff"].isoformat(),
        "minimum": str(batch["minimum"]),
        "district": batch["district"],
        "line_count": batch["line_count"],
        "total": str(batch["total"]),
    }


def _line_view(line: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "batch_id": line["batch_id"],
        "line_no": line["line_no"],
        "worker_id": line["worker_id"],
        "amount": str(line["amount"]),
        "status": line["status"],
        "bank_reference": line.get("bank_reference"),
        "failure_reason": line.get("failure_reason"),
    }
