"""One business transaction: a connection, the repositories and the outbox on it, and what must follow the commit.

```python
async with services.unit_of_work() as uow:
    order = await uow.orders.get(order_id)
    ...                                   # change the order through its methods
    await uow.orders.save(order)
    await uow.outbox.reply(request, message={...})
    await uow.commit()                    # without this, everything above is rolled back
```

Work that must not happen unless the change is durable (waking the dispatcher for a callback just stored,
the matching loop for an order just confirmed, Redis geo sets) is registered with `after_commit`: it runs
once the commit succeeded, never on a rollback. Waking the dispatcher inside the transaction let it look
for a callback it could not see yet, and a rolled-back reply still woke it.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncTransaction

from bpp.network.outbox import Outbox
from bpp.network.protocol import InboundRequest, OrderAddress
from bpp.orders.repo import OrderRepo
from bpp.storage.db import Database

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None] | None]


class UnitOfWork:
    """`async with` it for one transaction; it rolls back unless `commit()` was called."""

    def __init__(self, db: Database, outbox: Outbox, wake_dispatcher: Callable[[], None]) -> None:
        self._db = db
        self._outbox = outbox
        self._wake_dispatcher = wake_dispatcher
        self._hooks: list[AfterCommit] = []
        self._committed = False

    async def __aenter__(self) -> UnitOfWork:
        self.conn: AsyncConnection = await self._db.engine.connect()
        self._transaction: AsyncTransaction = await self.conn.begin()
        self.orders = OrderRepo(self.conn, lock_rows=self._db.is_postgres)
        self.outbox = TransactionOutbox(self._outbox, self.conn, self._callback_stored)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            if not self._committed:
                await self._transaction.rollback()
        finally:
            await self.conn.close()
        if self._committed:
            await self._run_hooks()

    async def commit(self) -> None:
        await self._transaction.commit()
        self._committed = True

    def after_commit(self, hook: AfterCommit) -> None:
        """Run `hook` (a function or a coroutine function) once this unit of work has committed."""
        self._hooks.append(hook)

    def _callback_stored(self) -> None:
        if self._wake_dispatcher not in self._hooks:  # one wake-up covers every callback of the transaction
            self.after_commit(self._wake_dispatcher)

    async def _run_hooks(self) -> None:
        for hook in self._hooks:
            try:
                result = hook()
                if inspect.isawaitable(result):
                    await result
            except Exception:  # the change is committed: a failed follow-up must not report it as failed
                log.exception("after-commit step %r failed", hook)


class TransactionOutbox:
    """The outbox bound to a unit of work's connection; each stored callback wakes the dispatcher after commit."""

    def __init__(self, outbox: Outbox, conn: AsyncConnection, stored: Callable[[], None]) -> None:
        self._outbox = outbox
        self._conn = conn
        self._stored = stored

    async def reply(
        self, request: InboundRequest, message: Mapping[str, Any] | None, error: Mapping[str, Any] | None = None
    ) -> None:
        await self._outbox.reply(self._conn, request, message, error)
        self._stored()

    async def unsolicited(self, address: OrderAddress, action: str, message: Mapping[str, Any]) -> str:
        message_id = await self._outbox.unsolicited(self._conn, address, action, message)
        self._stored()
        return message_id

