"""EngagementService on each backend: a confirmed engagement is found by its buyer app's transaction, and a buyer's
change goes through the aggregate, is saved and replans the stored visits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, time, timedelta

import pytest
from engagement_factory import activated, ist, requested
from harness import Backend

from bpp.engagements.repo import EngagementRepo
from bpp.engagements.service import ChangeAction, EngagementChange, EngagementService, OndcOrder
from bpp.storage.db import Database
from fulfillment.engagement import EngagementState
from fulfillment.engagement_visits import VisitState
from schemas.refusal import Refusal

START = date(2027, 3, 1)
ORDER = OndcOrder("bap.example", "T-1", "O-1", "2027-02-28T04:30:00.000Z", {"type": "PRE-ORDER"})


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    database = Database(backend.database_url)
    yield database
    await database.dispose()


async def test_a_confirmed_engagement_is_found_by_its_transaction_and_changed_through_the_aggregate(
    db: Database,
) -> None:
    now = ist(START + timedelta(days=3), 10)
    service = EngagementService(lambda: now)
    async with db.begin() as conn:
        await service.confirm(conn, activated(requested(START, 2)), ORDER)
    async with db.begin() as conn:
        found = await service.by_transaction(conn, "bap.example", "T-1", lock=True)
        assert found is not None and found[1] == ORDER
        engagement = found[0]
        assert await service.replan_visits(conn, engagement)  # the coming days' visits stored ahead
        await service.change(conn, engagement, EngagementChange(ChangeAction.PAUSE, START + timedelta(days=6)),
                             "bap.example")
    async with db.connect() as conn:
        assert await service.by_transaction(conn, "bap.example", "T-2") is None
        stored = await EngagementRepo(conn).get(engagement.id)
        visits = await EngagementRepo(conn).visits(engagement.id, START, START + timedelta(days=20))
    assert stored is not None and stored.state is EngagementState.PAUSED and stored.version == 2
    called_off = [visit.day.day for visit in visits if visit.state is VisitState.CALLED_OFF]
    assert called_off == list(range(7, 19))  # from the pause to the horizon, 14 days after the 4th


async def test_a_change_the_aggregate_refuses_saves_nothing(db: Database) -> None:
    now = ist(START + timedelta(days=3), 10)
    service = EngagementService(lambda: now)
    async with db.begin() as conn:
        await service.confirm(conn, activated(requested(START, 2)), ORDER)
    async with db.begin() as conn:
        found = await service.by_transaction(conn, "bap.example", "T-1")
        assert found is not None
        with pytest.raises(Refusal):  # not paused
            await service.change(conn, found[0], EngagementChange(ChangeAction.RESUME, START + timedelta(days=6)),
                                 "bap.example")
        with pytest.raises(Refusal):  # no time given
            await service.change(conn, found[0], EngagementChange(ChangeAction.CHANGE_TIME, START + timedelta(days=6)),
                                 "bap.example")
    async with db.connect() as conn:
        stored = await EngagementRepo(conn).get("EN-1")
    assert stored is not None and stored.version == 1 and stored.schedule_on(START).start == time(7, 0)
