"""The outbox dispatcher: claims due callbacks, delivers them, retries with backoff until their deadline."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update

from bpp.delivery import CallbackSender, DeliveryResult, backoff_seconds
from bpp.storage.gateway_tables import outbox

if TYPE_CHECKING:
    from bpp.services import Services

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=60)


class Dispatcher:
    """One loop; several may run (in several processes) against PostgreSQL thanks to SKIP LOCKED claims."""

    def __init__(self, services: Services, sender: CallbackSender, batch: int = 50) -> None:
        self._services = services
        self._sender = sender
        self._batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Look at the outbox now instead of at the next poll."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self.run_forever(), name="dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run_forever(self) -> None:
        poll = self._services.settings.dispatcher_poll_seconds
        while True:
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("dispatcher round failed; retrying")
                handled = 0
                await asyncio.sleep(1)
            if handled == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), poll)
                self._wake.clear()

    async def run_once(self) -> int:
        """Claim and deliver one batch of due callbacks; returns how many were tried."""
        rows = await self._claim()
        if rows:
            await asyncio.gather(*(self._deliver(row) for row in rows))
        return len(rows)

    async def _claim(self) -> list[Mapping[str, Any]]:
        services = self._services
        now = services.clock()
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
        if services.db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        async with services.db.begin() as conn:
            rows = (await conn.execute(due)).mappings().all()
            if rows:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([row["id"] for row in rows]))
                    .values(claimed_until=now + LEASE)
                )
        return list(rows)

    async def _deliver(self, row: Mapping[str, Any]) -> None:
        if row["deadline"] < self._services.clock():
            await self._expire(row, "deadline passed before this attempt (the dispatcher was not running)")
            return
        attempt = row["attempts"] + 1
        result = await self._sender.send(
            row["target_url"], row["payload"], action=row["action"], transaction_id=row["transaction_id"],
            message_id=row["message_id"], attempt=attempt, outbox_id=row["id"],
        )
        await self._record(row, attempt, result)

    async def _expire(self, row: Mapping[str, Any], reason: str) -> None:
        log.warning("callback %s %s expired: %s", row["action"], row["message_id"], reason)
        async with self._services.db.begin() as conn:
            await conn.execute(
                update(outbox).where(and_(outbox.c.id == row["id"], outbox.c.status == "pending"))
                .values(status="expired", claimed_until=None, last_error=reason)
            )

    async def _record(self, row: Mapping[str, Any], attempt: int, result: DeliveryResult) -> None:
        services = self._services
        now = services.clock()
        values: dict[str, Any] = {"attempts": attempt, "claimed_until": None, "last_error": result.error}
        if result.delivered:
            values.update(status="delivered", delivered_at=now)
        else:
            retry_at = now + timedelta(seconds=backoff_seconds(attempt, services.settings.callback_max_backoff_seconds))
            if retry_at > row["deadline"]:
                values.update(status="expired")
                log.warning("callback %s %s expired after %d attempts: %s", row["action"], row["message_id"],
                            attempt, result.error)
            else:
                values.update(next_attempt_at=retry_at)
        async with services.db.begin() as conn:
            await conn.execute(
                update(outbox).where(and_(outbox.c.id == row["id"], outbox.c.status == "pending")).values(**values)
            )
