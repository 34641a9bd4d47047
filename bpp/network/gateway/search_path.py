"""The search fast path: answer from memory and deliver on_search with in-memory retries inside its ttl.

Searches wait in a queue served by a fixed number of senders, so a burst neither grows a task per search nor
lets callbacks time out while queueing for a connection (which would deliver some twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from bpp.network.delivery import CallbackSender, backoff_seconds
from bpp.network.outbox import Outbox
from bpp.network.protocol import InboundRequest
from bpp.ops.logs import log_context
from bpp.ops.metrics import callback_outcome
from bpp.platform.background import BackgroundLoop
from schemas.beckn import SearchRequest

if TYPE_CHECKING:
    from bpp.network.gateway.exchange import Exchange

log = logging.getLogger(__name__)
SENDERS = 24
# the search handler with its dependencies bound: the on_search `message`, or None when nothing matches
SearchAnswer = Callable[[InboundRequest[SearchRequest]], Awaitable[dict[str, Any] | None]]
# told when a search is over (answered, nothing to answer, or out of time): a stream entry is acknowledged then
Finished = Callable[[], None]


def _nothing() -> None:
    """A search accepted by this process has nobody to tell when it is over."""


@dataclass(slots=True)
class PendingAnswer:
    """An on_search built and signed once, retried until `deadline`."""

    request: InboundRequest[SearchRequest]
    payload: bytes
    target: str
    deadline: datetime
    done: Finished
    attempt: int = 0


class SearchPath:
    """Runs search handlers off the ACK path; search changes no state, so no database is needed."""

    def __init__(
        self,
        answer: SearchAnswer,
        outbox: Outbox,
        sender: CallbackSender,
        clock: Callable[[], datetime],
        *,
        max_backoff_seconds: float,
    ) -> None:
        self._search = answer
        self._outbox = outbox
        self._sender = sender
        self._clock = clock
        self._max_backoff_seconds = max_backoff_seconds
        self._queue: asyncio.Queue[tuple[InboundRequest[SearchRequest], Finished] | PendingAnswer] = asyncio.Queue()
        # a failed answer is that search's loss only: its sender goes straight on to the next one
        self._senders = [BackgroundLoop(f"search-sender-{n}", self._serve_one, after_failure=0) for n in range(SENDERS)]

    def start(self) -> None:
        for sender in self._senders:
            sender.start()

    async def submit(self, exchange: Exchange) -> None:
        """Answer a search this process accepted (the embedded default: no stream, no other process)."""
        assert exchange.data is not None
        # only what the answer needs: a burst may queue thousands (the raw body is already in the log)
        self.answer(InboundRequest(
            action="search",
            context=exchange.data["context"],
            message=exchange.data.get("message") or {},
            raw=b"",
            received_at=exchange.received_at,
            model=exchange.model,  # validated once by the pipeline; the handler reads it, not the dict
        ))

    def answer(self, request: InboundRequest[SearchRequest], done: Finished = _nothing) -> None:
        """Queue `request` for an answer; `done` runs once it is answered, not answerable, or out of time."""
        self._queue.put_nowait((request, done))

    def waiting(self) -> int:
        """Searches and retries queued for a sender."""
        return self._queue.qsize()

    async def _serve_one(self) -> None:
        work = await self._queue.get()
        if isinstance(work, PendingAnswer):
            await self._deliver(work)
            return
        request, done = work
        try:
            pending = await self._answer(request, done)
        except BaseException:
            done()  # the handler failed (logged by the loop): the search is over, not to be retried
            raise
        if pending is None:
            done()
        else:
            await self._deliver(pending)

    async def _answer(self, request: InboundRequest[SearchRequest], done: Finished) -> PendingAnswer | None:
        message = await self._search(request)
        if message is None:
            return None
        return PendingAnswer(
            request=request,
            payload=orjson.dumps(self._outbox.reply_payload(request, message)),
            target=request.bap_uri.rstrip("/") + "/on_search",
            deadline=self._outbox.reply_deadline(request),
            done=done,
        )

    async def _deliver(self, pending: PendingAnswer) -> None:
        pending.attempt += 1
        result = await self._sender.send(
            pending.target, pending.payload, action="on_search", transaction_id=pending.request.transaction_id,
            message_id=pending.request.message_id, attempt=pending.attempt,
        )
        if result.delivered:
            callback_outcome("on_search", "delivered")
            pending.done()
            return
        delay = backoff_seconds(pending.attempt, self._max_backoff_seconds)
        if self._clock().timestamp() + delay > pending.deadline.timestamp():
            callback_outcome("on_search", "expired")
            with log_context(transaction_id=pending.request.transaction_id, message_id=pending.request.message_id):
                log.warning("on_search %s not delivered within ttl: %s", pending.request.message_id, result.error)
            pending.done()
            return
        callback_outcome("on_search", "retried")
        asyncio.get_running_loop().call_later(delay, self._queue.put_nowait, pending)

    async def stop(self) -> None:
        await asyncio.gather(*(sender.stop() for sender in self._senders))
