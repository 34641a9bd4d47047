"""Kiosk money rules: the fee taken at the counter, the worker paid at completion as on any channel, the kiosk's
commission, refunds out of the kiosk's cash, deposits, the statement, and the district a kiosk books in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from order_factory import CONFIRMED_AT, confirmed_order

from fulfillment.kiosk import (
    COLLECTION,
    DEPOSIT,
    OUTSIDE_DISTRICT,
    KioskTerms,
    Movement,
    check_booking_district,
    collection_entry,
    commission_for_booking,
    deposit_entry,
    kiosk_terms,
    paid_at_kiosk,
    statement,
)
from fulfillment.ledger import (
    ADVANCES,
    COMMISSION,
    KIOSK_COMMISSION,
    AccountKind,
    JournalEntry,
    LedgerError,
    kiosk_cash,
    wallet,
)
from fulfillment.order import Channel, Order, PaymentTerms
from fulfillment.settlement import (
    PaymentMode,
    SettlementPolicy,
    cancellation_entry,
    completion_entry,
    fee_refund_entry,
    terms_from_order,
)
from fulfillment.states import Event
from schemas.refusal import Refusal

POLICY = SettlementPolicy(commission_percent=Decimal("10"))
KIOSK = KioskTerms("K1", Decimal("590.00"), Decimal("10.00"))


def kiosk_order(terms: KioskTerms = KIOSK, worker: str | None = "W1") -> Order:
    """An order kiosk K1 booked at 590 (the factory's quote, no tax line), held by `worker` if one is named."""
    order = confirmed_order(channel=Channel(f"kiosk:{terms.kiosk_id}", "ONDC:SRV11", "std:0522"),
                            payment=PaymentTerms(paid_at_kiosk("SM-1", terms)))
    if worker is not None:
        order.assign_worker(worker, gps="26.85,80.95", at=CONFIRMED_AT)
    return order


def amounts(entry: JournalEntry | None) -> dict[object, Decimal]:
    assert entry is not None
    return {posting.account: posting.amount for posting in entry.postings}


def started(order: Order) -> Order:
    at = CONFIRMED_AT + timedelta(hours=1)
    order.advance(Event.TRAVELLING, actor="worker:W1", at=at)
    order.advance(Event.ARRIVED, actor="worker:W1", at=at)
    order.issue_start_otp("hash", at=at)
    order.start_with_otp("1234", matches=lambda _hash, _otp: True, issued_at=at, at=at)
    return order


def completed(order: Order) -> Order:
    started(order).complete(None, at=CONFIRMED_AT + timedelta(hours=2))
    return order


def test_the_payment_says_paid_at_the_kiosk_and_reads_back() -> None:
    payment = paid_at_kiosk("SM-1", KIOSK)
    assert (payment["type"], payment["collected_by"], payment["status"]) == ("PRE-FULFILLMENT", "BPP", "PAID")
    assert payment["params"] == {"amount": "590.00", "currency": "INR", "transaction_id": "order:SM-1:paid-at-kiosk"}
    assert kiosk_terms(payment) == KIOSK
    with pytest.raises(LedgerError, match="Kiosk_Collection"):
        kiosk_terms({"params": {"amount": "590.00"}})
    with pytest.raises(LedgerError, match="not an amount"):
        kiosk_terms({**payment, "params": {"amount": "5.9.0"}})


def test_the_worker_collects_nothing_at_the_door() -> None:
    order = started(kiosk_order())
    assert order.cash_due is None
    with pytest.raises(Refusal) as refused:
        order.complete(Decimal("590.00"), at=CONFIRMED_AT + timedelta(hours=2))
    assert refused.value.code == "overcharge"


def test_booking_puts_the_fee_in_the_kiosks_hands_owed_to_the_citizen() -> None:
    entry = collection_entry("SM-1", KIOSK)
    assert entry.event_key == "order:SM-1:paid-at-kiosk"
    assert amounts(entry) == {kiosk_cash("K1"): Decimal("590.00"), ADVANCES: Decimal("-590.00")}
    with pytest.raises(LedgerError, match="positive fee"):
        collection_entry("SM-1", KioskTerms("K1", Decimal("0.00"), Decimal("10.00")))


def test_completion_pays_the_worker_as_on_any_channel_and_the_kiosk_keeps_its_commission() -> None:
    terms = terms_from_order(completed(kiosk_order()))
    assert (terms.mode, terms.bap_id, terms.kiosk) == (PaymentMode.KIOSK_COLLECTS, None, KIOSK)
    entry = completion_entry(terms, POLICY)
    # the factory's quote tags no tax line: the whole 590 is the fee, 10% commission, as for the other channels
    assert amounts(entry) == {
        ADVANCES: Decimal("590.00"), wallet("W1"): Decimal("-531.00"), COMMISSION: Decimal("-59.00"),
        KIOSK_COMMISSION: Decimal("10.00"), kiosk_cash("K1"): Decimal("-10.00"),
    }
    assert not any(p.account.kind is AccountKind.WORKER_CASH for p in entry.postings)
    assert (entry.detail["kiosk_id"], entry.detail["kiosk_commission"], entry.detail["mode"]) == ("K1", "10.00",
                                                                                                   "kiosk")


def test_a_fee_added_after_booking_is_the_kiosks_to_collect() -> None:
    """A reschedule fee raises the order's total above what the kiosk took; the kiosk owes it too."""
    order = kiosk_order()
    order.reschedule(order.slot, Decimal("50.00"), at=CONFIRMED_AT)  # type: ignore[arg-type]
    posted = amounts(completion_entry(terms_from_order(order), POLICY))
    assert posted[ADVANCES] == Decimal("590.00")
    assert posted[kiosk_cash("K1")] == Decimal("40.00")  # 50 to collect less its 10 commission
    assert posted[wallet("W1")] == Decimal("-576.00")


def test_a_free_cancellation_hands_the_citizen_back_everything_out_of_the_kiosks_cash() -> None:
    posted = amounts(cancellation_entry(terms_from_order(kiosk_order(worker=None)), POLICY, Decimal("0")))
    assert posted == {ADVANCES: Decimal("590.00"), kiosk_cash("K1"): Decimal("-590.00")}


def test_a_cancellation_fee_is_kept_and_can_be_given_back_later() -> None:
    terms = terms_from_order(kiosk_order())
    posted = amounts(cancellation_entry(terms, POLICY, Decimal("100.00")))
    assert posted == {ADVANCES: Decimal("590.00"), kiosk_cash("K1"): Decimal("-490.00"),
                      wallet("W1"): Decimal("-90.00"), COMMISSION: Decimal("-10.00")}
    refunded = amounts(fee_refund_entry(terms, POLICY, Decimal("100.00")))
    assert refunded == {kiosk_cash("K1"): Decimal("-100.00"), wallet("W1"): Decimal("90.00"),
                        COMMISSION: Decimal("10.00")}


@given(st.integers(min_value=1, max_value=1_000_000), st.integers(min_value=0, max_value=5_000))
def test_every_kiosk_entry_balances_and_the_full_deposit_leaves_nothing_due(fee_paise: int, rate_paise: int) -> None:
    paid, rate = Decimal(fee_paise) / 100, Decimal(rate_paise) / 100
    terms = KioskTerms("K1", paid, commission_for_booking(rate, paid))
    collected = collection_entry("SM-1", terms)
    order = kiosk_order(terms)
    order.quote = order.quote.from_snapshot({"price": {"currency": "INR", "value": str(paid)}})
    completion = completion_entry(terms_from_order(completed(order)), POLICY)
    due = sum((p.amount for e in (collected, completion) for p in e.postings if p.account == kiosk_cash("K1")),
              Decimal("0.00"))
    assert due == paid - terms.commission
    entries = [collected, completion] + ([deposit_entry("K1", due, "R1", due)] if due else [])
    for entry in entries:
        assert sum(p.amount for p in entry.postings) == 0
    assert sum(p.amount for e in entries for p in e.postings if p.account == kiosk_cash("K1")) == 0


def test_the_commission_is_a_fixed_amount_never_above_the_services_fee() -> None:
    assert commission_for_booking(Decimal("10.00"), Decimal("500.00")) == Decimal("10.00")
    assert commission_for_booking(Decimal("10.00"), Decimal("8.00")) == Decimal("8.00")
    for wrong in (Decimal("-1"), Decimal("0.001")):
        with pytest.raises(LedgerError) as refused:
            commission_for_booking(wrong, Decimal("500.00"))
        assert refused.value.field == "commission" and refused.value.message_hi


def test_a_deposit_moves_the_kiosks_cash_to_the_bank_once_per_slip() -> None:
    entry = deposit_entry("K1", Decimal("580.00"), " SLIP-7 ", Decimal("580.00"))
    assert entry.event_key == "kiosk:K1:deposit:SLIP-7"
    assert {p.account.code: p.amount for p in entry.postings} == {"bank": Decimal("580.00"),
                                                                  "kiosk_cash:K1": Decimal("-580.00")}
    for amount, receipt, field in ((Decimal("580.01"), "S", "amount"), (Decimal("0"), "S", "amount"),
                                   (Decimal("1.001"), "S", "amount"), (Decimal("5"), "  ", "receipt")):
        with pytest.raises(LedgerError) as refused:
            deposit_entry("K1", amount, receipt, Decimal("580.00"))
        assert refused.value.field == field and refused.value.message_hi


def test_the_statement_shows_bookings_commission_refunds_deposits_and_what_is_due() -> None:
    at = CONFIRMED_AT

    def moved(entry_id: int, kind: str, change: str, **detail: str) -> Movement:
        return Movement(entry_id, at, kind, None if kind == DEPOSIT else f"SM-{entry_id}", Decimal(change), detail)

    movements = [
        moved(4, DEPOSIT, "-500.00", receipt="SLIP-1"),
        moved(1, COLLECTION, "590.00"),
        moved(2, COLLECTION, "300.00"),
        moved(3, "completion", "-10.00", kiosk_commission="10.00"),
        moved(5, "cancellation", "-300.00"),
    ]
    shown = statement(Decimal("20.00"), movements)
    assert [line.kind for line in shown.lines] == [COLLECTION, COLLECTION, "completion", DEPOSIT, "cancellation"]
    assert [line.due_after for line in shown.lines] == [Decimal(v) for v in ("610.00", "910.00", "900.00",
                                                                             "400.00", "100.00")]
    assert (shown.bookings, shown.collected, shown.commission) == (2, Decimal("890.00"), Decimal("10.00"))
    assert (shown.refunded, shown.deposited, shown.cash_due) == (Decimal("300.00"), Decimal("500.00"),
                                                                 Decimal("100.00"))
    assert shown.lines[3].receipt == "SLIP-1"
    assert statement(Decimal("20.00"), []).cash_due == Decimal("20.00")


def test_a_kiosk_books_only_in_its_own_district() -> None:
    check_booking_district("std:0522", "Lucknow", "std:0522", "Lucknow")
    with pytest.raises(Refusal) as refused:
        check_booking_district("std:0522", "Lucknow", "std:0512", "Kanpur Nagar")
    assert (refused.value.code, refused.value.field) == (OUTSIDE_DISTRICT, "pincode")
    assert "Lucknow" in refused.value.message and "Kanpur Nagar" in refused.value.message
    assert refused.value.message_hi and "Kanpur Nagar" in refused.value.message_hi
