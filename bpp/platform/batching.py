"""Group commit: the calls made in one turn of the event loop share one write.

Under load many requests reach the same step at once; sending their Redis commands in one pipelined round trip
instead of one each cuts the client's CPU per request (the redis client's cost is mostly per round trip) and the
connections in use. A call waits at most until the end of the current loop turn plus that one round trip.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Batcher(Generic[Item, Result]):
    """`await batcher.submit(item)` → the result `write` gave for it; `write` gets every item of the turn at once."""

    def __init__(self, write: Callable[[Sequence[Item]], Awaitable[Sequence[Result]]]) -> None:
        self._write = write
        self._items: list[Item] = []
        self._results: asyncio.Future[Sequence[Result]] | None = None
        self._writes: set[asyncio.Task[None]] = set()  # held until done: the loop keeps only weak references

    async def submit(self, item: Item) -> Result:
        """Add `item` to the batch of this loop turn; raise what the write raised, for every item of it."""
        index = len(self._items)
        self._items.append(item)
        if self._results is None:
            loop = asyncio.get_running_loop()
            self._results = loop.create_future()
            loop.call_soon(self._flush)  # after the other calls already running in this turn have added theirs
        results = await asyncio.shield(self._results)
        return results[index]

    def _flush(self) -> None:
        items, results = self._items, self._results
        self._items, self._results = [], None
        assert results is not None
        task = asyncio.ensure_future(self._run(items, results))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _run(self, items: Sequence[Item], results: asyncio.Future[Sequence[Result]]) -> None:
        try:
            written = await self._write(items)
        except Exception as exc:
            results.set_exception(exc)
            results.exception()  # marked as seen: every caller may have been cancelled, and none would look
        else:
            results.set_result(written)
