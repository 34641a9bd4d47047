"""The inbox: every accepted non-search message is stored before the ACK and processed exactly once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from bpp.network.gateway.txlog import TransactionLog, kept_headers
from bpp.network.outbox import Outbox
from bpp.network.protocol import InboundRequest
from bpp.ops.logs import log_context
from bpp.ops.metrics import HANDLER_SECONDS
from bpp.platform.background import BackgroundLoop
from bpp.storage.db import Database, Row
from bpp.storage.gateway_tables import inbound_keys, messages
from schemas import errors
from schemas.beckn import parse_request
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.network.gateway.exchange import Exchange
    from bpp.platform.leader import Lease

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=30)
SWEEP_SECONDS = 5.0
# a handler with its dependencies bound (by the composition root): it answers through the outbox
BoundHandler = Callable[[InboundRequest], Awaitable[Any]]


class Inbox:
    """Stores, processes and, after a crash, re-processes inbound messages."""

    def __init__(
        self,
        db: Database,
        txlog: TransactionLog,
        outbox: Outbox,
        clock: Callable[[], datetime],
        handlers: Mapping[str, BoundHandler],
        answered: Callable[[], None],
    ) -> None:
        self._db = db
        self._txlog = txlog
        self._outbox = outbox
        self._clock = clock
        self._handlers = handlers
        self._answered = answered  # wakes the dispatcher: a processed message left a callback in the outbox
        self._tasks: set[asyncio.Task[None]] = set()
        # a crash's unfinished messages are found again within SWEEP_SECONDS (of their LEASE lapsing)
        self._sweeper = BackgroundLoop("inbox-sweeper", self.recover, pause=SWEEP_SECONDS)

    async def accept(self, exchange: Exchange) -> None:
        """Write the message and its de-duplication key in one transaction, then process it off the ACK."""
        assert exchange.data is not None
        context = exchange.data["context"]
        now = self._clock()
        try:
            async with self._db.begin() as conn:
                await conn.execute(inbound_keys.insert().values(
                    bap_id=context["bap_id"], action=exchange.action, message_id=context["message_id"],
                    received_at=now,
                ))
                result = await conn.execute(messages.insert().values(
                    direction="in", action=exchange.action, bap_id=context["bap_id"],
                    transaction_id=context["transaction_id"], message_id=context["message_id"],
                    received_at=exchange.received_at, headers=kept_headers(exchange.headers), body=exchange.raw,
                    ack_status="ACK", claimed_until=now + LEASE,
                ).returning(messages.c.id))
        except IntegrityError:
            exchange.duplicate = True
            self._txlog.record_inbound(exchange, "ACK", note="duplicate: acknowledged, not processed again")
            return
        request = InboundRequest(
            action=exchange.action, context=context, message=exchange.data.get("message") or {},
            raw=exchange.raw, received_at=exchange.received_at, model=exchange.model,
            message_row_id=result.scalar_one(),
        )
        self._spawn(request)

    def _spawn(self, request: InboundRequest) -> None:
        task = asyncio.create_task(self.process(request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def process(self, request: InboundRequest) -> None:
        """Run the handler; a refusal or a crash still gets the buyer app an answer."""
        with log_context(transaction_id=request.transaction_id, message_id=request.message_id,
                         action=request.action, step="handler"):
            started = time.perf_counter()
            outcome = await self._run_handler(request)
            HANDLER_SECONDS.labels(request.action, outcome).observe(time.perf_counter() - started)
        self._answered()

    async def _run_handler(self, request: InboundRequest) -> str:
        """Run the handler of `request`; returns the outcome: processed, refused or failed."""
        handler = self._handlers.get(request.action)
        try:
            if handler is None:  # the endpoints route only handled actions; a stored row may predate a change
                error = errors.FEATURE_NOT_SUPPORTED
                await self._answer_error(request, {"type": error.type, "code": error.code,
                                                   "message": f"{request.action} is not supported yet"})
                return "refused"
            await handler(request)
        except Refusal as refusal:
            await self._answer_error(request, refusal.as_error())
            return "refused"
        except Exception as exc:
            log.exception("handler %s failed for %s", request.action, request.message_id)
            error = errors.INTERNAL_ERROR
            await self._answer_error(request, {"type": error.type, "code": error.code,
                                               "message": "internal error while processing; please retry"},
                                     note=f"{type(exc).__name__}: {exc}")
            return "failed"
        await self._mark_processed(request)
        return "processed"

    async def _answer_error(self, request: InboundRequest, error: dict[str, Any], note: str | None = None) -> None:
        """Answer with `error` and mark the message processed in one transaction: its outcome is final. Left open,
        the sweeper ran a refused message again every 30 s and the buyer app got the same error again each time."""
        async with self._db.begin() as conn:
            await self._outbox.reply(conn, request, message=None, error=error)
            await conn.execute(
                update(messages)
                .where(messages.c.id == request.message_row_id, messages.c.processed_at.is_(None))
                .values(processed_at=self._clock(), claimed_until=None, process_error=note)
            )

    async def _mark_processed(self, request: InboundRequest) -> None:
        async with self._db.begin() as conn:
            await conn.execute(
                update(messages)
                .where(messages.c.id == request.message_row_id, messages.c.processed_at.is_(None))
                .values(processed_at=self._clock(), claimed_until=None)
            )

    async def recover(self) -> int:
        """Claim and process messages whose processing never finished (e.g. a crash); returns how many."""
        now = self._clock()
        async with self._db.connect() as conn:
            rows = (await conn.execute(
                select(messages.c.id, messages.c.action, messages.c.body, messages.c.received_at).where(
                    messages.c.direction == "in",
                    messages.c.ack_status == "ACK",
                    messages.c.processed_at.is_(None),
                    or_(messages.c.claimed_until.is_(None), messages.c.claimed_until < now),
                ).limit(100)
            )).mappings().all()
        claimed = 0
        for row in rows:
            if await self._claim(row["id"], now):
                claimed += 1
                self._spawn(_rebuild(row))
        return claimed

    async def _claim(self, row_id: int, now: Any) -> bool:
        async with self._db.begin() as conn:
            result = await conn.execute(
                update(messages)
                .where(and_(messages.c.id == row_id, messages.c.processed_at.is_(None),
                            or_(messages.c.claimed_until.is_(None), messages.c.claimed_until < now)))
                .values(claimed_until=now + LEASE)
            )
        return result.rowcount == 1

    def start(self, lease: Lease | None = None) -> None:
        """Start sweeping; with `lease`, one process of the deployment sweeps. Every process could (a message is
        claimed by a conditional update, so two sweepers never process it twice), but all would read the same
        rows each period for one of them to win each claim."""
        self._sweeper.start(lease=lease)

    async def stop(self) -> None:
        """Stop sweeping, and let the messages being processed finish."""
        await self._sweeper.stop()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _rebuild(row: Row) -> InboundRequest:
    model, data = parse_request(row["action"], row["body"])
    return InboundRequest(
        action=row["action"], context=data["context"], message=data.get("message") or {}, raw=row["body"],
        received_at=row["received_at"], model=model, message_row_id=row["id"],
    )
