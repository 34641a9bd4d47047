"""Redis: a real server for redis:// URLs, an in-process one (fakeredis) for memory://."""

from __future__ import annotations

from redis.asyncio import Redis


def create_redis(url: str) -> Redis:
    """A client for `url`; `memory://` gives a private in-process server for one process only."""
    if url.startswith("memory://"):
        from fakeredis import FakeServer
        from fakeredis.aioredis import FakeRedis

        return FakeRedis(server=FakeServer(), decode_responses=False)
    return Redis.from_url(url, decode_responses=False, socket_timeout=5, socket_connect_timeout=3)
