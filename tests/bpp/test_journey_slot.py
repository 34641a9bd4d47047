"""The simulated buyer app books a window the item advertises, whatever the hour it runs at."""

from datetime import UTC, datetime

import pytest

from bpp.simulator.journey import JourneyFailed, _first_slot

ITEM = {
    "id": "SM-LKO-PLUMBER-TAP",
    "tags": [{"descriptor": {"code": "timing"},
              "list": [{"descriptor": {"code": "time_from"}, "value": "0800"},
                       {"descriptor": {"code": "time_to"}, "value": "2000"}]}],
    "time": {"label": "validity", "duration": "PT60M", "days": "1,2,3,4,5,6,7",
             "schedule": {"frequency": "PT60M", "holidays": ["2026-12-04T00:00:00.000Z"]}},
}


def test_an_evening_run_books_the_next_open_morning_skipping_a_holiday() -> None:
    # 19:30 IST on 3 December: today's last window (19:00) has begun, 4 December is a holiday
    start, end = _first_slot(ITEM, earliest=datetime(2026, 12, 3, 14, 0, tzinfo=UTC))
    assert (start, end) == (datetime(2026, 12, 5, 2, 30, tzinfo=UTC), datetime(2026, 12, 5, 3, 30, tzinfo=UTC))


def test_a_morning_run_books_the_first_window_from_then() -> None:
    # 10:30 IST: the 11:00 IST window is the first that starts after it
    start, _ = _first_slot(ITEM, earliest=datetime(2026, 12, 3, 5, 0, tzinfo=UTC))
    assert start == datetime(2026, 12, 3, 5, 30, tzinfo=UTC)


def test_an_item_without_its_hours_fails_the_journey_with_the_reason() -> None:
    with pytest.raises(JourneyFailed, match="states no usable availability"):
        _first_slot({"id": "X", "time": {}}, earliest=datetime(2026, 12, 3, 5, 0, tzinfo=UTC))
