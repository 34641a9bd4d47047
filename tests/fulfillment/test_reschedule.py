"""Reschedule eligibility, the request window, the new slot and the fee."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from catalog.model import Availability, RescheduleTerms
from fulfillment.reschedule import Slot, check_reschedule, reschedule_terms_from_wire
from schemas.refusal import Refusal

NOW = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)  # 09:30 IST, a Monday
BOOKED = Slot(NOW + timedelta(hours=5), NOW + timedelta(hours=6))
WANTED = Slot(NOW + timedelta(days=1, hours=5), NOW + timedelta(days=1, hours=6))
TERMS = (RescheduleTerms(eligible=True, fee=Decimal("25"), within="PT2H", state="Pending"),)
WIRE = {
    "descriptor": {"code": "reschedule_terms"},
    "list": [
        {"descriptor": {"code": "fulfillment_state"}, "value": "Pending"},
        {"descriptor": {"code": "reschedule_eligible"}, "value": "true"},
        {"descriptor": {"code": "reschedule_fee"}, "value": "0.00"},
        {"descriptor": {"code": "reschedule_within"}, "value": "PT1D"},
    ],
}


def test_pending_booking_moves_for_the_fee() -> None:
    assert check_reschedule("Pending", TERMS, BOOKED, WANTED, now=NOW) == Decimal("25.00")


def test_wire_terms_parse() -> None:
    (terms,) = reschedule_terms_from_wire([WIRE])
    assert terms == RescheduleTerms(eligible=True, fee=Decimal("0.00"), within="PT1D", state="Pending")


def test_too_late_inside_the_window() -> None:
    with pytest.raises(Refusal) as refused:
        check_reschedule("Pending", TERMS, BOOKED, WANTED, now=BOOKED.start - timedelta(hours=1))
    assert refused.value.code == "50002"


@pytest.mark.parametrize("state", ["In-Transit", "At-Location", "Service-Started"])
def test_not_eligible_once_the_worker_set_off(state: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_reschedule(state, TERMS, BOOKED, WANTED, now=NOW)
    assert refused.value.code == "50002"


@pytest.mark.parametrize("state", ["Completed", "Cancelled"])
def test_final_orders_are_50008(state: str) -> None:
    with pytest.raises(Refusal) as refused:
        check_reschedule(state, TERMS, BOOKED, WANTED, now=NOW)
    assert refused.value.code == "50008"


def test_past_or_empty_slot_is_90001() -> None:
    past = Slot(NOW - timedelta(hours=1), NOW)
    with pytest.raises(Refusal) as refused:
        check_reschedule("Pending", TERMS, BOOKED, past, now=NOW)
    assert refused.value.code == "90001"
    backwards = Slot(WANTED.end, WANTED.start)
    with pytest.raises(Refusal):
        check_reschedule("Pending", TERMS, BOOKED, backwards, now=NOW)


def test_slot_outside_opening_hours_is_90001() -> None:
    hours = Availability(opens=time(8, 0), closes=time(20, 0))
    night_start = datetime(2026, 3, 3, 17, 30, tzinfo=UTC)  # 23:00 IST
    night = Slot(night_start, night_start + timedelta(hours=1))
    with pytest.raises(Refusal) as refused:
        check_reschedule("Pending", TERMS, BOOKED, night, now=NOW, availability=hours, duration_minutes=60)
    assert refused.value.code == "90001"
    morning_start = datetime(2026, 3, 3, 4, 30, tzinfo=UTC)  # 10:00 IST
    morning = Slot(morning_start, morning_start + timedelta(hours=1))
    fee = check_reschedule("Pending", TERMS, BOOKED, morning, now=NOW, availability=hours, duration_minutes=60)
    assert fee == Decimal("25.00")
