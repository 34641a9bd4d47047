"""EngagementRepo on each backend: an engagement and its timeline round-trip, `save` is an optimistic lock, visits are
stored ahead and changed in place, and a worker's engagement calendar is one range read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time, timedelta

import pytest
from engagement_factory import activated, ist, requested
from harness import Backend

from bpp.engagements.repo import EngagementChangedMeanwhile, EngagementRepo
from bpp.storage.db import Database
from catalog.engagement_terms import Month
from fulfillment.engagement import EngagementEventKind, EngagementState
from fulfillment.engagement_calendar import calendar_free
from fulfillment.engagement_visits import VisitOtp, VisitState, replan

START = date(2027, 3, 1)


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    database = Database(backend.database_url)
    yield database
    await database.dispose()


async def test_an_engagement_with_its_timeline_reads_back_the_same_with_its_events(db: Database) -> None:
    engagement = activated(requested(START, 3))
    async with db.begin() as conn:
        await EngagementRepo(conn).add(engagement)
    async with db.begin() as conn:
        repo = EngagementRepo(conn, lock_rows=True)
        stored = await repo.get("EN-1")
        assert stored is not None and stored.version == 1 and not stored.has_changes
        stored.pause(date(2027, 3, 10), at=ist(date(2027, 3, 8), 9), actor="bap.example", reason="away")
        stored.resume(date(2027, 3, 15), at=ist(date(2027, 3, 12), 9), actor="bap.example")
        stored.change_visit_time(time(8, 0), date(2027, 3, 20), at=ist(date(2027, 3, 12), 10), actor="bap.example")
        await repo.save(stored)
    async with db.connect() as conn:
        repo = EngagementRepo(conn)
        again = await repo.get("EN-1")
        events = await repo.events("EN-1")
        assert await repo.get("EN-2") is None
    assert again is not None and again.version == 2
    expected = activated(requested(START, 3))
    for name in ("channel", "service", "title", "terms", "rate", "tax_percent", "start", "months", "place_gps",
                 "details", "created_at"):
        assert getattr(again, name) == getattr(expected, name), name
    assert again.timeline == stored.timeline
    assert [visit.day.day for visit in again.visits_in(Month(2027, 3))] == [*range(1, 10), *range(15, 32)]
    assert [event.kind for event in events] == [
        EngagementEventKind.REQUESTED, EngagementEventKind.ACTIVATED, EngagementEventKind.PAUSED,
        EngagementEventKind.RESUMED, EngagementEventKind.VISIT_TIME_CHANGED]
    assert events[2].detail == {"first": "2027-03-10", "reason": "away"} and events[2].actor == "bap.example"


async def test_a_save_from_a_stale_read_is_refused(db: Database) -> None:
    async with db.begin() as conn:
        await EngagementRepo(conn).add(activated(requested(START)))
    async with db.connect() as conn:
        first, second = await EngagementRepo(conn).get("EN-1"), await EngagementRepo(conn).get("EN-1")
    assert first is not None and second is not None
    first.end_with_notice(at=ist(date(2027, 3, 5), 9), actor="bap.example")
    second.pause(date(2027, 3, 9), at=ist(date(2027, 3, 5), 9), actor="bap.example")
    async with db.begin() as conn:
        await EngagementRepo(conn).save(first)
    with pytest.raises(EngagementChangedMeanwhile):
        async with db.begin() as conn:
            await EngagementRepo(conn).save(second)
    async with db.connect() as conn:
        kept = await EngagementRepo(conn).get("EN-1")
    assert kept is not None and kept.state is EngagementState.ENDING


async def test_visits_are_stored_ahead_changed_in_place_and_make_the_workers_calendar(db: Database) -> None:
    engagement = activated(requested(START, 2))
    week = (START, START + timedelta(days=6))
    async with db.begin() as conn:
        repo = EngagementRepo(conn)
        await repo.add(engagement)
        await repo.save_visits(replan(engagement.id, engagement.visits(*week), [], engagement.worker_id))
    engagement.pause(date(2027, 3, 5), at=ist(START, 12), actor="bap.example")
    async with db.begin() as conn:
        repo = EngagementRepo(conn)
        await repo.save(engagement)
        stored = await repo.visits(engagement.id, *week)
        begun, refusal = stored[0].issue_otp("W1", "otp-hash", at=ist(START, 7)).start_with_otp(
            "W1", "4821", matches=lambda otp_hash, otp: otp_hash == "otp-hash" and otp == "4821", at=ist(START, 7, 5))
        assert refusal is None
        done = begun.complete("W1", at=ist(START, 9))
        covered = stored[1].cover("W7")
        asked = stored[2].issue_otp("W1", "otp-hash", at=ist(START + timedelta(days=2), 7))
        tried, wrong = asked.start_with_otp("W1", "0000", matches=lambda otp_hash, otp: False,
                                            at=ist(START + timedelta(days=2), 7, 1))
        assert wrong is not None
        await repo.save_visits([done, covered, tried, *replan(engagement.id, engagement.visits(*week), stored, "W1")])
    async with db.connect() as conn:
        repo = EngagementRepo(conn)
        visits = await repo.visits(engagement.id, *week)
        steady = await repo.worker_bookings("W1", ist(START, 0), ist(START + timedelta(days=7), 0))
        substitute = await repo.worker_bookings("W7", ist(START, 0), ist(START + timedelta(days=7), 0))
        held = await repo.of_worker("W1")
    assert [(visit.day.day, visit.state, visit.worker_id, visit.substitute) for visit in visits] == [
        (1, VisitState.DONE, "W1", False), (2, VisitState.PLANNED, "W7", True), (3, VisitState.PLANNED, "W1", False),
        (4, VisitState.PLANNED, "W1", False), *((day, VisitState.CALLED_OFF, "W1", False) for day in (5, 6, 7))]
    assert (visits[0].completed_at, visits[0].started_at, visits[0].otp) == (ist(START, 9), ist(START, 7, 5), None)
    assert visits[2].otp == VisitOtp("otp-hash", ist(START + timedelta(days=2), 7), 1) and visits[2].started_at is None
    assert [booking.ref for booking in steady] == [f"engagement:EN-1:2027-03-0{day}" for day in (1, 3, 4)]
    assert [booking.ref for booking in substitute] == ["engagement:EN-1:2027-03-02"]
    assert [found.id for found in held] == ["EN-1"]
    other = requested(START, 2, engagement_id="EN-2", place_gps="26.850000,80.999000")
    assert not calendar_free(other.bookings(*week), steady)  # the same mornings across town
    assert calendar_free(other.bookings(date(2027, 3, 5), date(2027, 3, 7)), steady)  # while she is paused
