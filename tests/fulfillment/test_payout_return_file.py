"""Reading the bank's return file: each row settles a line, changes nothing, waits, or is an error saying why."""

from __future__ import annotations

from decimal import Decimal

from fulfillment.payouts import CSV_COLUMNS, LineStatus, StoredLine, plan_return

BATCH = "b1"
STORED = {
    1: StoredLine(1, "W1", Decimal("450.00"), LineStatus.RESERVED),
    2: StoredLine(2, "W2", Decimal("120.50"), LineStatus.RESERVED),
    3: StoredLine(3, "W3", Decimal("99.00"), LineStatus.PAID),
    4: StoredLine(4, "W4", Decimal("300.00"), LineStatus.RESERVED),
}
HEADER = ",".join((*CSV_COLUMNS, "bank_reference", "failure_reason"))  # the bank file, with the bank's answers


def lines(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows, ""])


def test_the_bank_file_comes_back_with_outcomes() -> None:
    plan = plan_return(lines(
        "b1,1,W1,Asha,450.00,UPI,asha@upi,,,SUCCESS,UTR123,",
        "b1,2,W2,Ravi,120.50,NEFT,,123456789,SBIN0001234,failed,,Account closed",
        "b1,3,W3,Sita,99.00,UPI,sita@upi,,,paid,UTR9,",
        "b1,4,W4,Meena,300.00,UPI,meena@upi,,,reserved,,",
    ), BATCH, STORED)
    assert plan.errors == []
    assert [(r.row, r.line_no, r.outcome, r.bank_reference, r.failure_reason) for r in plan.settle] == [
        (2, 1, LineStatus.PAID, "UTR123", None),
        (3, 2, LineStatus.FAILED, None, "Account closed"),
    ]
    assert [r.line_no for r in plan.unchanged] == [3]  # already paid: uploading the file again changes nothing
    assert plan.pending == [5]  # the bank has not reported line 4 yet


def test_each_bad_row_is_reported_by_its_line_and_field_in_both_languages() -> None:
    plan = plan_return(lines(
        "b1,1,W1,Asha,450.00,UPI,asha@upi,,,paid,,",  # no UTR
        "b1,2,W9,Ravi,120.50,NEFT,,,,failed,,Closed",  # someone else's line
        "b1,3,W3,Sita,99.00,UPI,,,,failed,,Bounced",  # already paid
        "b1,4,W4,Meena,310.00,UPI,,,,paid,UTR4,",  # not the amount of the line
        "b2,1,W1,Asha,450.00,UPI,,,,paid,UTR1,",  # another batch
        "b1,9,W1,Asha,450.00,UPI,,,,paid,UTR1,",  # no such line
        "b1,x,W1,Asha,450.00,UPI,,,,paid,UTR1,",
        "b1,4,W4,Meena,300.00,UPI,,,,done,,",  # unknown word
    ), BATCH, STORED)
    assert plan.settle == [] and plan.unchanged == []
    assert [(e.line, e.field) for e in plan.errors] == [
        (2, "bank_reference"), (3, "worker_id"), (4, "status"), (5, "amount"), (6, "batch_id"), (7, "line_no"),
        (8, "line_no"), (9, "status"),
    ]
    assert all(e.error and e.error_hi for e in plan.errors)
    assert "already paid; it cannot become failed" in plan.errors[2].error
    assert "₹300.00" in plan.errors[3].error and "₹310.00" in plan.errors[3].error


def test_a_failed_row_needs_the_reason_and_a_line_is_returned_once() -> None:
    plan = plan_return(lines(
        "b1,2,W2,Ravi,120.50,NEFT,,,,failed,,",
        "b1,1,W1,Asha,450,UPI,,,,paid,UTR1,",
        "b1,1,W1,Asha,450.00,UPI,,,,paid,UTR1,",
    ), BATCH, STORED)
    assert [(e.line, e.field) for e in plan.errors] == [(2, "failure_reason"), (4, "line_no")]
    assert "row 3" in plan.errors[1].error
    assert [r.line_no for r in plan.settle] == [1]  # 450 is ₹450.00


def test_only_line_no_and_status_are_needed_and_headings_may_be_any_case() -> None:
    plan = plan_return("\ufeffLine_No,STATUS,Bank_Reference\n1,Paid,UTR1\n", BATCH, STORED)
    assert plan.errors == [] and [r.line_no for r in plan.settle] == [1]
    missing = plan_return("line,outcome\n1,paid\n", BATCH, STORED)
    assert [(e.line, e.field) for e in missing.errors] == [(1, "line_no,status")]


def test_a_file_that_is_not_csv_is_reported_not_raised() -> None:
    plan = plan_return("line_no,status\n1,paid\n2," + '"' + "x" * 200_000 + '"\n', BATCH, STORED)
    assert [(e.line, e.field) for e in plan.errors][-1][1] == ""
    assert "cannot be read as CSV" in plan.errors[-1].error
