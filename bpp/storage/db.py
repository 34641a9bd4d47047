"""The SQL database: one async engine for SQLite (embedded default) or PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

# A table row as the repositories hand it out, read by column name: SQLAlchemy's RowMapping, or a dict made
# from one. RowMapping's declared key type also admits column objects, so to mypy it is no Mapping[str, Any];
# this is the one type both kinds of row fit, and it passes on to functions that take a Mapping[str, Any].
Row: TypeAlias = Mapping[Any, Any]
RECYCLE_SECONDS = 1800


class Database:
    """An async engine plus the facts callers need about its dialect."""

    def __init__(self, url: str, pool_size: int = 20) -> None:
        self.url = url
        self.is_postgres = url.startswith("postgresql")
        if not self.is_postgres:
            _ensure_sqlite_dir(url)
            self.engine: AsyncEngine = create_async_engine(url, connect_args={"timeout": 30})
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            event.listen(self.engine.sync_engine, "begin", _sqlite_begin_immediate)
        else:
            # No pool_pre_ping: on asyncpg it is three round trips (BEGIN, `;`, ROLLBACK) before every
            # transaction, as many as a one-row transaction itself (bench/settlement_throughput.py). The
            # server's closing of a connection (a restart) is caught on checkout for free instead, see
            # `_replace_closed`; pool_recycle retires connections before a NAT or firewall forgets them.
            # pool_size: see Settings.database_pool_size; overflow connections are closed again on return.
            self.engine = create_async_engine(
                url, pool_size=pool_size, max_overflow=pool_size // 2, pool_recycle=RECYCLE_SECONDS
            )
            event.listen(self.engine.sync_engine, "checkout", _replace_closed)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside one transaction, committed on success, rolled back on error."""
        async with self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (autobegin; nothing is committed)."""
        async with self.engine.connect() as conn:
            yield conn

    async def dispose(self) -> None:
        await self.engine.dispose()


def _replace_closed(_dbapi_conn: Any, record: ConnectionPoolEntry, _proxy: object) -> None:
    """Give a pooled PostgreSQL connection that the server has closed back to the pool to be replaced.

    A PostgreSQL restart closes every connection; asyncpg notes each close as soon as the event loop reads it,
    so asking costs no round trip, and the pool connects afresh. A connection that dies unnoticed (between the
    close and the loop reading it) fails its first statement: SQLAlchemy sees the disconnect and drops every
    connection pooled before it, and the transaction rolls back whole. Nothing accepted is lost by that: the
    inbox answers the failed message with an error and its sweeper runs it again when its lease lapses, and
    a callback stays in the outbox until it is delivered.
    """
    if record.driver_connection is None or record.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    if url.startswith("postgresql"):
        return None
    path = url.split(":///", 1)[-1]
    return Path(path) if path and path != ":memory:" else None


def _ensure_sqlite_dir(url: str) -> None:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:
    """WAL and a busy timeout so the embedded dispatcher and the web handlers share the file."""
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin_immediate)
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    """Take the write lock at BEGIN, so a read-then-write transaction waits instead of failing as locked."""
    conn.exec_driver_sql("BEGIN IMMEDIATE")


__all__ = ["Database", "sqlite_file"]
