"""The transaction log writer: rows are buffered and written in batches, off the ACK path.

Rejected requests are logged from a body nobody vouched for, so their row is made storable here (ids cut to their
column, NUL removed, an unsigned body cut to a prefix); should any row still be refused by the database, the batch
is written row by row and only that row is dropped (and counted), so one bad row never holds up the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError, IntegrityError

from bpp.platform.background import BackgroundLoop
from bpp.storage.db import Database
from bpp.storage.gateway_tables import delivery_attempts, messages
from schemas.fields import MAX_ID_LENGTH, MAX_SUBSCRIBER_ID_LENGTH

if TYPE_CHECKING:
    from bpp.network.gateway.exchange import Exchange, Nack

log = logging.getLogger(__name__)
CHUNK = 100
MAX_BUFFERED_ROWS = 50_000  # while the database is down; beyond it new rows are dropped (and counted)
REJECTED_BODY_PREFIX = 4096  # what is kept of a body whose signature did not verify: evidence, not a disk filler
# PostgreSQL SQLSTATE classes of a row the database will never take: 22 data exception (too long, NUL, bad value),
# 23 integrity constraint violation; anything else (a lost connection) is worth retrying with the row kept
ROW_FAULT_SQLSTATE_CLASSES = ("22", "23")
KEPT_HEADERS = ("authorization", "x-gateway-authorization", "content-type", "user-agent", "content-length")


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers worth keeping as evidence (signatures are public; nothing secret is stored)."""
    return {name: headers[name] for name in KEPT_HEADERS if name in headers}


def _storable(value: object, length: int) -> str:
    """`value` as text that fits its column: NUL removed (PostgreSQL text cannot hold it), cut to `length`."""
    return str(value or "").replace("\x00", "")[:length]


def _ids(raw: bytes) -> tuple[str, str, str]:
    """bap_id, transaction_id, message_id of a body that may not even be JSON, cut to fit their columns."""
    try:
        context = orjson.loads(raw).get("context") or {}
    except (orjson.JSONDecodeError, AttributeError):
        return "", "", ""
    return (_storable(context.get("bap_id"), MAX_SUBSCRIBER_ID_LENGTH),
            _storable(context.get("transaction_id"), MAX_ID_LENGTH),
            _storable(context.get("message_id"), MAX_ID_LENGTH))


def _is_row_fault(exc: Exception) -> bool:
    """True when the database refused the row itself, so writing it again can never succeed."""
    if isinstance(exc, IntegrityError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) if isinstance(exc, DBAPIError) else None
    return isinstance(sqlstate, str) and sqlstate[:2] in ROW_FAULT_SQLSTATE_CLASSES


class TransactionLog:
    """Buffers log rows and flushes them every `interval` seconds or `batch` rows."""

    def __init__(
        self, db: Database, interval: float = 0.1, batch: int = 500, max_buffered: int = MAX_BUFFERED_ROWS
    ) -> None:
        self._db = db
        self._batch = batch
        self._max_buffered = max_buffered
        self.dropped_rows = 0  # rows lost to a full buffer or refused by the database; shown by /health
        self._overflowing = False
        self._messages: list[dict[str, Any]] = []
        self._attempts: list[dict[str, Any]] = []
        self._writer = BackgroundLoop("txlog", self.flush, pause=interval, pause_first=True)

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
        if exchange is None or exchange.signer is None:
            raw = raw[:REJECTED_BODY_PREFIX]
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
        self._buffer(self._attempts, row)

    def _add_message(self, row: dict[str, Any]) -> None:
        row.setdefault("claimed_until", None)
        row.setdefault("process_error", None)
        self._buffer(self._messages, row)

    def _buffer(self, rows: list[dict[str, Any]], row: dict[str, Any]) -> None:
        if len(self._messages) + len(self._attempts) >= self._max_buffered:
            if not self._overflowing:
                log.error("transaction log buffer full (%d rows): is the database down? New rows are dropped "
                          "until it drains", self._max_buffered)
            self._overflowing = True
            self.dropped_rows += 1
            return
        rows.append(row)
        self._nudge()

    def _nudge(self) -> None:
        if len(self._messages) + len(self._attempts) >= self._batch:
            self._writer.wake()

    def start(self) -> None:
        self._writer.start()

    async def stop(self) -> None:
        await self._writer.stop()
        await self.flush()

    async def flush(self) -> None:
        """Write every buffered row now."""
        if not self._messages and not self._attempts:
            return
        pending = [(messages, self._messages), (delivery_attempts, self._attempts)]
        self._messages, self._attempts = [], []
        self._overflowing = False
        try:
            for table, rows in pending:
                while rows:
                    # small transactions, so the event loop (and the ACK path) gets a turn between them
                    try:
                        async with self._db.begin() as conn:
                            await conn.execute(table.insert(), rows[:CHUNK])
                        del rows[:CHUNK]
                    except DBAPIError as exc:
                        if not _is_row_fault(exc):
                            raise
                        await self._write_one_by_one(table, rows)
        except Exception:
            self._messages[:0] = pending[0][1]  # what was not written goes back to the buffer
            self._attempts[:0] = pending[1][1]
            raise

    async def _write_one_by_one(self, table: Table, rows: list[dict[str, Any]]) -> None:
        """Write the chunk at the front of `rows` that the database refused one row at a time, removing each row
        once written; a row the database refuses is dropped and counted, the others are kept."""
        for _ in range(min(CHUNK, len(rows))):
            try:
                async with self._db.begin() as conn:
                    await conn.execute(table.insert(), rows[:1])
            except DBAPIError as exc:
                if not _is_row_fault(exc):
                    raise
                log.error("transaction log dropped a %s row of %s the database refused: %s", table.name,
                          rows[0].get("action"), exc.orig)
                self.dropped_rows += 1
            del rows[0]
