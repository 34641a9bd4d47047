"""Payout rules: which wallets a batch pays, and the entries that reserve, pay or return the money.

A worker's payable position is her wallet less the cash she already holds from cash orders; a
payout line takes the whole wallet, offsets the cash held, and moves the difference to payout
clearing. Paid: clearing → bank. Failed: the exact mirror of the line entry, so the worker is back
where she was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fulfillment.ledger import (
    BANK,
    PAYOUT_CLEARING,
    JournalEntry,
    LedgerError,
    Line,
    build_entry,
    cash_held,
    credit,
    debit,
    payout_key,
    wallet,
)
from schemas.spreadsheet import csv_text, formula_refusal, looks_like_formula


class LineStatus(StrEnum):
    RESERVED = "reserved"  # money moved wallet → clearing, waiting for the bank
    PAID = "paid"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class WorkerPosition:
    """A worker's two accounts as people read them."""

    worker_id: str
    wallet: Decimal  # what we owe her
    cash_held: Decimal  # cash from customers she keeps

    @property
    def payable(self) -> Decimal:
        """What she is owed net; negative when she owes the platform commission and tax on cash jobs."""
        return self.wallet - self.cash_held


@dataclass(frozen=True, slots=True)
class PayoutLine:
    line_no: int
    worker_id: str
    wallet_debit: Decimal
    cash_offset: Decimal

    @property
    def amount(self) -> Decimal:
        return self.wallet_debit - self.cash_offset


def plan_lines(positions: Iterable[WorkerPosition], minimum: Decimal) -> list[PayoutLine]:
    """One line per worker whose payable position is positive and at least `minimum`, by worker id."""
    eligible = sorted((p for p in positions if p.payable > 0 and p.payable >= minimum), key=lambda p: p.worker_id)
    return [
        PayoutLine(line_no, p.worker_id, wallet_debit=p.wallet, cash_offset=p.cash_held)
        for line_no, p in enumerate(eligible, start=1)
    ]


def _reserve_lines(line: PayoutLine) -> list[Line]:
    return [
        debit(wallet(line.worker_id), line.wallet_debit),
        credit(cash_held(line.worker_id), line.cash_offset),
        credit(PAYOUT_CLEARING, line.amount),
    ]


def reserve_entry(batch_id: str, line: PayoutLine) -> JournalEntry:
    """Wallet → payout clearing (offsetting the cash she holds)."""
    if line.amount <= 0:
        raise LedgerError(f"payout line {line.line_no} of batch {batch_id} pays nothing")
    return _payout_entry(batch_id, line, LineStatus.RESERVED, _reserve_lines(line))


def paid_entry(batch_id: str, line: PayoutLine) -> JournalEntry:
    """Clearing → bank: the transfer went through."""
    lines = [debit(PAYOUT_CLEARING, line.amount), credit(BANK, line.amount)]
    return _payout_entry(batch_id, line, LineStatus.PAID, lines)


def failed_entry(batch_id: str, line: PayoutLine) -> JournalEntry:
    """The mirror of the reserve entry: money back to the wallet, cash offset undone."""
    lines = [(account, -amount) for account, amount in _reserve_lines(line)]
    return _payout_entry(batch_id, line, LineStatus.FAILED, lines)


def _payout_entry(batch_id: str, line: PayoutLine, outcome: LineStatus, lines: list[Line]) -> JournalEntry:
    return build_entry(
        payout_key(batch_id, line.line_no, outcome.value),
        f"payout_{outcome.value}",
        lines,
        worker_id=line.worker_id,
        detail={"batch_id": batch_id, "line_no": line.line_no, "amount": str(line.amount)},
    )


def next_status(current: LineStatus, wanted: LineStatus) -> LineStatus | None:
    """The status to move to, None when `wanted` is already done; a settled line cannot change its outcome."""
    if current is wanted:
        return None
    if current is LineStatus.RESERVED and wanted in (LineStatus.PAID, LineStatus.FAILED):
        return wanted
    raise LedgerError(f"payout line is already {current.value}; it cannot become {wanted.value}")


CSV_COLUMNS = (
    "batch_id",
    "line_no",
    "worker_id",
    "beneficiary_name",
    "amount",
    "mode",
    "upi_vpa",
    "bank_account",
    "ifsc",
    "status",
)


def _bank_file_row(batch_id: str, row: Mapping[str, object]) -> dict[str, object]:
    upi = row.get("upi_vpa") or ""
    bank_account = row.get("bank_account") or ""
    return {
        "batch_id": batch_id,
        "line_no": row["line_no"],
        "worker_id": row["worker_id"],
        "beneficiary_name": row.get("holder_name") or "",
        "amount": row["amount"],
        "mode": "UPI" if upi else ("NEFT" if bank_account else "MISSING"),
        "upi_vpa": upi,
        "bank_account": bank_account,
        "ifsc": row.get("ifsc") or "",
        "status": row["status"],
    }


def export_csv(batch_id: str, rows: Sequence[Mapping[str, object]]) -> str:
    """The bank file: one row per line; UPI when a VPA is known, else NEFT to account + IFSC."""
    return csv_text(CSV_COLUMNS, (_bank_file_row(batch_id, row) for row in rows))


_VPA = re.compile(r"^[A-Za-z0-9.\-_]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$")
_IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
_ACCOUNT = re.compile(r"^\d{9,18}$")


def validate_payout_details(details: Mapping[str, str | None]) -> dict[str, str | None]:
    """Clean payout details: a holder name plus a UPI VPA, or a bank account with its IFSC, or both."""
    holder = (details.get("holder_name") or "").strip()
    upi = (details.get("upi_vpa") or "").strip() or None
    account = (details.get("bank_account") or "").replace(" ", "") or None
    ifsc = (details.get("ifsc") or "").strip().upper() or None
    problems: list[tuple[str, str, str]] = []  # (field, English, Hindi)
    if not holder:
        problems.append(("holder_name", "holder_name is required: the name on the bank account or UPI ID",
                         "holder_name ज़रूरी है: बैंक खाते या UPI ID पर लिखा नाम दें"))
    elif looks_like_formula(holder):  # the name goes into the bank file staff open in a spreadsheet
        problems.append(("holder_name", *formula_refusal("holder_name")))
    if upi is not None and not _VPA.match(upi):
        problems.append(("upi_vpa", f"upi_vpa {upi!r} should look like name@bank",
                         f"upi_vpa {upi!r} naam@bank जैसा हो"))
    if (account is None) != (ifsc is None):
        problems.append(("bank_account", "bank_account and ifsc go together: give both or neither",
                         "bank_account और ifsc साथ दें: दोनों दें या कोई नहीं"))
    if account is not None and not _ACCOUNT.match(account):
        problems.append(("bank_account", "bank_account should be 9 to 18 digits", "bank_account 9 से 18 अंकों का हो"))
    if ifsc is not None and not _IFSC.match(ifsc):
        problems.append(("ifsc", f"ifsc {ifsc!r} should be 11 characters like SBIN0001234",
                         f"ifsc {ifsc!r} SBIN0001234 जैसे 11 अक्षरों का हो"))
    if upi is None and account is None:
        problems.append(("upi_vpa", "give a UPI ID or a bank account with IFSC", "UPI ID या IFSC सहित बैंक खाता दें"))
    if problems:  # one refusal naming every problem; its field is the first one at fault
        raise LedgerError(
            "Correct the payout details: " + "; ".join(en for _, en, _ in problems),
            problems[0][0],
            "भुगतान विवरण ठीक करें: " + "; ".join(hi for _, _, hi in problems),
        )
    return {"holder_name": holder, "upi_vpa": upi, "bank_account": account, "ifsc": ifsc}
