"""Rate windows and de-duplication marks: one Redis round trip, or plain dicts for the in-process default.

`memory://` is single-process by contract, so a local dict is exactly as correct as the in-process Redis
and several times cheaper on the ACK path (fakeredis costs about 250 µs a pipeline here).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

from bpp.platform.batching import Batcher

SEEN_TTL_SECONDS = 86_400
RATE_WINDOW_SECONDS = 60


@dataclass(frozen=True, slots=True)
class Admission:
    """What one request is, for the rate limit and the de-duplication."""

    requests_this_window: int
    first_time: bool


class Admitter(Protocol):
    async def admit(self, subscriber_id: str, seen_key: str) -> Admission: ...

    async def forget(self, seen_key: str) -> None:
        """Drop the mark of a request that was refused after all, so that its retry is processed, not taken for a
        duplicate and lost."""


# The rate window's count and the message's first-time mark in one command (EVALSHA) instead of three
_ADMIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local first = redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2])
return {count, first and 1 or 0}
"""


class RedisAdmitter:
    """Shared by every process: one script call per request, the calls of concurrent requests in one round trip."""

    def __init__(self, redis: Redis, seen_ttl_seconds: int = SEEN_TTL_SECONDS) -> None:
        self._redis = redis
        self._seen_ttl = seen_ttl_seconds
        self._script = redis.register_script(_ADMIT)
        self._batcher: Batcher[tuple[str, str], Admission] = Batcher(self._admit_all)

    async def admit(self, subscriber_id: str, seen_key: str) -> Admission:
        return await self._batcher.submit((subscriber_id, seen_key))

    async def _admit_all(self, requests: Sequence[tuple[str, str]]) -> list[Admission]:
        window = int(time.time() // RATE_WINDOW_SECONDS)
        async with self._redis.pipeline(transaction=False) as pipe:
            for subscriber_id, seen_key in requests:
                await self._script(keys=[f"sm:rate:{subscriber_id}:{window}", f"sm:seen:{seen_key}"],
                                   args=[2 * RATE_WINDOW_SECONDS, self._seen_ttl], client=pipe)
            answers = await pipe.execute()
        return [Admission(int(count), bool(first)) for count, first in answers]

    async def forget(self, seen_key: str) -> None:
        await self._redis.delete(f"sm:seen:{seen_key}")


class _MinuteCounts:
    """Requests per key in the current minute window, in process memory (the window resets every minute)."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    def count(self, key: str, now: float) -> int:
        """Count one request of `key`; return how many it made in this window, this one included."""
        window = int(now // RATE_WINDOW_SECONDS)
        if window != self._window:
            self._window, self._counts = window, {}
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count


class SourceLimiter:
    """Requests per source address in the current minute, counted before any body is read or signature checked.

    Kept in process on purpose: it runs for every request, signed or not, and must cost no round trip; with several
    processes each counts its own share.  The limit must leave room for a gateway, which forwards many buyer
    apps' searches from one address.
    """

    def __init__(self, per_minute: int) -> None:
        self._limit = per_minute
        self._counts = _MinuteCounts()

    def allow(self, source: str) -> bool:
        return self._counts.count(source, time.time()) <= self._limit


class LocalAdmitter:
    """The same rules in process memory; marks expire in insertion order because their TTL is constant."""

    def __init__(self, seen_ttl_seconds: float = SEEN_TTL_SECONDS) -> None:
        self._ttl = seen_ttl_seconds
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._counts = _MinuteCounts()

    async def admit(self, subscriber_id: str, seen_key: str) -> Admission:
        now = time.time()
        count = self._counts.count(subscriber_id, now)
        while self._seen and next(iter(self._seen.values())) < now:
            self._seen.popitem(last=False)
        first_time = seen_key not in self._seen
        if first_time:
            self._seen[seen_key] = now + self._ttl
        return Admission(count, first_time)

    async def forget(self, seen_key: str) -> None:
        self._seen.pop(seen_key, None)
