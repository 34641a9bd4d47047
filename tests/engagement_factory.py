"""Engagement terms and requested `Engagement` aggregates for the tests of the domain and the repository."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

from catalog.engagement_terms import ALL_WEEKDAYS, BillingMode, EmploymentBasis, EngagementTerms, VisitSchedule
from catalog.schedule import IST
from fulfillment.engagement import Engagement
from fulfillment.order import BookedService, Channel, CustomerDetails

BUYER_APP: Final = Channel.ondc("bap.example", "https://bap.example/beckn", "ONDC:SRV11", "std:0522")
MORNINGS: Final = VisitSchedule(ALL_WEEKDAYS, time(7, 0), 120)  # a cook every morning, 07:00-09:00
HOME: Final = "26.846700,80.946200"  # Hazratganj


def cook_terms(
    billing: BillingMode = BillingMode.ADVANCE, *, min_months: int = 1, max_months: int = 12, notice_days: int = 7
) -> EngagementTerms:
    return EngagementTerms(MORNINGS, min_months, max_months, notice_days, EmploymentBasis.PART_TIME, billing)


def requested(
    start: date,
    months: int = 1,
    *,
    schedule: VisitSchedule = MORNINGS,
    terms: EngagementTerms | None = None,
    rate: str = "250.00",
    at: datetime | None = None,
    engagement_id: str = "EN-1",
    place_gps: str = HOME,
) -> Engagement:
    """A daily cook (or `schedule`) booked by bap.example the day before `start` (or `at`), not yet stored."""
    return Engagement.request(
        id=engagement_id,
        channel=BUYER_APP,
        service=BookedService("P1", "COOK-1", 2, "SM-1000"),
        title="Cook, mornings",
        terms=terms or cook_terms(),
        schedule=schedule,
        rate=Decimal(rate),
        tax_percent=Decimal("18"),
        start=start,
        months=months,
        place_gps=place_gps,
        details=CustomerDetails({"name": "Asha", "phone": "9876543210"}, {"gps": place_gps}, {"name": "Asha"}),
        at=at or ist(start - timedelta(days=1), 10),
    )


def activated(engagement: Engagement, worker_id: str = "W1") -> Engagement:
    """`engagement` taken by `worker_id` at the time it was booked."""
    engagement.activate(worker_id, at=engagement.created_at)
    return engagement


def ist(day: date, hour: int, minute: int = 0) -> datetime:
    """An Indian wall-clock moment as aware UTC."""
    return datetime.combine(day, time(hour, minute), IST).astimezone(UTC)
