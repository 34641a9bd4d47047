"""The dashboard's calendar is India's; rates and waits are rounded as people read them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from fulfillment.figures import CHART_DAYS, minutes, percent, periods_at


def test_days_and_months_begin_at_midnight_in_india() -> None:
    # 20:00 UTC on 31 January is 01:30 on 1 February in India
    periods = periods_at(datetime(2026, 1, 31, 20, 0, tzinfo=UTC))
    assert periods.today_start == datetime(2026, 1, 31, 18, 30, tzinfo=UTC)
    assert periods.month_start == datetime(2026, 1, 31, 18, 30, tzinfo=UTC)
    assert periods.chart_days[-1] == date(2026, 2, 1) and len(periods.chart_days) == CHART_DAYS
    assert periods.chart_days[0] == date(2026, 1, 3)
    assert periods.chart_start == datetime(2026, 1, 2, 18, 30, tzinfo=UTC)


def test_mid_month() -> None:
    periods = periods_at(datetime(2026, 3, 15, 6, 0, tzinfo=UTC))
    assert periods.today_start == datetime(2026, 3, 14, 18, 30, tzinfo=UTC)
    assert periods.month_start == datetime(2026, 2, 28, 18, 30, tzinfo=UTC)


def test_rates_and_waits_to_one_decimal_place() -> None:
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(0, 0) is None  # no bookings: no rate, rather than 0 %
    assert minutes(Decimal("754.2")) == Decimal("12.6")
    assert minutes(0) == Decimal("0.0")
    assert minutes(None) is None
