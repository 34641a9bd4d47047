"""Quotas of the public sign-up routes, counted in Redis so every `serve` process shares them."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis


@dataclass(frozen=True, slots=True)
class Quota:
    """At most `limit` uses per key in a window of `seconds` that starts at the key's first use."""

    name: str
    limit: int
    seconds: int

    async def take(self, redis: Redis, key: str) -> bool:
        """Count one use (atomically, before any work); False once the key is over its limit."""
        counter = f"sm:signup:{self.name}:{key}"
        async with redis.pipeline(transaction=True) as pipe:
            pipe.set(counter, 0, ex=self.seconds, nx=True)
            pipe.incr(counter)
            _, used = await pipe.execute()
        return int(used) <= self.limit


# An SMS costs money and reaches a stranger's phone: a number gets a few per hour, an address a few more
# (a family or a cyber café shares one). Checks of a code are counted per address too, so trying many
# numbers from one place gains nothing over the per-number lock.
OTP_PER_PHONE = Quota("otp-phone", limit=5, seconds=3600)
OTP_PER_SOURCE = Quota("otp-source", limit=20, seconds=3600)
CHECKS_PER_SOURCE = Quota("check-source", limit=30, seconds=900)
