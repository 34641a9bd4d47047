"""An engagement's visits as they happen, and its months' money.

- `staff_in`: the nearest worker free for the whole term becomes the steady worker (`staffing.steady_worker`), and
  the coming days' visits are stored for her (`EngagementService.replan_visits`); a request nobody can take is
  declined.
- `day_off`: the worker cannot come on a day; a substitute is matched for that visit only.
- `complete`: the visit's worker finished it; her credit is posted in the same transaction.
- `mark_missed` (the loop): visits whose time passed without completion are missed, so never billed (arrears) or
  refunded (advance).
- `bill_month` / `settle_month`: the month's bill, and a prepaid month's refund of the visits not done.

Every ledger entry has its event's key (`fulfillment.engagement_money`), so a repeat posts nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.engagements.repo import EngagementRepo
from bpp.engagements.service import EngagementService
from bpp.engagements.staffing import DEFAULT_RADIUS_KM, steady_worker, substitute
from bpp.money.service import LedgerService
from bpp.storage.db import Database
from catalog.engagement_terms import BillingMode, Month
from fulfillment.engagement import Engagement, EngagementState, india_today
from fulfillment.engagement_money import bill_entry, refund_entry, visit_entry
from fulfillment.engagement_visits import Visit, completed
from schemas.errors import BUSINESS_ERROR, SLOT_NOT_AVAILABLE
from schemas.refusal import NOT_FOUND, Refusal


def _no_engagement(engagement_id: str) -> Refusal:
    return Refusal(NOT_FOUND, f"No engagement {engagement_id}.", message_hi="यह सेवा नहीं मिली।")


class EngagementVisits:
    """Staffing, attendance and billing of engagements, each step one transaction."""

    def __init__(self, db: Database, ledger: LedgerService, clock: Callable[[], datetime], *,
                 radius_km: float = DEFAULT_RADIUS_KM) -> None:
        self._db = db
        self._ledger = ledger
        self._clock = clock
        self._radius_km = radius_km
        self._booking = EngagementService(clock)

    def _repo(self, conn: AsyncConnection) -> EngagementRepo:
        return EngagementRepo(conn, lock_rows=self._db.is_postgres)

    async def _engagement(self, repo: EngagementRepo, engagement_id: str) -> Engagement:
        engagement = await repo.get(engagement_id)
        if engagement is None:
            raise _no_engagement(engagement_id)
        return engagement

    async def _visit(self, repo: EngagementRepo, engagement_id: str, day: date) -> Visit:
        found = await repo.visits(engagement_id, day, day)
        if not found:
            raise Refusal(NOT_FOUND, f"No visit of engagement {engagement_id} on {day}.",
                          message_hi="उस दिन की विज़िट नहीं मिली।")
        return found[0]

    async def staff(self, engagement_id: str) -> str | None:
        """`staff_in` in a transaction of its own."""
        async with self._db.begin() as conn:
            return await self.staff_in(conn, await self._engagement(self._repo(conn), engagement_id))

    async def staff_in(self, conn: AsyncConnection, engagement: Engagement) -> str | None:
        """Give a requested engagement its steady worker and store its coming visits; decline it when nobody nearby
        is free for the whole term. Works in the caller's transaction; returns the worker's id, or None when
        declined."""
        now = self._clock()
        repo = self._repo(conn)
        worker_id = await steady_worker(conn, engagement, radius_km=self._radius_km)
        if worker_id is None:
            engagement.decline("no worker nearby is free for the whole schedule", at=now)
            await repo.save(engagement)
            return None
        engagement.activate(worker_id, at=now)
        await repo.save(engagement)
        await self._booking.replan_visits(conn, engagement)
        return worker_id

    async def day_off(self, worker_id: str, engagement_id: str, day: date) -> Visit:
        """The worker cannot come on `day` (tomorrow at the earliest): the nearest free worker covers that visit
        only. Refused (as a slot not available) when nobody is free; she then keeps it."""
        now = self._clock()
        if day <= india_today(now):
            raise Refusal(BUSINESS_ERROR.code, "Mark a day off from tomorrow on.", "day",
                          "छुट्टी कल या उसके बाद के दिन के लिए ही लें।")
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            visit = await self._visit(repo, engagement_id, day)
            if visit.worker_id != worker_id:
                raise Refusal(NOT_FOUND, "This visit is not yours.", message_hi="यह विज़िट आपकी नहीं है।")
            other = await substitute(conn, engagement, visit, radius_km=self._radius_km)
            if other is None:
                raise Refusal(SLOT_NOT_AVAILABLE.code, "Nobody nearby is free to cover that visit; call the helpline.",
                              "day", "उस विज़िट के लिए पास में कोई और खाली नहीं है; हेल्पलाइन पर बात करें।")
            covered = visit.cover(other)
            await repo.save_visits([covered])
            return covered

    async def complete(self, worker_id: str, engagement_id: str, day: date) -> Visit:
        """The visit's worker finished it: it is done and her credit posted, together."""
        now = self._clock()
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            done = (await self._visit(repo, engagement_id, day)).complete(worker_id, at=now)
            await repo.save_visits([done])
            await self._ledger.engagement_posted(conn, visit_entry(engagement, done, self._ledger.policy))
            return done

    async def mark_missed(self, limit: int = 100) -> int:
        """Mark missed the visits whose time passed without completion; how many were marked."""
        now = self._clock()
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            missed = [visit.miss(at=now) for visit in await repo.overdue_visits(now, limit)]
            await repo.save_visits(missed)
            return len(missed)

    async def bill_month(self, engagement_id: str, month: Month) -> bool:
        """Post the month's bill: in advance its planned visits (before it starts), in arrears its visits done (once
        it is over). False when it was billed before."""
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            done = completed(await repo.visits(engagement_id, month.first, month.last))
            bill = engagement.bill(month, completed=done)
            return await self._ledger.engagement_posted(conn, bill_entry(engagement, bill))

    async def settle_month(self, engagement_id: str, month: Month) -> bool:
        """Once a prepaid month is over, refund the billed visits not done (missed, paused, after the last day).
        False when nothing was refunded (all done, or refunded before)."""
        if india_today(self._clock()) <= month.last:
            raise Refusal(BUSINESS_ERROR.code, f"{month} is not over yet.", "month", f"{month} अभी पूरा नहीं हुआ है।")
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            if engagement.billing is not BillingMode.ADVANCE or engagement.state is EngagementState.REQUESTED:
                return False
            done = completed(await repo.visits(engagement_id, month.first, month.last))
            entry = refund_entry(engagement, month, engagement.refund(engagement.bill(month, completed=done),
                                                                      completed=done))
            return entry is not None and await self._ledger.engagement_posted(conn, entry)
