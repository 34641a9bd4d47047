"""A Redis lease: which one process of the deployment does a duty that must not run in several at once.

`SET key token NX PX ttl` takes the lease; its holder extends it well before it expires and deletes it on a clean
stop, so another process takes over at once; a holder that dies (kill -9) lets it lapse, and another process takes
over within `ttl_seconds`. Extending and deleting happen only while the key still holds this holder's token,
checked under WATCH (no Lua: the in-process Redis of the embedded mode has none), so a holder whose lease lapsed
and was taken meanwhile never extends or deletes the new holder's lease.

On the embedded default (in-process Redis, one process) the lease is always free, so the duty runs as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import WatchError

LEASE_SECONDS = 5.0


class Lease:
    """One named lease in Redis, held (or not) by this object's random token."""

    def __init__(self, redis: Redis, name: str, ttl_seconds: float = LEASE_SECONDS) -> None:
        self._redis = redis
        self.key = f"sm:lease:{name}"
        self._token = uuid.uuid4().hex.encode()
        self._ttl_ms = int(ttl_seconds * 1000)
        # three chances to extend before it lapses: a slow round trip or a busy event loop does not lose it
        self.renew_every = ttl_seconds / 3

    async def acquire(self) -> bool:
        """Take the lease if nobody holds it, or extend it if we do; True when this process holds it now."""
        if await self._redis.set(self.key, self._token, nx=True, px=self._ttl_ms):
            return True
        return await self._if_ours(lambda pipe: pipe.pexpire(self.key, self._ttl_ms))

    async def release(self) -> None:
        """Give the lease up (if still ours), so another process need not wait for it to lapse."""
        await self._if_ours(lambda pipe: pipe.delete(self.key))

    async def _if_ours(self, change: Callable[[Any], object]) -> bool:
        """Apply `change` in a transaction that fails if the key changed since we read our token in it."""
        async with self._redis.pipeline(transaction=True) as pipe:
            try:
                await pipe.watch(self.key)
                if await pipe.get(self.key) != self._token:
                    return False
                pipe.multi()
                change(pipe)
                await pipe.execute()
            except WatchError:  # taken, extended or deleted by another process between our read and our write
                return False
        return True
