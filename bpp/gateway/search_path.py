"""The search fast path: answer from memory and deliver on_search with in-memory retries inside its ttl."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

import orjson

from bpp.delivery import backoff_seconds
from bpp.protocol import InboundRequest

if TYPE_CHECKING:
    from bpp.gateway.pipeline import Exchange
    from bpp.services import Services

log = logging.getLogger(__name__)


class SearchPath:
    """Runs search handlers off the ACK path; search changes no state, so no database is needed."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, exchange: Exchange) -> None:
        assert exchange.data is not None
        request = InboundRequest(
            action="search",
            context=exchange.data["context"],
            message=exchange.data.get("message") or {},
            raw=exchange.raw,
            received_at=exchange.received_at,
            model=exchange.model,
        )
        task = asyncio.create_task(self._answer(request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, request: InboundRequest) -> None:
        from bpp.handlers import handler_for

        services = self._services
        try:
            message = await handler_for("search")(services, request)
        except Exception:
            log.exception("search %s failed", request.message_id)
            return
        if message is None:
            return
        payload = orjson.dumps(services.outbox.reply_payload(request, message))
        deadline = services.outbox.reply_deadline(request)
        target = request.bap_uri.rstrip("/") + "/on_search"
        attempt = 0
        while True:
            attempt += 1
            result = await services.sender.send(
                target, payload, action="on_search", transaction_id=request.transaction_id,
                message_id=request.message_id, attempt=attempt,
            )
            if result.delivered:
                return
            delay = backoff_seconds(attempt, services.settings.callback_max_backoff_seconds)
            if services.clock().timestamp() + delay > deadline.timestamp():
                log.warning("on_search %s not delivered within ttl: %s", request.message_id, result.error)
                return
            await asyncio.sleep(delay)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
