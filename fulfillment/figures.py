"""The programme's figures as people read them: India's calendar days and months, rates, waits (pure).

The department counts by the day in India, not in UTC: a booking at 00:30 IST belongs to that day although it
is still the day before in UTC. India keeps one offset all year (+05:30, no daylight saving), so a fixed
offset is exact, and the databases can shift timestamps by it without a time-zone table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

IST_OFFSET: Final = timedelta(hours=5, minutes=30)
IST: Final = timezone(IST_OFFSET, "IST")
CHART_DAYS: Final = 30  # the bookings-per-day chart: the last 30 days in India, today included
_TENTH: Final = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Periods:
    """The periods the figures count in, as UTC instants (what the databases store)."""

    now: datetime
    today_start: datetime  # midnight in India today
    month_start: datetime  # midnight in India on the 1st of this month
    chart_start: datetime  # midnight in India CHART_DAYS - 1 days ago
    chart_days: tuple[date, ...]  # the calendar days (in India) of the chart, oldest first


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), IST).astimezone(UTC)


def periods_at(now: datetime) -> Periods:
    """Today, this month and the chart's days, in India's calendar, around `now` (aware)."""
    today = now.astimezone(IST).date()
    days = tuple(today - timedelta(days=back) for back in range(CHART_DAYS - 1, -1, -1))
    return Periods(
        now=now,
        today_start=_midnight(today),
        month_start=_midnight(today.replace(day=1)),
        chart_start=_midnight(days[0]),
        chart_days=days,
    )


def percent(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal place; None when there is no whole to divide."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / whole).quantize(_TENTH, ROUND_HALF_UP)


def minutes(seconds: Decimal | float | None) -> Decimal | None:
    """A wait in seconds as minutes to one decimal place (None stays None: nothing was measured)."""
    if seconds is None:
        return None
    return (Decimal(str(seconds)) / 60).quantize(_TENTH, ROUND_HALF_UP)

