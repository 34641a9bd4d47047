"""Searches answered by `dispatcher` processes, so that a `serve` process only ACKs (production, `search_answers:
dispatcher`).

The ACK process appends each accepted search to a Redis stream before it answers ACK: concurrent requests share one
pipelined write (a group commit), so a burst costs one round trip per batch, not per search, and an ACKed search is
already durable. Dispatchers read the stream as one consumer group: each search goes to one of them, which builds,
signs and delivers the on_search (`SearchPath`) and acknowledges the entry when the search is over. Entries a
dispatcher took and never acknowledged (it died) are claimed by another after `CLAIM_IDLE_MS`; a search whose ttl
passed meanwhile is acknowledged without an answer, since the buyer app no longer waits for it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from bpp.network.gateway.exchange import Exchange
from bpp.network.gateway.search_path import SearchPath
from bpp.network.protocol import InboundRequest
from bpp.platform.background import BackgroundLoop
from bpp.platform.batching import Batcher
from schemas.beckn import SearchRequest, parse_request

log = logging.getLogger(__name__)

STREAM = "sevamitra:searches"
GROUP = "answerers"
# about five minutes of searches at Uttar Pradesh's expected peak (300/s) at the longest search ttl we accept; the
# trim is approximate (whole stream nodes), which keeps it cheap
MAX_LENGTH = 100_000
READ_COUNT = 64
# Searches read but not yet started that make the reader pause: beyond them a dispatcher that cannot keep up
# would pile the stream into its memory (200 MB at 1,750 searches/s in bench/ack_throughput.py) and hold entries
# past CLAIM_IDLE_MS, when another dispatcher takes them too. Left in the stream they stay durable and shared.
MAX_WAITING = READ_COUNT * 2
FULL_PAUSE_SECONDS = 0.005
READ_BLOCK_MS = 1_000
CLAIM_IDLE_MS = 10_000  # far above the time a live dispatcher takes to answer (it answers within ttl or gives up)
CLAIM_EVERY_SECONDS = 5.0
ACK_EVERY_SECONDS = 0.05


class SearchPublisher:
    """In a `serve` process: puts accepted searches on the stream, one pipelined write for all that arrive together."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._batcher: Batcher[dict[bytes, bytes], object] = Batcher(self._write)

    async def publish(self, exchange: Exchange) -> None:
        """Return once the search is on the stream (raise if Redis refused it: the request is then NACKed)."""
        await self._batcher.submit({b"body": exchange.raw, b"at": exchange.received_at.isoformat().encode()})

    async def _write(self, batch: Sequence[dict[bytes, bytes]]) -> list[object]:
        async with self._redis.pipeline(transaction=False) as pipe:
            for fields in batch:
                pipe.xadd(STREAM, fields, maxlen=MAX_LENGTH, approximate=True)  # type: ignore[arg-type]
            return list(await pipe.execute())


class SearchAnswerer:
    """In a `dispatcher` process: takes searches off the stream and answers them through `search_path`."""

    def __init__(self, redis: Redis, search_path: SearchPath, clock: Callable[[], datetime]) -> None:
        self._redis = redis
        self._search_path = search_path
        self._clock = clock
        self._name = f"{socket.gethostname()}-{os.getpid()}"
        self._finished_ids: list[bytes] = []
        self._reader = BackgroundLoop("search-stream-reader", self._read_once, pause=0)
        self._claimer = BackgroundLoop("search-stream-claimer", self._claim_once, pause=CLAIM_EVERY_SECONDS)
        # one XACK for all the searches finished since the last: one per search ran out of connections at 300/s
        self._acker = BackgroundLoop("search-stream-acker", self._acknowledge, pause=ACK_EVERY_SECONDS)

    async def start(self) -> None:
        try:
            await self._redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):  # the group exists: another dispatcher made it
                raise
        self._search_path.start()
        self._reader.start()
        self._claimer.start()
        self._acker.start()

    async def stop(self) -> None:
        await self._reader.stop()
        await self._claimer.stop()
        await self._search_path.stop()
        await self._acker.stop()
        await self._acknowledge()  # what finished last; anything left unacknowledged is claimed again later

    async def _read_once(self) -> None:
        if self._search_path.waiting() >= MAX_WAITING:
            await asyncio.sleep(FULL_PAUSE_SECONDS)
            return
        answer: Any = await self._redis.xreadgroup(GROUP, self._name, {STREAM: ">"}, count=READ_COUNT,
                                                   block=READ_BLOCK_MS)
        for _, entries in answer or ():
            for entry_id, fields in entries:
                self._take(entry_id, fields)

    async def _claim_once(self) -> None:
        """Take over the searches a dispatcher that stopped had taken and never finished."""
        claimed: Any = await self._redis.xautoclaim(STREAM, GROUP, self._name, min_idle_time=CLAIM_IDLE_MS,
                                                    start_id="0-0", count=READ_COUNT * 4)
        for entry_id, fields in claimed[1]:
            if fields:  # an entry trimmed away meanwhile comes back without fields
                self._take(entry_id, fields)
            else:
                self._finished(entry_id)

    def _take(self, entry_id: bytes, fields: dict[bytes, bytes]) -> None:
        request = _request(fields)
        if request is None or request.model.context.expires_at < self._clock():
            self._finished(entry_id)  # unreadable, or nobody waits for its answer any more
            return
        self._search_path.answer(request, done=lambda: self._finished(entry_id))

    def _finished(self, entry_id: bytes) -> None:
        self._finished_ids.append(entry_id)

    async def _acknowledge(self) -> None:
        finished, self._finished_ids = self._finished_ids, []
        if not finished:
            return
        try:
            await self._redis.xack(STREAM, GROUP, *finished)
        except Exception as exc:
            # the entries stay pending and are claimed again after CLAIM_IDLE_MS: at worst answered twice, never lost
            log.warning("acknowledging %d search stream entries failed: %s", len(finished), exc)


def _request(fields: dict[bytes, bytes]) -> InboundRequest[SearchRequest] | None:
    """The search an ACK process accepted; it was validated there, so failing here means the entry is damaged."""
    try:
        model, data = parse_request("search", fields[b"body"])
        received_at = datetime.fromisoformat(fields[b"at"].decode())
    except Exception:
        log.exception("search stream entry unreadable; dropped")
        return None
    assert isinstance(model, SearchRequest)
    return InboundRequest(action="search", context=data["context"], message=data.get("message") or {}, raw=b"",
                          received_at=received_at, model=model)
