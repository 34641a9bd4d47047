"""The visits of an engagement as they happen: planned, done (by the steady worker or a substitute), missed, or called
off by a pause or an earlier end (pure, no I/O).

Visits are stored ahead for the days to come (`replan`), so the worker app can show the week and a substitute can be
matched for one visit; `Engagement.visits` stays the rule for which days have one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from fulfillment.engagement import PlannedVisit
from schemas.errors import BUSINESS_ERROR, UPDATION_NOT_POSSIBLE
from schemas.refusal import NOT_ALLOWED, Refusal


class VisitState(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MISSED = "missed"  # nobody came: not billed, refunded when the month was paid in advance
    CALLED_OFF = "called-off"  # paused or past the last day: never due


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit of engagement `engagement_id` on Indian date `day`, held by `worker_id` (a `substitute` for this
    visit only, when the steady worker is off)."""

    engagement_id: str
    day: date
    start: datetime
    end: datetime
    worker_id: str | None
    state: VisitState = VisitState.PLANNED
    substitute: bool = False
    completed_at: datetime | None = None

    def complete(self, worker_id: str, *, at: datetime) -> Visit:
        """Its worker finished it (after starting it with the customer's OTP)."""
        self._check_planned()
        if worker_id != self.worker_id:
            raise Refusal(NOT_ALLOWED, "This visit is not yours.", message_hi="यह विज़िट आपकी नहीं है।")
        if at < self.start:
            raise Refusal(BUSINESS_ERROR.code, "This visit has not begun yet.", message_hi="यह विज़िट अभी शुरू नहीं हुई है।")
        return replace(self, state=VisitState.DONE, completed_at=at)

    def miss(self, *, at: datetime) -> Visit:
        """Its time passed and nobody did it."""
        self._check_planned()
        if at < self.end:
            raise Refusal(BUSINESS_ERROR.code, "A visit is missed only once its time has passed.",
                          message_hi="विज़िट का समय बीतने के बाद ही उसे छूटी हुई माना जाता है।")
        return replace(self, state=VisitState.MISSED)

    def cover(self, worker_id: str) -> Visit:
        """A substitute takes this visit only (the steady worker is off, or failed to come)."""
        self._check_planned()
        return replace(self, worker_id=worker_id, substitute=True)

    def _check_planned(self) -> None:
        if self.state is not VisitState.PLANNED:
            raise Refusal(UPDATION_NOT_POSSIBLE.code, f"This visit is {self.state} already.",
                          message_hi="यह विज़िट पहले ही निपट चुकी है।")


def replan(
    engagement_id: str, planned: Iterable[PlannedVisit], stored: Sequence[Visit], worker_id: str | None
) -> list[Visit]:
    """The stored visits to add or change so that the planned ones of the days considered are there (`stored` holds
    those days' visits): a new day gets a visit for `worker_id`, a moved time moves it, and a planned visit the
    timeline no longer holds is called off. Visits done or missed stay as they were."""
    by_day = {visit.day: visit for visit in stored}
    changed: list[Visit] = []
    planned_days = set()
    for plan in planned:
        planned_days.add(plan.day)
        visit = by_day.get(plan.day)
        if visit is None:
            changed.append(Visit(engagement_id, plan.day, plan.start, plan.end, worker_id))
        elif visit.state is VisitState.PLANNED and (visit.start, visit.end) != (plan.start, plan.end):
            changed.append(replace(visit, start=plan.start, end=plan.end))
    changed.extend(
        replace(visit, state=VisitState.CALLED_OFF)
        for visit in stored
        if visit.state is VisitState.PLANNED and visit.day not in planned_days
    )
    return changed


def completed(visits: Iterable[Visit]) -> int:
    """How many were done, by the steady worker or a substitute: what a month billed in arrears charges."""
    return sum(1 for visit in visits if visit.state is VisitState.DONE)
