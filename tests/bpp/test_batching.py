"""Group commit: the calls of one event-loop turn share one write, and each gets its own result (or the error)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bpp.platform.batching import Batcher


async def test_calls_made_together_share_one_write_and_get_their_own_results() -> None:
    writes: list[list[int]] = []

    async def double(items: Sequence[int]) -> list[int]:
        writes.append(list(items))
        await asyncio.sleep(0)
        return [item * 2 for item in items]

    batcher: Batcher[int, int] = Batcher(double)
    together = await asyncio.gather(*(batcher.submit(n) for n in range(5)))
    later = await batcher.submit(7)

    assert together == [0, 2, 4, 6, 8] and later == 14
    assert writes == [[0, 1, 2, 3, 4], [7]]


async def test_a_failed_write_fails_every_call_of_its_batch_and_not_the_next() -> None:
    failing = True

    async def write(items: Sequence[str]) -> list[str]:
        if failing:
            raise ConnectionError("redis went away")
        return list(items)

    batcher: Batcher[str, str] = Batcher(write)
    outcomes = await asyncio.gather(batcher.submit("a"), batcher.submit("b"), return_exceptions=True)
    failing = False

    assert all(isinstance(outcome, ConnectionError) for outcome in outcomes)
    assert await batcher.submit("c") == "c"
    with pytest.raises(ConnectionError):  # nothing is left over from the failed batch
        failing = True
        await batcher.submit("d")
