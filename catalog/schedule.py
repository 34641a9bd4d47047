"""When an item can be served: slot checks and the next open slots, in Indian Standard Time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Final

from catalog.model import Availability

IST: Final = timezone(timedelta(hours=5, minutes=30), "IST")
LEAD_TIME: Final = timedelta(minutes=30)  # a worker needs this long to reach a new booking
MAX_SEARCH_DAYS: Final = 31


def _day_window(
    availability: Availability, day: date, duration: timedelta
) -> tuple[datetime, datetime] | None:
    """The first and last possible start on `day`, or None when the item is not served that day."""
    if day.isoweekday() not in availability.days or day in availability.holidays:
        return None
    first = datetime.combine(day, availability.opens, IST)
    last = datetime.combine(day, availability.closes, IST) - duration
    return (first, last) if first <= last else None


def first_start_within(
    availability: Availability,
    duration_minutes: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
) -> datetime | None:
    """The earliest moment in [start, end) at which the job can begin and finish in opening hours."""
    duration = timedelta(minutes=duration_minutes)
    lower = max(start, now + LEAD_TIME).astimezone(IST)
    upper = end.astimezone(IST)
    day = lower.date()
    while day <= upper.date() and (day - lower.date()).days <= MAX_SEARCH_DAYS:
        window = _day_window(availability, day, duration)
        if window is not None:
            begin = max(window[0], lower)
            if begin <= window[1] and begin < upper:
                return begin.astimezone(UTC)
        day += timedelta(days=1)
    return None


def bookable_at(availability: Availability, duration_minutes: int, start: datetime, *, now: datetime) -> bool:
    """True when a job of `duration_minutes` can begin exactly at `start` (in opening hours, after the lead time)."""
    first = first_start_within(availability, duration_minutes, start, start + timedelta(minutes=1), now=now)
    return first == start


def open_slots(
    availability: Availability, duration_minutes: int, *, now: datetime, count: int = 6
) -> list[tuple[datetime, datetime]]:
    """The next `count` bookable arrival windows (start, start + slot length), in UTC."""
    duration = timedelta(minutes=duration_minutes)
    step = timedelta(minutes=availability.slot_minutes)
    earliest = (now + LEAD_TIME).astimezone(IST)
    slots: list[tuple[datetime, datetime]] = []
    day = earliest.date()
    for _ in range(MAX_SEARCH_DAYS):
        window = _day_window(availability, day, duration)
        if window is not None:
            moment = window[0]
            while moment <= window[1] and len(slots) < count:
                if moment >= earliest:
                    slots.append((moment.astimezone(UTC), (moment + step).astimezone(UTC)))
                moment += step
        if len(slots) >= count:
            break
        day += timedelta(days=1)
    return slots


def parse_days(value: str) -> frozenset[int]:
    """`"1,2,3"` (ISO weekdays, 1 = Monday) as a set; raises ValueError on anything else."""
    days = frozenset(int(part) for part in value.split(",") if part.strip())
    if not days or not days <= frozenset(range(1, 8)):
        raise ValueError("days must be numbers 1 (Monday) to 7 (Sunday), e.g. 1,2,3,4,5")
    return days


def format_days(days: frozenset[int]) -> str:
    return ",".join(str(day) for day in sorted(days))


def parse_clock(value: str) -> time:
    """`"08:00"` as a time; raises ValueError otherwise."""
    return time.fromisoformat(value.strip())
