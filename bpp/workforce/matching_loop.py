"""The matching loop of this process, what wakes it, and what happens to an order nobody takes.

A confirmed order becomes a durable matching job in the confirm's own transaction; the loop (in every
process, each claiming jobs under a lease) offers it to the nearest free worker, then the next. When
no verified worker accepts within the radius we cancel it as the provider and tell the buyer app (or, for an
order of an assisted channel, the citizen by SMS).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.outbox import Outbox
from bpp.network.protocol import OrderAddress
from bpp.orders.repo import OrderRepo
from bpp.platform.background import BackgroundLoop
from bpp.storage.db import Database
from bpp.workforce.matching import GeoIndex, Matcher, NoWorker, schedule_job
from bpp.workforce.order_callbacks import order_payload
from bpp.workforce.ports import CitizenNotices, OrderSettlement

MATCHING_POLL_SECONDS = 0.25
OfferListener = Callable[[str, str], None]  # (order id, worker id), after the offer is stored


class MatchingLoop:
    """Runs a Matcher over the due jobs every poll, or at once when woken; tells listeners of each offer."""

    def __init__(
        self,
        db: Database,
        geo: GeoIndex,
        clock: Callable[[], datetime],
        *,
        radius_for: Callable[[str], float],
        offer_timeout_seconds: float,
        no_worker: NoWorker,
    ) -> None:
        self._clock = clock
        self.offer_listeners: list[OfferListener] = []
        self.matcher = Matcher(
            db, geo, clock, radius_for=radius_for, offer_timeout_seconds=offer_timeout_seconds,
            no_worker=no_worker, offer_made=self._announce,
        )
        # no lease: it runs in every process, each a share of the jobs. A job is claimed by a conditional update
        # (one process advances it at a time) and a worker by SET NX in Redis plus a conditional update of her
        # current order, so concurrent matchers never offer one worker two orders nor one order twice.
        self._loop = BackgroundLoop("fulfillment-matching", self.matcher.run_due, pause=MATCHING_POLL_SECONDS)

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def order_confirmed(self, conn: AsyncConnection, order_id: str) -> None:
        """Schedule matching for a confirmed order, durably, in the caller's transaction; call `wake()`
        after the commit (woken before it, the loop would not yet see the job and wait a whole poll)."""
        await schedule_job(conn, order_id, self._clock())

    def wake(self) -> None:
        """Let the loop look for due jobs now."""
        self._loop.wake()

    async def run_once(self) -> int:
        """Advance every due matching job once (the loop does this; tests call it directly)."""
        return await self.matcher.run_due()

    def _announce(self, order_id: str, worker_id: str) -> None:
        for listener in self.offer_listeners:
            listener(order_id, worker_id)


class CancelForNoWorker:
    """Nobody can take the order: cancel it as the provider (a prepaid order is refunded) and send on_cancel (or
    the SMS that tells an assisted channel's citizen)."""

    def __init__(
        self,
        outbox: Outbox,
        wake_dispatcher: Callable[[], None],
        settlement: OrderSettlement,
        notices: CitizenNotices,
        clock: Callable[[], datetime],
        *,
        lock_rows: bool,
    ) -> None:
        self._outbox = outbox
        self._wake_dispatcher = wake_dispatcher
        self._settlement = settlement
        self._notices = notices
        self._clock = clock
        self._lock_rows = lock_rows

    async def __call__(self, conn: AsyncConnection, order_id: str, reason: str) -> None:
        orders = OrderRepo(conn, lock_rows=self._lock_rows)
        order = await orders.get(order_id)
        if order is None:
            return
        order.cancel_for_no_worker(reason, at=self._clock())
        await orders.save(order)
        await self._settlement.order_cancelled(conn, order, Decimal("0"))
        address = OrderAddress.of_order(order)
        if address is None:  # the sender's next poll sends it: this transaction commits in the matcher
            await self._notices.cancelled(conn, order)
            return
        message = await order_payload(conn, order)
        await self._outbox.unsolicited(conn, address, "on_cancel", message)
        # inside the matcher's transaction, not a unit of work: the wake-up cannot wait for its commit
        self._wake_dispatcher()
