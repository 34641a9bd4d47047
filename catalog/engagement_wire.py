"""Engagement items on the ONDC wire (docs/engagements.md section 5): the item's schedule and terms in on_search, and
the schedule and term a buyer app asks for in select, init and confirm (pure, no I/O).

A schedule is a Beckn `time`: `days` the ISO weekdays, `duration` one visit's length, `schedule.frequency` P1D
(daily) or P1W (chosen weekdays) and `schedule.times` the first visits; the buyer's first visit (`times[0]`, else
`range.start`) gives the start day and the time of day in India. The term in months is the fulfillment's tag
`engagement.months` (the item's minimum when absent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from catalog.engagement_terms import EngagementTerms, VisitSchedule
from catalog.formats import money
from catalog.fragments import holidays
from catalog.model import ServiceItem
from catalog.schedule import IST, format_days, parse_days
from schemas.errors import INVALID_REQUEST, SCHEDULE_NOT_PROVIDED
from schemas.objects import Fulfillment, TagGroup
from schemas.refusal import Refusal

ENGAGEMENT_TAG: Final = "engagement"  # the terms (on_search items) and the state (order fulfillment F1)
SCHEDULE_LABEL: Final = "schedule"
_STOP_TIME: Final = "message.order.fulfillments[0].stops[0].time"


def frequency(schedule: VisitSchedule) -> str:
    return "P1D" if schedule.daily else "P1W"


def tag_group(code: str, values: Sequence[tuple[str, str]]) -> dict[str, Any]:
    return {"descriptor": {"code": code}, "list": [{"descriptor": {"code": key}, "value": value}
                                                   for key, value in values]}


def item_time(item: ServiceItem, terms: EngagementTerms) -> dict[str, Any]:
    """The on_search item's `time`: the schedule a booking starts from (the buyer may choose other days and time)."""
    schedule = terms.schedule
    return {
        "label": SCHEDULE_LABEL,
        "duration": f"PT{schedule.minutes}M",
        "days": format_days(schedule.weekdays),
        "schedule": {"frequency": frequency(schedule), "holidays": holidays(item.availability.holidays)},
    }


def item_terms_tag(item: ServiceItem, terms: EngagementTerms) -> dict[str, Any]:
    """The on_search item's `engagement` tag group: basis, term, notice, billing, one visit's rate and its time."""
    return tag_group(ENGAGEMENT_TAG, (
        ("employment_basis", terms.basis.value),
        ("term_min_months", str(terms.min_months)),
        ("term_max_months", str(terms.max_months)),
        ("notice_days", str(terms.notice_days)),
        ("billing", terms.billing.value),
        ("rate_per_visit", money(item.fee)),
        ("visit_time", terms.schedule.start.strftime("%H:%M")),
    ))


@dataclass(frozen=True, slots=True)
class WantedEngagement:
    """What a buyer app asks for: visits on `schedule` from `start` for `months`."""

    schedule: VisitSchedule
    start: date
    months: int


def tag_values(tags: Sequence[TagGroup] | None, code: str) -> dict[str, str | None] | None:
    """The `{code: value}` list of the tag group `code`, or None without one."""
    for group in tags or ():
        if group.descriptor is not None and group.descriptor.code == code:
            return group.values()
    return None


def wanted_engagement(fulfillment: Fulfillment | None, terms: EngagementTerms) -> WantedEngagement:
    """The schedule and term a select, init or confirm asks for in its fulfillment's end stop and tags; the item's
    days when it names none. Refused with 90003 without a first visit, as an invalid request when a value cannot
    be read."""
    stop = next((stop for stop in (fulfillment.stops or []) if stop.type == "end"), None) if fulfillment else None
    wanted = stop.time if stop is not None else None
    first = None
    if wanted is not None:
        if wanted.schedule is not None and wanted.schedule.times:
            first = wanted.schedule.times[0]
        elif wanted.range is not None:
            first = wanted.range.start
    if wanted is None or first is None:
        raise Refusal(SCHEDULE_NOT_PROVIDED.code,
                      "Give the first visit as the end stop's time.schedule.times[0] (or time.range.start)",
                      field=_STOP_TIME)
    values = tag_values(fulfillment.tags if fulfillment is not None else None, ENGAGEMENT_TAG) or {}
    try:
        weekdays = parse_days(wanted.days) if wanted.days else terms.schedule.weekdays
        months = int(values.get("months") or terms.min_months)
    except ValueError:
        raise Refusal(INVALID_REQUEST.code, "time.days is ISO weekdays such as '1,3,5' and the engagement tag's "
                      "months a whole number", field=_STOP_TIME) from None
    local = first.astimezone(IST)
    start = local.time().replace(second=0, microsecond=0)
    return WantedEngagement(VisitSchedule(weekdays, start, terms.schedule.minutes), local.date(), months)
