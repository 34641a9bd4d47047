"""Schedule rules: open days, opening hours in IST, holidays, lead time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from catalog.model import Availability
from catalog.schedule import IST, first_start_within, open_slots

WEEKDAYS = Availability(
    days=frozenset(range(1, 6)), opens=time(9), closes=time(18), holidays=frozenset({date(2025, 1, 7)})
)
NOW = datetime(2025, 1, 5, 12, 0, tzinfo=UTC)  # a Sunday


def ist(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 1, day, hour, minute, tzinfo=IST)


def test_slot_inside_opening_hours_is_served() -> None:
    start = first_start_within(WEEKDAYS, 60, ist(6, 10), ist(6, 11), now=NOW)
    assert start == ist(6, 10)


def test_job_must_finish_before_closing() -> None:
    assert first_start_within(WEEKDAYS, 120, ist(6, 16, 30), ist(6, 17, 30), now=NOW) is None
    assert first_start_within(WEEKDAYS, 60, ist(6, 16, 30), ist(6, 17, 30), now=NOW) == ist(6, 16, 30)


def test_closed_days_and_holidays_are_refused() -> None:
    assert first_start_within(WEEKDAYS, 60, ist(4, 10), ist(4, 11), now=NOW) is None  # Saturday
    assert first_start_within(WEEKDAYS, 60, ist(7, 10), ist(7, 11), now=NOW) is None  # holiday


def test_past_and_too_soon_are_refused() -> None:
    now = ist(6, 10).astimezone(UTC)
    assert first_start_within(WEEKDAYS, 60, ist(6, 10), ist(6, 10, 20), now=now) is None
    assert first_start_within(WEEKDAYS, 60, ist(6, 10), ist(6, 11), now=now) == ist(6, 10, 30)


def test_open_slots_skip_closed_days() -> None:
    slots = open_slots(WEEKDAYS, 60, now=NOW, count=10)
    assert len(slots) == 10
    starts = [start.astimezone(IST) for start, _ in slots]
    assert starts[0] == ist(6, 9)
    assert all(start.isoweekday() <= 5 and start.date() != date(2025, 1, 7) for start in starts)
    assert all(end - start == (slots[0][1] - slots[0][0]) for start, end in slots)
