"""Leader-only loops: of the processes running a loop under one Redis lease, only the holder runs iterations; the
others take over when it stops (at once) or dies (when its lease lapses), and a lapsed holder never touches the
lease its successor took."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from fakeredis import FakeServer
from fakeredis.aioredis import FakeRedis
from harness import Backend
from redis.asyncio import Redis

from bpp.platform.background import BackgroundLoop
from bpp.platform.leader import Lease

pytestmark = pytest.mark.asyncio
TTL = 0.3  # seconds: lapses quickly, renewed every 0.1 s
PROMPT = 2.0
HANDOVER_TTL = 3.0  # longer than PROMPT: a take-over within PROMPT follows the release, not a lapse


@pytest.fixture
async def shared_redis(backend: Backend) -> AsyncIterator[tuple[Redis, Redis]]:
    """Two clients of one Redis, as two processes have: the test server, or one in-process server."""
    if backend.redis_url.startswith("memory://"):
        server = FakeServer()
        clients: tuple[Redis, Redis] = (FakeRedis(server=server), FakeRedis(server=server))
    else:
        clients = (Redis.from_url(backend.redis_url), Redis.from_url(backend.redis_url))
    yield clients
    for client in clients:
        await client.aclose()


class Runs:
    """Counts the iterations of each named loop."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def loop(self, name: str) -> BackgroundLoop:
        async def iteration() -> None:
            self.counts[name] = self.counts.get(name, 0) + 1

        return BackgroundLoop(name, iteration, pause=0.01)

    async def until_running(self, name: str) -> None:
        start = self.counts.get(name, 0)
        async with asyncio.timeout(PROMPT):
            while self.counts.get(name, 0) < start + 3:
                await asyncio.sleep(0.01)


async def test_only_the_holder_runs_and_a_stopped_holder_hands_over_at_once(
    shared_redis: tuple[Redis, Redis],
) -> None:
    first_redis, second_redis = shared_redis
    runs = Runs()
    first, second = runs.loop("first"), runs.loop("second")
    first.start(lease=Lease(first_redis, "duty", ttl_seconds=HANDOVER_TTL))
    await runs.until_running("first")
    second.start(lease=Lease(second_redis, "duty", ttl_seconds=HANDOVER_TTL))
    await asyncio.sleep(0.3)
    assert (first.leading, second.leading) == (True, False)
    assert "second" not in runs.counts

    await first.stop()  # releases the lease: the other takes it at its next try, before it could lapse
    assert not await first_redis.exists("sm:lease:duty")
    await runs.until_running("second")
    assert second.leading
    await second.stop()


async def test_a_dead_holders_lease_lapses_and_another_takes_over(shared_redis: tuple[Redis, Redis]) -> None:
    first_redis, second_redis = shared_redis
    dead = Lease(first_redis, "duty", ttl_seconds=TTL)
    assert await dead.acquire()  # held by a process that then dies: never extended, never released
    runs = Runs()
    survivor = runs.loop("survivor")
    survivor.start(lease=Lease(second_redis, "duty", ttl_seconds=TTL))
    await runs.until_running("survivor")

    assert not await dead.acquire(), "a lapsed holder cannot take back a lease another holds"
    await dead.release()  # nor delete it
    assert await first_redis.exists(dead.key)
    await survivor.stop()
    assert not await first_redis.exists(dead.key), "a clean stop gives the lease up"

