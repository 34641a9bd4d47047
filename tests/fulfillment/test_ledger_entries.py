"""Journal entries: balanced before anything is written, paise only, one posting per account."""

from decimal import Decimal

import pytest

from catalog.formats import to_paise
from fulfillment.ledger import (
    COMMISSION,
    Account,
    AccountKind,
    JournalEntry,
    LedgerError,
    Posting,
    build_entry,
    credit,
    debit,
    receivable,
    wallet,
)


def test_build_entry_merges_lines_and_drops_zeroes() -> None:
    entry = build_entry(
        "order:1:completed",
        "completion",
        [
            debit(receivable("b"), Decimal("10.00")),
            credit(wallet("w"), Decimal("4.00")),
            credit(wallet("w"), Decimal("5.00")),
            credit(COMMISSION, Decimal("1.00")),
            credit(COMMISSION, Decimal("0")),
        ],
    )
    assert {p.account.code: p.amount for p in entry.postings} == {
        "receivable:b": Decimal("10.00"),
        "wallet:w": Decimal("-9.00"),
        "commission": Decimal("-1.00"),
    }


@pytest.mark.parametrize(
    ("postings", "message"),
    [
        ((Posting(wallet("w"), Decimal("1.00")), Posting(COMMISSION, Decimal("-0.99"))), "does not balance"),
        ((Posting(wallet("w"), Decimal("1.001")), Posting(COMMISSION, Decimal("-1.001"))), "paise"),
        ((Posting(wallet("w"), Decimal("1.00")),), "at least two"),
        ((Posting(wallet("w"), Decimal("1.00")), Posting(wallet("w"), Decimal("-1.00"))), "posts twice"),
    ],
)
def test_bad_entries_are_refused_before_storage(postings: tuple[Posting, ...], message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        JournalEntry("k", "test", postings)


def test_account_codes_round_trip_and_owners_are_required() -> None:
    assert Account.from_code("wallet:W:1") == wallet("W:1")
    assert Account.from_code("commission") == COMMISSION
    with pytest.raises(LedgerError, match="needs an owner"):
        Account(AccountKind.WORKER_WALLET)
    with pytest.raises(LedgerError, match="takes no owner"):
        Account(AccountKind.BANK, "x")


def test_natural_balances_and_rounding() -> None:
    assert wallet("w").natural_balance(Decimal("-5.00")) == Decimal("5.00")
    assert receivable("b").natural_balance(Decimal("5.00")) == Decimal("5.00")
    assert to_paise(Decimal("0.005")) == Decimal("0.01")
    assert to_paise(Decimal("-0.005")) == Decimal("-0.01")
    with pytest.raises(TypeError, match="Decimal"):
        to_paise(0.1)  # type: ignore[arg-type]
