"""The Order aggregate without a database: a confirm goes through the state machine and raises its events."""

from datetime import timedelta
from decimal import Decimal

import pytest
from order_factory import CONFIRMED_AT as NOW
from order_factory import HELPLINE, QUOTE, confirmed_order

from fulfillment.order import BuyerApp, Channel, Order, PaymentTerms, Quote, QuoteLine, Slot, channel_kind
from fulfillment.start_otp import MAX_OTP_ATTEMPTS, OTP_VALIDITY
from fulfillment.states import Event, FulfillmentState, OrderStatus
from schemas.errors import INVALID_OTP
from schemas.refusal import Refusal


def test_a_confirmed_order_is_accepted_through_the_state_machine_and_logs_created_then_accepted() -> None:
    order = confirmed_order()
    assert (order.status, order.fulfillment_state, order.version) == (OrderStatus.ACCEPTED, FulfillmentState.PENDING, 1)
    assert [(event.kind, event.actor, dict(event.detail)) for event in order.pending_events] == [
        ("Created", "bap.example", {}),
        ("Accepted", "system", {"item_version": 3, "total": "590.00"}),
    ]
    assert order.progress.updated_at == order.created_at == NOW


def test_the_quote_keeps_its_amounts_as_decimal_and_its_wire_snapshot() -> None:
    quote = Quote.from_snapshot(QUOTE)
    assert (quote.total, quote.currency) == (Decimal("590.00"), "INR")
    assert quote.lines == (QuoteLine("Tap repair", Decimal("500.00")), QuoteLine("tax", Decimal("90.00")))
    assert quote.snapshot is QUOTE
    assert Quote.from_snapshot(QUOTE, total=Decimal("590.00")).total == Decimal("590.00")


def test_payment_terms_read_the_agreed_payment() -> None:
    terms = confirmed_order().progress.payment
    assert (terms.type, terms.collected_by, terms.status) == ("ON-FULFILLMENT", "BPP", "NOT-PAID")


def test_storing_clears_the_pending_events_and_sets_the_version() -> None:
    order = confirmed_order()
    order.stored(2)
    assert (order.pending_events, order.version) == ((), 2)



def test_a_step_moves_the_order_and_is_logged_as_the_event() -> None:
    order = confirmed_order()
    order.stored(1)
    later = NOW.replace(hour=10)
    order.advance(Event.TRAVELLING, actor="worker:W1", at=later)
    assert (order.status, order.fulfillment_state) == (OrderStatus.IN_PROGRESS, FulfillmentState.IN_TRANSIT)
    assert order.progress.updated_at == later
    assert [(event.kind, event.actor) for event in order.pending_events] == [("travelling", "worker:W1")]


def test_a_step_the_state_machine_forbids_changes_nothing() -> None:
    order = confirmed_order()
    order.stored(1)
    with pytest.raises(Refusal) as refused:
        order.advance(Event.COMPLETED, actor="worker:W1", at=NOW)
    assert refused.value.code == "20007"
    assert (order.status, order.pending_events) == (OrderStatus.ACCEPTED, ())


def _assigned(prepaid: bool = False) -> Order:
    prepayment = PaymentTerms({"type": "PRE-FULFILLMENT", "status": "PAID"})
    order = confirmed_order(payment=prepayment) if prepaid else confirmed_order()
    order.stored(1)
    order.assign_worker("W1", gps="26.85,80.95", at=NOW)
    return order


def _at_the_door(prepaid: bool = False) -> Order:
    order = _assigned(prepaid)
    order.advance(Event.TRAVELLING, actor="worker:W1", at=NOW)
    order.advance(Event.ARRIVED, actor="worker:W1", at=NOW)
    order.issue_start_otp("hash-of-1234", at=NOW)
    order.stored(2)
    return order


def _matches(otp_hash: str, otp: str) -> bool:
    return otp_hash == f"hash-of-{otp}"


def test_assigning_a_worker_records_who_and_where_and_ends_the_need_for_one() -> None:
    order = confirmed_order()
    assert order.needs_worker
    order.assign_worker("W1", gps="26.85,80.95", at=NOW)
    assert (order.worker_id, order.progress.worker_assigned_gps) == ("W1", "26.85,80.95")
    assert not order.needs_worker
    assert (order.pending_events[-1].kind, order.pending_events[-1].actor) == ("assigned", "worker:W1")


def test_an_otp_is_issued_only_at_the_door_and_resets_the_count() -> None:
    order = _assigned()
    with pytest.raises(Refusal) as early:
        order.issue_start_otp("h", at=NOW)
    assert early.value.code == "20007" and early.value.message_hi
    order = _at_the_door()
    assert (order.progress.otp_hash, order.progress.otp_attempts) == ("hash-of-1234", 0)


def test_the_right_otp_starts_the_service_and_is_used_up() -> None:
    order = _at_the_door()
    order.start_with_otp("1234", matches=_matches, issued_at=NOW, at=NOW + timedelta(minutes=1))
    assert order.fulfillment_state is FulfillmentState.SERVICE_STARTED
    assert (order.progress.otp_hash, order.pending_events[-1].kind) == (None, "started")


def test_a_wrong_otp_counts_and_after_the_limit_even_the_right_one_is_refused() -> None:
    order = _at_the_door()
    for tries_left in range(MAX_OTP_ATTEMPTS - 1, -1, -1):
        with pytest.raises(Refusal) as wrong:
            order.start_with_otp("9999", matches=_matches, issued_at=NOW, at=NOW)
        assert wrong.value.code == INVALID_OTP.code
        assert order.progress.otp_attempts == MAX_OTP_ATTEMPTS - tries_left and order.has_changes
    with pytest.raises(Refusal):
        order.start_with_otp("1234", matches=_matches, issued_at=NOW, at=NOW)
    assert order.progress.otp_attempts == MAX_OTP_ATTEMPTS  # no longer counted
    assert order.fulfillment_state is FulfillmentState.AT_LOCATION


def test_an_expired_otp_is_refused_without_counting() -> None:
    order = _at_the_door()
    with pytest.raises(Refusal) as expired:
        order.start_with_otp("1234", matches=_matches, issued_at=NOW, at=NOW + OTP_VALIDITY + timedelta(seconds=1))
    assert expired.value.code == "otp_expired"
    assert not order.has_changes


def _started(prepaid: bool = False) -> Order:
    order = _at_the_door(prepaid)
    order.start_with_otp("1234", matches=_matches, issued_at=NOW, at=NOW)
    return order


def test_completing_a_cash_order_takes_exactly_the_fee_and_marks_it_paid() -> None:
    order = _started()
    assert order.cash_due == Decimal("590.00")
    wrong = ((None, "amount_required"), (Decimal("600"), "overcharge"), (Decimal("500"), "amount_mismatch"))
    for amount, code in wrong:
        with pytest.raises(Refusal) as refused:
            order.complete(amount, at=NOW)
        assert refused.value.code == code
    order.complete(Decimal("590.00"), at=NOW)
    assert order.status is OrderStatus.COMPLETED
    assert order.payment.status == "PAID"
    assert order.payment.snapshot["params"]["transaction_id"] == "order:SM-1:completed"
    assert order.pending_events[-1].detail == {"amount_collected": "590.00"}


def test_a_prepaid_order_takes_no_cash() -> None:
    order = _started(prepaid=True)
    assert order.cash_due is None
    with pytest.raises(Refusal) as refused:
        order.complete(Decimal("1"), at=NOW)
    assert refused.value.code == "overcharge"
    order.complete(None, at=NOW)
    assert order.status is OrderStatus.COMPLETED
    assert order.payment.snapshot == {"type": "PRE-FULFILLMENT", "status": "PAID"}  # nothing to record


def test_a_buyer_cancellation_records_reason_fee_and_state() -> None:
    order = confirmed_order()
    charge = order.cancel_by_buyer("012", at=NOW)
    assert (order.status, order.fulfillment_state) == (OrderStatus.CANCELLED, FulfillmentState.CANCELLED)
    assert order.progress.cancellation == {
        "who": "buyer", "reason_id": "012", "fee": str(charge.fee), "state_when_cancelled": "Pending",
        "at": NOW.isoformat(),
    }
    assert order.pending_events[-1].actor == "bap.example"


def test_a_refused_buyer_cancellation_changes_nothing() -> None:
    order = confirmed_order()
    order.stored(1)
    with pytest.raises(Refusal):
        order.cancel_by_buyer("not-a-reason", at=NOW)
    assert not order.has_changes


def test_no_worker_cancels_as_the_provider() -> None:
    order = confirmed_order()
    order.cancel_for_no_worker("nobody near", at=NOW)
    assert order.status is OrderStatus.CANCELLED
    assert order.progress.cancellation is not None and order.progress.cancellation["reason_id"] == "022"
    assert (order.pending_events[-1].actor, order.pending_events[-1].detail) == ("system", {"reason": "nobody near"})


def test_a_reschedule_moves_the_slot_and_adds_the_fee_to_the_quote() -> None:
    order = confirmed_order()
    wanted = Slot(NOW + timedelta(days=1), NOW + timedelta(days=1, hours=1))
    order.reschedule(wanted, Decimal("50.00"), at=NOW)
    assert order.slot == wanted and order.quote.total == Decimal("640.00")
    assert order.quote.lines[-1] == QuoteLine("reschedule_fee", Decimal("50.00"))
    assert order.status is OrderStatus.ACCEPTED  # a reschedule keeps the state


def test_a_reschedule_after_setting_off_is_refused() -> None:
    order = _assigned()
    order.advance(Event.TRAVELLING, actor="worker:W1", at=NOW)
    with pytest.raises(Refusal):
        order.reschedule(Slot(NOW, NOW + timedelta(hours=1)), Decimal("0"), at=NOW)
    assert order.slot != Slot(NOW, NOW + timedelta(hours=1))


@pytest.mark.parametrize(("name", "kind"), [
    ("ondc:bap.example", "ondc"), ("helpline", "helpline"), ("kiosk:JSK-226001-7", "kiosk"),
    ("department:PWD-LKO", "department"),
])
def test_every_channel_name_has_its_kind(name: str, kind: str) -> None:
    assert channel_kind(name) == kind


@pytest.mark.parametrize("name", ["ondc", "ondc:", "helpline:7", "kiosk", "department:", "app:x", ""])
def test_a_name_no_channel_has_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="is not ondc:<bap_id>"):
        channel_kind(name)


def test_only_an_ondc_channel_names_a_buyer_app_and_it_is_its_own() -> None:
    ondc = Channel.ondc("bap.example", "https://bap.example/beckn", "ONDC:SRV11", "std:0522")
    assert (ondc.name, ondc.kind, ondc.bap_id, ondc.actor) == ("ondc:bap.example", "ondc", "bap.example", "bap.example")
    assert (HELPLINE.kind, HELPLINE.bap_id, HELPLINE.actor) == ("helpline", None, "helpline")
    app = BuyerApp("bap.example", "https://bap.example/beckn")
    with pytest.raises(ValueError, match="an ONDC channel"):
        Channel("ondc:other.example", "ONDC:SRV11", "std:0522", app)
    with pytest.raises(ValueError, match="an ONDC channel"):
        Channel("ondc:bap.example", "ONDC:SRV11", "std:0522")
    with pytest.raises(ValueError, match="an ONDC channel"):
        Channel("helpline", "ONDC:SRV11", "std:0522", app)


PENDING_FEE_50 = {"cancellation_terms": [{
    "fulfillment_state": {"descriptor": {"code": "Pending"}},
    "cancellation_fee": {"amount": {"currency": "INR", "value": "50.00"}},
}]}


def test_a_helpline_caller_who_pays_at_the_visit_cancels_free_and_the_operator_is_the_actor() -> None:
    assert confirmed_order(terms=PENDING_FEE_50).cancel_by_buyer("012", at=NOW).fee == Decimal("50.00")
    order = confirmed_order(channel=HELPLINE, terms=PENDING_FEE_50)
    assert order.pending_events[0].actor == "helpline"
    charge = order.cancel_by_buyer("012", at=NOW, actor="staff:op-1")
    assert charge.fee == Decimal("0.00") and order.progress.cancellation is not None
    assert order.progress.cancellation["fee"] == "0.00"
    assert order.pending_events[-1].actor == "staff:op-1"


def test_a_reschedule_names_who_asked_for_it() -> None:
    order = confirmed_order(channel=HELPLINE)
    order.reschedule(Slot(NOW + timedelta(days=1), NOW + timedelta(days=1, hours=1)), Decimal("0"), at=NOW,
                     actor="staff:op-1")
    assert order.pending_events[-1].actor == "staff:op-1"
