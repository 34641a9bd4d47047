"""An engagement's journal entries without a database: each balances, carries its event's key, and a whole month
(bill, each done visit's credit, the refund) leaves nothing on the account the visits wait in, to the paisa."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from engagement_factory import activated, cook_terms, requested

from catalog.engagement_terms import BillingMode, Month
from catalog.finder_fee import FeeKind, FinderFee
from fulfillment.engagement import Engagement
from fulfillment.engagement_money import (
    bill_entry,
    engagement_of_key,
    refund_entry,
    visit_entry,
    waiting_account,
)
from fulfillment.engagement_visits import Visit
from fulfillment.ledger import ADVANCES, TAX, JournalEntry, LedgerError, receivable
from fulfillment.order import Channel
from fulfillment.settlement import SettlementPolicy

POLICY = SettlementPolicy(commission_percent=Decimal("10"))
START = date(2027, 3, 17)  # a prorated first month: 15 visits in March


def done_visits(engagement: Engagement, first: date, last: date, *, skip: frozenset[date] = frozenset(),
                substitute_on: frozenset[date] = frozenset()) -> list[Visit]:
    visits = []
    for plan in engagement.visits(first, last):
        if plan.day in skip:
            continue
        visit = Visit(engagement.id, plan.day, plan.start, plan.end, "W1")
        if plan.day in substitute_on:
            visit = visit.cover("W2")
        worker_id = visit.worker_id or ""
        begun, _ = visit.issue_otp(worker_id, "4821", at=plan.start).start_with_otp(
            worker_id, "4821", matches=lambda otp_hash, otp: otp_hash == otp, at=plan.start)
        visits.append(begun.complete(worker_id, at=plan.end))
    return visits


def balances(entries: list[JournalEntry]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        for posting in entry.postings:
            sums[posting.account.code] += posting.amount
    return {code: amount for code, amount in sums.items() if amount}


def test_an_advance_month_bill_credits_and_refund_add_up_and_empty_the_advances() -> None:
    engagement = activated(requested(START))
    march = Month(2027, 3)
    bill = engagement.bill(march, completed=0)
    billed = bill_entry(engagement, bill)
    assert billed.event_key == "engagement:EN-1:2027-03:billed" and bill.prorated
    assert {p.account: p.amount for p in billed.postings} == {
        receivable("bap.example"): Decimal("4425.00"), ADVANCES: Decimal("-3750.00"), TAX: Decimal("-675.00")}
    missed = date(2027, 3, 21)
    visits = done_visits(engagement, START, march.last, skip=frozenset({missed}), substitute_on=frozenset({START}))
    credits = [visit_entry(engagement, visit, POLICY) for visit in visits]
    refund = engagement.refund(bill, completed=len(visits))
    refunded = refund_entry(engagement, march, refund)
    assert refunded is not None and refunded.event_key == "engagement:EN-1:2027-03:refunded"
    sums = balances([billed, *credits, refunded])
    assert ADVANCES.code not in sums  # every prepaid rupee was earned or given back
    assert sums == {
        "receivable:bap.example": Decimal("4425.00"),
        "refunds_payable:bap.example": Decimal("-295.00"),  # one visit, 250.00 + its share of the GST
        "tax_payable": Decimal("-630.00"),
        "commission": Decimal("-350.00"),
        "wallet:W1": Decimal("-2925.00"),  # 13 visits at 225.00
        "wallet:W2": Decimal("-225.00"),  # the substitute's one
    }
    assert {engagement_of_key(entry.event_key) for entry in credits} == {"EN-1"}
    assert len({entry.event_key for entry in credits}) == 14


def test_an_arrears_month_charges_the_visits_done_and_clears_the_unbilled_visits() -> None:
    engagement = activated(requested(START, terms=cook_terms(BillingMode.ARREARS)))
    march = Month(2027, 3)
    visits = done_visits(engagement, START, march.last, skip=frozenset({date(2027, 3, 20), date(2027, 3, 21)}))
    credits = [visit_entry(engagement, visit, POLICY) for visit in visits]
    billed = bill_entry(engagement, engagement.bill(march, completed=len(visits)))
    sums = balances([*credits, billed])
    assert waiting_account(engagement).code == "unbilled:engagement-EN-1"
    assert waiting_account(engagement).code not in sums
    assert sums["receivable:bap.example"] == Decimal("3835.00")  # 13 visits, 3250.00 + 585.00 GST
    assert sums["wallet:W1"] == Decimal("-2925.00")


def test_a_visit_credit_takes_the_finder_fee_and_commission_as_a_one_off_order_would() -> None:
    engagement = activated(requested(START))
    visit = done_visits(engagement, START, START)[0]
    entry = visit_entry(engagement, visit, POLICY, FinderFee(FeeKind.PERCENT, Decimal("4")))
    assert entry.event_key == "engagement:EN-1:2027-03-17:completed"
    assert {p.account.code: p.amount for p in entry.postings} == {
        "advances": Decimal("250.00"), "commission": Decimal("-25.00"), "finder_fee_payable:bap.example":
        Decimal("-10.00"), "wallet:W1": Decimal("-215.00")}
    assert engagement.visit_credit(POLICY, FinderFee(FeeKind.PERCENT, Decimal("4"))) == Decimal("215.00")


def test_only_a_done_visit_is_credited_and_a_month_with_every_visit_done_refunds_nothing() -> None:
    engagement = activated(requested(START))
    plan = engagement.visits(START, START)[0]
    with pytest.raises(LedgerError):
        visit_entry(engagement, Visit("EN-1", START, plan.start, plan.end, "W1"), POLICY)
    bill = engagement.bill(Month(2027, 3), completed=0)
    assert refund_entry(engagement, Month(2027, 3), engagement.refund(bill, completed=15)) is None


def test_an_engagement_of_no_buyer_app_is_not_billed_yet() -> None:
    engagement = requested(START)
    engagement.channel = Channel("helpline", "ONDC:SRV11", "std:0522", None)
    with pytest.raises(LedgerError, match="buyer app"):
        bill_entry(engagement, engagement.bill(Month(2027, 3), completed=0))
