"""The live figures of the staff dashboard, per district and for the state, each computed by SQL aggregates.

Workers come from `workers` (registered, verified, online now: the row's `online` flag, which presence keeps),
bookings and waits from `bpp/orders/figures.py`, complaints from `complaints` against their IGM deadlines, money
from the ledger: what was earned into workers' wallets (every entry but payouts) and what payouts put in their
bank accounts. A district officer's figures are her district's; an admin sees every district and the state.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import ColumnElement, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.money.repo import paise_sum, rupees
from bpp.orders import figures as order_figures
from bpp.reports.tables import Cell, Column, Table
from bpp.storage.complaint_tables import complaints
from bpp.storage.db import Database
from bpp.storage.ledger_tables import journal_entries, ledger_accounts, ledger_postings
from bpp.storage.types import UTCDateTime
from bpp.storage.worker_tables import workers
from catalog.taxonomy import CATEGORIES
from fulfillment.complaints import Status
from fulfillment.figures import Periods, minutes, percent, periods_at
from fulfillment.ledger import BANK, ZERO, AccountKind
from fulfillment.order import CHANNEL_KINDS, channel_kind
from fulfillment.payouts import LineStatus
from fulfillment.workers import VERIFIED

STATE: Final = "state"  # the district column of the state's row
_OPEN_COMPLAINTS: Final = (Status.OPEN.value, Status.PROCESSING.value)
_PAYOUT_PAID: Final = f"payout_{LineStatus.PAID.value}"  # the kind of entry fulfillment.payouts.paid_entry posts


@dataclass(frozen=True, slots=True)
class Dashboard:
    scope: str  # a district's city code, or STATE
    periods: Periods
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)

    def about(self) -> list[tuple[str, str]]:
        """What a download holds, for its cover sheet."""
        return [
            ("scope", self.scope),
            ("generated_at", self.periods.now.isoformat()),
            ("today_from", self.periods.today_start.isoformat()),
            ("month_from", self.periods.month_start.isoformat()),
            ("chart_from", self.periods.chart_start.isoformat()),
            ("time_zone", "India (UTC+05:30): days and months are counted in India"),
        ]

    def as_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "generated_at": self.periods.now.isoformat(),
            "today": self.periods.chart_days[-1].isoformat(),
            "month_from": self.periods.month_start.isoformat(),
            "tables": [table.as_json() for table in self.tables],
        }


SUMMARY_COLUMNS: Final = (
    Column("district", "District", "ज़िला"),
    Column("workers_registered", "Workers registered", "पंजीकृत कर्मी"),
    Column("workers_verified", "Workers verified", "सत्यापित कर्मी"),
    Column("workers_online", "Workers online now", "अभी ऑनलाइन कर्मी"),
    Column("bookings_today", "Bookings today", "आज की बुकिंग"),
    Column("bookings_month", "Bookings this month", "इस महीने की बुकिंग"),
    Column("completed_month", "Completed, of this month's bookings", "इस महीने की बुकिंग में से पूरी हुईं"),
    Column("cancelled_month", "Cancelled, of this month's bookings", "इस महीने की बुकिंग में से रद्द हुईं"),
    Column("completion_rate_percent", "Completion rate %", "पूरा होने की दर %"),
    Column("cancellation_rate_percent", "Cancellation rate %", "रद्द होने की दर %"),
    Column("arrivals_measured", "Arrivals measured (this month)", "मापे गए आगमन (इस महीने)"),
    Column("arrival_median_minutes", "Wait for the worker, median (min)", "कर्मी के पहुँचने तक प्रतीक्षा, माध्यिका (मिनट)"),
    Column("arrival_p90_minutes", "Wait for the worker, 90th percentile (min)",
           "कर्मी के पहुँचने तक प्रतीक्षा, 90वाँ प्रतिशतक (मिनट)"),
    Column("complaints_open", "Complaints open", "खुली शिकायतें"),
    Column("complaints_overdue", "Complaints open past their deadline", "समय-सीमा पार खुली शिकायतें"),
    Column("earned_month", "Earned into wallets this month (₹)", "इस महीने वॉलेट में जमा (₹)"),
    Column("earned_total", "Earned into wallets, all time (₹)", "अब तक वॉलेट में जमा (₹)"),
    Column("paid_out_month", "Paid to workers' bank accounts this month (₹)", "इस महीने कर्मियों के बैंक खातों में भुगतान (₹)"),
    Column("paid_out_total", "Paid to workers' bank accounts, all time (₹)", "अब तक कर्मियों के बैंक खातों में भुगतान (₹)"),
)
_TODAY_MONTH: Final = (
    Column("today", "Bookings today", "आज की बुकिंग"),
    Column("month", "Bookings this month", "इस महीने की बुकिंग"),
)
CHANNEL_NAMES: Final = {  # kind: (English, Hindi)
    "ondc": ("ONDC buyer apps", "ONDC खरीदार ऐप"),
    "helpline": ("Helpline 155330", "हेल्पलाइन 155330"),
    "kiosk": ("Kiosks", "कियोस्क"),
    "department": ("Government departments", "सरकारी विभाग"),
}


_COUNTED: Final = (  # the summary's columns that are counts, summed into the state's row
    "workers_registered", "workers_verified", "workers_online", "bookings_today", "bookings_month", "completed_month",
    "cancelled_month", "complaints_open", "complaints_overdue",
)
_RUPEES: Final = ("earned_month", "earned_total", "paid_out_month", "paid_out_total")


@dataclass(slots=True)
class _Row:
    """One district's row of the summary (or the state's) while it is being filled in."""

    counts: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(_COUNTED, 0) | dict.fromkeys(_RUPEES, ZERO))
    waits: order_figures.ArrivalWaits | None = None

    def add(self, other: _Row) -> None:
        for key, value in other.counts.items():
            self.counts[key] += value

    def cells(self, district: str) -> tuple[Cell, ...]:
        counts, waits = self.counts, self.waits
        derived = {
            "district": district,
            "completion_rate_percent": percent(counts["completed_month"], counts["bookings_month"]),
            "cancellation_rate_percent": percent(counts["cancelled_month"], counts["bookings_month"]),
            "arrivals_measured": waits.arrivals if waits else 0,
            "arrival_median_minutes": minutes(waits.median_seconds) if waits else None,
            "arrival_p90_minutes": minutes(waits.p90_seconds) if waits else None,
        }
        return tuple((counts | derived)[column.key] for column in SUMMARY_COLUMNS)


async def dashboard(db: Database, district: str | None, now: datetime) -> Dashboard:
    """The figures of one district, or of every district and the state when `district` is None."""
    periods = periods_at(now)
    async with db.connect() as conn:
        summary = await _summary(conn, periods, district)
        channels = await order_figures.bookings_by(conn, "channel", periods.today_start, periods.month_start, district)
        services = await order_figures.bookings_by(
            conn, "category_id", periods.today_start, periods.month_start, district
        )
        per_day = await order_figures.bookings_per_day(conn, periods.chart_start, district)
    return Dashboard(district or STATE, periods, (
        summary,
        Table("bookings_by_channel", "Bookings by channel", "चैनल के अनुसार बुकिंग",
              (Column("channel", "Channel", "चैनल"), Column("kind", "Kind", "प्रकार"), *_TODAY_MONTH),
              tuple((group.key, channel_kind(group.key), group.today, group.month) for group in channels)),
        Table("bookings_by_service", "Bookings by service", "सेवा के अनुसार बुकिंग",
              (Column("service", "Service code", "सेवा कोड"), Column("name_en", "Service", "सेवा (अंग्रेज़ी)"),
               Column("name_hi", "सेवा (Hindi)", "सेवा"), *_TODAY_MONTH),
              tuple((group.key, *_service_names(group.key), group.today, group.month) for group in services)),
        _per_day_table(periods, per_day),
    ))


def _service_names(code: str) -> tuple[str, str]:
    category = CATEGORIES.get(code)
    if category is None:
        return code, code
    return category.name_en, category.name_hi or category.name_en


def _per_day_table(periods: Periods, counts: Iterable[tuple[str, str, int]]) -> Table:
    by_day: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CHANNEL_KINDS, 0))
    for day, channel, count in counts:
        by_day[day][channel_kind(channel)] += count
    columns = (
        Column("day", "Day (India)", "दिन"),
        *(Column(kind, *CHANNEL_NAMES[kind]) for kind in CHANNEL_KINDS),
        Column("total", "All channels", "सभी चैनल"),
    )
    rows: list[tuple[Cell, ...]] = []
    for calendar_day in periods.chart_days:
        kinds = by_day[calendar_day.isoformat()]
        rows.append((calendar_day.isoformat(), *(kinds[kind] for kind in CHANNEL_KINDS), sum(kinds.values())))
    return Table("bookings_per_day", "Bookings per day, last 30 days", "पिछले 30 दिनों में रोज़ की बुकिंग",
                 columns, tuple(rows))


async def _summary(conn: AsyncConnection, periods: Periods, district: str | None) -> Table:
    rows: dict[str, _Row] = defaultdict(_Row)
    if district is not None:
        rows[district] = _Row()  # her district has a row even before its first worker
    for name, counts in (await _worker_counts(conn, district)).items():
        rows[name].counts.update(counts)
    for booked in await order_figures.bookings_by_district(conn, periods.today_start, periods.month_start, district):
        rows[booked.district].counts.update(
            bookings_today=booked.today, bookings_month=booked.month, completed_month=booked.completed,
            cancelled_month=booked.cancelled,
        )
    for waits in await order_figures.arrival_waits(conn, periods.month_start, district, per_district=True):
        rows[str(waits.district)].waits = waits
    for name, counts in (await _complaint_counts(conn, periods.now, district)).items():
        rows[name].counts.update(counts)
    for name, money in (await _money(conn, periods.month_start, district)).items():
        rows[name].counts.update(money)
    cells = [rows[name].cells(name) for name in sorted(rows)]
    if district is None:
        state = _Row()
        for row in rows.values():
            state.add(row)
        for waits in await order_figures.arrival_waits(conn, periods.month_start, None, per_district=False):
            state.waits = waits
        cells.append(state.cells(STATE))
    return Table("districts", "Figures by district", "ज़िलेवार आँकड़े", SUMMARY_COLUMNS, tuple(cells))


async def _worker_counts(conn: AsyncConnection, district: str | None) -> dict[str, dict[str, int]]:
    query = select(
        workers.c.district,
        func.count(),
        func.sum(case((workers.c.verification == VERIFIED, 1), else_=0)),
        func.sum(case((workers.c.online.is_(True), 1), else_=0)),
    ).group_by(workers.c.district)
    if district is not None:
        query = query.where(workers.c.district == district)
    return {
        name: {"workers_registered": int(n), "workers_verified": int(verified), "workers_online": int(online)}
        for name, n, verified, online in await conn.execute(query)
    }


def _overdue(now: datetime) -> ColumnElement[bool]:
    """SQL for `fulfillment.complaints.overdue_flags` being non-empty for a complaint not yet resolved."""
    at = literal(now, UTCDateTime())
    return or_(func.coalesce(complaints.c.responded_at, at) > complaints.c.respond_by, at > complaints.c.resolve_by)


async def _complaint_counts(conn: AsyncConnection, now: datetime, district: str | None) -> dict[str, dict[str, int]]:
    query = (
        select(complaints.c.city, func.count(), func.sum(case((_overdue(now), 1), else_=0)))
        .where(complaints.c.status.in_(_OPEN_COMPLAINTS))
        .group_by(complaints.c.city)
    )
    if district is not None:
        query = query.where(complaints.c.city == district)
    return {
        city: {"complaints_open": int(n), "complaints_overdue": int(overdue)}
        for city, n, overdue in await conn.execute(query)
    }


def _month_and_total(amount: Any, month: datetime) -> tuple[ColumnElement[int], ColumnElement[int]]:
    in_month = case((journal_entries.c.posted_at >= month, amount), else_=0)
    return paise_sum(in_month), paise_sum(amount)


async def _money(conn: AsyncConnection, month: datetime, district: str | None) -> dict[str, dict[str, Decimal]]:
    """Per district: earned into wallets (this month, all time), paid to bank accounts (this month, all time)."""
    earned = (
        select(workers.c.district, *_month_and_total(-ledger_postings.c.amount, month))  # wallets are credit-normal
        .select_from(
            ledger_postings.join(journal_entries, journal_entries.c.id == ledger_postings.c.entry_id)
            .join(ledger_accounts, ledger_accounts.c.code == ledger_postings.c.account_code)
            .join(workers, workers.c.id == ledger_accounts.c.owner)
        )
        .where(ledger_accounts.c.kind == AccountKind.WORKER_WALLET.value,
               ~journal_entries.c.kind.startswith("payout_", autoescape=True))
        .group_by(workers.c.district)
    )
    paid = (
        select(workers.c.district, *_month_and_total(-ledger_postings.c.amount, month))  # leaving our bank: a credit
        .select_from(
            ledger_postings.join(journal_entries, journal_entries.c.id == ledger_postings.c.entry_id)
            .join(workers, workers.c.id == journal_entries.c.worker_id)
        )
        .where(journal_entries.c.kind == _PAYOUT_PAID, ledger_postings.c.account_code == BANK.code)
        .group_by(workers.c.district)
    )
    if district is not None:
        earned, paid = earned.where(workers.c.district == district), paid.where(workers.c.district == district)
    money: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for query, (in_month, ever) in ((earned, _RUPEES[:2]), (paid, _RUPEES[2:])):
        for name, month_paise, total_paise in await conn.execute(query):
            money[name] |= {in_month: rupees(month_paise), ever: rupees(total_paise)}
    return money
