"""Government departments on each backend (SQLite + in-process Redis, PostgreSQL + Redis): a work order approved,
booked as one visit per worker and day, matched to distinct workers each day (the first day's workers asked first on
the next), completed with the office's OTP, invoiced once after the month, and paid; the ledger balances throughout."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from types import ModuleType

import pytest
from sqlalchemy import select

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.departments.repo import Account, Officer
from bpp.departments.service import Asking
from bpp.platform.http_errors import FieldErrors
from bpp.storage.notify_tables import sms_messages
from bpp.storage.worker_tables import matching_jobs
from bpp.wiring.services import Services
from fulfillment.departments import BillingMonth, DepartmentDetails, gstin_check_character
from fulfillment.ledger import LedgerError
from fulfillment.work_orders import WorkOrderStatus
from schemas.enums import OrderStatus
from schemas.refusal import Refusal

NOW = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)  # 11:00 IST on Wednesday 9 December 2026
CLEANING, CATEGORY = "SM-LKO-HOME-CLEANING", "SRV11-1010"  # 2499 + 18% GST = 2948.82 a visit, five hours
LAT, LNG = 26.8467, 80.9462
KM = 1 / 111.0
GSTIN = "09LKNP01234E1D" + gstin_check_character("09LKNP01234E1D")
PASSWORD = "department-pass-1"


@dataclass
class Department:
    services: Services
    account: Account
    requester: Officer
    approver: Officer
    clock: list[datetime]

    def at(self, moment: datetime) -> None:
        self.clock[0] = moment


@pytest.fixture
async def dept(services: Services, fx: ModuleType) -> AsyncIterator[Department]:
    clock = [NOW]
    services.clock = lambda: clock[0]
    # the test runs matching itself (fx.settle) on its own clock: the background round would race it for the jobs
    await services.fulfillment.matching.stop()
    await seed_demo_catalog(services.db, services.catalog)
    await services.catalog.reload()
    for name, km in (("w1", 0.3), ("w2", 0.6), ("w3", 0.9), ("w4", 1.2)):
        await fx.add_worker(services, name, LAT + km * KM, LNG, skills=(CATEGORY,))
    await services.fulfillment.coverage.workers_changed()
    accounts = services.department_accounts
    account = await accounts.open(DepartmentDetails(
        "Public Works Department", "Executive Engineer, Lucknow", "std:0522", "lko-0042", GSTIN.lower(),
        "Nirman Bhawan, Lucknow 226001"), by="staff:admin")
    requester = await accounts.add_officer(account.id, "pwd.requester", "Rekha", "department_requester", PASSWORD)
    approver = await accounts.add_officer(account.id, "pwd.approver", "Arun", "department_approver", PASSWORD)
    yield Department(services, account, requester, approver, clock)


def asking(**changes: object) -> Asking:
    values: dict[str, object] = {
        "item_id": CLEANING, "workers": 3, "days": ("2026-12-09", "2026-12-10"), "start": "12:00",
        "address": "Vikas Bhawan, Janpath, Hazratganj", "pincode": "226001", "point": (LAT, LNG),
        "contact_name": "Anil Kumar", "contact_phone": "9876543210", "purpose": "Cleaning before the inspection",
    }
    return Asking(**{**values, **changes})  # type: ignore[arg-type]


async def offers_of(services: Services, order_ids: list[str], fx: ModuleType) -> dict[str, str]:
    """order id -> the worker its pending offer went to."""
    found = {}
    for order_id in order_ids:
        offer = await fx.pending_offer(services, order_id)
        if offer is not None:
            found[order_id] = offer["worker_id"]
    return found


async def do_visits(services: Services, order_ids: list[str], fx: ModuleType) -> dict[str, str]:
    """Every worker takes her offer, goes, starts with the office's OTP and completes; order -> worker."""
    otps: dict[str, str] = {}
    services.fulfillment.job_steps.otp_listeners.append(otps.__setitem__)
    steps = services.fulfillment.job_steps
    done = {}
    for order_id in order_ids:
        offer = await fx.pending_offer(services, order_id)
        assert offer is not None, order_id
        worker = offer["worker_id"]
        await services.fulfillment.offers.accept(worker, offer["id"])
        await steps.mark_travelling(worker, order_id)
        await steps.mark_arrived(worker, order_id)
        await steps.start_service(worker, order_id, otps[order_id])
        completed = await steps.complete(worker, order_id, None)  # the department pays on its invoice
        assert completed.status is OrderStatus.COMPLETED
        done[order_id] = worker
    services.fulfillment.job_steps.otp_listeners.remove(otps.__setitem__)
    return done


async def test_a_work_order_is_approved_booked_done_by_distinct_workers_invoiced_once_and_paid(
    dept: Department, fx: ModuleType
) -> None:
    services, desk, billing = dept.services, dept.services.work_orders, dept.services.department_billing
    asked = await desk.ask(dept.requester, dept.account, asking())
    assert asked.status is WorkOrderStatus.AWAITING_APPROVAL and asked.estimate == Decimal("2948.82") * 6

    # no worker is booked before the approving officer approves: the field says why, in both languages
    with pytest.raises(Refusal) as unapproved:
        await desk.book(dept.requester, dept.account, asked.number)
    assert unapproved.value.field == "approval" and "स्वीकृत नहीं" in (unapproved.value.message_hi or "")
    with pytest.raises(Refusal) as wrong_role:
        await desk.approve(dept.requester, asked.number)
    assert wrong_role.value.code == "not_allowed"
    await desk.approve(dept.approver, asked.number)
    booked = await desk.book(dept.requester, dept.account, asked.number, "en")
    assert booked.work_order.status is WorkOrderStatus.BOOKED and len(booked.visits) == 6
    with pytest.raises(Refusal) as twice:
        await desk.book(dept.requester, dept.account, asked.number)
    assert twice.value.field == "status"

    orders = [order for _, order in booked.visits]
    assert {order.channel.name for order in orders} == {f"department:{dept.account.id}"}
    assert all(order.billed_to == dept.account.id and order.cash_due is None for order in orders)
    assert orders[0].details.customer == {"name": "Anil Kumar", "phone": "9876543210", "language": "en"}
    first_day = [order.id for visit, order in booked.visits if visit.day.day == 9]
    second_day = [order.id for visit, order in booked.visits if visit.day.day == 10]
    async with services.db.connect() as conn:
        jobs = {row.order_id: row for row in await conn.execute(select(matching_jobs))}
    assert {jobs[order_id].due_at for order_id in first_day} == {NOW}
    # the second day's visits are offered from the first day's end of work: 12:00 + 5 hours, the day before
    assert {jobs[order_id].due_at for order_id in second_day} == {datetime(2026, 12, 9, 11, 30, tzinfo=UTC)}

    # the first day's three visits go to three distinct workers, the nearest; the second day's wait
    await fx.settle(services, first_day)
    day_one = await offers_of(services, first_day, fx)
    assert sorted(day_one.values()) == ["w1", "w2", "w3"]
    assert await offers_of(services, second_day, fx) == {}
    done_one = await do_visits(services, first_day, fx)
    async with services.db.connect() as conn:
        otp_sms = (await conn.execute(select(sms_messages.c.phone).where(
            sms_messages.c.template == "worker_assigned"))).scalars().all()
    assert otp_sms == ["9876543210"] * 3  # the office's contact got each visit's start OTP

    # the next day's visits: the first day's workers are asked first, though a nearer worker is free now
    await fx.add_worker(services, "w0", LAT + 0.1 * KM, LNG, skills=(CATEGORY,))
    dept.at(datetime(2026, 12, 9, 11, 35, tzinfo=UTC))
    await fx.settle(services, second_day)
    day_two = await offers_of(services, second_day, fx)
    assert sorted(day_two.values()) == ["w1", "w2", "w3"]
    done_two = await do_visits(services, second_day, fx)
    assert set(done_one.values()) == set(done_two.values()) == {"w1", "w2", "w3"}

    # completions credited the workers and left the department's visits unbilled
    position = (await billing.positions([dept.account.id]))[dept.account.id]
    assert (position.unbilled, position.receivable) == (Decimal("17692.92"), Decimal("0.00"))
    wallet = await services.ledger.worker_position("w1")
    assert wallet.wallet == Decimal("2249.10") * 2

    # December is invoiced once it is over: one invoice, six visits; asking again issues nothing twice
    with pytest.raises(Refusal) as early:
        await billing.issue(BillingMonth(2026, 12), by="staff:admin", accounts=[dept.account])
    assert early.value.field == "month"
    dept.at(datetime(2027, 1, 1, 4, 30, tzinfo=UTC))
    issued = await billing.issue(BillingMonth(2026, 12), by="staff:admin", accounts=[dept.account])
    assert len(issued.invoices) == 1 and issued.already == []
    invoice = issued.invoices[0]
    assert (invoice["number"], invoice["visits"], invoice["total"]) == ("DI-2026-27-00001", 6, Decimal("17692.92"))
    figures = invoice["figures"]
    assert figures["intra_state"] and (figures["cgst"], figures["sgst"]) == ("1349.46", "1349.46")
    again = await billing.issue(BillingMonth(2026, 12), by="staff:admin", accounts=[dept.account])
    assert (again.invoices, again.already) == ([], ["DI-2026-27-00001"])
    position = (await billing.positions([dept.account.id]))[dept.account.id]
    assert (position.unbilled, position.receivable) == (Decimal("0.00"), Decimal("17692.92"))

    # the treasury pays: too much is refused by field, the payment clears the receivable, a repeat changes nothing
    with pytest.raises(LedgerError) as too_much:
        await billing.record_payment(invoice["number"], Decimal("17692.93"), "EKOSH-1", NOW.date(), by="staff:a")
    assert too_much.value.field == "amount"
    for _ in range(2):
        paid = await billing.record_payment(invoice["number"], Decimal("17692.92"), "EKOSH-1", NOW.date(),
                                            by="staff:admin")
        assert paid["paid"] == Decimal("17692.92")
    position = (await billing.positions([dept.account.id]))[dept.account.id]
    assert (position.unbilled, position.receivable) == (Decimal("0.00"), Decimal("0.00"))
    report = await services.ledger.check()
    assert report.balanced, report.as_dict()


async def test_a_work_order_names_every_wrong_field(dept: Department) -> None:
    desk = dept.services.work_orders
    with pytest.raises(FieldErrors) as wrong:
        await desk.ask(dept.requester, dept.account, asking(
            item_id="SM-NOWHERE", workers=0, days=("2026-12-08", "9 Dec"), start="25:99", pincode="110001",
            contact_phone="12345"))
    fields = {problem.field: (problem.en, problem.hi) for problem in wrong.value.problems}
    assert set(fields) == {"item_id", "workers", "days", "start", "pincode", "contact_phone"}
    assert "Uttar Pradesh only" in fields["pincode"][0] and fields["pincode"][1]
    with pytest.raises(FieldErrors) as far:
        await desk.ask(dept.requester, dept.account, asking(point=(LAT + 1, LNG)))
    assert [problem.field for problem in far.value.problems] == ["point"]
    with pytest.raises(Refusal) as approver_asks:
        await desk.ask(dept.approver, dept.account, asking())
    assert approver_asks.value.code == "not_allowed"


async def test_accounts_check_their_gstin_and_officers_see_only_their_department(dept: Department) -> None:
    accounts = dept.services.department_accounts
    with pytest.raises(FieldErrors) as wrong:
        await accounts.open(DepartmentDetails("Health", "CMO Office", "std:0121", "MRT-1", GSTIN[:-1] + "0",
                                              "Some address, Meerut"), by="staff:admin")
    assert [problem.field for problem in wrong.value.problems] == ["district", "gstin"]
    other = await accounts.open(DepartmentDetails("Health Department", "Chief Medical Officer, Lucknow",
                                                  "std:0522", "LKO-77", GSTIN, "Swasthya Bhawan, Lucknow"),
                                by="staff:admin")
    their_requester = await accounts.add_officer(other.id, "cmo.requester", "Kiran", "department_requester",
                                                 PASSWORD)
    asked = await dept.services.work_orders.ask(dept.requester, dept.account, asking())
    with pytest.raises(Refusal) as hidden:
        await dept.services.work_orders.work_order(their_requester, asked.number)
    assert hidden.value.code == "not_found"
    officer, account = await accounts.acting(dept.approver.user_id)
    assert (officer.role, account.id) == ("department_approver", dept.account.id)
    with pytest.raises(Refusal):
        await accounts.acting("no-such-user")
