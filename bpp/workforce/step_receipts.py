"""Job steps the worker's phone may send more than once: each carries her Idempotency-Key, and its answer is kept.

A phone that lost its connection after sending a step cannot know whether it arrived, so the worker app queues
steps while offline and sends them, with the same key, when the network returns. The key is claimed in the step's
own transaction and the answer stored there too: the step and its receipt commit together or not at all, and a
repeat gets the stored answer and changes nothing. Two tries of one key at once wait for each other on the receipt's
primary key (PostgreSQL) or the writer lock (SQLite).

A refused step stores nothing, so its key may be tried again, except a wrong OTP: its counted try commits, and with
it the receipt without an answer, which a later try of the same key takes over.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.worker_tables import worker_step_receipts as receipts
from fulfillment.order import Order
from schemas.refusal import Refusal

# Longer than any phone keeps a step queued: a step that old finds its order moved on and is refused anyway.
KEPT_FOR: Final = timedelta(days=7)
KEY_PATTERN: Final = r"^[A-Za-z0-9_-]{16,64}$"  # the app sends a UUID


def step_answer(order: Order) -> dict[str, str]:
    """What a job step answers (and a repeat of it answers again): the order's status and fulfillment state."""
    return {"order_id": order.id, "status": order.status.value, "fulfillment_state": order.fulfillment_state.value}


class StepAlreadyTaken(Exception):
    """This key's step was accepted before; `answer` is what it was answered then."""

    def __init__(self, answer: Mapping[str, Any]) -> None:
        super().__init__("the step of this Idempotency-Key was accepted before")
        self.answer = dict(answer)


@dataclass(frozen=True, slots=True)
class StepKey:
    """One try of a step: whose, her key for it, which step of which order."""

    worker_id: str
    key: str
    action: str
    order_id: str

    async def claim(self, conn: AsyncConnection, now: datetime) -> None:
        """Take the key in the caller's transaction; raise StepAlreadyTaken if its step was accepted before, or a
        Refusal if the key was used for another step."""
        insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        await conn.execute(
            insert(receipts)
            .values(worker_id=self.worker_id, key=self.key, action=self.action, order_id=self.order_id,
                    answer=None, created_at=now)
            .on_conflict_do_nothing(index_elements=["worker_id", "key"])
        )
        taken = (await conn.execute(
            select(receipts.c.action, receipts.c.order_id, receipts.c.answer).where(*self._row())
        )).one()
        if (taken.action, taken.order_id) != (self.action, self.order_id):
            raise Refusal(
                "idempotency_key_reused",
                "This Idempotency-Key was sent with another step; send each step with a key of its own.",
                "Idempotency-Key",
                "यह Idempotency-Key किसी दूसरे कदम के साथ भेजी जा चुकी है; हर कदम अपनी अलग कुंजी के साथ भेजें।",
            )
        if taken.answer is not None:
            raise StepAlreadyTaken(taken.answer)
        await conn.execute(
            delete(receipts).where(receipts.c.worker_id == self.worker_id, receipts.c.created_at < now - KEPT_FOR)
        )

    async def settle(self, conn: AsyncConnection, order: Order) -> None:
        """Keep the answer of the step just taken, in the same transaction."""
        await conn.execute(update(receipts).where(*self._row()).values(answer=step_answer(order)))

    def _row(self) -> tuple[Any, ...]:
        return receipts.c.worker_id == self.worker_id, receipts.c.key == self.key
