"""Reconciliation rules: settlement windows, per buyer-app totals, mismatches against the quote."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

from fulfillment.reconciliation import EntryFigures, export_csv, settlement_window, summarize, window_length
from fulfillment.settlement import FEE_REFUND, PaymentMode


def test_windows_follow_the_tag_and_default_to_the_ist_calendar_day() -> None:
    at = datetime(2025, 3, 1, 20, 0, tzinfo=UTC)  # 01:30 IST on 2 March
    start, end = settlement_window(at, None)
    assert (start, end) == (datetime(2025, 3, 1, 18, 30, tzinfo=UTC), datetime(2025, 3, 2, 18, 30, tzinfo=UTC))
    assert settlement_window(at, "P1D") == (start, end)
    half = settlement_window(at, "PT12H")
    assert half == (datetime(2025, 3, 1, 18, 30, tzinfo=UTC), datetime(2025, 3, 2, 6, 30, tzinfo=UTC))
    assert window_length("P1W").days == 7
    assert window_length("garbage").days == 1


def figures(order_id: str, bap: str, mode: PaymentMode, kind: str = "completion", **amounts: str) -> EntryFigures:
    start, end = settlement_window(datetime(2025, 3, 1, 6, tzinfo=UTC), None)
    values = {
        "settled_total": "590.00",
        "quoted_total": "590.00",
        "finder_fee": "15.00",
        "receivable": "0",
        "finder_fee_payable": "0",
        "refunds_payable": "0",
    } | amounts
    return EntryFigures(bap, start, end, order_id, kind, mode, **{k: Decimal(v) for k, v in values.items()})


def test_summary_nets_what_each_side_owes_and_flags_quote_mismatches() -> None:
    summaries = summarize(
        [
            figures("O1", "bap-a", PaymentMode.BUYER_APP_COLLECTS, receivable="575.00"),
            figures("O2", "bap-a", PaymentMode.CASH_WITH_WORKER, finder_fee_payable="15.00"),
            figures(
                "O3",
                "bap-a",
                PaymentMode.BUYER_APP_COLLECTS,
                receivable="590.00",
                refunds_payable="590.00",
                finder_fee="0",
            ),
            figures("O4", "bap-b", PaymentMode.BUYER_APP_COLLECTS, receivable="560.00", quoted_total="600.00"),
        ]
    )
    a, b = summaries
    assert (a.bap_id, a.entries, a.net_due_from_buyer_app, a.mismatches) == ("bap-a", 3, Decimal("560.00"), [])
    assert len(b.mismatches) == 2
    assert "quote promised 600.00" in b.mismatches[0]
    assert export_csv(summaries).splitlines()[1].startswith("bap-a,2025-02-28T18:30:00+00:00")


def test_a_refunded_cancellation_fee_nets_to_nothing_and_counts_the_order_once() -> None:
    [summary] = summarize([
        figures("O1", "bap-a", PaymentMode.BUYER_APP_COLLECTS, "cancellation", receivable="587.00",
                refunds_payable="472.00", finder_fee="3.00"),
        figures("O1", "bap-a", PaymentMode.BUYER_APP_COLLECTS, FEE_REFUND, refunds_payable="115.00", finder_fee="3.00"),
    ])
    assert (summary.entries, summary.quoted_total, summary.finder_fee) == (2, Decimal("590.00"), Decimal("3.00"))
    assert (summary.net_due_from_buyer_app, summary.mismatches) == (Decimal("0.00"), [])


def test_report_shows_a_formula_like_buyer_app_id_as_text_and_keeps_negative_amounts_numbers() -> None:
    [summary] = summarize([figures("O1", "=cmd|' /C calc'!A0", PaymentMode.CASH_WITH_WORKER,
                                   finder_fee_payable="15.00")])
    assert summary.net_due_from_buyer_app < 0
    row = next(csv.DictReader(io.StringIO(export_csv([summary]))))
    assert row["bap_id"] == "'=cmd|' /C calc'!A0"
    assert row["net_due_from_buyer_app"] == str(summary.net_due_from_buyer_app)
