"""Engagements' staffing, attendance and money on each backend: the nearest free worker becomes the steady one, a
worker holds engagements whose visits leave room for the journey, a day off is covered by a substitute, a visit
nobody did is marked missed, and a month is billed in advance, credited per done visit and refunded for the missed
one with `ledger check` balanced; each visit starts with the customer's OTP, and a steady worker who does not come is
replaced for that visit."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from engagement_factory import MORNINGS, cook_terms, ist, requested
from harness import Backend
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.engagements.repo import EngagementRepo
from bpp.engagements.service import EngagementService
from bpp.money.repo import paise_sum, rupees
from bpp.money.service import LedgerService
from bpp.storage.db import Database
from bpp.storage.ledger_tables import ledger_postings
from bpp.workforce import repo as worker_repo
from bpp.workforce.engagement_visits import EngagementVisits
from catalog.engagement_terms import BillingMode, Month, VisitSchedule
from fulfillment.engagement import Engagement, EngagementState
from fulfillment.engagement_calendar import fits
from fulfillment.engagement_visits import VisitState
from fulfillment.ledger import ADVANCES
from fulfillment.workers import VERIFIED, Registration
from schemas.errors import INVALID_OTP, SLOT_NOT_AVAILABLE
from schemas.refusal import Refusal

START = date(2027, 3, 17)  # a prorated first month: 15 visits in March
COOK = "SM-1000"  # the factory's category


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    database = Database(backend.database_url)
    yield database
    await database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(ist(START - timedelta(days=1), 10))


@pytest.fixture
def ledger(db: Database, clock: Clock) -> LedgerService:
    return LedgerService(db, clock, Decimal("10"))


@pytest.fixture
def visits(db: Database, ledger: LedgerService, clock: Clock) -> EngagementVisits:
    return EngagementVisits(db, ledger, clock)


async def add_workers(db: Database, *homes: tuple[str, float, float], skill: str = COOK) -> None:
    async with db.begin() as conn:
        for worker_id, lat, lng in homes:
            phone = f"9600{sum(map(ord, worker_id)):06d}"  # distinct for the ids used here
            reg = Registration(f"Cook {worker_id}", phone, "1234", (skill,), lat, lng, "std:0522")
            await worker_repo.insert_worker(conn, reg, "x", datetime(2027, 1, 1, tzinfo=UTC), "test",
                                            verification=VERIFIED, worker_id=worker_id)


async def book(db: Database, engagement: Engagement) -> None:
    async with db.begin() as conn:
        await EngagementRepo(conn).add(engagement)


NEAR, FARTHER, FAR_AWAY = (26.8480, 80.9470), (26.8600, 80.9600), (27.5, 81.5)  # the factory's HOME is Hazratganj
ALIGANJ = "26.870000,80.990000"  # about 5 km from Hazratganj: 38 minutes' journey


async def test_the_nearest_free_worker_is_kept_for_several_engagements_whose_visits_leave_room(
    db: Database, visits: EngagementVisits
) -> None:
    await add_workers(db, ("W1", *NEAR), ("W2", *FARTHER), ("W9", *FAR_AWAY))
    await add_workers(db, ("P1", *NEAR), skill="SM-2000")  # nearest, but not a cook
    await book(db, requested(START))
    assert await visits.staff("EN-1") == "W1"
    # 10:00-12:00 next door: two hours after the morning visit, W1 takes it too
    await book(db, requested(START, schedule=MORNINGS.at(time(10, 0)), engagement_id="EN-2",
                             place_gps="26.846900,80.946500"))
    assert await visits.staff("EN-2") == "W1"
    # 09:00 across town clashes with W1's mornings (no time for the journey): the next nearest cook
    await book(db, requested(START, schedule=MORNINGS.at(time(9, 0)), engagement_id="EN-3", place_gps=ALIGANJ))
    assert await visits.staff("EN-3") == "W2"
    # nobody within reach is free at 07:30 every day: asked again later, and declined the day before it starts
    later = START + timedelta(days=3)
    at = ist(START - timedelta(days=2), 10)
    await book(db, requested(START, schedule=VisitSchedule(MORNINGS.weekdays, time(7, 30), 120), engagement_id="EN-4"))
    await book(db, requested(later, schedule=VisitSchedule(MORNINGS.weekdays, time(7, 30), 120), engagement_id="EN-5",
                             at=at))
    assert await visits.staff("EN-4") is None
    assert await visits.staff("EN-5") is None
    async with db.connect() as conn:
        waiting = await EngagementRepo(conn).get("EN-5")
    assert waiting is not None and waiting.state is EngagementState.REQUESTED
    async with db.connect() as conn:
        repo = EngagementRepo(conn)
        declined = await repo.get("EN-4")
        stored = await repo.visits("EN-1", START, START + timedelta(days=30))
        assert await repo.visits("EN-4", START, START + timedelta(days=30)) == []
    assert declined is not None and declined.state is EngagementState.ENDED
    assert [visit.day for visit in stored] == [START + timedelta(days=n) for n in range(14)]
    assert {visit.worker_id for visit in stored} == {"W1"}


async def test_a_week_of_daily_visits_with_a_day_off_and_a_missed_one_is_billed_credited_and_refunded(
    db: Database, visits: EngagementVisits, ledger: LedgerService, clock: Clock
) -> None:
    await add_workers(db, ("W1", *NEAR), ("W2", *FARTHER))
    await book(db, requested(START))
    otps: list[str] = []
    visits.otp_listeners.append(lambda engagement, visit, otp: otps.append(otp))  # the customer's copy
    assert await visits.staff("EN-1") == "W1"
    march = Month(2027, 3)
    assert await visits.bill_month("EN-1", march) is False  # billed when staffed (advance): its key posts once

    day_off, missed = date(2027, 3, 19), date(2027, 3, 21)
    covered = await visits.day_off("W1", "EN-1", day_off)
    assert (covered.worker_id, covered.substitute) == ("W2", True)

    for n in range(15):  # every visit of March's part of the term
        day = START + timedelta(days=n)
        clock.now = ist(day, 8, 30)  # during the 07:00-09:00 visit
        if day != missed:
            worker_id = "W2" if day == day_off else "W1"
            await visits.issue_otp(worker_id, "EN-1", day)
            await visits.start_visit(worker_id, "EN-1", day, otps[-1])
            done = await visits.complete(worker_id, "EN-1", day)
            assert done.state is VisitState.DONE
        clock.now = ist(day, 9, 5)
        assert await visits.mark_missed() == (1 if day == missed else 0)
        async with db.begin() as conn:
            engagement = await EngagementRepo(conn).get("EN-1")
            assert engagement is not None
            await EngagementService(clock).replan_visits(conn, engagement)  # the coming days, as the loop stores them
    with pytest.raises(Refusal):  # a done visit is not done twice, so not credited twice
        await visits.complete("W1", "EN-1", START)

    clock.now = ist(date(2027, 4, 1), 10)
    assert await visits.settle_month("EN-1", march) is True
    assert await visits.settle_month("EN-1", march) is False

    async with db.connect() as conn:
        stored = await EngagementRepo(conn).visits("EN-1", START, march.last)
    assert [visit.day for visit in stored if visit.state is VisitState.MISSED] == [missed]
    assert await ledger.engagement_earnings("W1") == [("EN-1", 13, Decimal("2925.00"))]
    assert await ledger.engagement_earnings("W2") == [("EN-1", 1, Decimal("225.00"))]
    assert (await ledger.worker_position("W1")).wallet == Decimal("2925.00")
    report = await ledger.check()
    assert report.balanced and report.entries == 1 + 14 + 1
    assert await account_sum(db, ADVANCES.code) == Decimal("0.00")  # every prepaid rupee earned or refunded
    assert await account_sum(db, "refunds_payable:bap.example") == Decimal("-295.00")
    assert await account_sum(db, "receivable:bap.example") == Decimal("4425.00")


async def test_a_day_off_nobody_can_cover_is_refused_and_stays_hers(db: Database, visits: EngagementVisits) -> None:
    await add_workers(db, ("W1", *NEAR))
    await book(db, requested(START))
    await visits.staff("EN-1")
    with pytest.raises(Refusal) as refused:
        await visits.day_off("W1", "EN-1", START + timedelta(days=2))
    assert refused.value.code == SLOT_NOT_AVAILABLE.code
    async with db.connect() as conn:
        visit = (await EngagementRepo(conn).visits("EN-1", START + timedelta(days=2), START + timedelta(days=2)))[0]
    assert (visit.worker_id, visit.substitute) == ("W1", False)


async def account_sum(db: Database, code: str) -> Decimal:
    async with db.connect() as conn:
        paise = (await conn.execute(select(paise_sum(ledger_postings.c.amount))
                                    .where(ledger_postings.c.account_code == code))).scalar_one()
    return rupees(paise)


async def test_a_visit_starts_only_with_the_customers_otp_and_a_late_steady_worker_is_replaced(
    db: Database, visits: EngagementVisits, clock: Clock
) -> None:
    await add_workers(db, ("W1", *NEAR), ("W2", *FARTHER))
    await book(db, requested(START))
    otps: list[tuple[str, str]] = []
    visits.otp_listeners.append(lambda engagement, visit, otp: otps.append((visit.worker_id or "", otp)))
    await visits.staff("EN-1")
    clock.now = ist(START, 7, 2)
    await visits.issue_otp("W1", "EN-1", START)
    wrong = "0000" if otps[-1][1] != "0000" else "1111"
    with pytest.raises(Refusal) as refused:
        await visits.start_visit("W1", "EN-1", START, wrong)
    assert refused.value.code == INVALID_OTP.code
    async with db.connect() as conn:
        stored = (await EngagementRepo(conn).visits("EN-1", START, START))[0]
    assert stored.otp is not None and stored.otp.wrong_tries == 1  # the wrong try was kept
    begun = await visits.start_visit("W1", "EN-1", START, otps[-1][1])
    assert begun.started_at == clock.now
    assert await visits.cover_late() == []  # she came

    second = START + timedelta(days=1)
    clock.now = ist(second, 7, 19)
    assert await visits.cover_late() == []  # not late yet
    clock.now = ist(second, 7, 21)
    [covered] = await visits.cover_late()
    assert (covered.day, covered.worker_id, covered.substitute) == (second, "W2", True)
    assert await visits.cover_late() == []  # a substitute is not replaced in turn
    with pytest.raises(Refusal):
        await visits.issue_otp("W1", "EN-1", second)  # not hers any more
    await visits.issue_otp("W2", "EN-1", second)
    assert otps[-1][0] == "W2"
    await visits.start_visit("W2", "EN-1", second, otps[-1][1])
    clock.now = ist(second, 9, 30)
    assert await visits.mark_missed() == 0  # both visits were started: they wait for their workers to complete them
    assert (await visits.complete("W2", "EN-1", second)).state is VisitState.DONE


async def test_the_loop_staffs_a_new_request_then_stores_visits_ahead_and_marks_the_missed_one(
    db: Database, visits: EngagementVisits, clock: Clock
) -> None:
    await add_workers(db, ("W1", *NEAR))
    await book(db, requested(START))
    told: list[tuple[str, EngagementState]] = []

    async def buyer_told(conn: AsyncConnection, engagement: Engagement) -> None:
        told.append((engagement.id, engagement.state))

    visits.staffed_listeners.append(buyer_told)
    await visits.run_due()
    assert told == [("EN-1", EngagementState.ACTIVE)]
    clock.now = ist(START + timedelta(days=3), 9, 5)  # nobody came on the 17th to the 20th
    await visits.run_due()
    async with db.connect() as conn:
        stored = await EngagementRepo(conn).visits("EN-1", START, START + timedelta(days=30))
    assert [visit.state for visit in stored[:5]] == [VisitState.MISSED] * 4 + [VisitState.PLANNED]
    assert stored[-1].day == START + timedelta(days=3 + 14)  # 14 days ahead of the loop's day
    assert told == [("EN-1", EngagementState.ACTIVE)]


async def test_the_daily_round_bills_each_month_refunds_what_the_bill_charged_and_ends_the_engagement(
    db: Database, visits: EngagementVisits, ledger: LedgerService, clock: Clock
) -> None:
    await add_workers(db, ("W1", *NEAR))
    await book(db, requested(START))  # nobody comes: every visit is missed
    await visits.staff("EN-1")  # March billed: 15 visits, 4425.00
    clock.now = ist(date(2027, 4, 1), 10)
    await visits.mark_missed()
    await visits.run_daily(date(2027, 4, 1))  # March refunded; April billed the day it begins: 16 visits, 4720.00
    async with db.begin() as conn:
        repo = EngagementRepo(conn)
        engagement = await repo.get("EN-1")
        assert engagement is not None
        engagement.pause(date(2027, 4, 5), at=clock.now, actor="bap.example")  # April's plan shrinks to 4 visits
        await repo.save(engagement)
    clock.now = ist(date(2027, 4, 17), 10)
    await visits.run_daily(date(2027, 4, 17))
    await visits.run_daily(date(2027, 4, 17))  # a repeat posts nothing
    async with db.connect() as conn:
        ended = await EngagementRepo(conn).get("EN-1")
    assert ended is not None and ended.state is EngagementState.ENDED
    assert await account_sum(db, "receivable:bap.example") == Decimal("9145.00")
    assert await account_sum(db, "refunds_payable:bap.example") == Decimal("-9145.00")  # the 16 billed, not 4
    assert await account_sum(db, ADVANCES.code) == Decimal("0.00")
    report = await ledger.check()
    assert report.balanced and report.entries == 4


async def test_a_month_billed_in_arrears_charges_its_visits_done_once_it_is_over(
    db: Database, visits: EngagementVisits, clock: Clock
) -> None:
    await add_workers(db, ("W1", *NEAR))
    await book(db, requested(START, terms=cook_terms(BillingMode.ARREARS)))
    otps: list[str] = []
    visits.otp_listeners.append(lambda engagement, visit, otp: otps.append(otp))
    await visits.staff("EN-1")  # nothing billed yet
    for day in (START, START + timedelta(days=1)):
        clock.now = ist(day, 7, 5)
        await visits.issue_otp("W1", "EN-1", day)
        await visits.start_visit("W1", "EN-1", day, otps[-1])
        await visits.complete("W1", "EN-1", day)
    with pytest.raises(Refusal):
        await visits.bill_month("EN-1", Month(2027, 3))  # not over yet
    clock.now = ist(date(2027, 4, 1), 0, 30)
    await visits.run_daily(date(2027, 4, 1))
    assert await account_sum(db, "receivable:bap.example") == Decimal("590.00")  # 2 visits, 500.00 + 90.00 GST
    assert await account_sum(db, "unbilled:engagement-EN-1") == Decimal("0.00")


async def test_random_engagements_never_double_book_a_worker(db: Database, visits: EngagementVisits) -> None:
    """Brute force over random schedules: every pair of visits one worker holds leaves room for the journey."""
    rng = random.Random(15)
    await add_workers(db, ("W1", *NEAR), ("W2", *FARTHER), ("W3", 26.8400, 80.9300))
    staffed = []
    for n in range(16):
        days = frozenset(rng.sample(range(1, 8), rng.randint(1, 7)))
        start = time(rng.randint(6, 18), rng.choice((0, 15, 30, 45)))
        place = f"{26.83 + rng.random() * 0.04:.6f},{80.93 + rng.random() * 0.04:.6f}"
        await book(db, requested(START, schedule=VisitSchedule(days, start, 120), engagement_id=f"EN-{n}",
                                 place_gps=place))
        staffed.append(await visits.staff(f"EN-{n}"))
    async with db.connect() as conn:
        repo = EngagementRepo(conn)
        held = {worker: await repo.worker_bookings(worker, ist(START, 0), ist(START + timedelta(days=15), 0))
                for worker in ("W1", "W2", "W3")}
    assert staffed.count(None) >= 2 and {"W1", "W2", "W3"} <= set(staffed)  # each holds some; others were full
    assert sum(map(len, held.values())) > 40  # so the pairs below are many
    for bookings in held.values():
        for a, b in itertools.combinations(bookings, 2):
            assert fits(a, b), (a.ref, b.ref)
