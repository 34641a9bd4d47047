"""Redis: a real server for redis:// URLs, an in-process one (fakeredis) for memory://."""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

# Requests wait for a free connection instead of failing: redis-py's default pool refuses the 101st concurrent
# command ("Too many connections"), which a burst of ACKs reached (bench/ack_throughput.py, production run).
MAX_CONNECTIONS = 64


def create_redis(url: str) -> Redis:
    """A client for `url`; `memory://` gives a private in-process server for one process only."""
    if url.startswith("memory://"):
        from fakeredis import FakeServer
        from fakeredis.aioredis import FakeRedis

        return FakeRedis(server=FakeServer(), decode_responses=False)
    pool = BlockingConnectionPool.from_url(url, max_connections=MAX_CONNECTIONS, timeout=5, socket_timeout=5,
                                           socket_connect_timeout=3)
    return Redis(connection_pool=pool, decode_responses=False)
