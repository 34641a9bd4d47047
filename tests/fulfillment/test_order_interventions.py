"""What staff see of an order and may do to it, on the aggregate alone: give it to another worker, cancel it for the
provider, move its visit, refund its cancellation fee, each recorded with the officer and her reason; where its
start OTP stands, whether it is late, and where the worker took each step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from order_factory import CONFIRMED_AT as NOW
from order_factory import confirmed_order

from fulfillment.cancellation import PROVIDER_REASONS
from fulfillment.order import FEE_REFUNDED, Order, Slot
from fulfillment.start_otp import MAX_OTP_ATTEMPTS, OTP_VALIDITY, OtpStatus
from fulfillment.states import Event, FulfillmentState, OrderStatus
from schemas.refusal import Refusal

OFFICER = "staff:officer-1"
LATER = NOW + timedelta(minutes=20)
OTHER_SLOT = Slot(NOW + timedelta(days=2), NOW + timedelta(days=2, hours=2))
PENDING_TERMS = {"cancellation_terms": [{
    "fulfillment_state": {"descriptor": {"code": "Pending"}},
    "cancellation_fee": {"amount": {"currency": "INR", "value": "50.00"}},
}]}


def stored(order: Order) -> Order:
    order.stored(order.version)
    return order


def held_by(worker_id: str) -> Order:
    order = stored(confirmed_order())
    order.assign_worker(worker_id, gps="26.85,80.95", at=NOW)
    return stored(order)


def test_reassigning_hands_the_order_to_the_new_worker_and_names_the_old_one_and_the_officer() -> None:
    order = held_by("W1")
    previous = order.reassign_worker("W2", gps="26.86,80.94", at=LATER, actor=OFFICER, reason=" W1 is unwell ")
    assert previous == "W1"
    assert (order.worker_id, order.progress.worker_assigned_gps) == ("W2", "26.86,80.94")
    assert (order.status, order.fulfillment_state) == (OrderStatus.ACCEPTED, FulfillmentState.PENDING)
    [event] = order.pending_events
    assert (event.kind, event.actor, event.at) == (Event.ASSIGNED.value, OFFICER, LATER)
    assert dict(event.detail) == {
        "worker_id": "W2", "previous_worker_id": "W1", "gps": "26.86,80.94", "reason": "W1 is unwell",
    }


def test_an_order_nobody_took_can_be_given_to_a_worker() -> None:
    order = stored(confirmed_order())
    assert order.reassign_worker("W2", gps="26.86,80.94", at=LATER, actor=OFFICER, reason="called her") is None
    assert order.worker_id == "W2" and not order.needs_worker


@pytest.mark.parametrize("step", [Event.TRAVELLING, Event.ARRIVED])
def test_once_the_worker_set_off_the_order_cannot_change_hands(step: Event) -> None:
    order = held_by("W1")
    order.advance(Event.TRAVELLING, actor="worker:W1", at=NOW)
    if step is Event.ARRIVED:
        order.advance(Event.ARRIVED, actor="worker:W1", at=NOW)
    stored(order)
    with pytest.raises(Refusal) as refused:
        order.reassign_worker("W2", gps="26.86,80.94", at=LATER, actor=OFFICER, reason="late")
    assert "cancel it instead" in refused.value.message and refused.value.message_hi
    assert order.worker_id == "W1" and not order.has_changes


def test_the_same_worker_or_no_reason_is_refused_and_changes_nothing() -> None:
    order = held_by("W1")
    with pytest.raises(Refusal) as same:
        order.reassign_worker("W1", gps="26.86,80.94", at=LATER, actor=OFFICER, reason="again")
    assert same.value.field == "worker_id"
    with pytest.raises(Refusal) as blank:
        order.reassign_worker("W2", gps="26.86,80.94", at=LATER, actor=OFFICER, reason="   ")
    assert blank.value.field == "reason" and blank.value.message_hi
    assert order.worker_id == "W1" and not order.has_changes


def test_a_finished_order_cannot_be_reassigned() -> None:
    order = held_by("W1")
    order.cancel_by_provider("016", at=NOW, actor=OFFICER, reason="flooded road")
    with pytest.raises(Refusal):
        order.reassign_worker("W2", gps="26.86,80.94", at=LATER, actor=OFFICER, reason="late")


def test_cancelling_for_the_provider_is_free_and_records_the_code_the_officer_and_her_note() -> None:
    order = held_by("W1")
    order.cancel_by_provider("011", at=LATER, actor=OFFICER, reason="phone switched off since morning")
    assert (order.status, order.fulfillment_state) == (OrderStatus.CANCELLED, FulfillmentState.CANCELLED)
    assert order.progress.cancellation == {
        "who": "provider", "reason_id": "011", "note": "phone switched off since morning", "fee": "0.00",
        "by": OFFICER, "at": LATER.isoformat(),
    }
    assert order.cancellation_fee_due == Decimal("0.00")
    [event] = order.pending_events
    assert (event.kind, event.actor) == (Event.CANCELLED.value, OFFICER)
    assert dict(event.detail) == {"reason_id": "011", "fee": "0.00", "reason": "phone switched off since morning"}


def test_the_provider_cancels_even_a_started_service() -> None:
    order = held_by("W1")
    for step in (Event.TRAVELLING, Event.ARRIVED):
        order.advance(step, actor="worker:W1", at=NOW)
    order.issue_start_otp("hash", at=NOW)
    order.start_with_otp("1234", matches=lambda _hash, _otp: True, issued_at=NOW, at=NOW)
    order.cancel_by_provider("005", at=LATER, actor=OFFICER, reason="the worker left the job half done")
    assert order.status is OrderStatus.CANCELLED


def test_a_buyer_reason_or_an_unknown_code_is_not_the_providers() -> None:
    order = held_by("W1")
    for code in ("012", "999"):
        with pytest.raises(Refusal) as refused:
            order.cancel_by_provider(code, at=LATER, actor=OFFICER, reason="no")
        assert refused.value.field == "reason_id" and ", ".join(sorted(PROVIDER_REASONS)) in refused.value.message
    assert not order.has_changes


def test_staff_move_the_visit_free_and_the_audit_keeps_their_reason() -> None:
    order = held_by("W1")
    wanted = Slot(NOW + timedelta(days=1), NOW + timedelta(days=1, hours=2))
    order.reschedule(wanted, Decimal("0.00"), at=LATER, actor=OFFICER, reason="customer asked on the phone")
    assert order.slot == wanted and order.quote.total == Decimal("590.00")
    [event] = order.pending_events
    assert (event.actor, event.detail["reason"]) == (OFFICER, "customer asked on the phone")
    with pytest.raises(Refusal) as blank:
        order.reschedule(OTHER_SLOT, Decimal("0.00"), at=LATER, actor=OFFICER, reason="")
    assert blank.value.field == "reason" and order.slot == wanted


def test_a_cancellation_fee_is_refunded_once_with_the_officer_and_reason() -> None:
    order = stored(confirmed_order(terms=PENDING_TERMS))
    order.cancel_by_buyer("012", at=NOW)
    stored(order)
    assert order.cancellation_fee_due == Decimal("50.00")
    fee = order.refund_cancellation_fee(at=LATER, actor=OFFICER, reason="worker never came")
    assert fee == Decimal("50.00") and order.cancellation_fee_due == Decimal("0.00")
    assert order.progress.cancellation is not None
    assert order.progress.cancellation["fee_refunded"] == {"amount": "50.00", "by": OFFICER, "at": LATER.isoformat()}
    assert order.progress.cancellation["fee"] == "50.00"  # what was charged stays on record
    [event] = order.pending_events
    assert (event.kind, event.actor, dict(event.detail)) == (
        FEE_REFUNDED, OFFICER, {"amount": "50.00", "reason": "worker never came"},
    )
    stored(order)
    with pytest.raises(Refusal) as again:
        order.refund_cancellation_fee(at=LATER, actor=OFFICER, reason="twice")
    assert "already been refunded" in again.value.message and not order.has_changes


def test_no_fee_no_refund() -> None:
    free = held_by("W1")
    free.cancel_by_provider("022", at=NOW, actor=OFFICER, reason="nobody free")
    open_order = held_by("W1")
    for order in (free, open_order):
        with pytest.raises(Refusal) as refused:
            order.refund_cancellation_fee(at=LATER, actor=OFFICER, reason="goodwill")
        assert "no cancellation fee" in refused.value.message


def test_staff_see_where_the_start_otp_stands_without_the_otp() -> None:
    order = held_by("W1")
    assert order.start_otp_state(None, NOW).status is OtpStatus.NOT_ISSUED
    for step in (Event.TRAVELLING, Event.ARRIVED):
        order.advance(step, actor="worker:W1", at=NOW)
    order.issue_start_otp("hash-of-1234", at=NOW)
    valid = order.start_otp_state(NOW, NOW + timedelta(minutes=5))
    assert (valid.status, valid.valid_to, valid.wrong_tries, valid.tries_left) == (
        OtpStatus.VALID, NOW + OTP_VALIDITY, 0, MAX_OTP_ATTEMPTS)
    assert "hash" not in repr(valid)
    assert order.start_otp_state(NOW, NOW + OTP_VALIDITY + timedelta(seconds=1)).status is OtpStatus.EXPIRED
    for _ in range(MAX_OTP_ATTEMPTS):
        with pytest.raises(Refusal):
            order.start_with_otp("0000", matches=lambda _hash, otp: otp == "1234", issued_at=NOW, at=NOW)
    locked = order.start_otp_state(NOW, NOW)
    assert (locked.status, locked.tries_left) == (OtpStatus.LOCKED, 0)
    order.issue_start_otp("hash-of-5678", at=LATER)
    order.start_with_otp("5678", matches=lambda _hash, otp: otp == "5678", issued_at=LATER, at=LATER)
    assert order.start_otp_state(LATER, LATER).status is OtpStatus.USED


def test_an_otp_of_an_order_cancelled_at_the_door_no_longer_counts() -> None:
    order = held_by("W1")
    for step in (Event.TRAVELLING, Event.ARRIVED):
        order.advance(step, actor="worker:W1", at=NOW)
    order.issue_start_otp("hash", at=NOW)
    order.cancel_by_provider("015", at=NOW, actor=OFFICER, reason="nobody opened the door")
    assert order.start_otp_state(NOW, NOW).status is OtpStatus.EXPIRED


def test_an_order_is_late_once_its_window_passed_without_the_worker_at_the_door() -> None:
    order = held_by("W1")
    assert order.slot is not None
    assert not order.is_late(order.slot.end)
    assert order.is_late(order.slot.end + timedelta(seconds=1))
    order.advance(Event.TRAVELLING, actor="worker:W1", at=NOW)
    assert order.is_late(order.slot.end + timedelta(seconds=1))
    order.advance(Event.ARRIVED, actor="worker:W1", at=NOW)
    assert not order.is_late(order.slot.end + timedelta(hours=5))
    finished = held_by("W1")
    finished.cancel_by_provider("022", at=NOW, actor=OFFICER, reason="nobody")
    assert not finished.is_late(NOW + timedelta(days=1))


def test_each_step_of_the_worker_keeps_where_she_took_it() -> None:
    order = held_by("W1")
    order.advance(Event.TRAVELLING, actor="worker:W1", at=NOW, place="26.8600,80.9400")
    order.advance(Event.ARRIVED, actor="worker:W1", at=NOW, place="26.8467,80.9462")
    order.issue_start_otp("hash", at=NOW)
    order.start_with_otp("1234", matches=lambda _hash, _otp: True, issued_at=NOW, at=NOW, place="26.8467,80.9462")
    order.complete(Decimal("590.00"), at=LATER, place="26.8468,80.9461")
    places = {event.kind: event.detail.get("gps") for event in order.pending_events}
    assert places == {"travelling": "26.8600,80.9400", "arrived": "26.8467,80.9462", "otp-issued": None,
                      "started": "26.8467,80.9462", "completed": "26.8468,80.9461"}
    unknown = held_by("W1")
    unknown.advance(Event.TRAVELLING, actor="worker:W1", at=NOW)
    assert "gps" not in unknown.pending_events[0].detail
