"""Booking and changing engagements, shared by the channels (ONDC handlers today) and the workforce side.

Every method works inside the caller's connection and transaction (a unit of work), so the engagement, its ONDC
order row, its stored visits and the callback that tells the buyer app commit together or not at all.

- `draft` makes an unstored engagement from an item and what the buyer chose: select and init quote its first month
  (`first_month`), and confirm stores the same draft with `confirm`.
- `confirm` stores a requested engagement (and, for ONDC, the order it was booked as); matching a steady worker
  (`Engagement.activate`) and storing visits ahead (`replan_visits`) follow from the workforce side.
- `change` applies one buyer change (pause, resume, end with notice, change the visit time) through the aggregate's
  methods, saves it and replans the stored visits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import ColumnElement, Row, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.engagements.repo import EngagementRepo
from bpp.storage.engagement_tables import engagement_orders
from catalog.engagement_terms import Month, VisitSchedule
from catalog.model import Provider, ServiceItem
from fulfillment.engagement import Engagement, MonthBill, india_today
from fulfillment.engagement_calendar import calendar_free
from fulfillment.engagement_visits import Visit, replan
from fulfillment.order import BookedService, Channel, CustomerDetails
from schemas.errors import BUSINESS_ERROR, SLOT_NOT_AVAILABLE
from schemas.refusal import Refusal

VISIT_HORIZON_DAYS: Final = 14  # visits are stored this many days ahead (the worker app's week and the next)


@dataclass(frozen=True, slots=True)
class OndcOrder:
    """The ONDC order an engagement was booked as: callbacks echo the buyer app's order id and creation time."""

    bap_id: str
    transaction_id: str
    buyer_order_id: str
    buyer_created_at: str
    payment: Mapping[str, Any]


class ChangeAction(StrEnum):
    """What a buyer may change (the `engagement_update` tag group's `action`, docs/engagements.md section 6)."""

    PAUSE = "pause"
    RESUME = "resume"
    END = "end"
    CHANGE_TIME = "change_time"


@dataclass(frozen=True, slots=True)
class EngagementChange:
    action: ChangeAction
    first: date | None = None  # pause, resume, change_time: from this Indian date
    start: time | None = None  # change_time: the new time of day

    def day(self) -> date:
        if self.first is None:
            raise Refusal(BUSINESS_ERROR.code, f"Give the day ('from') the {self.action} takes effect.", "from",
                          "बदलाव किस दिन से लागू हो, वह दिन ('from') दें।")
        return self.first


class EngagementService:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock

    def draft(
        self,
        *,
        id: str,
        channel: Channel,
        provider: Provider,
        item: ServiceItem,
        version: int,
        schedule: VisitSchedule,
        start: date,
        months: int,
        details: CustomerDetails,
    ) -> Engagement:
        """An unstored engagement of `item` on `schedule` from `start` for `months` (the aggregate refuses a start
        before tomorrow, a term outside the item's, or a visit of another length)."""
        terms = item.engagement
        if terms is None:
            raise ValueError(f"item {item.id} is not an engagement item")
        hours = item.availability
        if not schedule.weekdays <= hours.days or not hours.opens <= schedule.start < hours.closes:
            raise Refusal(BUSINESS_ERROR.code, "Choose visit days and a time when the service is available.",
                          "schedule", "विज़िट के दिन और समय वही चुनें जब सेवा उपलब्ध है।")
        gps = str(details.end_location.get("gps") or "")
        return Engagement.request(
            id=id, channel=channel, service=BookedService(provider.id, item.id, version, item.category_id),
            title=item.name_en, terms=terms, schedule=schedule, rate=item.fee, tax_percent=item.tax_percent,
            start=start, months=months, place_gps=gps, details=details, at=self._clock(),
        )

    @staticmethod
    def first_month(engagement: Engagement) -> MonthBill:
        """What select, init and confirm quote: the planned visits of the first (prorated) month."""
        return engagement.planned_bill(Month.of(engagement.start))

    async def confirm(self, conn: AsyncConnection, engagement: Engagement, order: OndcOrder | None) -> None:
        """Store a new requested engagement and the ONDC order it was booked as."""
        await EngagementRepo(conn).add(engagement)
        if order is not None:
            await conn.execute(engagement_orders.insert().values(
                engagement_id=engagement.id, bap_id=order.bap_id, transaction_id=order.transaction_id,
                buyer_order_id=order.buyer_order_id, buyer_created_at=order.buyer_created_at,
                payment=dict(order.payment)))

    async def by_transaction(
        self, conn: AsyncConnection, bap_id: str, transaction_id: str, *, lock: bool = False
    ) -> tuple[Engagement, OndcOrder] | None:
        """The engagement a buyer app's transaction booked, with its order; None when it booked none."""
        return await self._by_order(conn, engagement_orders.c.transaction_id == transaction_id, bap_id, lock)

    async def by_buyer_order(
        self, conn: AsyncConnection, bap_id: str, buyer_order_id: str, *, lock: bool = False
    ) -> tuple[Engagement, OndcOrder] | None:
        """The engagement a buyer app names by its order id (status, update), with its order; None when none."""
        return await self._by_order(conn, engagement_orders.c.buyer_order_id == buyer_order_id, bap_id, lock)

    @staticmethod
    async def by_transaction_of(conn: AsyncConnection, engagement_id: str) -> OndcOrder | None:
        """The ONDC order engagement `engagement_id` was booked as; None for one booked without a buyer app."""
        row = (await conn.execute(select(engagement_orders).where(
            engagement_orders.c.engagement_id == engagement_id))).first()
        return _ondc_order(row) if row is not None else None

    async def _by_order(
        self, conn: AsyncConnection, condition: ColumnElement[bool], bap_id: str, lock: bool
    ) -> tuple[Engagement, OndcOrder] | None:
        row = (await conn.execute(select(engagement_orders).where(
            engagement_orders.c.bap_id == bap_id, condition))).first()
        if row is None:
            return None
        engagement = await EngagementRepo(conn, lock_rows=lock).get(row.engagement_id)
        if engagement is None:
            raise LookupError(f"engagement {row.engagement_id} of order {row.buyer_order_id} is gone")
        return engagement, _ondc_order(row)

    async def change(self, conn: AsyncConnection, engagement: Engagement, change: EngagementChange,
                     actor: str) -> None:
        """Apply `change` through the aggregate, save it and replan its stored visits (a Refusal leaves all as it
        was)."""
        at = self._clock()
        if change.action is ChangeAction.PAUSE:
            engagement.pause(change.day(), at=at, actor=actor)
        elif change.action is ChangeAction.RESUME:
            engagement.resume(change.day(), at=at, actor=actor)
        elif change.action is ChangeAction.END:
            engagement.end_with_notice(at=at, actor=actor)
        else:
            if change.start is None:
                raise Refusal(BUSINESS_ERROR.code, "Give the new time of the visits.", "time",
                              "विज़िट का नया समय दें।")
            first = change.day()
            engagement.change_visit_time(change.start, first, at=at, actor=actor)
            await self._check_worker_free(conn, engagement, first)
        repo = EngagementRepo(conn)
        await repo.save(engagement)
        await self.replan_visits(conn, engagement)

    async def replan_visits(self, conn: AsyncConnection, engagement: Engagement) -> list[Visit]:
        """Store the visits of tomorrow to the horizon as the timeline now holds them (none until a steady worker
        holds the engagement); returns the visits added or changed."""
        if engagement.worker_id is None:
            return []
        today = india_today(self._clock())
        first, last = today + timedelta(days=1), today + timedelta(days=VISIT_HORIZON_DAYS)
        repo = EngagementRepo(conn)
        changed = replan(engagement.id, engagement.visits(first, last), await repo.visits(engagement.id, first, last),
                         engagement.worker_id)
        await repo.save_visits(changed)
        return changed

    async def visits_in_play(self, conn: AsyncConnection, engagement: Engagement) -> list[Visit]:
        """The stored visits of today and tomorrow (Indian dates): those a message shows beside the schedule."""
        today = india_today(self._clock())
        return await EngagementRepo(conn).visits(engagement.id, today, today + timedelta(days=1))

    async def _check_worker_free(self, conn: AsyncConnection, engagement: Engagement, first: date) -> None:
        """The steady worker's other engagement visits leave room for the moved ones (90001 otherwise)."""
        worker_id = engagement.worker_id
        if worker_id is None:
            return
        wanted = engagement.bookings(first, engagement.last_day)
        if not wanted:
            return
        held = await EngagementRepo(conn).worker_bookings(worker_id, wanted[0].start, wanted[-1].end)
        own = f"engagement:{engagement.id}:"
        if not calendar_free(wanted, [booking for booking in held if not booking.ref.startswith(own)]):
            raise Refusal(SLOT_NOT_AVAILABLE.code, "The worker is not free at that time; choose another time.",
                          "time", "उस समय कर्मी खाली नहीं है; कोई और समय चुनें।")


def _ondc_order(row: Row[Any]) -> OndcOrder:
    return OndcOrder(row.bap_id, row.transaction_id, row.buyer_order_id, row.buyer_created_at, row.payment)
