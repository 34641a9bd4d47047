"""A version number in Redis that keeps every process's in-memory copy of some data current.

A change is committed, then `bump()` increments `sm:<name>:version` and publishes it on `sm:<name>:changed`;
each process reloads when it sees a version it has not loaded: pub/sub for promptness, a poll every
POLL_SECONDS in case a notice is missed (pub/sub delivers at most once, and not while reconnecting).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from bpp.platform.background import BackgroundLoop

POLL_SECONDS = 2.0


class SharedVersion:
    """Calls `load(version)` at start and whenever the shared version differs from the one last loaded."""

    def __init__(self, redis: Redis, name: str, load: Callable[[int], Awaitable[None]]) -> None:
        self._redis = redis
        self.key = f"sm:{name}:version"
        self.channel = f"sm:{name}:changed"
        self._load = load
        self._poll_seconds = POLL_SECONDS
        self._loaded: int | None = None
        self._reload_lock = asyncio.Lock()
        self._pubsub: PubSub | None = None
        self._watcher = BackgroundLoop(f"{name}-watcher", self._check, after_failure=POLL_SECONDS)

    async def current(self) -> int:
        value = await self._redis.get(self.key)
        return int(value) if value else 0

    async def reload(self) -> None:
        """Load now; the version is read first, so a change made during the load is loaded again later."""
        async with self._reload_lock:
            version = await self.current()
            await self._load(version)
            self._loaded = version

    async def bump(self) -> None:
        """Call after the commit of a change: every process (this one first) reloads."""
        version = await self._redis.incr(self.key)
        await self._redis.publish(self.channel, str(version))
        await self.reload()

    async def start(self) -> None:
        await self.reload()
        self._pubsub = self._redis.pubsub()
        await self._pubsub.subscribe(self.channel)
        self._watcher.start()

    async def stop(self) -> None:
        await self._watcher.stop()
        if self._pubsub is not None:
            with contextlib.suppress(Exception):  # a closing connection has nothing left worth reporting
                await self._pubsub.aclose()
            self._pubsub = None

    async def _check(self) -> None:
        assert self._pubsub is not None
        # the notice only ends the wait early; the version read below decides (a lost notice costs one poll)
        with contextlib.suppress(Exception):
            await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=self._poll_seconds)
        if await self.current() != self._loaded:
            await self.reload()
