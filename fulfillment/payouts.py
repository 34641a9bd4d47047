"""Payout rules: which wallets a batch pays, and the entries that reserve, pay or return the money.

A worker's payable position is her wallet less the cash she already holds from cash orders; a
payout line takes the whole wallet, offsets the cash held, and moves the difference to payout
clearing. Paid: clearing → bank. Failed: the exact mirror of the line entry, so the worker is back
where she was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Final

from catalog.csv_io import RowError
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
from schemas.spreadsheet import csv_text, formula_refusal, looks_like_formula, read_cell


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
class PayeeDetails:
    """Who a worker is and how she is paid, beside her position in the staff's list of what is owed."""

    name: str
    phone: str
    district: str
    mode: str  # UPI, NEFT, or MISSING when she has given no payout details
    in_payout: Decimal  # reserved in batches the bank has not reported on yet


def payout_mode(upi_vpa: object, bank_account: object) -> str:
    """How the bank file pays her: UPI when a VPA is known, else NEFT to her account, else MISSING."""
    return "UPI" if upi_vpa else ("NEFT" if bank_account else "MISSING")


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
    raise LedgerError(f"The payout line is already {current.value}; it cannot become {wanted.value}.", "status",
                      f"यह भुगतान पंक्ति पहले से {current.value} है; यह {wanted.value} नहीं हो सकती।")


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
        "mode": payout_mode(upi, bank_account),
        "upi_vpa": upi,
        "bank_account": bank_account,
        "ifsc": row.get("ifsc") or "",
        "status": row["status"],
    }


def export_csv(batch_id: str, rows: Sequence[Mapping[str, object]]) -> str:
    """The bank file: one row per line; UPI when a VPA is known, else NEFT to account + IFSC."""
    return csv_text(CSV_COLUMNS, (_bank_file_row(batch_id, row) for row in rows))


# --- the bank's return file ------------------------------------------------------------------------------
# The bank sends the bank file back with each transfer's outcome: the same columns, `status` filled in, plus
# `bank_reference` (the UTR of a transfer that went through) and `failure_reason`. Only `line_no` and `status`
# must be there; `batch_id`, `worker_id` and `amount`, when given, must agree with the line they name.

RETURN_REQUIRED_COLUMNS: Final = ("line_no", "status")
RETURN_STATUSES: Final[Mapping[str, LineStatus | None]] = {
    # what banks write, lower-cased -> the outcome (None: not reported yet, left reserved)
    "paid": LineStatus.PAID, "success": LineStatus.PAID, "successful": LineStatus.PAID,
    "processed": LineStatus.PAID, "failed": LineStatus.FAILED, "failure": LineStatus.FAILED,
    "rejected": LineStatus.FAILED, "returned": LineStatus.FAILED, "reserved": None, "pending": None, "": None,
}
BANK_REFERENCE_LIMIT: Final = 128  # payout_lines.bank_reference
REASON_LIMIT: Final = 1000


@dataclass(frozen=True, slots=True)
class StoredLine:
    """A payout line as stored, to check a return-file row against."""

    line_no: int
    worker_id: str
    amount: Decimal
    status: LineStatus


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    """A row of the return file that reports a transfer's outcome; `row` is its line in the file (header: 1)."""

    row: int
    line_no: int
    outcome: LineStatus
    bank_reference: str | None
    failure_reason: str | None


@dataclass(slots=True)
class ReturnPlan:
    """What a return file asks: lines to settle, lines already so, rows the bank has not decided, rows in error."""

    settle: list[ReturnedLine] = field(default_factory=list)
    unchanged: list[ReturnedLine] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)  # rows (file lines) still reserved at the bank
    errors: list[RowError] = field(default_factory=list)


def plan_return(text: str, batch_id: str, stored: Mapping[int, StoredLine]) -> ReturnPlan:
    """Read the bank's return file for `batch_id`: each row is settled, unchanged, pending, or an error saying why."""
    plan = ReturnPlan()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        _read_rows(reader, batch_id, stored, plan)
    except csv.Error as unreadable:  # e.g. a cell longer than the csv module reads
        plan.errors.append(RowError(
            reader.line_num, "", f"This line cannot be read as CSV ({unreadable}); save the file as CSV "
            "(comma-separated) again. Rows above it were read.", "यह पंक्ति CSV के रूप में पढ़ी नहीं जा सकी; फ़ाइल को "
            "फिर से CSV (कॉमा से अलग) में सहेजें। इसके ऊपर की पंक्तियाँ पढ़ ली गईं।"))
    return plan


def _read_rows(reader: csv.DictReader[str], batch_id: str, stored: Mapping[int, StoredLine], plan: ReturnPlan) -> None:
    header = [name.strip().lower() for name in reader.fieldnames or ()]
    missing = [name for name in RETURN_REQUIRED_COLUMNS if name not in header]
    if missing:
        plan.errors.append(RowError(
            1, ",".join(missing),
            f"The header lacks the column(s) {', '.join(missing)}. Keep the columns of the bank file and fill in "
            "status (paid or failed) for each line.",
            f"शीर्ष पंक्ति में कॉलम {', '.join(missing)} नहीं हैं। बैंक फ़ाइल के कॉलम रखें और हर पंक्ति में status "
            "(paid या failed) भरें।"))
        return
    reader.fieldnames = header
    seen: dict[int, int] = {}  # line_no -> the file line that named it first
    for raw in reader:
        row = reader.line_num
        cells = {name: read_cell(value).strip() for name, value in raw.items() if isinstance(value, str)}
        errors = _row_errors(row, cells, batch_id, stored, seen)
        if errors:
            plan.errors.extend(errors)
            continue
        line_no = int(cells["line_no"])
        seen[line_no] = row
        outcome = RETURN_STATUSES[cells["status"].lower()]
        if outcome is None:
            plan.pending.append(row)
            continue
        returned = ReturnedLine(row, line_no, outcome, cells.get("bank_reference") or None,
                                cells.get("failure_reason") or None)
        (plan.unchanged if stored[line_no].status is outcome else plan.settle).append(returned)


def _row_errors(
    row: int, cells: Mapping[str, str], batch_id: str, stored: Mapping[int, StoredLine], seen: Mapping[int, int]
) -> list[RowError]:
    """Everything wrong with one row of a return file (empty when it can be applied)."""
    def error(column: str, en: str, hi: str) -> RowError:
        return RowError(row, column, en, hi)

    given_batch = cells.get("batch_id") or ""
    if given_batch and given_batch != batch_id:
        return [error("batch_id", f"This row is from batch {given_batch}, not {batch_id}. Upload each return file "
                      "on its own batch.", f"यह पंक्ति बैच {given_batch} की है, {batch_id} की नहीं। हर रिटर्न फ़ाइल "
                      "उसी के बैच पर अपलोड करें।")]
    text = cells.get("line_no") or ""
    if not text.isdigit() or int(text) == 0:
        return [error("line_no", f"line_no {text!r} is not a line number of the batch; copy it from the bank file.",
                      f"line_no {text!r} बैच की पंक्ति संख्या नहीं है; इसे बैंक फ़ाइल से कॉपी करें।")]
    line_no = int(text)
    if line_no in seen:
        return [error("line_no", f"Line {line_no} is already on row {seen[line_no]} of this file; keep one row per "
                      "payout line.", f"पंक्ति {line_no} इस फ़ाइल की पंक्ति {seen[line_no]} पर पहले से है; हर भुगतान "
                      "पंक्ति के लिए एक ही पंक्ति रखें।")]
    line = stored.get(line_no)
    if line is None:
        return [error("line_no", f"Batch {batch_id} has no line {line_no}; check the row against the bank file.",
                      f"बैच {batch_id} में पंक्ति {line_no} नहीं है; पंक्ति को बैंक फ़ाइल से मिलाएँ।")]
    status = cells.get("status") or ""
    if status.lower() not in RETURN_STATUSES:
        return [error("status", f"Status {status!r} is not known: write paid or failed, or leave reserved for a "
                      "transfer the bank has not reported yet.", f"स्थिति {status!r} मान्य नहीं है: paid या failed "
                      "लिखें, या जिस भुगतान की खबर बैंक ने अभी नहीं दी उसे reserved रहने दें।")]
    errors = []
    given_worker = cells.get("worker_id") or ""
    if given_worker and given_worker != line.worker_id:
        errors.append(error("worker_id", f"Line {line_no} pays worker {line.worker_id}, not {given_worker}; check the "
                            "row.", f"पंक्ति {line_no} कर्मी {line.worker_id} का भुगतान है, {given_worker} का नहीं; "
                            "पंक्ति जाँचें।"))
    errors.extend(_amount_errors(row, cells.get("amount") or "", line))
    outcome = RETURN_STATUSES[status.lower()]
    if outcome is not None and line.status not in (LineStatus.RESERVED, outcome):
        errors.append(error("status", f"Line {line_no} is already {line.status.value}; it cannot become "
                            f"{outcome.value}. Ask the bank which is right.", f"पंक्ति {line_no} पहले से "
                            f"{line.status.value} है; यह {outcome.value} नहीं हो सकती। बैंक से पूछें कि सही क्या है।"))
    reference = cells.get("bank_reference") or ""
    if outcome is LineStatus.PAID and not reference:
        errors.append(error("bank_reference", "A paid row needs the bank's reference (UTR) in bank_reference.",
                            "paid पंक्ति में bank_reference में बैंक का संदर्भ (UTR) भरें।"))
    if len(reference) > BANK_REFERENCE_LIMIT:
        errors.append(error("bank_reference", f"bank_reference is longer than {BANK_REFERENCE_LIMIT} characters.",
                            f"bank_reference {BANK_REFERENCE_LIMIT} अक्षरों से लंबा है।"))
    reason = cells.get("failure_reason") or ""
    if outcome is LineStatus.FAILED and not reason:
        errors.append(error("failure_reason", "A failed row needs the bank's reason in failure_reason; the worker "
                            "sees it on her statement.", "failed पंक्ति में failure_reason में बैंक का कारण भरें; "
                            "कर्मी इसे अपने विवरण में देखती/देखता है।"))
    if len(reason) > REASON_LIMIT:
        errors.append(error("failure_reason", f"failure_reason is longer than {REASON_LIMIT} characters.",
                            f"failure_reason {REASON_LIMIT} अक्षरों से लंबा है।"))
    return errors


def _amount_errors(row: int, text: str, line: StoredLine) -> list[RowError]:
    if not text:
        return []
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        return [RowError(row, "amount", f"amount {text!r} is not a sum in rupees such as 450.00.",
                         f"amount {text!r} रुपये की राशि नहीं है (जैसे 450.00)।")]
    if amount != line.amount:
        return [RowError(row, "amount", f"Line {line.line_no} is for ₹{line.amount}, the row says ₹{text}. Ask the "
                         "bank which is right before marking it.", f"पंक्ति {line.line_no} ₹{line.amount} की है, "
                         f"फ़ाइल में ₹{text} लिखा है। दर्ज करने से पहले बैंक से पूछें कि सही क्या है।")]
    return []


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
