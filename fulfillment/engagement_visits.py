"""The visits of an engagement as they happen: planned, done (by the steady worker or a substitute), missed, or called
off by a pause or an earlier end (pure, no I/O).

Visits are stored ahead for the days to come (`replan`), so the worker app can show the week and a substitute can be
matched for one visit; `Engagement.visits` stays the rule for which days have one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from fulfillment.engagement import PlannedVisit
from fulfillment.start_otp import MAX_OTP_ATTEMPTS, otp_expired
from schemas.errors import BUSINESS_ERROR, INVALID_OTP, UPDATION_NOT_POSSIBLE
from schemas.refusal import NOT_ALLOWED, Refusal

EARLY_ARRIVAL: Final = timedelta(minutes=30)  # a worker may ask for the customer's OTP this long before the visit


class VisitState(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    MISSED = "missed"  # nobody came: not billed, refunded when the month was paid in advance
    CALLED_OFF = "called-off"  # paused or past the last day: never due


@dataclass(frozen=True, slots=True)
class VisitOtp:
    """The customer's start OTP of one visit, kept as its hash, with its issue time and the wrong tries so far (the
    rules of one-off orders' OTPs, `fulfillment.start_otp`)."""

    hash: str
    issued_at: datetime
    wrong_tries: int = 0


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
    started_at: datetime | None = None  # the customer's OTP started it
    otp: VisitOtp | None = None  # the OTP issued and not used yet

    def issue_otp(self, worker_id: str, otp_hash: str, *, at: datetime) -> Visit:
        """Its worker is at the door (from EARLY_ARRIVAL before its time): a new OTP for the customer replaces any
        earlier one and its wrong tries."""
        self._check_mine_and_not_started(worker_id)
        if at < self.start - EARLY_ARRIVAL:
            raise Refusal(BUSINESS_ERROR.code, "Ask for the OTP when you reach the customer, at the visit's time.",
                          message_hi="OTP ग्राहक के घर पहुँचकर, विज़िट के समय पर ही मँगाएँ।")
        return replace(self, otp=VisitOtp(otp_hash, at))

    def start_with_otp(
        self, worker_id: str, otp: str, *, matches: Callable[[str, str], bool], at: datetime
    ) -> tuple[Visit, Refusal | None]:
        """Start it with the customer's OTP (`matches(hash, otp)` checks it). Returns the visit to store and, when
        the OTP was refused (wrong: 90002, counted toward MAX_OTP_ATTEMPTS; expired), the refusal to give after
        storing it, so a wrong try counts although the start failed."""
        self._check_mine_and_not_started(worker_id)
        if self.otp is None:
            raise Refusal(BUSINESS_ERROR.code, "Ask for the OTP first; the customer then gets it.",
                          message_hi="पहले OTP मँगाएँ; तब ग्राहक को मिलेगा।")
        tries_left = MAX_OTP_ATTEMPTS - self.otp.wrong_tries
        if tries_left > 0 and matches(self.otp.hash, otp):
            if otp_expired(self.otp.issued_at, at):
                return self, Refusal("otp_expired", "This OTP has expired. Ask for a new one.",
                                     message_hi="यह OTP समाप्त हो गया है। नया OTP मँगाएँ।")
            return replace(self, started_at=at, otp=None), None
        counted = replace(self, otp=replace(self.otp, wrong_tries=self.otp.wrong_tries + 1)) if tries_left > 0 else self
        return counted, Refusal(
            INVALID_OTP.code,
            "Wrong OTP. Ask the customer to read it again"
            + (f" ({tries_left - 1} tries left)." if tries_left > 1 else ", then ask for a new OTP."),
            message_hi="गलत OTP। ग्राहक से फिर से पढ़ने को कहें"
            + (f" ({tries_left - 1} प्रयास बाकी)।" if tries_left > 1 else ", फिर नया OTP मँगाएँ।"),
        )

    def complete(self, worker_id: str, *, at: datetime) -> Visit:
        """Its worker finished it, after starting it with the customer's OTP."""
        self._check_planned()
        self._check_mine(worker_id)
        if self.started_at is None:
            raise Refusal(BUSINESS_ERROR.code, "Start the visit with the customer's OTP first.",
                          message_hi="पहले ग्राहक के OTP से विज़िट शुरू करें।")
        return replace(self, state=VisitState.DONE, completed_at=at)

    def miss(self, *, at: datetime) -> Visit:
        """Its time passed and nobody started it (a started visit waits for its worker to complete it)."""
        self._check_planned()
        if at < self.end or self.started_at is not None:
            raise Refusal(BUSINESS_ERROR.code, "A visit is missed only once its time has passed unstarted.",
                          message_hi="विज़िट का समय बिना शुरू हुए बीतने के बाद ही उसे छूटी हुई माना जाता है।")
        return replace(self, state=VisitState.MISSED)

    def cover(self, worker_id: str) -> Visit:
        """A substitute takes this visit only (the steady worker is off, or failed to come); any OTP issued to the
        one she replaces is dropped."""
        self._check_planned()
        if self.started_at is not None:
            raise Refusal(UPDATION_NOT_POSSIBLE.code, "This visit has started.", message_hi="यह विज़िट शुरू हो चुकी है।")
        return replace(self, worker_id=worker_id, substitute=True, otp=None)

    def _check_mine(self, worker_id: str) -> None:
        if worker_id != self.worker_id:
            raise Refusal(NOT_ALLOWED, "This visit is not yours.", message_hi="यह विज़िट आपकी नहीं है।")

    def _check_mine_and_not_started(self, worker_id: str) -> None:
        self._check_planned()
        self._check_mine(worker_id)
        if self.started_at is not None:
            raise Refusal(UPDATION_NOT_POSSIBLE.code, "This visit has started.", message_hi="यह विज़िट शुरू हो चुकी है।")

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
