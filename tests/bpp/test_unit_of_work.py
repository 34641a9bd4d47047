"""The unit of work on each backend: it rolls back unless committed, and after-commit steps follow only a commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from harness import Backend, make_settings
from order_factory import confirmed_order
from sqlalchemy import func, select

from bpp.network.outbox import Outbox
from bpp.network.protocol import OrderAddress
from bpp.orders.repo import OrderRepo
from bpp.orders.unit_of_work import UnitOfWork
from bpp.storage.db import Database
from bpp.storage.gateway_tables import outbox

ADDRESS = OrderAddress("bap.example", "https://bap.example/beckn", "T1", "ONDC:SRV11", "std:0522")


@dataclass
class Stack:
    db: Database
    outbox: Outbox
    wake_ups: list[str] = field(default_factory=list)

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self.db, self.outbox, lambda: self.wake_ups.append("dispatcher"))

    async def stored(self) -> tuple[bool, int]:
        """Whether order SM-1 exists, and how many callbacks wait in the outbox."""
        async with self.db.connect() as conn:
            order = await OrderRepo(conn).get("SM-1")
            callbacks = await conn.scalar(select(func.count()).select_from(outbox))
        return order is not None, int(callbacks or 0)


@pytest.fixture
async def stack(backend: Backend) -> AsyncIterator[Stack]:
    db = Database(backend.database_url)
    yield Stack(db, Outbox(make_settings(backend), lambda: datetime.now(UTC)))
    await db.dispose()


async def test_without_commit_everything_is_rolled_back_and_no_after_commit_step_runs(stack: Stack) -> None:
    ran: list[str] = []
    async with stack.unit_of_work() as uow:
        await uow.orders.add(confirmed_order())
        await uow.outbox.unsolicited(ADDRESS, "on_status", {"order": {}})
        uow.after_commit(lambda: ran.append("hook"))
    assert await stack.stored() == (False, 0)
    assert (ran, stack.wake_ups) == ([], [])


async def test_an_error_rolls_back_and_no_after_commit_step_runs(stack: Stack) -> None:
    ran: list[str] = []
    with pytest.raises(LookupError):
        async with stack.unit_of_work() as uow:
            await uow.orders.add(confirmed_order())
            uow.after_commit(lambda: ran.append("hook"))
            raise LookupError("a rule refused")
    assert await stack.stored() == (False, 0)
    assert (ran, stack.wake_ups) == ([], [])


async def test_after_commit_steps_run_once_committed_and_see_the_change(stack: Stack) -> None:
    seen_by_hooks: list[tuple[bool, int]] = []

    async def look() -> None:  # a coroutine step, reading on its own connection
        seen_by_hooks.append(await stack.stored())

    async with stack.unit_of_work() as uow:
        await uow.orders.add(confirmed_order())
        await uow.outbox.unsolicited(ADDRESS, "on_status", {"order": {}})
        await uow.outbox.unsolicited(ADDRESS, "on_update", {"order": {}})
        uow.after_commit(look)
        assert stack.wake_ups == []  # not while the callbacks are invisible to the dispatcher
        await uow.commit()
    assert seen_by_hooks == [(True, 2)]
    assert stack.wake_ups == ["dispatcher"]  # one wake-up for both callbacks


async def test_a_failing_after_commit_step_neither_undoes_the_commit_nor_stops_the_others(stack: Stack) -> None:
    def broken() -> None:
        raise RuntimeError("redis is down")

    async with stack.unit_of_work() as uow:
        await uow.orders.add(confirmed_order())
        uow.after_commit(broken)
        await uow.outbox.unsolicited(ADDRESS, "on_status", {"order": {}})
        await uow.commit()
    assert await stack.stored() == (True, 1)
    assert stack.wake_ups == ["dispatcher"]
