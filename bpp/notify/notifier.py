"""The SMS notifier: queued in the caller's transaction, sent by one background sender with retries.

Queueing writes one `sms_messages` row on the caller's connection, so the SMS commits (or rolls back) with the
event it reports, and nothing about the gateway can fail or slow the booking. The sender runs in every `serve`
and `dispatcher` process under one lease of the deployment (`Services.lease("sms-sender")`), so one process
sends at a time. It takes due rows, counts the attempt and pushes `next_attempt_at` past `CLAIM` before it
sends, so an attempt a crash cut short is retried (and counted) rather than lost; the gateway then answers
within its timeout, far inside `CLAIM`. A failure is retried after `retry_base_seconds`, doubling up to
`retry_max_seconds`; after `max_attempts` the row is marked `failed` and logged.

Sending is at least once: a process killed between the gateway's answer and the row's update sends that SMS
again when the claim lapses.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.notify.gateways import OutgoingSms, SendResult, SmsGateway
from bpp.notify.phones import mask_phone, normalise_phone
from bpp.notify.templates import Language, SmsTemplate, dlt_key, render
from bpp.ops.metrics import SMS
from bpp.platform.background import BackgroundLoop
from bpp.platform.leader import Lease
from bpp.storage.db import Database, Row
from bpp.storage.notify_tables import SMS_KEY_LENGTH, sms_messages

log = logging.getLogger(__name__)
CLAIM = timedelta(seconds=120)
# Texts that carry a one-time password (the OTPs themselves are stored only hashed): once sent or given up on, and
# older than any OTP lives (sign-up 10 min, start 15 min), their digits are masked in `sms_messages`, so the table
# does not keep a usable OTP, and keeps none at all after OTP_TEXT_KEPT.
SECRET_TEMPLATES = frozenset({SmsTemplate.WORKER_ASSIGNED.value, SmsTemplate.SIGNUP_OTP.value})
OTP_TEXT_KEPT = timedelta(hours=1)
MASK = "••••"
_DIGIT_RUN = re.compile(r"(?<!\w)\d{4,8}(?!\w)")  # an OTP; also the helpline number, harmless to mask in a record


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def delay(self, attempts: int) -> timedelta:
        """The pause after the `attempts`-th failed attempt."""
        return timedelta(seconds=min(self.max_seconds, self.base_seconds * 2.0 ** min(attempts - 1, 30)))


class SmsNotifier:
    """`queue` SMS inside business transactions; `start` the sender in a process that should send them."""

    def __init__(
        self,
        db: Database,
        gateway: SmsGateway,
        clock: Callable[[], datetime],
        *,
        dlt_template_ids: Mapping[str, str],
        helpline: str,
        retry: RetryPolicy,
        poll_seconds: float,
        batch: int = 20,
    ) -> None:
        self._db = db
        self._gateway = gateway
        self._clock = clock
        self._dlt_template_ids = dlt_template_ids
        self._helpline = helpline
        self._retry = retry
        self._batch = batch
        self._loop = BackgroundLoop("sms-sender", self._drain, pause=poll_seconds)

    async def queue(
        self,
        conn: AsyncConnection,
        phone: str,
        template: SmsTemplate,
        values: Mapping[str, object],
        key: str,
        language: Language = "hi",
    ) -> bool:
        """Queue one SMS in the caller's transaction; False when `key` was queued before (nothing new is stored).

        `phone` is anything `normalise_phone` reads (check it with that function first: a number it cannot read
        raises ValueError, as do `values` that do not fit the template). `key` names the event, e.g.
        `order_booked:SM-1a2b3c4d5e6f` or `worker_assigned:SM-…:<worker id>`, at most 200 characters (a longer
        one raises ValueError). After the commit call `wake()` (e.g. `uow.after_commit(notifier.wake)`), or the SMS
        goes at the next poll."""
        number = normalise_phone(phone)
        if number is None:
            raise ValueError(f"not an Indian mobile number: {mask_phone(phone)}")
        if len(key) > SMS_KEY_LENGTH:  # PostgreSQL would refuse it and abort the caller's transaction
            raise ValueError(f"an SMS key is at most {SMS_KEY_LENGTH} characters: {key[:40]}…")
        now = self._clock()
        insert = pg_insert if self._db.is_postgres else sqlite_insert
        statement = insert(sms_messages).values(
            idempotency_key=key, phone=number, template=template.value, language=language,
            text=render(template, language, values, self._helpline),
            dlt_template_id=self._dlt_template_ids.get(dlt_key(template, language)),
            status="queued", attempts=0, next_attempt_at=now, created_at=now,
        ).on_conflict_do_nothing(index_elements=["idempotency_key"])
        return (await conn.execute(statement)).rowcount == 1

    def wake(self) -> None:
        """Send what is due now instead of at the next poll."""
        self._loop.wake()

    def start(self, lease: Lease | None = None) -> None:
        """Start the sender; with `lease`, it sends only while this process holds the lease."""
        self._loop.start(lease=lease)

    async def stop(self) -> None:
        await self._loop.stop()
        await self._gateway.close()

    async def _drain(self) -> None:
        while await self.send_due():
            pass
        await self.mask_spent_otps()

    async def mask_spent_otps(self, batch: int = 200) -> int:
        """Mask the digits of OTP texts no longer to be sent and older than OTP_TEXT_KEPT; how many were masked."""
        spent = (
            select(sms_messages.c.id, sms_messages.c.text)
            .where(sms_messages.c.template.in_(SECRET_TEMPLATES), sms_messages.c.status != "queued",
                   sms_messages.c.created_at < self._clock() - OTP_TEXT_KEPT, sms_messages.c.text.not_like(f"%{MASK}%"))
            .limit(batch)
        )
        async with self._db.begin() as conn:
            rows = (await conn.execute(spent)).all()
            for sms_id, text in rows:
                masked = _DIGIT_RUN.sub(MASK, text)
                await conn.execute(update(sms_messages).where(sms_messages.c.id == sms_id).values(text=masked))
        return len(rows)

    async def send_due(self) -> int:
        """Claim and send one batch of due SMS; returns how many were tried."""
        rows = await self._claim()
        await asyncio.gather(*(self._send(row) for row in rows))
        return len(rows)

    async def _claim(self) -> list[Row]:
        now = self._clock()
        due = (
            select(sms_messages)
            .where(sms_messages.c.status == "queued", sms_messages.c.next_attempt_at <= now)
            .order_by(sms_messages.c.next_attempt_at)
            .limit(self._batch)
        )
        if self._db.is_postgres:
            due = due.with_for_update(skip_locked=True)
        async with self._db.begin() as conn:
            rows = (await conn.execute(due)).mappings().all()
            if rows:
                await conn.execute(
                    update(sms_messages)
                    .where(sms_messages.c.id.in_([row["id"] for row in rows]))
                    .values(attempts=sms_messages.c.attempts + 1, next_attempt_at=now + CLAIM)
                )
        return list(rows)

    async def _send(self, row: Row) -> None:
        sms = OutgoingSms(id=row["id"], phone=row["phone"], text=row["text"], template=row["template"],
                          language=row["language"], dlt_template_id=row["dlt_template_id"])
        try:
            result = await self._gateway.send(sms)
        except Exception as exc:  # a gateway should answer with a result; a bug in one must not stop the others
            log.exception("SMS %d: the gateway raised", sms.id)
            result = SendResult(sent=False, error=f"gateway error: {type(exc).__name__}")
        await self._record(row, row["attempts"] + 1, result)

    async def _record(self, row: Row, attempt: int, result: SendResult) -> None:
        now = self._clock()
        values: dict[str, Any] = {"last_error": result.error}
        if result.sent:
            values.update(status="sent", sent_at=now, gateway_ref=result.reference)
            outcome = "sent"
        elif attempt >= self._retry.max_attempts:
            values.update(status="failed")
            outcome = "failed"
            log.warning("SMS %d (%s) to %s failed after %d attempts: %s", row["id"], row["template"],
                        mask_phone(row["phone"]), attempt, result.error)
        else:
            values.update(next_attempt_at=now + self._retry.delay(attempt))
            outcome = "retried"
        async with self._db.begin() as conn:
            await conn.execute(
                update(sms_messages)
                .where(and_(sms_messages.c.id == row["id"], sms_messages.c.status == "queued"))
                .values(**values)
            )
        SMS.labels(outcome).inc()
