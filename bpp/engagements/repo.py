"""Engagements in the `engagements` table as `fulfillment.engagement.Engagement` aggregates, their events in
`engagement_events`, and their visits in `engagement_visits`.

No engagement row leaves this module. `save` is the optimistic lock, as for orders: it writes only if the stored
`version` is still the one the engagement was read at. Visits are values (`fulfillment.engagement_visits.Visit`):
`save_visits` stores new ones and changes known ones, as `replan` and the visit's own steps return them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.db import Row
from bpp.storage.engagement_tables import engagement_events, engagement_visits, engagements
from catalog.codec import engagement_from_json, engagement_to_json
from catalog.engagement_terms import VisitSchedule
from catalog.schedule import format_days, parse_days
from fulfillment.engagement import (
    Engagement,
    EngagementEvent,
    EngagementEventKind,
    EngagementState,
    Pause,
    ScheduleChange,
    Timeline,
)
from fulfillment.engagement_calendar import Booking
from fulfillment.engagement_visits import Visit, VisitOtp, VisitState
from fulfillment.order import BookedService, BuyerApp, Channel, CustomerDetails
from schemas.errors import UPDATION_NOT_POSSIBLE
from schemas.refusal import Refusal

OPEN_STATES: tuple[EngagementState, ...] = (EngagementState.REQUESTED, EngagementState.ACTIVE,
                                              EngagementState.PAUSED, EngagementState.ENDING)


class EngagementChangedMeanwhile(Refusal):
    """Someone saved the engagement after it was read; read it again and decide again."""

    def __init__(self, engagement_id: str) -> None:
        super().__init__(
            UPDATION_NOT_POSSIBLE.code,
            f"engagement {engagement_id} changed meanwhile; read it again and retry",
            message_hi="सेवा का विवरण अभी बदला है; फिर से खोलें।",
        )


class EngagementRepo:
    """Reads and writes inside the caller's connection and transaction; `lock_rows` reads engagements FOR UPDATE
    (PostgreSQL) for a change that must not race."""

    def __init__(self, conn: AsyncConnection, *, lock_rows: bool = False) -> None:
        self._conn = conn
        self._lock_rows = lock_rows

    # ---- engagements -----------------------------------------------------------------------
    async def add(self, engagement: Engagement) -> None:
        """Store a new engagement and the events it raised."""
        await self._conn.execute(engagements.insert().values(
            **_fixed_columns(engagement), **_changing_columns(engagement), version=engagement.version))
        await self._append_events(engagement)
        engagement.stored(engagement.version)

    async def save(self, engagement: Engagement) -> None:
        """Store its changes and events if nobody saved it since it was read; else EngagementChangedMeanwhile."""
        new_version = engagement.version + 1
        result = await self._conn.execute(
            update(engagements)
            .where(engagements.c.id == engagement.id, engagements.c.version == engagement.version)
            .values(**_changing_columns(engagement), version=new_version)
        )
        if result.rowcount != 1:
            raise EngagementChangedMeanwhile(engagement.id)
        await self._append_events(engagement)
        engagement.stored(new_version)

    async def get(self, engagement_id: str) -> Engagement | None:
        found = await self._many(select(engagements).where(engagements.c.id == engagement_id))
        return found[0] if found else None

    async def of_worker(self, worker_id: str, states: Collection[EngagementState] = OPEN_STATES) -> list[Engagement]:
        """The engagements `worker_id` holds as the steady worker, in `states`, oldest first."""
        return await self._many(
            select(engagements)
            .where(engagements.c.worker_id == worker_id, engagements.c.state.in_([state.value for state in states]))
            .order_by(engagements.c.created_at, engagements.c.id)
        )

    async def in_states(self, states: Collection[EngagementState], limit: int) -> list[Engagement]:
        """Up to `limit` engagements in `states`, oldest first."""
        return await self._many(
            select(engagements).where(engagements.c.state.in_([state.value for state in states]))
            .order_by(engagements.c.created_at, engagements.c.id).limit(limit)
        )

    async def events(self, engagement_id: str) -> list[EngagementEvent]:
        rows = await self._conn.execute(
            select(engagement_events)
            .where(engagement_events.c.engagement_id == engagement_id)
            .order_by(engagement_events.c.id)
        )
        return [EngagementEvent(EngagementEventKind(row.kind), row.actor, row.at, row.detail) for row in rows]

    # ---- visits ----------------------------------------------------------------------------
    async def visits(self, engagement_id: str, first: date, last: date) -> list[Visit]:
        """The stored visits of an engagement from `first` to `last` (Indian dates, both included), by day."""
        rows = await self._conn.execute(
            select(engagement_visits)
            .where(engagement_visits.c.engagement_id == engagement_id, engagement_visits.c.day.between(first, last))
            .order_by(engagement_visits.c.day)
        )
        return [_visit(row._mapping) for row in rows]

    async def save_visits(self, visits: Sequence[Visit]) -> None:
        """Store new visits and the changes of known ones (one visit per engagement and day)."""
        if not visits:
            return
        keys = [(visit.engagement_id, visit.day) for visit in visits]
        known = {
            (row.engagement_id, row.day)
            for row in await self._conn.execute(
                select(engagement_visits.c.engagement_id, engagement_visits.c.day).where(
                    tuple_(engagement_visits.c.engagement_id, engagement_visits.c.day).in_(keys))
            )
        }
        new = [_visit_row(visit) for visit in visits if (visit.engagement_id, visit.day) not in known]
        if new:
            await self._conn.execute(engagement_visits.insert(), new)
        for visit in visits:
            if (visit.engagement_id, visit.day) in known:
                row = _visit_row(visit)
                await self._conn.execute(
                    update(engagement_visits)
                    .where(engagement_visits.c.engagement_id == visit.engagement_id,
                           engagement_visits.c.day == visit.day)
                    .values({name: value for name, value in row.items() if name not in ("engagement_id", "day")})
                )

    async def worker_visits(self, worker_id: str, first: date, last: date) -> list[Visit]:
        """The visits `worker_id` holds (as the steady worker or a substitute) from `first` to `last`, by time."""
        rows = await self._conn.execute(
            select(engagement_visits)
            .where(engagement_visits.c.worker_id == worker_id, engagement_visits.c.day.between(first, last))
            .order_by(engagement_visits.c.start_at)
        )
        return [_visit(row._mapping) for row in rows]

    async def overdue_visits(self, now: datetime, limit: int) -> list[Visit]:
        """Planned visits whose time has passed unstarted, oldest first: the ones to mark missed."""
        rows = await self._conn.execute(
            select(engagement_visits)
            .where(engagement_visits.c.state == VisitState.PLANNED.value, engagement_visits.c.end_at <= now,
                   engagement_visits.c.started_at.is_(None))
            .order_by(engagement_visits.c.end_at)
            .limit(limit)
        )
        return [_visit(row._mapping) for row in rows]

    async def late_visits(self, now: datetime, late: timedelta, limit: int) -> list[Visit]:
        """Planned visits of steady workers not started `late` after their start and not over yet, oldest first: the
        ones a substitute may still save."""
        rows = await self._conn.execute(
            select(engagement_visits)
            .where(engagement_visits.c.state == VisitState.PLANNED.value, engagement_visits.c.started_at.is_(None),
                   engagement_visits.c.substitute.is_(False), engagement_visits.c.start_at <= now - late,
                   engagement_visits.c.end_at > now)
            .order_by(engagement_visits.c.start_at)
            .limit(limit)
        )
        return [_visit(row._mapping) for row in rows]

    async def worker_bookings(self, worker_id: str, start: datetime, end: datetime) -> list[Booking]:
        """The planned and done engagement visits `worker_id` holds that overlap [start, end), at their places: her
        engagement calendar for `fulfillment.engagement_calendar` (her one-off jobs are OrderRepo's to read)."""
        rows = await self._conn.execute(
            select(engagement_visits, engagements.c.place_gps)
            .join(engagements, engagements.c.id == engagement_visits.c.engagement_id)
            .where(
                engagement_visits.c.worker_id == worker_id,
                engagement_visits.c.state.in_([VisitState.PLANNED.value, VisitState.DONE.value]),
                engagement_visits.c.start_at < end,
                engagement_visits.c.end_at > start,
            )
            .order_by(engagement_visits.c.start_at)
        )
        bookings = []
        for row in rows:
            lat, lng = (float(part) for part in row.place_gps.split(","))
            ref = f"engagement:{row.engagement_id}:{row.day.isoformat()}"
            bookings.append(Booking(row.start_at, row.end_at, (lat, lng), ref))
        return bookings

    async def _many(self, query: Select[Any]) -> list[Engagement]:
        if self._lock_rows:
            query = query.with_for_update()
        return [_engagement(row) for row in (await self._conn.execute(query)).mappings()]

    async def _append_events(self, engagement: Engagement) -> None:
        if engagement.pending_events:
            await self._conn.execute(engagement_events.insert(), [
                {"engagement_id": engagement.id, "at": event.at, "kind": event.kind.value, "actor": event.actor,
                 "detail": dict(event.detail)}
                for event in engagement.pending_events
            ])


def _fixed_columns(engagement: Engagement) -> dict[str, Any]:
    """What a booking fixes for its whole term."""
    channel, service, details = engagement.channel, engagement.service, engagement.details
    buyer_app = channel.buyer_app
    return {
        "id": engagement.id,
        "channel": channel.name,
        "bap_id": buyer_app.bap_id if buyer_app else None,
        "bap_uri": buyer_app.bap_uri if buyer_app else None,
        "domain": channel.domain,
        "city": channel.city,
        "provider_id": service.provider_id,
        "item_id": service.item_id,
        "item_version": service.item_version,
        "category_id": service.category_id,
        "title": engagement.title,
        "terms": {**engagement_to_json(engagement.terms), "minutes": engagement.terms.schedule.minutes},
        "rate": engagement.rate,
        "tax_percent": engagement.tax_percent,
        "start_day": engagement.start,
        "months": engagement.months,
        "place_gps": engagement.place_gps,
        "customer": dict(details.customer),
        "end_location": dict(details.end_location),
        "billing": dict(details.billing),
        "created_at": engagement.created_at,
    }


def _changing_columns(engagement: Engagement) -> dict[str, Any]:
    timeline = engagement.timeline
    return {
        "state": timeline.state.value,
        "worker_id": timeline.worker_id,
        "last_day": timeline.last_day,
        "schedules": [_schedule_json(change) for change in timeline.schedules],
        "pauses": [{"first": pause.first.isoformat(), "resume": pause.resume.isoformat() if pause.resume else None}
                   for pause in timeline.pauses],
        "updated_at": timeline.updated_at or engagement.created_at,
    }


def _schedule_json(change: ScheduleChange) -> dict[str, Any]:
    schedule = change.schedule
    return {"first": change.first.isoformat(), "days": format_days(schedule.weekdays),
            "time": schedule.start.strftime("%H:%M"), "minutes": schedule.minutes}


def _engagement(row: Mapping[str, Any]) -> Engagement:
    bap_id = row["bap_id"]
    buyer_app = BuyerApp(bap_id, row["bap_uri"]) if bap_id is not None else None
    schedules = tuple(
        ScheduleChange(date.fromisoformat(change["first"]), VisitSchedule(
            parse_days(change["days"]), time.fromisoformat(change["time"]), int(change["minutes"])))
        for change in row["schedules"]
    )
    pauses = tuple(
        Pause(date.fromisoformat(pause["first"]), date.fromisoformat(pause["resume"]) if pause["resume"] else None)
        for pause in row["pauses"]
    )
    timeline = Timeline(EngagementState(row["state"]), schedules, pauses, row["last_day"], row["worker_id"],
                        row["updated_at"])
    return Engagement(
        id=row["id"],
        channel=Channel(row["channel"], row["domain"], row["city"], buyer_app),
        service=BookedService(row["provider_id"], row["item_id"], row["item_version"], row["category_id"]),
        title=row["title"],
        terms=engagement_from_json(row["terms"], int(row["terms"]["minutes"])),
        rate=row["rate"],
        tax_percent=row["tax_percent"],
        start=row["start_day"],
        months=row["months"],
        place_gps=row["place_gps"],
        details=CustomerDetails(row["customer"], row["end_location"], row["billing"]),
        created_at=row["created_at"],
        timeline=timeline,
        version=row["version"],
    )


def _visit_row(visit: Visit) -> dict[str, Any]:
    return {
        "engagement_id": visit.engagement_id,
        "day": visit.day,
        "start_at": visit.start,
        "end_at": visit.end,
        "worker_id": visit.worker_id,
        "substitute": visit.substitute,
        "state": visit.state.value,
        "completed_at": visit.completed_at,
        "started_at": visit.started_at,
        "otp_hash": visit.otp.hash if visit.otp else None,
        "otp_issued_at": visit.otp.issued_at if visit.otp else None,
        "otp_wrong_tries": visit.otp.wrong_tries if visit.otp else 0,
    }


def _visit(row: Row) -> Visit:
    return Visit(
        engagement_id=row["engagement_id"],
        day=row["day"],
        start=row["start_at"],
        end=row["end_at"],
        worker_id=row["worker_id"],
        state=VisitState(row["state"]),
        substitute=row["substitute"],
        completed_at=row["completed_at"],
        started_at=row["started_at"],
        otp=VisitOtp(row["otp_hash"], row["otp_issued_at"], row["otp_wrong_tries"]) if row["otp_hash"] else None,
    )
