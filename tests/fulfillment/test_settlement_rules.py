"""Settlement rules: splits sum exactly, cash vs prepaid, cancellation fees and refunds."""

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from order_factory import HELPLINE, confirmed_order

from catalog.finder_fee import FeeKind, FinderFee
from fulfillment.ledger import (
    COMMISSION,
    TAX,
    LedgerError,
    cash_held,
    finder_fee_payable,
    receivable,
    refunds_payable,
    wallet,
)
from fulfillment.order import BookedService, Channel, CustomerDetails, Order, PaymentTerms, Quote
from fulfillment.settlement import (
    FEE_REFUND,
    OrderTerms,
    PaymentMode,
    SettlementPolicy,
    cancellation_entry,
    completion_entry,
    fee_refund_entry,
    split_fee,
    terms_from_order,
)

POLICY = SettlementPolicy(commission_percent=Decimal("10"))
paise = st.integers(min_value=0, max_value=10_000_000).map(lambda n: Decimal(n) / 100)
percent = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n) / 100)


def order_row(
    *,
    collected_by: str = "BAP",
    finder: tuple[str, str] | None = ("percentage", "3"),
    worker: str | None = "W1",
    payment: Mapping[str, Any] | None = None,
) -> Order:
    """An order confirmed at 500 + 90 tax with a settlement window of a day, held by `worker` if one is named."""
    tags: list[dict[str, Any]] = [
        {
            "descriptor": {"code": "Settlement_Details"},
            "list": [{"descriptor": {"code": "Window"}, "value": "P1D"}],
        }
    ]
    if finder:
        tags.append(
            {
                "descriptor": {"code": "Buyer_Finder_Fee"},
                "list": [
                    {"descriptor": {"code": "Buyer_Finder_Fee_Type"}, "value": finder[0]},
                    {"descriptor": {"code": "Buyer_Finder_Fee_Amount"}, "value": finder[1]},
                ],
            }
        )

    def line(kind: str, value: str) -> dict[str, Any]:
        return {
            "title": kind,
            "price": {"currency": "INR", "value": value},
            "tags": [{"descriptor": {"code": "title"}, "list": [{"descriptor": {"code": "type"}, "value": kind}]}],
        }

    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    order = Order.confirm(
        id="O1",
        buyer_order_id="BAP-O1",
        buyer_created_at="2026-11-20T09:29:58.120Z",
        transaction_id="T1",
        channel=Channel.ondc("buyer.example", "https://buyer.example/beckn", "ONDC:SRV11", "std:0522"),
        service=BookedService("P1", "I1", 1, "SRV11-1001"),
        quote=Quote.from_snapshot(
            {"price": {"currency": "INR", "value": "590.00"}, "breakup": [line("item", "500.00"), line("tax", "90.00")]}
        ),
        details=CustomerDetails({}, {}, {}),
        payment=PaymentTerms(payment or {
            "type": "PRE-FULFILLMENT" if collected_by == "BAP" else "ON-FULFILLMENT",
            "collected_by": collected_by,
            "tags": tags,
        }),
        terms={},
        slot=None,
        at=at,
    )
    if worker is not None:
        order.assign_worker(worker, gps="26.85,80.95", at=at)
    return order


def amounts(entry: Any) -> dict[Any, Decimal]:
    return {p.account: p.amount for p in entry.postings}


def test_prepaid_completion_credits_the_wallet_and_books_a_receivable_net_of_finder_fee() -> None:
    terms = terms_from_order(order_row())
    assert (terms.total, terms.tax, terms.mode, terms.settlement_window) == (
        Decimal("590.00"),
        Decimal("90.00"),
        PaymentMode.BUYER_APP_COLLECTS,
        "P1D",
    )
    posted = amounts(completion_entry(terms, POLICY))
    assert posted == {
        receivable("buyer.example"): Decimal("575.00"),  # 590 - 3% of 500
        wallet("W1"): Decimal("-435.00"),  # 500 - 50 commission - 15 finder fee
        COMMISSION: Decimal("-50.00"),
        TAX: Decimal("-90.00"),
    }


def test_cash_completion_leaves_the_worker_owing_commission_tax_and_finder_fee() -> None:
    posted = amounts(completion_entry(terms_from_order(order_row(collected_by="BPP")), POLICY))
    assert posted[cash_held("W1")] == Decimal("590.00")
    assert posted[finder_fee_payable("buyer.example")] == Decimal("-15.00")
    # her net position: wallet credit 435 less the 590 she holds = she owes 155 (50 + 90 + 15)
    assert -posted[wallet("W1")] - posted[cash_held("W1")] == Decimal("-155.00")


def test_flat_finder_fee_and_missing_tag() -> None:
    flat = terms_from_order(order_row(finder=("amount", "20")))
    assert flat.finder_fee == FinderFee(FeeKind.AMOUNT, Decimal("20.00"))
    assert amounts(completion_entry(flat, POLICY))[wallet("W1")] == Decimal("-430.00")
    none = terms_from_order(order_row(finder=None))
    assert amounts(completion_entry(none, POLICY))[receivable("buyer.example")] == Decimal("590.00")


def test_prepaid_cancellation_refunds_all_but_the_fee() -> None:
    terms = terms_from_order(order_row())
    posted = amounts(cancellation_entry(terms, POLICY, Decimal("118.00")))
    # the fee 118 carries tax in the quote's ratio: 118 * 90/590 = 18; pre-tax 100 → 10 commission, 3 finder fee
    assert posted == {
        receivable("buyer.example"): Decimal("587.00"),
        refunds_payable("buyer.example"): Decimal("-472.00"),
        wallet("W1"): Decimal("-87.00"),
        COMMISSION: Decimal("-10.00"),
        TAX: Decimal("-18.00"),
    }


def test_refunding_the_fee_takes_back_every_share_of_it_and_owes_the_buyer_app_its_part() -> None:
    terms = terms_from_order(order_row())
    fee = Decimal("118.00")
    refund = fee_refund_entry(terms, POLICY, fee)
    assert (refund.event_key, refund.kind, refund.order_id) == ("order:O1:fee-refunded", FEE_REFUND, "O1")
    assert amounts(refund) == {
        wallet("W1"): Decimal("87.00"),
        COMMISSION: Decimal("10.00"),
        TAX: Decimal("18.00"),
        refunds_payable("buyer.example"): Decimal("-115.00"),  # 118 less the 3 finder fee it kept
    }
    both = [amounts(cancellation_entry(terms, POLICY, fee)), amounts(refund)]
    net = {account: sum(posted.get(account, Decimal(0)) for posted in both) for account in both[0]}
    # the worker, the platform and the tax office end with nothing; what the buyer app owes us for the order
    # equals what we owe it for its customer's refunds
    assert net[wallet("W1")] == net[COMMISSION] == net[TAX] == 0
    assert net[receivable("buyer.example")] + net[refunds_payable("buyer.example")] == 0


def test_a_fee_refund_without_a_worker_comes_from_the_platform_and_a_zero_fee_is_refused() -> None:
    posted = amounts(fee_refund_entry(terms_from_order(order_row(worker=None)), POLICY, Decimal("118.00")))
    assert posted[COMMISSION] == Decimal("97.00")
    with pytest.raises(LedgerError, match="nothing to refund"):
        fee_refund_entry(terms_from_order(order_row()), POLICY, Decimal("0"))


def test_free_cancellation_of_a_prepaid_order_refunds_everything() -> None:
    posted = amounts(cancellation_entry(terms_from_order(order_row()), POLICY, Decimal("0")))
    assert posted == {
        receivable("buyer.example"): Decimal("590.00"),
        refunds_payable("buyer.example"): Decimal("-590.00"),
    }


def test_free_cancellation_of_a_cash_order_posts_nothing() -> None:
    assert cancellation_entry(terms_from_order(order_row(collected_by="BPP")), POLICY, Decimal("0")) is None


def test_cancellation_without_a_worker_leaves_her_share_with_the_platform() -> None:
    unassigned = order_row(worker=None)
    posted = amounts(cancellation_entry(terms_from_order(unassigned), POLICY, Decimal("118.00")))
    assert posted[COMMISSION] == Decimal("-97.00")
    assert not any(account.kind == "wallet" for account in posted)


def test_fee_above_the_total_is_refused() -> None:
    with pytest.raises(LedgerError, match="between 0 and the order total"):
        cancellation_entry(terms_from_order(order_row()), POLICY, Decimal("591"))


def test_unreadable_terms_are_refused() -> None:
    with pytest.raises(LedgerError, match="collected_by"):
        terms_from_order(order_row(payment={"collected_by": "GATEWAY"}))
    with pytest.raises(LedgerError, match="not a number"):
        terms_from_order(order_row(finder=("percentage", "three")))


@given(pre_tax=paise, tax=paise, commission=percent, finder=percent)
def test_split_parts_sum_exactly_to_the_fee(
    pre_tax: Decimal, tax: Decimal, commission: Decimal, finder: Decimal
) -> None:
    fee = FinderFee(FeeKind.PERCENT, finder).on(pre_tax, pre_tax)
    split = split_fee(pre_tax, tax, SettlementPolicy(commission), fee)
    assert split.commission + split.finder_fee + split.worker_share + split.tax == pre_tax + tax
    assert split.worker_share >= 0
    assert all(
        part == part.quantize(Decimal("0.01")) for part in (split.commission, split.finder_fee, split.worker_share)
    )


@given(
    pre_tax=paise,
    tax=paise,
    commission=percent,
    finder=percent,
    cash=st.booleans(),
    fee_share=st.integers(min_value=0, max_value=100),
)
def test_every_order_entry_balances(
    pre_tax: Decimal, tax: Decimal, commission: Decimal, finder: Decimal, cash: bool, fee_share: int
) -> None:
    terms = OrderTerms(
        order_id="O",
        bap_id="B",
        worker_id="W",
        total=pre_tax + tax,
        tax=tax,
        mode=PaymentMode.CASH_WITH_WORKER if cash else PaymentMode.BUYER_APP_COLLECTS,
        finder_fee=FinderFee(FeeKind.PERCENT, finder),
        settlement_window=None,
    )
    policy = SettlementPolicy(commission)
    if terms.total > 0:
        assert sum(p.amount for p in completion_entry(terms, policy).postings) == 0
    fee = (terms.total * fee_share / 100).quantize(Decimal("0.01"))
    entry = cancellation_entry(terms, policy, min(fee, terms.total))
    if entry is not None:
        assert sum(p.amount for p in entry.postings) == 0


def test_an_assisted_cash_order_settles_without_a_buyer_app() -> None:
    """A helpline caller pays the worker in cash: no buyer app is owed a finder fee, none owes or gets money."""
    order = confirmed_order(channel=HELPLINE)
    order.assign_worker("W1", gps="26.85,80.95", at=order.created_at)
    terms = terms_from_order(order)
    assert (terms.bap_id, terms.mode) == (None, PaymentMode.CASH_WITH_WORKER)
    entry = completion_entry(terms, POLICY)
    assert entry.bap_id is None
    # the factory's quote tags no tax line: the whole 590 is the fee, 10% commission
    assert amounts(entry) == {cash_held("W1"): Decimal("590.00"), wallet("W1"): Decimal("-531.00"),
                              COMMISSION: Decimal("-59.00")}
    assert cancellation_entry(terms, POLICY, Decimal("0")) is None
