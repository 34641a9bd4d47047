"""The outbox dispatcher: claims due callbacks, delivers them, retries with backoff until their deadline.

A claim is a short lease that its dispatcher renews while the attempt runs, so a claim of a process that died
(kill -9, power cut) lapses within seconds and the callback is re-claimed well inside its deadline: a reply's
deadline is as short as 30 s, which a fixed lease of a minute outlived. The attempt is counted when claimed, so
a crash mid-attempt leaves a row that says an attempt was made, and its outcome unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.delivery import CallbackSender, DeliveryResult, backoff_seconds
from bpp.ops.logs import log_context
from bpp.ops.metrics import callback_outcome
from bpp.platform.background import BackgroundLoop
from bpp.storage.db import Database, Row
from bpp.storage.gateway_tables import outbox

log = logging.getLogger(__name__)
# What follows a callback that expired undelivered, in the transaction that marks it expired (e.g. an on_status)
ExpiredFollowUp = Callable[[AsyncConnection, Mapping[str, Any]], Awaitable[object]]
# far shorter than the shortest reply window (outbox.MIN_REPLY_WINDOW, 30 s); renewed every RENEW_EVERY seconds
LEASE = timedelta(seconds=6)
RENEW_EVERY = LEASE.total_seconds() / 3


class Dispatcher:
    """One loop; several may run (in several processes) against PostgreSQL thanks to SKIP LOCKED claims."""

    def __init__(
        self,
        db: Database,
        sender: CallbackSender,
        clock: Callable[[], datetime],
        follow_up: ExpiredFollowUp,
        *,
        poll_seconds: float,
        max_backoff_seconds: float,
        batch: int = 50,
    ) -> None:
        self._db = db
        self._sender = sender
        self._clock = clock
        self._follow_up = follow_up
        self._max_backoff_seconds = max_backoff_seconds
        self._batch = batch
        self._loop = BackgroundLoop("dispatcher", self._drain, pause=poll_seconds)

    def wake(self) -> None:
        """Look at the outbox now instead of at the next poll."""
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _drain(self) -> None:
        """Deliver batch after batch until none is due (then the loop waits for a wake-up or the next poll)."""
        while await self.run_once():
            pass

    async def run_once(self) -> int:
        """Claim and deliver one batch of due callbacks; returns how many were tried."""
        rows = await self._claim()
        if rows:
            async with self._renewing([row["id"] for row in rows]):
                await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    @contextlib.asynccontextmanager
    async def _renewing(self, outbox_ids: list[int]) -> AsyncIterator[None]:
        """Keep the lease on `outbox_ids` alive while their attempts run (an attempt may outlast one lease)."""
        # the claim has just set the lease, so the first renewal is due after one pause
        renewer = BackgroundLoop("dispatcher-lease", partial(self._renew, outbox_ids), pause=RENEW_EVERY,
                                 pause_first=True, after_failure=0)
        renewer.start()
        try:
            yield
        finally:
            await renewer.stop()

    async def _renew(self, outbox_ids: list[int]) -> None:
        async with self._db.begin() as conn:
            await conn.execute(
                update(outbox)  # rows already recorded have no claim left to renew
                .where(outbox.c.id.in_(outbox_ids), outbox.c.claimed_until.is_not(None))
                .values(claimed_until=self._clock() + LEASE)
            )

    async def _claim(self) -> list[Row]:
        now = self._clock()
        due = (
            select(outbox)
            .where(
                outbox.c.status == "pending",
                outbox.c.next_attempt_at <= now,
                or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
            )
            .order_by(outbox.c.next_attempt_at)
            .limit(self._batch)
        )
        if self._db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        async with self._db.begin() as conn:
            rows = (await conn.execute(due)).mappings().all()
            if rows:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row["id"] for row in rows]))
                    .values(claimed_until=now + LEASE, attempts=outbox.c.attempts + 1)
                )
        return list(rows)

    async def _deliver(self, row: Mapping[str, Any]) -> None:
        with log_context(transaction_id=row["transaction_id"], message_id=row["message_id"], action=row["action"],
                         step="callback"):
            if row["deadline"] < self._clock():
                await self._expire(row, _missed_deadline(row))
                return
            attempt = row["attempts"] + 1
            result = await self._sender.send(
                row["target_url"], row["payload"], action=row["action"], transaction_id=row["transaction_id"],
                message_id=row["message_id"], attempt=attempt, outbox_id=row["id"],
            )
            await self._record(row, attempt, result)

    async def _expire(self, row: Mapping[str, Any], reason: str) -> None:
        """Give up on a callback whose deadline passed before this attempt (which is not counted)."""
        log.warning("callback %s %s expired after %d attempts: %s", row["action"], row["message_id"],
                    row["attempts"], reason)
        async with self._db.begin() as conn:
            expired = await conn.execute(
                update(outbox).where(and_(outbox.c.id == row["id"], outbox.c.status == "pending"))
                .values(status="expired", claimed_until=None, attempts=row["attempts"], last_error=reason)
            )
            if expired.rowcount == 1:
                await self._follow_up(conn, row)
        callback_outcome(row["action"], "expired")

    async def _record(self, row: Mapping[str, Any], attempt: int, result: DeliveryResult) -> None:
        now = self._clock()
        values: dict[str, Any] = {"attempts": attempt, "claimed_until": None, "last_error": result.error}
        if result.delivered:
            values.update(status="delivered", delivered_at=now)
        else:
            retry_at = now + timedelta(seconds=backoff_seconds(attempt, self._max_backoff_seconds))
            if retry_at > row["deadline"]:
                values.update(status="expired")
                log.warning("callback %s %s expired after %d attempts: %s", row["action"], row["message_id"],
                            attempt, result.error)
            else:
                values.update(next_attempt_at=retry_at)
        async with self._db.begin() as conn:
            recorded = await conn.execute(
                update(outbox).where(and_(outbox.c.id == row["id"], outbox.c.status == "pending")).values(**values)
            )
            if recorded.rowcount == 1 and values.get("status") == "expired":
                await self._follow_up(conn, row)
        callback_outcome(row["action"], str(values.get("status", "retried")))


def _missed_deadline(row: Mapping[str, Any]) -> str:
    """Why a callback claimed after its deadline was never (or never again) sent."""
    if row["claimed_until"] is not None:  # an earlier claim was never released: its process stopped mid-attempt
        return (f"deadline passed; attempt {row['attempts']} was cut short when the process stopped, so whether "
                f"the buyer app got it is unknown")
    return "deadline passed before this attempt (the dispatcher was not running)"
