"""Payout rules: eligible wallets, reserve/paid/failed entries, status moves, bank file, details."""

from decimal import Decimal

import pytest

from fulfillment.ledger import BANK, PAYOUT_CLEARING, LedgerError, cash_held, wallet
from fulfillment.payouts import (
    LineStatus,
    PayoutLine,
    WorkerPosition,
    export_csv,
    failed_entry,
    next_status,
    paid_entry,
    plan_lines,
    reserve_entry,
    validate_payout_details,
)


def test_only_positive_positions_at_or_above_the_minimum_get_lines() -> None:
    positions = [
        WorkerPosition("W3", Decimal("500.00"), Decimal("0.00")),
        WorkerPosition("W1", Decimal("300.00"), Decimal("200.00")),  # net 100
        WorkerPosition("W2", Decimal("99.99"), Decimal("0.00")),
        WorkerPosition("W4", Decimal("0.00"), Decimal("50.00")),  # owes 50
    ]
    lines = plan_lines(positions, Decimal("100.00"))
    assert [(line.line_no, line.worker_id, line.amount) for line in lines] == [
        (1, "W1", Decimal("100.00")),
        (2, "W3", Decimal("500.00")),
    ]


def test_failed_line_is_the_exact_mirror_of_its_reservation() -> None:
    line = PayoutLine(1, "W1", Decimal("300.00"), Decimal("200.00"))
    reserved = {p.account: p.amount for p in reserve_entry("B", line).postings}
    failed = {p.account: p.amount for p in failed_entry("B", line).postings}
    assert reserved == {
        wallet("W1"): Decimal("300.00"),
        cash_held("W1"): Decimal("-200.00"),
        PAYOUT_CLEARING: Decimal("-100.00"),
    }
    assert failed == {account: -amount for account, amount in reserved.items()}
    paid = {p.account: p.amount for p in paid_entry("B", line).postings}
    assert paid == {PAYOUT_CLEARING: Decimal("100.00"), BANK: Decimal("-100.00")}
    assert reserve_entry("B", line).event_key == "payout:B:1:reserved"


def test_a_line_pays_or_fails_once() -> None:
    assert next_status(LineStatus.RESERVED, LineStatus.PAID) is LineStatus.PAID
    assert next_status(LineStatus.PAID, LineStatus.PAID) is None
    with pytest.raises(LedgerError, match="already paid"):
        next_status(LineStatus.PAID, LineStatus.FAILED)


def test_bank_file_prefers_upi_then_bank_account() -> None:
    text = export_csv(
        "B",
        [
            {
                "line_no": 1,
                "worker_id": "W1",
                "holder_name": "Sita",
                "amount": Decimal("10.00"),
                "upi_vpa": "sita@upi",
                "status": "reserved",
            },
            {
                "line_no": 2,
                "worker_id": "W2",
                "holder_name": "Ram",
                "amount": Decimal("20.00"),
                "bank_account": "123456789",
                "ifsc": "SBIN0001234",
                "status": "reserved",
            },
            {"line_no": 3, "worker_id": "W3", "amount": Decimal("30.00"), "status": "reserved"},
        ],
    )
    rows = text.splitlines()
    assert rows[0].startswith("batch_id,line_no,worker_id")
    assert rows[1] == "B,1,W1,Sita,10.00,UPI,sita@upi,,,reserved"
    assert rows[2] == "B,2,W2,Ram,20.00,NEFT,,123456789,SBIN0001234,reserved"
    assert rows[3] == "B,3,W3,,30.00,MISSING,,,,reserved"


def test_payout_details_are_checked() -> None:
    assert validate_payout_details({"holder_name": "Sita", "bank_account": "1234 5678 90", "ifsc": "sbin0001234"}) == {
        "holder_name": "Sita",
        "upi_vpa": None,
        "bank_account": "1234567890",
        "ifsc": "SBIN0001234",
    }
    with pytest.raises(LedgerError, match="give both or neither"):
        validate_payout_details({"holder_name": "Sita", "bank_account": "1234567890"})
    with pytest.raises(LedgerError, match="name@bank"):
        validate_payout_details({"holder_name": "Sita", "upi_vpa": "sita"})


def test_bank_file_shows_a_formula_holder_name_as_text() -> None:
    line = {"line_no": 1, "worker_id": "W1", "amount": Decimal("10.00"), "upi_vpa": "sita@upi", "status": "reserved"}
    text = export_csv("B", [line | {"holder_name": '=HYPERLINK("http://evil.example","Sita")'}])
    assert text.splitlines()[1] == """B,1,W1,"'=HYPERLINK(""http://evil.example"",""Sita"")",10.00,UPI,sita@upi,,,reserved"""


def test_a_holder_name_that_begins_like_a_formula_is_refused_in_both_languages() -> None:
    with pytest.raises(LedgerError, match="formula") as refused:
        validate_payout_details({"holder_name": "@SUM(A1)", "upi_vpa": "sita@upi"})
    assert "सूत्र" in refused.value.message_hi
