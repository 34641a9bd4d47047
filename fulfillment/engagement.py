"""The Engagement aggregate: one booking of many scheduled visits by one steady worker, billed by the month (pure, no
I/O).

States: requested → active (a steady worker holds it) ⇄ paused → ending (notice given, visits go on to the last day)
→ ended; a request nobody can take is declined (→ ended), and a term that runs out ends it. Every change is a method
that records an event. What an engagement holds over time is a timeline (the schedule from a day on, pauses, the
last day), from which the visits of any month follow in Indian dates: pausing, resuming, ending with notice and
changing the visit time change only future days, so what was billed or done stays as it was.

Money (docs/engagements.md): a month costs the visits it holds at the item's rate per visit plus GST on them together
(`catalog.engagement_terms.price_visits`), so a first month from the 17th or a last month ending with notice costs
only its own visits. Billed in advance, the month's planned visits are charged before it starts and the visits not
done (missed, paused, after the notice's last day) are refunded; billed in arrears, only the visits done are charged.
The worker is credited per completed visit with her share of the rate (`fulfillment.settlement.split_fee`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from catalog.engagement_terms import (
    BillingMode,
    EngagementTerms,
    Month,
    VisitSchedule,
    VisitsPrice,
    add_months,
    price_visits,
    term_last_day,
)
from catalog.finder_fee import NO_FINDER_FEE, FinderFee
from catalog.schedule import IST
from fulfillment.engagement_calendar import Booking
from fulfillment.order import SYSTEM, BookedService, Channel, CustomerDetails
from fulfillment.settlement import SettlementPolicy, split_fee
from schemas.errors import BUSINESS_ERROR, UPDATION_NOT_POSSIBLE
from schemas.refusal import Refusal

ZERO: Final = Decimal("0.00")


class EngagementState(StrEnum):
    REQUESTED = "requested"  # booked; no steady worker yet
    ACTIVE = "active"
    PAUSED = "paused"  # a pause is set (it may begin on a later day); no visits while it lasts
    ENDING = "ending"  # notice given: visits go on until the last day
    ENDED = "ended"


class EngagementEventKind(StrEnum):
    REQUESTED = "requested"
    ACTIVATED = "activated"
    DECLINED = "declined"
    PAUSED = "paused"
    RESUMED = "resumed"
    NOTICE_GIVEN = "notice-given"
    VISIT_TIME_CHANGED = "visit-time-changed"
    ENDED = "ended"


E, K = EngagementState, EngagementEventKind
_MOVES: Final[Mapping[tuple[EngagementState, EngagementEventKind], EngagementState]] = {
    (E.REQUESTED, K.ACTIVATED): E.ACTIVE,
    (E.REQUESTED, K.DECLINED): E.ENDED,
    (E.ACTIVE, K.PAUSED): E.PAUSED,
    (E.PAUSED, K.RESUMED): E.ACTIVE,
    (E.ACTIVE, K.NOTICE_GIVEN): E.ENDING,
    (E.PAUSED, K.NOTICE_GIVEN): E.ENDING,  # the pause goes on to the last day
    (E.ACTIVE, K.VISIT_TIME_CHANGED): E.ACTIVE,
    (E.PAUSED, K.VISIT_TIME_CHANGED): E.PAUSED,
    (E.ENDING, K.VISIT_TIME_CHANGED): E.ENDING,
    (E.ACTIVE, K.ENDED): E.ENDED,  # the term ran out
    (E.PAUSED, K.ENDED): E.ENDED,
    (E.ENDING, K.ENDED): E.ENDED,
}
_STATE_HI: Final = {E.REQUESTED: "अनुरोधित", E.ACTIVE: "चालू", E.PAUSED: "रुका हुआ", E.ENDING: "समाप्ति की सूचना में",
                    E.ENDED: "समाप्त"}


@dataclass(frozen=True, slots=True)
class ScheduleChange:
    """From `first` on, visits follow `schedule`."""

    first: date
    schedule: VisitSchedule


@dataclass(frozen=True, slots=True)
class Pause:
    """No visits from `first` until the day before `resume` (None: not resumed yet)."""

    first: date
    resume: date | None = None

    def covers(self, day: date) -> bool:
        return self.first <= day and (self.resume is None or day < self.resume)


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """A visit the engagement's timeline holds: its Indian date and its window as aware UTC moments."""

    day: date
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class MonthBill:
    """What a month of an engagement costs: the days of it the engagement covers and the price of its visits."""

    month: Month
    first: date
    last: date
    price: VisitsPrice

    @property
    def prorated(self) -> bool:
        """Whether the engagement covers only part of the month (it starts or ends inside it)."""
        return (self.first, self.last) != (self.month.first, self.month.last)


@dataclass(frozen=True, slots=True)
class EngagementEvent:
    kind: EngagementEventKind
    actor: str  # the buyer app's id or the channel, worker:<id>, staff:<id>, system
    at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Timeline:
    """The part of an engagement that changes: its state, steady worker, schedule changes, pauses and last day."""

    state: EngagementState
    schedules: tuple[ScheduleChange, ...]  # ordered by `first`; the first one from the start day
    pauses: tuple[Pause, ...]  # ordered; only the last may be open
    last_day: date  # the term's last day, or the notice's
    worker_id: str | None = None
    updated_at: datetime | None = None


def india_today(moment: datetime) -> date:
    return moment.astimezone(IST).date()


class Engagement:
    """A long-term booking. Read it through its properties; change it only through its methods."""

    def __init__(
        self,
        *,
        id: str,
        channel: Channel,
        service: BookedService,
        title: str,
        terms: EngagementTerms,
        rate: Decimal,
        tax_percent: Decimal,
        start: date,
        months: int,
        place_gps: str,
        details: CustomerDetails,
        created_at: datetime,
        timeline: Timeline,
        version: int,
    ) -> None:
        self.id = id
        self.channel = channel
        self.service = service
        self.title = title  # the item's name, the title of the visits line of every bill
        self.terms = terms  # the item's engagement terms as booked
        self.rate = rate  # one visit's pre-tax price, locked for the term
        self.tax_percent = tax_percent
        self.start = start
        self.months = months
        self.place_gps = place_gps  # "lat,lng" where the visits happen
        self.details = details
        self.created_at = created_at
        self._timeline = timeline
        self._stored_timeline = timeline
        self._version = version
        self._events: list[EngagementEvent] = []

    @classmethod
    def request(
        cls,
        *,
        id: str,
        channel: Channel,
        service: BookedService,
        title: str,
        terms: EngagementTerms,
        schedule: VisitSchedule,
        rate: Decimal,
        tax_percent: Decimal,
        start: date,
        months: int,
        place_gps: str,
        details: CustomerDetails,
        at: datetime,
        actor: str | None = None,
    ) -> Engagement:
        """A new engagement on `schedule` (the item's days and time, or the customer's) from `start` for `months`;
        each visit is as long as the item's, since the rate is for that length."""
        if not terms.admits_term(months):
            raise Refusal(
                BUSINESS_ERROR.code, f"Choose a term of {terms.min_months} to {terms.max_months} months.", "months",
                f"{terms.min_months} से {terms.max_months} महीने की अवधि चुनें।",
            )
        if start <= india_today(at):
            raise Refusal(BUSINESS_ERROR.code, "An engagement starts tomorrow at the earliest.", "start",
                          "सेवा सबसे जल्दी कल से शुरू हो सकती है।")
        if schedule.minutes != terms.schedule.minutes:
            raise Refusal(
                BUSINESS_ERROR.code, f"Each visit of this service lasts {terms.schedule.hours} hours.", "schedule",
                f"इस सेवा की हर विज़िट {terms.schedule.hours} घंटे की होती है।",
            )
        last_day = term_last_day(start, months)
        if next(schedule.dates(start, last_day), None) is None:
            raise Refusal(BUSINESS_ERROR.code, "The schedule has no visit within the term.", "schedule",
                          "इस अवधि में कोई विज़िट नहीं पड़ती।")
        timeline = Timeline(E.REQUESTED, (ScheduleChange(start, schedule),), (), last_day, updated_at=at)
        engagement = cls(
            id=id, channel=channel, service=service, title=title, terms=terms, rate=rate, tax_percent=tax_percent,
            start=start, months=months, place_gps=place_gps, details=details, created_at=at, timeline=timeline,
            version=1,
        )
        engagement._record(K.REQUESTED, actor or channel.actor, at, {
            "start": start.isoformat(), "months": months, "last_day": last_day.isoformat(),
            "weekdays": sorted(schedule.weekdays), "time": schedule.start.strftime("%H:%M"), "rate": str(rate),
        })
        return engagement

    # ---- reading ---------------------------------------------------------------------------
    @property
    def timeline(self) -> Timeline:
        return self._timeline

    @property
    def state(self) -> EngagementState:
        return self._timeline.state

    @property
    def worker_id(self) -> str | None:
        return self._timeline.worker_id

    @property
    def last_day(self) -> date:
        return self._timeline.last_day

    @property
    def term_last_day(self) -> date:
        return term_last_day(self.start, self.months)

    @property
    def billing(self) -> BillingMode:
        return self.terms.billing

    @property
    def version(self) -> int:
        return self._version

    @property
    def pending_events(self) -> tuple[EngagementEvent, ...]:
        return tuple(self._events)

    @property
    def has_changes(self) -> bool:
        return bool(self._events) or self._timeline != self._stored_timeline

    def schedule_on(self, day: date) -> VisitSchedule:
        """The schedule in force on `day` (the first one before the start)."""
        current = self._timeline.schedules[0].schedule
        for change in self._timeline.schedules:
            if change.first > day:
                break
            current = change.schedule
        return current

    def paused_on(self, day: date) -> bool:
        return any(pause.covers(day) for pause in self._timeline.pauses)

    def visits(self, first: date, last: date) -> list[PlannedVisit]:
        """The visits the timeline holds from `first` to `last` (both included): scheduled days within the term, not
        paused. A declined request holds none."""
        planned = []
        day = max(first, self.start)
        while day <= min(last, self._timeline.last_day):
            schedule = self.schedule_on(day)
            if schedule.visits_on(day) and not self.paused_on(day):
                planned.append(PlannedVisit(day, *schedule.window(day)))
            day += timedelta(days=1)
        return planned

    def visits_in(self, month: Month) -> list[PlannedVisit]:
        return self.visits(month.first, month.last)

    def bookings(self, first: date, last: date) -> list[Booking]:
        """The visits from `first` to `last` as time the worker is held at the customer's place (for the calendar
        rule); a whole term's are `bookings(engagement.start, engagement.last_day)`."""
        lat, lng = (float(part) for part in self.place_gps.split(","))
        return [Booking(visit.start, visit.end, (lat, lng), f"engagement:{self.id}:{visit.day.isoformat()}")
                for visit in self.visits(first, last)]

    def months_billed(self) -> list[Month]:
        """The calendar months the engagement touches, first to last."""
        months, month = [], Month.of(self.start)
        while month.first <= self._timeline.last_day:
            months.append(month)
            month = month.next
        return months

    def price(self, visits: int) -> VisitsPrice:
        return price_visits(self.title, visits, self.rate, self.tax_percent)

    def planned_bill(self, month: Month) -> MonthBill:
        """The month's price from the visits planned in it now: what an advance bill charges, and the first month's
        quote."""
        first, last = max(month.first, self.start), min(month.last, self._timeline.last_day)
        if first > last:
            raise Refusal(BUSINESS_ERROR.code, f"The engagement has no days in {month}.", "month",
                          f"{month} में इस सेवा का कोई दिन नहीं है।")
        return MonthBill(month, first, last, self.price(len(self.visits(first, last))))

    def bill(self, month: Month, *, completed: int) -> MonthBill:
        """The month's bill: billed in advance its planned visits, in arrears the `completed` ones (a substitute's
        visit counts; a missed one does not)."""
        planned = self.planned_bill(month)
        if self.billing is BillingMode.ADVANCE:
            return planned
        _check_completed(completed, planned.price.visits)
        return replace(planned, price=self.price(completed))

    def refund(self, billed: MonthBill, *, completed: int) -> VisitsPrice:
        """What a month billed in advance gives back once it is over: the billed visits not done (missed, paused, or
        after the notice's last day), with their share of the GST. Months billed in arrears owe none."""
        if self.billing is not BillingMode.ADVANCE:
            raise Refusal(BUSINESS_ERROR.code, "A month billed in arrears charged only the visits done; no refund.",
                          message_hi="बाद में बिल होने वाले महीने में केवल हुई विज़िट का पैसा लिया गया; वापसी नहीं बनती।")
        _check_completed(completed, billed.price.visits)
        return billed.price.less(self.price(completed))

    def visit_credit(self, policy: SettlementPolicy, finder_fee: FinderFee = NO_FINDER_FEE) -> Decimal:
        """The worker's credit for one completed visit: the visit's rate less our commission and the buyer app's
        finder fee, by the rules of one-off orders."""
        return split_fee(self.rate, ZERO, policy, finder_fee.on(self.rate, self.rate)).worker_share

    # ---- changing --------------------------------------------------------------------------
    def activate(self, worker_id: str, *, at: datetime) -> None:
        """A steady worker whose calendar is free for the whole schedule took it."""
        self._move(K.ACTIVATED, at, f"worker:{worker_id}", {"worker_id": worker_id}, worker_id=worker_id)

    def decline(self, reason: str, *, at: datetime) -> None:
        """No steady worker could be found: the request ends before its first day, with no visit and no bill."""
        self._move(K.DECLINED, at, SYSTEM, {"reason": reason}, last_day=self.start - timedelta(days=1))

    def pause(self, first: date, *, at: datetime, actor: str, reason: str = "") -> None:
        """No visits from `first` (tomorrow at the earliest) until resumed."""
        self._check_future(first, at, "first")
        pauses = (*self._timeline.pauses, Pause(first))
        self._move(K.PAUSED, at, actor, {"first": first.isoformat(), "reason": reason}, pauses=pauses)

    def resume(self, first: date, *, at: datetime, actor: str) -> None:
        """Visits again from `first` (tomorrow at the earliest); a pause that had not begun by then is dropped."""
        self._check_future(first, at, "first")
        self._next_state(K.RESUMED)
        *earlier, open_pause = self._timeline.pauses
        ended = replace(open_pause, resume=max(first, open_pause.first))
        pauses = (*earlier, ended) if ended.resume != ended.first else tuple(earlier)
        self._move(K.RESUMED, at, actor, {"first": first.isoformat()}, pauses=pauses)

    def end_with_notice(self, *, at: datetime, actor: str, reason: str = "") -> date:
        """Notice to end: visits go on until the notice's last day, not before the minimum term is served nor after
        the term ends. Returns the last day."""
        notice_ends = india_today(at) + timedelta(days=self.terms.notice_days)
        minimum_ends = add_months(self.start, self.terms.min_months) - timedelta(days=1)
        last_day = min(self._timeline.last_day, max(notice_ends, minimum_ends))
        self._move(K.NOTICE_GIVEN, at, actor, {"last_day": last_day.isoformat(), "reason": reason},
                   last_day=last_day)
        return last_day

    def change_visit_time(self, start: time, first: date, *, at: datetime, actor: str) -> None:
        """Visits from `first` (tomorrow at the earliest) begin at `start`; later changes already set are replaced.
        Whether the steady worker is free then is the caller's check (`fulfillment.engagement_calendar`)."""
        self._check_future(first, at, "first")
        before = self.schedule_on(first)
        moved = before.at(start)
        eve = first - timedelta(days=1)
        if any(visit.end > moved.window(first)[0] for visit in self.visits(eve, eve)):
            # a night visit at the old time would still be going on when the first one at the new time begins
            raise Refusal(
                BUSINESS_ERROR.code,
                "The first visit at the new time would begin before the one the evening before ends; choose a later "
                "time or day.", "start",
                "नए समय की पहली विज़िट पिछली शाम की विज़िट खत्म होने से पहले शुरू होगी; बाद का समय या दिन चुनें।",
            )
        kept = tuple(change for change in self._timeline.schedules if change.first < first)
        schedules = (*kept, ScheduleChange(first, moved))
        detail = {"first": first.isoformat(), "from": before.start.strftime("%H:%M"), "to": start.strftime("%H:%M")}
        self._move(K.VISIT_TIME_CHANGED, at, actor, detail, schedules=schedules)

    def close(self, *, at: datetime) -> None:
        """The last day has passed: the engagement ends."""
        if india_today(at) <= self._timeline.last_day:
            raise Refusal(UPDATION_NOT_POSSIBLE.code,
                          f"The engagement runs until {self._timeline.last_day.isoformat()}; it ends after that.",
                          message_hi=f"यह सेवा {self._timeline.last_day.isoformat()} तक चलती है; उसके बाद समाप्त होगी।")
        self._move(K.ENDED, at, SYSTEM, {"last_day": self._timeline.last_day.isoformat()})

    def stored(self, version: int) -> None:
        """The repository stored it and its events at `version`."""
        self._version = version
        self._stored_timeline = self._timeline
        self._events.clear()

    def _check_future(self, day: date, at: datetime, field_name: str) -> None:
        """A change takes effect from tomorrow at the earliest (today's visit may be under way) and within the term."""
        if not india_today(at) < day <= self._timeline.last_day:
            raise Refusal(
                BUSINESS_ERROR.code,
                f"Choose a day from tomorrow to {self._timeline.last_day.isoformat()}.", field_name,
                f"कल से {self._timeline.last_day.isoformat()} तक का कोई दिन चुनें।",
            )

    def _next_state(self, kind: EngagementEventKind) -> EngagementState:
        state = _MOVES.get((self.state, kind))
        if state is None:
            raise Refusal(
                UPDATION_NOT_POSSIBLE.code, f"The engagement is {self.state}; it cannot be {kind} now.",
                message_hi=f"यह सेवा अभी '{_STATE_HI[self.state]}' है; यह बदलाव अभी संभव नहीं है।",
            )
        return state

    def _move(self, kind: EngagementEventKind, at: datetime, actor: str, detail: Mapping[str, Any],
              **changes: Any) -> None:
        state = self._next_state(kind)
        self._timeline = replace(self._timeline, state=state, updated_at=at, **changes)
        self._record(kind, actor, at, detail)

    def _record(self, kind: EngagementEventKind, actor: str, at: datetime, detail: Mapping[str, Any]) -> None:
        self._events.append(EngagementEvent(kind, actor, at, detail))


def _check_completed(completed: int, planned: int) -> None:
    if not 0 <= completed <= planned:
        raise ValueError(f"{completed} visits done of {planned} planned")
