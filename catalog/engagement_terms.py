"""Long-term engagements as the catalogue offers them: a visit schedule, the term, notice, the employment basis and
how the month is billed; and the price of a month's visits with its breakup (pure, no I/O).

An engagement item is a `ServiceItem` whose `engagement` holds these terms: its `fee` is the price of one visit of
`duration_minutes`, and a month costs the visits its schedule makes in it, so a month that starts on the 17th or ends
with notice costs only the visits it holds (docs/engagements.md). The Engagement aggregate that a booking becomes
is `fulfillment.engagement`.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from catalog.formats import money, to_paise
from catalog.schedule import IST

ALL_WEEKDAYS: Final = frozenset(range(1, 8))  # ISO 1 = Monday … 7 = Sunday
MIN_VISIT_MINUTES: Final = 30
MAX_VISIT_MINUTES: Final = 720  # a full-time day or a night's care; longer visits would cross two days' visits
MAX_TERM_MONTHS: Final = 24
MAX_NOTICE_DAYS: Final = 90
CURRENCY: Final = "INR"


class EmploymentBasis(StrEnum):
    """How the worker is engaged, as the issue's programme names it; sent as the item tag `employment_basis`."""

    PART_TIME = "part-time"  # a few hours on chosen days; she may hold several such engagements
    FULL_TIME = "full-time"  # her working day, six or seven days a week
    CONTRACT = "contract"  # a fixed piece of work over a fixed term


class BillingMode(StrEnum):
    """When a month is billed: before it starts (its planned visits; missed ones refunded) or after it ends (the visits
    done)."""

    ADVANCE = "advance"
    ARREARS = "arrears"


@dataclass(frozen=True, slots=True)
class VisitSchedule:
    """Visits on `weekdays` (ISO numbers) at `start` (Indian time) for `minutes` each; a visit may run past midnight
    (a night's care) and belongs to the day it starts."""

    weekdays: frozenset[int]
    start: time
    minutes: int

    def __post_init__(self) -> None:
        if not self.weekdays or not self.weekdays <= ALL_WEEKDAYS:
            raise ValueError("a schedule visits on weekdays 1 (Monday) to 7 (Sunday), at least one")
        if not MIN_VISIT_MINUTES <= self.minutes <= MAX_VISIT_MINUTES:
            raise ValueError(f"a visit lasts {MIN_VISIT_MINUTES} to {MAX_VISIT_MINUTES} minutes")
        if self.start.tzinfo is not None:
            raise ValueError("the time of day is Indian time, given without a zone")

    @property
    def daily(self) -> bool:
        return self.weekdays == ALL_WEEKDAYS

    @property
    def hours(self) -> Decimal:
        """Hours per visit, e.g. 2 or 1.5."""
        return (Decimal(self.minutes) / 60).normalize()

    def at(self, start: time) -> VisitSchedule:
        """The same visits at another time of day."""
        return replace(self, start=start)

    def visits_on(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The visit of `day` as aware UTC moments (start, end)."""
        begin = datetime.combine(day, self.start, IST)
        return begin.astimezone(UTC), (begin + timedelta(minutes=self.minutes)).astimezone(UTC)

    def dates(self, first: date, last: date) -> Iterator[date]:
        """The days from `first` to `last` (both included) with a visit."""
        day = first
        while day <= last:
            if self.visits_on(day):
                yield day
            day += timedelta(days=1)


@dataclass(frozen=True, slots=True)
class EngagementTerms:
    """What an engagement item offers: the schedule a booking starts from (the customer may choose other days and
    another time), the term in whole months, the notice for ending it, the basis and the billing mode."""

    schedule: VisitSchedule
    min_months: int
    max_months: int
    notice_days: int
    basis: EmploymentBasis
    billing: BillingMode

    def __post_init__(self) -> None:
        if not 1 <= self.min_months <= self.max_months <= MAX_TERM_MONTHS:
            raise ValueError(f"the term is 1 to {MAX_TERM_MONTHS} months, the minimum not above the maximum")
        if not 0 <= self.notice_days <= MAX_NOTICE_DAYS:
            raise ValueError(f"notice is 0 to {MAX_NOTICE_DAYS} days")

    def admits_term(self, months: int) -> bool:
        return self.min_months <= months <= self.max_months


@dataclass(frozen=True, slots=True)
class Month:
    """A calendar month in India: engagements are billed by these."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError("month is 1 to 12")

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the later month lacks (31 January + 1) becomes the first of the month after
    it, so a month's term from 31 January runs through the last day of February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if day.day <= calendar.monthrange(year, month)[1]:
        return date(year, month, day.day)
    return Month(year, month).next.first


def term_last_day(start: date, months: int) -> date:
    """The last day of a term of `months` from `start`: 17 January + 1 month runs through 16 February."""
    return add_months(start, months) - timedelta(days=1)


@dataclass(frozen=True, slots=True)
class VisitsPrice:
    """What `visits` visits at `rate` each cost: the visits line (`base`), GST on it and the total; `title` names the
    line. Made by `price_visits`; a refund is one price `less` another."""

    title: str
    visits: int
    rate: Decimal
    base: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.tax

    def less(self, other: VisitsPrice) -> VisitsPrice:
        """What is left of this price once `other` (fewer visits at the same rate) is taken off: a refund. Each line is
        the difference of the two, so the refund and `other` add up to this price to the paisa."""
        if other.rate != self.rate or not 0 <= other.visits <= self.visits:
            raise ValueError("a refund takes fewer visits at the same rate off a price")
        return VisitsPrice(self.title, self.visits - other.visits, self.rate, self.base - other.base,
                           self.tax - other.tax)

    def breakup(self, item_id: str) -> list[dict[str, Any]]:
        """Beckn quote breakup lines: the visits (their count as the item quantity, one visit's price) and the tax."""
        quantity = {"selected": {"count": self.visits}}
        return [
            {
                "title": self.title,
                "price": _price(self.base),
                "item": {"id": item_id, "quantity": quantity, "price": _price(self.rate)},
                "tags": [_title_tag("item")],
            },
            {"title": "tax", "price": _price(self.tax), "item": {"id": item_id, "quantity": quantity},
             "tags": [_title_tag("tax")]},
        ]


def price_visits(title: str, visits: int, rate: Decimal, tax_percent: Decimal) -> VisitsPrice:
    """The price of `visits` visits at `rate`, GST at `tax_percent` on them together, rounded once (as an invoice
    rounds it), not per visit."""
    if visits < 0:
        raise ValueError("a count of visits is not negative")
    base = to_paise(rate * visits)
    return VisitsPrice(title, visits, to_paise(rate), base, to_paise(base * tax_percent / Decimal(100)))


def _price(amount: Decimal) -> dict[str, str]:
    return {"currency": CURRENCY, "value": money(amount)}


def _title_tag(kind: str) -> dict[str, Any]:
    return {"descriptor": {"code": "title"}, "list": [{"descriptor": {"code": "type"}, "value": kind}]}
