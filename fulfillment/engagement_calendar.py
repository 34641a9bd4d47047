"""One steady worker: whether a worker's calendar is free for a schedule's visits (pure, no I/O).

A worker may hold several engagements and one-off orders; a new visit fits only if, against every visit she already
holds, the gap between the two is at least the time to travel from one place to the other. Her calendar is free for
an engagement when every visit of its whole term fits (`clashes` is empty), so matching keeps her for the term.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from math import ceil
from typing import Final

from fulfillment.geo import haversine_km

ROAD_FACTOR: Final = 1.4  # city roads are about this much longer than the straight line
CITY_SPEED_KMH: Final = 15.0  # a two-wheeler or bus in Lucknow traffic, door to door
MARGIN: Final = timedelta(minutes=10)  # parking, stairs, the gate: added to every move between two places
MAX_TRAVEL: Final = timedelta(hours=3)  # longer journeys count as this; no worker is matched that far away

Point = tuple[float, float]  # (lat, lng)
Travel = Callable[[Point, Point], timedelta]


@dataclass(frozen=True, slots=True)
class Booking:
    """Time a worker is held at a place: a visit of an engagement or a one-off order (`ref` names which)."""

    start: datetime
    end: datetime
    place: Point
    ref: str

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a booking ends after it starts")


def travel_time(origin: Point, destination: Point) -> timedelta:
    """How long a worker needs between two places, rounded up to whole minutes; none at the same place."""
    if origin == destination:
        return timedelta(0)
    km = haversine_km(*origin, *destination) * ROAD_FACTOR
    return min(timedelta(minutes=ceil(km / CITY_SPEED_KMH * 60)) + MARGIN, MAX_TRAVEL)


def fits(a: Booking, b: Booking, travel: Travel = travel_time) -> bool:
    """Whether one worker can do both: one ends at least the travel time before the other starts."""
    if a.start <= b.start:
        return a.end + travel(a.place, b.place) <= b.start
    return b.end + travel(b.place, a.place) <= a.start


def clashes(
    wanted: Iterable[Booking], held: Sequence[Booking], travel: Travel = travel_time
) -> list[tuple[Booking, Booking]]:
    """Each (wanted, held) pair one worker cannot both do; `travel` must not exceed MAX_TRAVEL.

    Held bookings are searched by start time: only those starting within the longest held booking plus MAX_TRAVEL
    before a wanted one, and before its end plus MAX_TRAVEL, can clash with it."""
    ordered = sorted(held, key=lambda booking: booking.start)
    starts = [booking.start for booking in ordered]
    longest = max((booking.end - booking.start for booking in ordered), default=timedelta(0))
    found = []
    for booking in wanted:
        index = bisect_left(starts, booking.start - longest - MAX_TRAVEL)
        while index < len(ordered) and ordered[index].start < booking.end + MAX_TRAVEL:
            if not fits(booking, ordered[index], travel):
                found.append((booking, ordered[index]))
            index += 1
    return found


def calendar_free(wanted: Iterable[Booking], held: Sequence[Booking], travel: Travel = travel_time) -> bool:
    """Whether a worker holding `held` can also do every one of `wanted`."""
    return not clashes(wanted, held, travel)
