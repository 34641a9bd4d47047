"""New offers reach an open worker app at once: each is announced on Redis, so the process holding her offer stream
hears it, whichever process's matcher made the offer.

One subscription per process, whatever the number of open streams: a notice names the worker, and the process wakes
only the streams of that worker (a notice for a worker with no stream here costs a dictionary look-up). Pub/sub
delivers at most once and nothing while a connection is re-established, so a notice can be lost: the app still polls
now and then while its stream is open, and at the usual rate while it is not.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Final

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

from bpp.platform.background import BackgroundLoop

log = logging.getLogger(__name__)

CHANNEL: Final = "sm:offers:made"  # data: the worker's id
LISTEN_SECONDS: Final = 1.0  # one wait for a notice; the loop waits again at once


class OfferFeed:
    """Announces new offers to every process (an offer listener of the matching loop) and wakes the streams here."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._streams: dict[str, set[asyncio.Event]] = {}
        self._pubsub: PubSub | None = None
        self._listener = BackgroundLoop("offer-feed", self._hear)
        self._publishing: set[asyncio.Task[None]] = set()

    def offer_made(self, order_id: str, worker_id: str) -> None:
        """Called after an offer for `worker_id` was stored (from the matcher, inside the event loop)."""
        task = asyncio.get_running_loop().create_task(self._publish(worker_id))
        self._publishing.add(task)  # held until done: the loop keeps only weak references to tasks
        task.add_done_callback(self._publishing.discard)

    @contextlib.asynccontextmanager
    async def notices(self, worker_id: str) -> AsyncIterator[asyncio.Event]:
        """While open: an event set whenever an offer is made for `worker_id` (clear it after each look)."""
        event = asyncio.Event()
        self._streams.setdefault(worker_id, set()).add(event)
        try:
            yield event
        finally:
            streams = self._streams[worker_id]
            streams.discard(event)
            if not streams:
                del self._streams[worker_id]

    async def start(self) -> None:
        self._pubsub = self._redis.pubsub()
        await self._pubsub.subscribe(CHANNEL)
        self._listener.start()

    async def stop(self) -> None:
        await self._listener.stop()
        await asyncio.gather(*self._publishing, return_exceptions=True)
        if self._pubsub is not None:
            with contextlib.suppress(Exception):  # a closing connection has nothing left worth reporting
                await self._pubsub.aclose()
            self._pubsub = None

    async def _publish(self, worker_id: str) -> None:
        try:
            await self._redis.publish(CHANNEL, worker_id)
        except Exception:  # the app's poll still finds the offer
            log.warning("the notice of an offer for worker %s was not published", worker_id, exc_info=True)

    async def _hear(self) -> None:
        assert self._pubsub is not None
        message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=LISTEN_SECONDS)
        if message is None:
            return
        for event in self._streams.get(message["data"].decode(), ()):
            event.set()
