"""The transaction log writer: rows are buffered and written in batches, off the ACK path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson

from bpp.storage.db import Database
from bpp.storage.gateway_tables import delivery_attempts, messages

if TYPE_CHECKING:
    from bpp.gateway.pipeline import Exchange, Nack

log = logging.getLogger(__name__)
CHUNK = 100
KEPT_HEADERS = ("authorization", "x-gateway-authorization", "content-type", "user-agent", "content-length")


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers worth keeping as evidence (signatures are public; nothing secret is stored)."""
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}


def _ids(raw: bytes) -> tuple[str, str, str]:
    """bap_id, transaction_id, message_id of a body that may not even be JSON."""
    try:
        context = orjson.loads(raw).get("context") or {}
    except (orjson.JSONDecodeError, AttributeError):
        return "", "", ""
    return (str(context.get("bap_id") or ""), str(context.get("transaction_id") or ""),
            str(context.get("message_id") or ""))


class TransactionLog:
    """Buffers log rows and flushes them every `interval` seconds or `batch` rows."""

    def __init__(self, db: Database, interval: float = 0.1, batch: int = 500) -> None:
        self._db = db
        self._interval = interval
        self._batch = batch
        self._messages: list[dict[str, Any]] = []
        self._attempts: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def record_inbound(self, exchange: Exchange, ack_status: str, note: str | None = None) -> None:
        context = (exchange.data or {}).get("context", {})
        self._add_message({
            "direction": "in",
            "action": exchange.action,
            "bap_id": str(context.get("bap_id", "")),
            "transaction_id": str(context.get("transaction_id", "")),
            "message_id": str(context.get("message_id", "")),
            "received_at": exchange.received_at,
            "headers": kept_headers(exchange.headers),
            "body": exchange.raw,
            "ack_status": ack_status,
            "error_code": None,
            "error_message": note,
            "duration_ms": (time.perf_counter() - exchange.started) * 1000,
            "processed_at": exchange.received_at if ack_status == "ACK" else None,
        })

    def record_rejected(self, action: str, exchange: Exchange | None, headers: Mapping[str, str], nack: Nack) -> None:
        raw = exchange.raw if exchange is not None else b""
        bap_id, transaction_id, message_id = _ids(raw)
        self._add_message({
            "direction": "in",
            "action": action,
            "bap_id": bap_id,
            "transaction_id": transaction_id,
            "message_id": message_id,
            "received_at": exchange.received_at if exchange is not None else datetime.now(UTC),
            "headers": kept_headers(headers),
            "body": raw,
            "ack_status": "NACK",
            "error_code": nack.error.code,
            "error_message": nack.message,
            "duration_ms": (time.perf_counter() - exchange.started) * 1000 if exchange is not None else None,
            "processed_at": None,
        })

    def record_attempt(self, row: dict[str, Any]) -> None:
        """One delivery attempt of a callback (columns of `delivery_attempts`)."""
        self._attempts.append(row)
        self._nudge()

    def _add_message(self, row: dict[str, Any]) -> None:
        row.setdefault("claimed_until", None)
        row.setdefault("process_error", None)
        self._messages.append(row)
        self._nudge()

    def _nudge(self) -> None:
        if len(self._messages) + len(self._attempts) >= self._batch:
            self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="txlog")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("transaction log flush failed; rows kept for the next try")
                await asyncio.sleep(1)

    async def flush(self) -> None:
        """Write every buffered row now."""
        if not self._messages and not self._attempts:
            return
        pending = [(messages, self._messages), (delivery_attempts, self._attempts)]
        self._messages, self._attempts = [], []
        try:
            for table, rows in pending:
                while rows:
                    # small transactions, so the event loop (and the ACK path) gets a turn between them
                    async with self._db.begin() as conn:
                        await conn.execute(table.insert(), rows[:CHUNK])
                    del rows[:CHUNK]
        except Exception:
            self._messages[:0] = pending[0][1]  # what was not written goes back to the buffer
            self._attempts[:0] = pending[1][1]
            raise
