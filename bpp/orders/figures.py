"""Counts over orders for the programme's figures: SQL aggregates, never the orders themselves.

Beside `repo.py` the one module that reads the `orders` table, and only through GROUP BY: a month of a busy
state is hundreds of thousands of orders, which the dashboard must never load. Day boundaries are India's
(`fulfillment.figures`). The same SQL runs on both databases except the two expressions that differ: a
timestamp's calendar day in India, and seconds between two timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.order_tables import order_events, orders
from fulfillment.figures import IST_OFFSET
from fulfillment.states import Event
from schemas.enums import OrderStatus

_IST_MINUTES = int(IST_OFFSET.total_seconds() // 60)


@dataclass(frozen=True, slots=True)
class DistrictBookings:
    """A district's bookings: made today, made this month, and of this month's those completed or cancelled."""

    district: str
    today: int
    month: int
    completed: int
    cancelled: int


@dataclass(frozen=True, slots=True)
class GroupBookings:
    """Bookings of one channel or one service: made today and this month."""

    key: str
    today: int
    month: int


@dataclass(frozen=True, slots=True)
class ArrivalWaits:
    """How long workers took to arrive (seconds) for the orders booked since a time; district None: the state."""

    district: str | None
    arrivals: int
    median_seconds: Decimal | None
    p90_seconds: Decimal | None


def _is_postgres(conn: AsyncConnection) -> bool:
    return conn.dialect.name == "postgresql"


def _count_since(start: datetime) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((orders.c.created_at >= start, 1), else_=0)), 0)


def _in_district(district: str | None) -> list[ColumnElement[bool]]:
    return [] if district is None else [orders.c.city == district]


async def bookings_by_district(
    conn: AsyncConnection, today: datetime, month: datetime, district: str | None
) -> list[DistrictBookings]:
    """Per district (city code) with bookings this month."""
    done = orders.c.status
    query = (
        select(
            orders.c.city,
            _count_since(today),
            func.count(),
            func.sum(case((done == OrderStatus.COMPLETED.value, 1), else_=0)),
            func.sum(case((done == OrderStatus.CANCELLED.value, 1), else_=0)),
        )
        .where(orders.c.created_at >= month, *_in_district(district))
        .group_by(orders.c.city)
        .order_by(orders.c.city)
    )
    return [DistrictBookings(city, int(day), int(total), int(completed), int(cancelled))
            for city, day, total, completed, cancelled in await conn.execute(query)]


async def bookings_by(
    conn: AsyncConnection, group: Literal["channel", "category_id"], today: datetime, month: datetime,
    district: str | None,
) -> list[GroupBookings]:
    """This month's bookings per channel (`ondc:<bap_id>`, `helpline`, …) or per service category."""
    column = orders.c[group]
    query = (
        select(column, _count_since(today), func.count())
        .where(orders.c.created_at >= month, *_in_district(district))
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [GroupBookings(key, int(day), int(total)) for key, day, total in await conn.execute(query)]


def _india_day(conn: AsyncConnection, column: Any) -> ColumnElement[Any]:
    """The calendar day in India of a UTC timestamp column."""
    if _is_postgres(conn):
        shifted = func.timezone("UTC", column) + literal_column(f"interval '{_IST_MINUTES} minutes'")
        return cast(shifted, Date)
    return func.date(column, f"+{_IST_MINUTES} minutes")  # SQLite keeps UTC as text


async def bookings_per_day(
    conn: AsyncConnection, since: datetime, district: str | None
) -> list[tuple[str, str, int]]:
    """(day in India as YYYY-MM-DD, channel, bookings) for the days since `since`."""
    day = _india_day(conn, orders.c.created_at).label("day")
    query = (
        select(day, orders.c.channel, func.count())
        .where(orders.c.created_at >= since, *_in_district(district))
        .group_by(day, orders.c.channel)
    )
    return [(str(on), channel, int(count)) for on, channel, count in await conn.execute(query)]


def _seconds_between(conn: AsyncConnection, later: Any, earlier: Any) -> ColumnElement[Any]:
    if _is_postgres(conn):
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


async def arrival_waits(
    conn: AsyncConnection, since: datetime, district: str | None, *, per_district: bool
) -> list[ArrivalWaits]:
    """Median and 90th percentile of the wait for the worker, over the orders booked since `since` that she
    reached; per district, or over all of them (the state) when not `per_district`.

    The wait runs from the booking, or from the booked slot's start when the slot begins later (a booking for
    tomorrow morning is not a day's wait), to the first `arrived` event; arriving before the slot is no wait.
    Percentiles are nearest-rank: the smallest wait with at least that share of waits at or below it, found by
    ranking the waits in a window, which both databases do.
    """
    due = case((orders.c.slot_start > orders.c.created_at, orders.c.slot_start), else_=orders.c.created_at)
    per_order = (
        select(orders.c.city.label("district"), func.min(order_events.c.at).label("arrived"), due.label("due"))
        .join(order_events, and_(order_events.c.order_id == orders.c.id, order_events.c.kind == Event.ARRIVED.value))
        .where(orders.c.created_at >= since, *_in_district(district))
        .group_by(orders.c.id, orders.c.city, orders.c.created_at, orders.c.slot_start)
        .subquery()
    )
    seconds = _seconds_between(conn, per_order.c.arrived, per_order.c.due)
    wait = case((seconds > 0, seconds), else_=literal(0))
    districts = [per_order.c.district] if per_district else []
    ranked = select(
        *districts,
        wait.label("wait"),
        func.row_number().over(partition_by=districts, order_by=wait).label("rank"),
        func.count().over(partition_by=districts).label("n"),
    ).subquery()

    def percentile(share: float) -> ColumnElement[Any]:
        return func.min(case((ranked.c.rank >= ranked.c.n * share, ranked.c.wait)))

    groups = [ranked.c.district] if per_district else []
    query = select(*groups, ranked.c.n, percentile(0.5), percentile(0.9)).group_by(*groups, ranked.c.n)
    rows = [tuple(row) if per_district else (None, *row) for row in await conn.execute(query)]
    return [ArrivalWaits(name, int(n), _seconds(median), _seconds(p90)) for name, n, median, p90 in rows]


def _seconds(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
