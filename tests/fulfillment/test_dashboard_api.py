"""The dashboard over real HTTP with the demo's data after a few simulated orders: every figure equals a count
made straight from the tables, and the CSV and Excel downloads carry the same numbers."""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
import pytest
from harness import RunningServer
from openpyxl import load_workbook
from sqlalchemy import select, update

from bpp.orders.repo import OrderRepo
from bpp.platform.auth import Principal
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import Journey
from bpp.storage.complaint_tables import complaints
from bpp.storage.ledger_tables import journal_entries, ledger_accounts, ledger_postings
from bpp.storage.order_tables import order_events, orders
from bpp.storage.worker_tables import workers
from fulfillment.complaints import Timeline, overdue_flags
from fulfillment.figures import IST, periods_at
from fulfillment.order import BookedService, Channel, CustomerDetails, Order, PaymentTerms, Quote

LUCKNOW, MEERUT = "std:0522", "std:0121"
TAP_REPAIR, ELECTRICIAN, CARPENTRY = "SRV11-1047", "SRV11-1044", "SRV11-1025"


def client(server: RunningServer, role: str, district: str | None = None) -> httpx.AsyncClient:
    token = server.services.tokens.issue(Principal("staff", f"{role}-1", role, district))
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=20)


async def cancelled_helpline_booking(server: RunningServer, city: str) -> None:
    """A helpline booking no worker took, cancelled by us: the other end of the completion rate."""
    services = server.services
    now = services.clock()
    order = Order.confirm(
        id=f"SM-{uuid.uuid4().hex[:8]}", buyer_order_id="HL-1", buyer_created_at=now.isoformat(),
        transaction_id=f"HL-{uuid.uuid4().hex[:8]}", channel=Channel("helpline", "ONDC:SRV11", city),
        service=BookedService("P1", "I1", 1, CARPENTRY),
        quote=Quote.from_snapshot({"price": {"currency": "INR", "value": "350.00"}, "breakup": []}),
        details=CustomerDetails({"name": "Ramesh", "phone": "9876543210"}, {"gps": "28.98,77.70"}, {}),
        payment=PaymentTerms({"type": "ON-FULFILLMENT", "collected_by": "BPP", "status": "NOT-PAID"}),
        terms={}, slot=None, at=now,
    )
    order.cancel_for_no_worker("no worker near", at=now)
    async with services.db.begin() as conn:
        await OrderRepo(conn).add(order)


def expected_figures(rows: dict[str, list[Any]], now: datetime) -> dict[str, dict[str, Any]]:
    """The summary counted in plain Python from every row, as a person checking the dashboard would."""
    periods = periods_at(now)
    per: dict[str, Counter[str]] = {}

    def row(district: str) -> Counter[str]:
        return per.setdefault(district, Counter())

    for worker in rows["workers"]:
        counts = row(worker.district)
        counts["workers_registered"] += 1
        counts["workers_verified"] += worker.verification == "verified"
        counts["workers_online"] += bool(worker.online)
    for order in rows["orders"]:
        if order.created_at >= periods.month_start:
            counts = row(order.city)
            counts["bookings_month"] += 1
            counts["bookings_today"] += order.created_at >= periods.today_start
            counts["completed_month"] += order.status == "Completed"
            counts["cancelled_month"] += order.status == "Cancelled"
    for complaint in rows["complaints"]:
        if complaint.status in ("OPEN", "PROCESSING"):
            row(complaint.city)["complaints_open"] += 1
            flags = overdue_flags(Timeline(complaint.respond_by, complaint.resolve_by), complaint.responded_at,
                                  complaint.resolved_at, now)
            row(complaint.city)["complaints_overdue"] += bool(flags)
    district_of = {worker.id: worker.district for worker in rows["workers"]}
    money: dict[str, Counter[str]] = {}
    for posting in rows["postings"]:
        in_month = posting.posted_at >= periods.month_start
        if posting.kind == "wallet" and not posting.entry_kind.startswith("payout_"):
            district, amount, key = district_of[posting.owner], -posting.amount, "earned"
        elif posting.entry_kind == "payout_paid" and posting.account_code == "bank":
            district, amount, key = district_of[posting.worker_id], -posting.amount, "paid_out"  # out of the bank
        else:
            continue
        counts = money.setdefault(district, Counter())
        counts[f"{key}_total"] += amount
        counts[f"{key}_month"] += amount if in_month else 0
    for district, counts in money.items():
        row(district).update({key: Decimal(value) for key, value in counts.items()})
    return {district: dict(counts) for district, counts in per.items()}


def nearest_rank(waits: list[float], share: float) -> float:
    ordered = sorted(waits)
    return ordered[next(rank for rank in range(1, len(ordered) + 1) if rank >= share * len(ordered)) - 1]


async def read_rows(server: RunningServer) -> dict[str, list[Any]]:
    async with server.services.db.connect() as conn:
        postings = await conn.execute(
            select(ledger_postings.c.account_code, ledger_postings.c.amount, ledger_accounts.c.kind,
                   ledger_accounts.c.owner, journal_entries.c.kind.label("entry_kind"), journal_entries.c.posted_at,
                   journal_entries.c.worker_id)
            .join(ledger_accounts, ledger_accounts.c.code == ledger_postings.c.account_code)
            .join(journal_entries, journal_entries.c.id == ledger_postings.c.entry_id))
        return {
            "workers": list(await conn.execute(select(workers))),
            "orders": list(await conn.execute(select(orders))),
            "arrivals": list(await conn.execute(select(order_events).where(order_events.c.kind == "arrived"))),
            "complaints": list(await conn.execute(select(complaints))),
            "postings": list(postings),
        }


def number_or_text(cell: object) -> object:
    """A cell as a spreadsheet compares it: any number (an int, a float, a decimal string) by its value."""
    try:
        return Decimal(str(cell)) if cell is not None else None
    except InvalidOperation:
        return cell


def as_cells(table: dict[str, Any]) -> list[dict[str, Any]]:
    keys = [column["key"] for column in table["columns"]]
    return [dict(zip(keys, row, strict=True)) for row in table["rows"]]


@pytest.mark.settings(demo=True, demo_step_seconds=0.05)
async def test_the_figures_are_the_counts_in_the_database_and_the_downloads_carry_them(
    server: RunningServer, buyer: BuyerApp
) -> None:
    for category, payment in ((TAP_REPAIR, "PRE-FULFILLMENT"), (ELECTRICIAN, "ON-FULFILLMENT"),
                              (TAP_REPAIR, "ON-FULFILLMENT")):
        journey = Journey(buyer, server.ondc_url, category=category, payment_type=payment, callback_timeout=10,
                          completion_timeout=30)
        assert (await journey.run())["status"] == "Completed"
    await cancelled_helpline_booking(server, LUCKNOW)
    await cancelled_helpline_booking(server, MEERUT)
    async with client(server, "admin") as admin:
        done = (await read_rows(server))["orders"]
        for order in done[:2]:
            filed = await admin.post("/staff/api/complaints", json={
                "order_id": order.id, "kind": "quality", "short_desc": "Tap still leaks"})
            assert filed.status_code == 201, filed.text
        async with server.services.db.begin() as conn:  # the first one is past its response deadline
            await conn.execute(update(complaints).where(complaints.c.order_id == done[0].id)
                               .values(respond_by=server.services.clock().replace(year=2025)))
        batch = (await admin.post("/staff/api/payouts", json={"minimum": "1"})).json()
        assert batch["line_count"] == 1
        paid = await admin.post(f"/staff/api/payouts/{batch['id']}/lines/1/paid", json={"bank_reference": "UTR1"})
        assert paid.status_code == 200, paid.text

        answer = await admin.get("/staff/api/dashboard")
        assert answer.status_code == 200, answer.text
        report = answer.json()
        rows = await read_rows(server)
        now = datetime.fromisoformat(report["generated_at"])
        tables = {table["name"]: table for table in report["tables"]}

        # the summary: one row per district and the state's, each figure as counted from the rows
        summary = {row["district"]: row for row in as_cells(tables["districts"])}
        expected = expected_figures(rows, now)
        assert set(summary) == {*expected, "state"} == {LUCKNOW, MEERUT, "state"}
        for district, counts in expected.items():
            for key, value in counts.items():
                assert str(summary[district][key]) == str(value), (district, key)
        lucknow = summary[LUCKNOW]
        assert (lucknow["bookings_month"], lucknow["completed_month"], lucknow["cancelled_month"]) == (4, 3, 1)
        assert (lucknow["completion_rate_percent"], lucknow["cancellation_rate_percent"]) == ("75.0", "25.0")
        assert (lucknow["complaints_open"], lucknow["complaints_overdue"]) == (2, 1)
        assert Decimal(lucknow["paid_out_month"]) > 0 and Decimal(lucknow["earned_total"]) > 0
        state = summary["state"]
        assert (state["bookings_month"], state["cancelled_month"], state["cancellation_rate_percent"]) == (5, 2, "40.0")
        assert state["workers_registered"] == len(rows["workers"])
        assert state["workers_online"] == sum(1 for worker in rows["workers"] if worker.online)

        # the wait for the worker, from booking (or a later slot's start) to her first arrival
        booked = {order.id: order for order in rows["orders"]}
        first: dict[str, datetime] = {}
        for event in rows["arrivals"]:
            first[event.order_id] = min(first.get(event.order_id, event.at), event.at)
        waits = []
        for order_id, arrived in first.items():
            order = booked[order_id]
            due = max(order.created_at, order.slot_start or order.created_at)
            waits.append(max(0.0, (arrived - due).total_seconds()))
        assert len(waits) == 3 and lucknow["arrivals_measured"] == 3 and state["arrivals_measured"] == 3
        for key, share in (("arrival_median_minutes", 0.5), ("arrival_p90_minutes", 0.9)):
            assert abs(Decimal(lucknow[key]) - Decimal(nearest_rank(waits, share)) / 60) <= Decimal("0.05")
            assert state[key] == lucknow[key]

        # bookings by channel, by service and per day in India
        month = [order for order in rows["orders"] if order.created_at >= periods_at(now).month_start]
        by_channel = {row["channel"]: row["month"] for row in as_cells(tables["bookings_by_channel"])}
        assert by_channel == Counter(order.channel for order in month)
        assert by_channel["helpline"] == 2
        by_service = {row["service"]: row["month"] for row in as_cells(tables["bookings_by_service"])}
        assert by_service == Counter(order.category_id for order in month) and by_service[TAP_REPAIR] == 2
        days = as_cells(tables["bookings_per_day"])
        assert len(days) == 30 and days[-1]["day"] == now.astimezone(IST).date().isoformat()
        today = Counter(order.created_at.astimezone(IST).date().isoformat() for order in rows["orders"])
        assert {day["day"]: day["total"] for day in days if day["total"]} == today
        assert days[-1]["helpline"] == 2 and days[-1]["ondc"] == 3

        # each figure as CSV, and every figure in one workbook, with the same numbers
        for name, table in tables.items():
            download = await admin.get(f"/staff/api/dashboard/{name}.csv")
            assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
            assert f"seva-mitra-{name}-state-" in download.headers["content-disposition"]
            parsed = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
            assert parsed[0] == [column["key"] for column in table["columns"]]
            assert parsed[1:] == [["" if cell is None else str(cell) for cell in row] for row in table["rows"]]
        workbook = await admin.get("/staff/api/dashboard/workbook.xlsx", params={"lang": "hi"})
        assert workbook.status_code == 200
        sheets = load_workbook(io.BytesIO(workbook.content), read_only=True)
        assert sheets.sheetnames == ["about", *tables]
        for name, table in tables.items():
            header, *values = list(sheets[name].iter_rows(values_only=True))
            assert list(header) == [column["hi"] for column in table["columns"]]
            assert [[number_or_text(cell) for cell in row] for row in values] == [
                [number_or_text(cell) for cell in row] for row in table["rows"]]

async def test_a_district_officer_sees_her_district_and_the_helpline_none(server: RunningServer) -> None:
    async with client(server, "district_officer", MEERUT) as officer, client(server, "helpline_operator") as helpline:
        mine = await officer.get("/staff/api/dashboard")
        other = await officer.get("/staff/api/dashboard", params={"district": LUCKNOW})
        refused = await helpline.get("/staff/api/dashboard")
        unknown = await officer.get("/staff/api/dashboard/salaries.csv")
        one = await officer.get("/staff/api/dashboard/workbook.xlsx", params={"table": "bookings_by_channel"})
    assert mine.status_code == 200
    [districts] = [table for table in mine.json()["tables"] if table["name"] == "districts"]
    [only] = districts["rows"]
    assert only[0] == MEERUT and only[1:8] == [0, 0, 0, 0, 0, 0, 0]  # a row, before her first worker or booking
    assert mine.json()["scope"] == MEERUT
    assert other.status_code == 403 and "your district (std:0121)" in other.json()["detail"]["en"]
    assert refused.status_code == 403
    assert unknown.status_code == 404 and unknown.json()["detail"]["hi"]
    assert load_workbook(io.BytesIO(one.content), read_only=True).sheetnames == ["about", "bookings_by_channel"]
    assert 'filename="seva-mitra-bookings_by_channel-std-0121-' in one.headers["content-disposition"]
