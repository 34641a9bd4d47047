"""Reconciliation with buyer apps: settlement windows, what is owed either way, and what disagrees.

For each buyer app and settlement window: what it owes us (receivables), what we owe it (finder
fees on cash jobs, refunds), the net, and every order whose ledger figures differ from the quote
our on_init/on_confirm promised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from fulfillment.settlement import FEE_REFUND, PaymentMode
from schemas.spreadsheet import csv_text

IST = timezone(timedelta(hours=5, minutes=30), "IST")
WINDOW_EPOCH = datetime(1970, 1, 1, tzinfo=IST)
DEFAULT_WINDOW = timedelta(days=1)
ZERO = Decimal("0.00")
_DURATION = re.compile(r"^P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")


def window_length(duration: str | None) -> timedelta:
    """An ISO 8601 duration (P1D, P7D, PT12H, P1W); anything else, or none, means one calendar day."""
    match = _DURATION.match(duration or "")
    if not match:
        return DEFAULT_WINDOW
    parts = {name: int(value) for name, value in match.groupdict().items() if value}
    length = timedelta(**parts)
    return length if length >= timedelta(minutes=1) else DEFAULT_WINDOW


def settlement_window(at: datetime, duration: str | None) -> tuple[datetime, datetime]:
    """The window holding `at`: consecutive windows of the given length from midnight IST, in UTC."""
    length = window_length(duration)
    start = WINDOW_EPOCH + ((at - WINDOW_EPOCH) // length) * length
    return start.astimezone(UTC), (start + length).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class EntryFigures:
    """One settlement entry of one buyer app's order, as the ledger and the quote tell it."""

    bap_id: str
    window_start: datetime
    window_end: datetime
    order_id: str
    kind: str  # completion | cancellation | cancellation_fee_refund
    mode: PaymentMode
    settled_total: Decimal  # the order total the entry was computed from
    quoted_total: Decimal  # the quote as sent to the buyer app
    finder_fee: Decimal
    receivable: Decimal
    finder_fee_payable: Decimal
    refunds_payable: Decimal

    @property
    def collects(self) -> bool:
        """Whether the entry records the order's money coming in (a fee refund only gives part of it back)."""
        return self.kind != FEE_REFUND

    def mismatches(self) -> list[str]:
        if not self.collects:  # its figures are the cancellation's, checked on that entry
            return []
        problems = []
        if self.settled_total != self.quoted_total:
            problems.append(
                f"order {self.order_id}: settled on {self.settled_total} but the quote promised {self.quoted_total}"
            )
        if self.mode is PaymentMode.BUYER_APP_COLLECTS and self.receivable + self.finder_fee != self.quoted_total:
            problems.append(
                f"order {self.order_id}: receivable {self.receivable} plus finder fee {self.finder_fee}"
                f" differs from the collected {self.quoted_total}"
            )
        return problems


@dataclass(slots=True)
class WindowSummary:
    bap_id: str
    window_start: datetime
    window_end: datetime
    entries: int = 0
    quoted_total: Decimal = ZERO
    finder_fee: Decimal = ZERO
    receivable: Decimal = ZERO
    finder_fee_payable: Decimal = ZERO
    refunds_payable: Decimal = ZERO
    mismatches: list[str] = field(default_factory=list)

    @property
    def net_due_from_buyer_app(self) -> Decimal:
        """Positive: the buyer app owes us; negative: we owe it."""
        return self.receivable - self.finder_fee_payable - self.refunds_payable

    def add(self, figures: EntryFigures) -> None:
        self.entries += 1
        if figures.collects:  # the order's quote and finder fee count once, on the entry that collects them
            self.quoted_total += figures.quoted_total
            self.finder_fee += figures.finder_fee
        self.receivable += figures.receivable
        self.finder_fee_payable += figures.finder_fee_payable
        self.refunds_payable += figures.refunds_payable
        self.mismatches.extend(figures.mismatches())

    def as_dict(self) -> dict[str, object]:
        return {
            "bap_id": self.bap_id,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "entries": self.entries,
            "quoted_total": str(self.quoted_total),
            "finder_fee": str(self.finder_fee),
            "receivable": str(self.receivable),
            "finder_fee_payable": str(self.finder_fee_payable),
            "refunds_payable": str(self.refunds_payable),
            "net_due_from_buyer_app": str(self.net_due_from_buyer_app),
            "mismatches": list(self.mismatches),
        }


def summarize(figures: Iterable[EntryFigures]) -> list[WindowSummary]:
    """Per (buyer app, window) totals, ordered by buyer app then window."""
    summaries: dict[tuple[str, datetime], WindowSummary] = {}
    for item in figures:
        key = (item.bap_id, item.window_start)
        summary = summaries.setdefault(key, WindowSummary(item.bap_id, item.window_start, item.window_end))
        summary.add(item)
    return [summaries[key] for key in sorted(summaries)]


CSV_COLUMNS = (
    "bap_id",
    "window_start",
    "window_end",
    "entries",
    "quoted_total",
    "finder_fee",
    "receivable",
    "finder_fee_payable",
    "refunds_payable",
    "net_due_from_buyer_app",
    "mismatches",
)


def export_csv(summaries: Iterable[WindowSummary]) -> str:
    """One line per buyer app and window; amounts stay numbers (a negative net is a number, not a formula)."""
    return csv_text(CSV_COLUMNS, ({**summary.as_dict(), "mismatches": "; ".join(summary.mismatches)}
                                  for summary in summaries))
