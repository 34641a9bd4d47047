"""Government departments' work orders (B2G): workers of one service for one or more days at an office (pure).

A requesting officer asks for them; an approving officer of the same department approves (or rejects) before any
worker is booked; the requesting officer then books it, which makes one visit per worker and day (each an order of
the channel `department:<account id>`, billed to the department's monthly invoice). A work order changes only
through its methods; the visits it plans are what the application books.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Final

from catalog.model import ServiceItem
from catalog.quote import quote_for
from catalog.schedule import IST, bookable_at
from fulfillment.reschedule import Slot
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal

MAX_WORKERS: Final = 20
MAX_DAYS: Final = 31
BOOK_AHEAD_DAYS: Final = 90
# A later visit is offered to workers from the day before, once that day's visit would be over: the workers of the
# day before are free again by then and are asked first (bpp/workforce/matching.py), and a worker holds one order at
# a time, so offering every day's visits at once would tie up one worker per visit instead of one per place.
MATCHING_AHEAD: Final = timedelta(days=1)
_PHONE: Final = re.compile(r"^[6-9]\d{9}$")
_PINCODE: Final = re.compile(r"^[1-9]\d{5}$")


class WorkOrderStatus(StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"
    APPROVED = "approved"
    BOOKED = "booked"  # its visits are orders, matched to workers
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


_STATUS_NAMES: Final = {  # for the messages an officer reads
    WorkOrderStatus.AWAITING_APPROVAL: ("awaiting approval", "स्वीकृति की प्रतीक्षा में"),
    WorkOrderStatus.APPROVED: ("approved", "स्वीकृत"),
    WorkOrderStatus.BOOKED: ("booked", "बुक"),
    WorkOrderStatus.REJECTED: ("rejected", "अस्वीकृत"),
    WorkOrderStatus.WITHDRAWN: ("withdrawn", "वापस लिया गया"),
}


def _refused(field: str, en: str, hi: str) -> Refusal:
    return Refusal(BUSINESS_ERROR.code, en, field, hi)


@dataclass(frozen=True, slots=True)
class Site:
    """The office the workers go to, and who there receives each visit's start OTP by SMS."""

    address: str
    pincode: str
    lat: float
    lng: float
    contact_name: str
    contact_phone: str  # ten digits


@dataclass(frozen=True, slots=True)
class PricedService:
    """The catalogue item a work order asks for, as it was when asked (the visits are priced when booked)."""

    provider_id: str
    item_id: str
    item_version: int
    category_id: str
    name_en: str
    name_hi: str
    visit_total: Decimal  # the fixed fee plus GST of one visit, for the approving officer's estimate

    @classmethod
    def of(cls, item: ServiceItem) -> PricedService:
        return cls(item.provider_id, item.id, item.version, item.category_id, item.name_en, item.name_hi,
                   quote_for(item).total)


@dataclass(frozen=True, slots=True)
class Decision:
    """Who did what to a work order and when (`by` is the officer's login id), with her note."""

    by: str
    name: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Request:
    """What a requesting officer asks for."""

    item_id: str
    workers: int
    days: tuple[date, ...]
    start: time  # when the workers arrive, India time, each day
    site: Site
    purpose: str


@dataclass(frozen=True, slots=True)
class PlannedVisit:
    """One worker's visit on one day: `place` numbers the workers of the work order (1 … workers)."""

    day: date
    place: int
    slot: Slot
    matching_from: datetime  # when it is first offered to workers


def visit_start(day: date, start: time) -> datetime:
    """The moment (UTC) the workers are due on `day` at `start` India time."""
    return datetime.combine(day, start, IST).astimezone(UTC)


def request_problems(request: Request, item: ServiceItem | None, now: datetime) -> list[Refusal]:
    """Every wrong field of a work order request (empty when it can be asked for)."""
    problems: list[Refusal] = []
    if item is None:
        problems.append(_refused("item_id", "Choose a service Seva Mitra offers in your district.",
                                 "अपने ज़िले में सेवा मित्र की कोई सेवा चुनें।"))
    if not 1 <= request.workers <= MAX_WORKERS:
        problems.append(_refused("workers", f"Ask for 1 to {MAX_WORKERS} workers.",
                                 f"1 से {MAX_WORKERS} कर्मी माँगें।"))
    problems.extend(_day_problems(request.days, request.start, item, now))
    problems.extend(_site_problems(request.site, request.purpose))
    return problems


def _day_problems(days: tuple[date, ...], start: time, item: ServiceItem | None, now: datetime) -> list[Refusal]:
    if not days:
        return [_refused("days", "Choose at least one day.", "कम से कम एक दिन चुनें।")]
    if len(days) > MAX_DAYS:
        return [_refused("days", f"A work order covers at most {MAX_DAYS} days; make another for the rest.",
                         f"एक कार्यादेश में अधिकतम {MAX_DAYS} दिन हो सकते हैं; बाकी के लिए दूसरा बनाएँ।")]
    if len(set(days)) != len(days):
        return [_refused("days", "A day is chosen twice; choose each day once.",
                         "कोई दिन दो बार चुना गया है; हर दिन एक ही बार चुनें।")]
    today = now.astimezone(IST).date()
    late = [day for day in days if (day - today).days > BOOK_AHEAD_DAYS]
    if late:
        return [_refused("days", f"{late[0]:%d-%m-%Y} is more than {BOOK_AHEAD_DAYS} days ahead.",
                         f"{late[0]:%d-%m-%Y} {BOOK_AHEAD_DAYS} दिन से अधिक आगे है।")]
    return [] if item is None else slot_problems(days, start, item, now)


def slot_problems(days: Iterable[date], start: time, item: ServiceItem, now: datetime) -> list[Refusal]:
    """Why a visit at `start` on one of `days` cannot be booked now (passed, or outside the service's hours)."""
    availability = item.availability
    last_start = (datetime.combine(date.min, availability.closes) - timedelta(minutes=item.duration_minutes)).time()
    for day in sorted(days):
        moment = visit_start(day, start)
        if bookable_at(availability, item.duration_minutes, moment, now=now):
            continue
        if moment <= now:
            return [_refused("days", f"{day:%d-%m-%Y} at {start:%H:%M} has already passed; choose later days.",
                             f"{day:%d-%m-%Y} को {start:%H:%M} बीत चुका है; आगे के दिन चुनें।")]
        if day.isoweekday() not in availability.days or day in availability.holidays:
            return [_refused("days", f"“{item.name_en}” is not offered on {day:%d-%m-%Y}; choose other days.",
                             f"“{item.name_hi}” {day:%d-%m-%Y} को उपलब्ध नहीं है; दूसरे दिन चुनें।")]
        if not availability.opens <= start <= last_start:
            return [_refused("start", f"Workers of “{item.name_en}” start between {availability.opens:%H:%M} and "
                             f"{last_start:%H:%M}.", f"“{item.name_hi}” के कर्मी {availability.opens:%H:%M} से "
                             f"{last_start:%H:%M} के बीच काम शुरू करते हैं।")]
        return [_refused("days", f"{day:%d-%m-%Y} at {start:%H:%M} is too soon: a worker needs time to reach you.",
                         f"{day:%d-%m-%Y} को {start:%H:%M} बहुत जल्दी है: कर्मी को पहुँचने का समय चाहिए।")]
    return []


def _site_problems(site: Site, purpose: str) -> list[Refusal]:
    problems = []
    if not 5 <= len(site.address.strip()) <= 500:
        problems.append(_refused("address", "Write the office's full address (5 to 500 letters).",
                                 "कार्यालय का पूरा पता लिखें (5 से 500 अक्षर)।"))
    if not _PINCODE.match(site.pincode):
        problems.append(_refused("pincode", "Write the office's six-digit pincode.",
                                 "कार्यालय का छह अंकों का पिनकोड लिखें।"))
    if not 2 <= len(site.contact_name.strip()) <= 128:
        problems.append(_refused("contact_name", "Write the name of the person at the office who meets the workers.",
                                 "कार्यालय में कर्मियों से मिलने वाले व्यक्ति का नाम लिखें।"))
    if not _PHONE.match(site.contact_phone):
        problems.append(_refused("contact_phone", "Write the contact's 10-digit mobile number (it starts with 6, 7, "
                                 "8 or 9): the start OTP of each visit goes to it.",
                                 "संपर्क व्यक्ति का 10 अंकों का मोबाइल नंबर लिखें (6, 7, 8 या 9 से शुरू): हर विज़िट का "
                                 "शुरुआती OTP इसी पर जाता है।"))
    if len(purpose) > 500:
        problems.append(_refused("purpose", "Keep the purpose within 500 letters.", "उद्देश्य 500 अक्षरों में लिखें।"))
    return problems


class WorkOrder:
    """A department's work order. Read its properties; change it only through its methods."""

    def __init__(
        self,
        *,
        number: str,
        account_id: str,
        service: PricedService,
        workers: int,
        days: tuple[date, ...],
        start: time,
        site: Site,
        purpose: str,
        requested: Decision,
        status: WorkOrderStatus,
        approval: Decision | None,
        closing: Decision | None,
        booked_at: datetime | None,
        version: int,
    ) -> None:
        self.number = number
        self.account_id = account_id
        self.service = service
        self.workers = workers
        self.days = tuple(sorted(days))
        self.start = start
        self.site = site
        self.purpose = purpose
        self.requested = requested
        self._status = status
        self._approval = approval
        self._closing = closing  # the rejection or withdrawal that ended it
        self._booked_at = booked_at
        self.version = version

    @classmethod
    def ask(cls, number: str, account_id: str, request: Request, item: ServiceItem, requested: Decision) -> WorkOrder:
        """A new work order awaiting approval (the caller has checked `request_problems`)."""
        return cls(
            number=number, account_id=account_id, service=PricedService.of(item), workers=request.workers,
            days=request.days, start=request.start, site=request.site, purpose=request.purpose.strip(),
            requested=requested, status=WorkOrderStatus.AWAITING_APPROVAL, approval=None, closing=None,
            booked_at=None, version=0,
        )

    @property
    def status(self) -> WorkOrderStatus:
        return self._status

    @property
    def approval(self) -> Decision | None:
        return self._approval

    @property
    def closing(self) -> Decision | None:
        return self._closing

    @property
    def booked_at(self) -> datetime | None:
        return self._booked_at

    @property
    def visit_count(self) -> int:
        return self.workers * len(self.days)

    @property
    def estimate(self) -> Decimal:
        """What the visits cost at the fee when asked (fee plus GST), for the approving officer."""
        return self.service.visit_total * self.visit_count

    def approve(self, by: Decision) -> None:
        """The approving officer sanctions it: the requesting officer may now book its workers."""
        self._expect(WorkOrderStatus.AWAITING_APPROVAL, "approve")
        self._status, self._approval = WorkOrderStatus.APPROVED, by

    def reject(self, by: Decision) -> None:
        """The approving officer turns it down, saying why (her note reaches the requesting officer)."""
        self._expect(WorkOrderStatus.AWAITING_APPROVAL, "reject")
        if not (by.note or "").strip():
            raise _refused("reason", "Write why the work order is rejected; the requesting officer reads it.",
                           "कार्यादेश अस्वीकार करने का कारण लिखें; माँगने वाले अधिकारी इसे पढ़ेंगे।")
        self._status, self._closing = WorkOrderStatus.REJECTED, replace(by, note=(by.note or "").strip())

    def withdraw(self, by: Decision) -> None:
        """The requesting officer takes it back before any worker is booked."""
        self._expect((WorkOrderStatus.AWAITING_APPROVAL, WorkOrderStatus.APPROVED), "withdraw")
        self._status, self._closing = WorkOrderStatus.WITHDRAWN, by

    def plan_visits(self, item: ServiceItem, now: datetime) -> list[PlannedVisit]:
        """The visits to book now: one per worker and day. Refused (field `approval`) before it is approved."""
        if self._status is WorkOrderStatus.AWAITING_APPROVAL:
            raise _refused("approval", f"Work order {self.number} has not been approved yet: its approving officer "
                           "must approve it before any worker is booked.",
                           f"कार्यादेश {self.number} अभी स्वीकृत नहीं हुआ है: कर्मी बुक होने से पहले स्वीकृति देने वाले "
                           "अधिकारी की स्वीकृति ज़रूरी है।")
        self._expect(WorkOrderStatus.APPROVED, "book")
        problems = slot_problems(self.days, self.start, item, now)
        if problems:
            raise problems[0]
        slot_length = timedelta(minutes=item.availability.slot_minutes)
        ends_after = timedelta(minutes=item.duration_minutes)
        visits: list[PlannedVisit] = []
        for day in self.days:
            arrive = visit_start(day, self.start)
            offered = max(now, arrive + ends_after - MATCHING_AHEAD)
            visits.extend(PlannedVisit(day, place, Slot(arrive, arrive + slot_length), offered)
                          for place in range(1, self.workers + 1))
        return visits

    def booked(self, at: datetime) -> None:
        """Its visits were booked (in the same transaction as the plan was made)."""
        self._expect(WorkOrderStatus.APPROVED, "book")
        self._status, self._booked_at = WorkOrderStatus.BOOKED, at

    def _expect(self, allowed: WorkOrderStatus | tuple[WorkOrderStatus, ...], action: str) -> None:
        if self._status in (allowed if isinstance(allowed, tuple) else (allowed,)):
            return
        en, hi = _STATUS_NAMES[self._status]
        verbs = {"approve": ("approved", "स्वीकृत"), "reject": ("rejected", "अस्वीकृत"),
                 "withdraw": ("withdrawn", "वापस"), "book": ("booked", "बुक")}
        verb_en, verb_hi = verbs[action]
        raise _refused("status", f"Work order {self.number} is {en}; it cannot be {verb_en} now.",
                       f"कार्यादेश {self.number} {hi} है; इसे अब {verb_hi} नहीं किया जा सकता।")
