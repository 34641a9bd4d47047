"""The shared-version watcher the catalogue and the coverage/radii use: a bump in one process makes every
process load, by the pub/sub notice or, when that is lost, by the poll. Two clients of one in-process Redis
server stand for two processes (the catalogue's and coverage's own cross-process tests use PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from fakeredis import FakeServer
from fakeredis.aioredis import FakeRedis

from bpp.platform import shared_version
from bpp.platform.shared_version import SharedVersion

PROMPT = 2.0  # seconds


class Process:
    """One process's copy: records every version it loads."""

    def __init__(self, server: FakeServer) -> None:
        self.redis = FakeRedis(server=server)
        self.loads: asyncio.Queue[int] = asyncio.Queue()
        self.version = SharedVersion(self.redis, "things", self._load)

    async def _load(self, version: int) -> None:
        self.loads.put_nowait(version)

    async def next_load(self) -> int:
        return await asyncio.wait_for(self.loads.get(), PROMPT)


@asynccontextmanager
async def two_processes() -> AsyncIterator[tuple[Process, Process]]:
    """Two started watchers of one shared version (built after a test's POLL_SECONDS patch)."""
    server = FakeServer()
    async with AsyncExitStack() as stack:
        pair = (Process(server), Process(server))
        for process in pair:
            await process.version.start()
            stack.push_async_callback(process.redis.aclose)
            stack.push_async_callback(process.version.stop)
            assert await process.next_load() == 0  # start loads what is there
        yield pair


async def test_a_bump_loads_here_at_once_and_there_by_the_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared_version, "POLL_SECONDS", 3600.0)  # only the notice can be in time
    async with two_processes() as (here, there):
        await here.version.bump()
        assert here.loads.get_nowait() == 1
        assert await there.next_load() == 1
        assert await here.version.current() == 1


async def test_a_lost_notice_is_made_up_by_the_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared_version, "POLL_SECONDS", 0.05)
    async with two_processes() as (here, there):

        async def lost_notice(channel: str, message: str) -> int:
            return 0

        monkeypatch.setattr(here.redis, "publish", lost_notice)
        await here.version.bump()
        assert await there.next_load() == 1


async def test_stop_ends_the_watching(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shared_version, "POLL_SECONDS", 0.05)
    async with two_processes() as (here, there):
        await there.version.stop()
        await here.version.bump()
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(there.loads.get(), 0.5)  # ten polls' time, and nothing loaded
