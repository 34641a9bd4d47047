"""An engagement's visits as they happen, and its months' money.

- `staff_in`: the nearest worker free for the whole term becomes the steady worker
  (`engagement_staffing.steady_worker`), and the coming days' visits are stored for her
  (`EngagementService.replan_visits`); a request nobody can take is declined the day before its start.
- `day_off`: the worker cannot come on a day; a substitute is matched for that visit only.
- `issue_otp` / `start_visit`: at the door the worker asks for the customer's OTP (the listeners pass it on: the buyer
  app's `on_status`, or an SMS); the OTP starts the visit (`fulfillment.start_otp`'s rules).
- `complete`: the visit's worker finished it; her credit is posted in the same transaction.
- `run_due` (the loop, every LOOP_SECONDS): staffs new requests and stores the coming days' visits of every held
  engagement, then:
- `cover_late`: a steady worker not started `LATE` after the visit's time is replaced by a substitute
  for that visit only.
- `mark_missed`: visits whose time passed unstarted are missed, so never billed (arrears) or refunded
  (advance).
- `run_daily` (the loop, once an Indian day): months billed (in advance the first at staffing, the others the day
  before they begin; in arrears once over), prepaid months settled (`settle_month`: the billed visits not done are
  refunded, counted from what the bill charged), and engagements past their last day ended.

Every ledger entry has its event's key (`fulfillment.engagement_money`), so a repeat posts nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.engagements.repo import EngagementRepo
from bpp.engagements.service import EngagementService
from bpp.money.engagement_ledger import billed_visits
from bpp.money.service import LedgerService
from bpp.platform.auth import hash_secret, verify_secret
from bpp.platform.background import BackgroundLoop
from bpp.platform.leader import Lease
from bpp.storage.db import Database
from bpp.workforce.engagement_staffing import DEFAULT_RADIUS_KM, steady_worker, substitute
from catalog.engagement_terms import BillingMode, Month
from fulfillment.engagement import Engagement, EngagementState, india_today
from fulfillment.engagement_money import bill_entry, month_key, refund_entry, visit_entry
from fulfillment.engagement_visits import Visit, completed
from schemas.errors import BUSINESS_ERROR, SLOT_NOT_AVAILABLE
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

LOOP_SECONDS: Final = 60.0
LATE: Final = timedelta(minutes=20)  # a steady worker not started this long after the visit's time is replaced
OtpListener = Callable[[Engagement, Visit, str], None]
StaffedListener = Callable[[AsyncConnection, Engagement], Awaitable[None]]
DAILY_LIMIT: Final = 10_000  # engagements billed in one daily round
RECENT: Final = timedelta(days=40)  # months that ended longer ago were billed and settled on earlier days
HELD: Final = (EngagementState.ACTIVE, EngagementState.PAUSED, EngagementState.ENDING)  # a steady worker holds these


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
        self.otp_listeners: list[OtpListener] = []  # each told (engagement, visit, OTP) after the OTP is stored
        # each told, in the transaction, of an engagement that became active or was declined (to tell its buyer)
        self.staffed_listeners: list[StaffedListener] = []
        self._day_done: date | None = None  # the Indian day whose billing round ran in this process
        self._loop = BackgroundLoop("engagement-visits", self.run_due, pause=LOOP_SECONDS)

    def start(self, lease: Lease | None = None) -> None:
        self._loop.start(lease=lease)

    async def stop(self) -> None:
        await self._loop.stop()

    def wake(self) -> None:
        """Run the loop's next round now (after a confirm, so the new request is staffed at once)."""
        self._loop.wake()

    async def run_due(self, limit: int = 100) -> None:
        """One round of the loop: new requests staffed, the coming days' visits of the others stored, late steady
        workers replaced, missed visits marked."""
        async with self._db.begin() as conn:
            for engagement in await self._repo(conn).in_states([EngagementState.REQUESTED], limit):
                await self.staff_in(conn, engagement)
        async with self._db.begin() as conn:
            for engagement in await EngagementRepo(conn).in_states(HELD, limit):
                await self._booking.replan_visits(conn, engagement)
        await self.cover_late()
        await self.mark_missed()
        today = india_today(self._clock())
        if self._day_done != today:
            await self.run_daily(today)
            self._day_done = today

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
        """Give a requested engagement its steady worker and store its coming visits. When nobody nearby is free for
        the whole term it stays requested (the loop asks again) until the day before its start, when it is declined.
        Works in the caller's transaction; returns the worker's id, or None."""
        now = self._clock()
        repo = self._repo(conn)
        worker_id = await steady_worker(conn, engagement, radius_km=self._radius_km)
        if worker_id is None:
            if india_today(now) < engagement.start - timedelta(days=1):
                return None  # asked again on the loop's next round: workers join and calendars change
            engagement.decline("no worker nearby is free for the whole schedule", at=now)
            await repo.save(engagement)
            for listener in self.staffed_listeners:
                await listener(conn, engagement)
            return None
        engagement.activate(worker_id, at=now)
        await repo.save(engagement)
        await self._booking.replan_visits(conn, engagement)
        if engagement.billing is BillingMode.ADVANCE:  # the buyer app collected the first month at confirm
            await self._bill_in(conn, engagement, Month.of(engagement.start))
        for listener in self.staffed_listeners:
            await listener(conn, engagement)
        return worker_id

    async def week_of(self, worker_id: str) -> list[Visit]:
        """Her visits of today and the next six days (Indian dates), by time."""
        today = india_today(self._clock())
        async with self._db.connect() as conn:
            return await EngagementRepo(conn).worker_visits(worker_id, today, today + timedelta(days=6))

    async def day_off(self, worker_id: str, engagement_id: str, day: date) -> Visit:
        """The worker cannot come on `day` (tomorrow at the earliest): the nearest free worker covers that visit
        only. Refused (as a slot not available) when nobody is free; she then keeps it."""
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            visit = await self._visit(repo, engagement_id, day)
            if visit.worker_id != worker_id:
                raise Refusal(NOT_ALLOWED, "This visit is not yours.", message_hi="यह विज़िट आपकी नहीं है।")
            if day <= india_today(self._clock()):
                raise Refusal(BUSINESS_ERROR.code, "Mark a day off from tomorrow on.", "day",
                              "छुट्टी कल या उसके बाद के दिन के लिए ही लें।")
            other = await substitute(conn, engagement, visit, radius_km=self._radius_km)
            if other is None:
                raise Refusal(SLOT_NOT_AVAILABLE.code, "Nobody nearby is free to cover that visit; call the helpline.",
                              "day", "उस विज़िट के लिए पास में कोई और खाली नहीं है; हेल्पलाइन पर बात करें।")
            covered = visit.cover(other)
            await repo.save_visits([covered])
            return covered

    async def issue_otp(self, worker_id: str, engagement_id: str, day: date) -> Visit:
        """The worker is at the door: a fresh four-digit OTP for the customer (only its hash is kept)."""
        token = f"{secrets.randbelow(10_000):04d}"
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            issued = (await self._visit(repo, engagement_id, day)).issue_otp(worker_id, hash_secret(token),
                                                                             at=self._clock())
            await repo.save_visits([issued])
        for listener in self.otp_listeners:
            listener(engagement, issued, token)
        return issued

    async def start_visit(self, worker_id: str, engagement_id: str, day: date, otp: str) -> Visit:
        """Start the visit with the customer's OTP; a wrong try is stored (it counts) before it is refused."""
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            visit = await self._visit(repo, engagement_id, day)
            tried, refusal = visit.start_with_otp(worker_id, otp.strip(), matches=verify_secret, at=self._clock())
            if tried != visit:
                await repo.save_visits([tried])
        if refusal is not None:
            raise refusal
        return tried

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

    async def cover_late(self, limit: int = 20) -> list[Visit]:
        """Give each visit whose steady worker has not started it `LATE` after its time to the nearest free
        substitute, for that visit only; returns the visits covered (one nobody can cover stays as it is)."""
        now = self._clock()
        covered = []
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            for visit in await repo.late_visits(now, LATE, limit):
                engagement = await self._engagement(repo, visit.engagement_id)
                other = await substitute(conn, engagement, visit, radius_km=self._radius_km)
                if other is not None:
                    covered.append(visit.cover(other))
            await repo.save_visits(covered)
        return covered

    async def mark_missed(self, limit: int = 100) -> int:
        """Mark missed the visits whose time passed unstarted; how many were marked."""
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
            if engagement.billing is BillingMode.ARREARS:
                self._check_over(engagement, month)
            return await self._bill_in(conn, engagement, month)

    async def _bill_in(self, conn: AsyncConnection, engagement: Engagement, month: Month) -> bool:
        done = completed(await EngagementRepo(conn).visits(engagement.id, month.first, month.last))
        bill = engagement.bill(month, completed=done)
        return await self._ledger.engagement_posted(conn, bill_entry(engagement, bill))

    async def settle_month(self, engagement_id: str, month: Month) -> bool:
        """Once a prepaid month is over (its last day, or the engagement's, has passed), refund the billed visits not
        done (missed, paused, after the last day). False when nothing was refunded (all done, never billed, or
        refunded before)."""
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            self._check_over(engagement, month)
            if engagement.billing is not BillingMode.ADVANCE:
                return False
            charged = await billed_visits(conn, month_key(engagement.id, month, "billed"))
            if charged is None:
                return False
            done = completed(await repo.visits(engagement_id, month.first, month.last))
            billed = replace(engagement.planned_bill(month), price=engagement.price(charged))
            entry = refund_entry(engagement, month, engagement.refund(billed, completed=done))
            return entry is not None and await self._ledger.engagement_posted(conn, entry)

    def _check_over(self, engagement: Engagement, month: Month) -> None:
        if india_today(self._clock()) <= min(month.last, engagement.last_day):
            raise Refusal(BUSINESS_ERROR.code, f"{month} is not over yet.", "month", f"{month} अभी पूरा नहीं हुआ है।")

    async def run_daily(self, today: date) -> None:
        """Once an Indian day: each held engagement's months billed and settled when due (every posting keyed, so
        a repeat posts nothing), and an engagement past its last day ended."""
        async with self._db.connect() as conn:
            held = await EngagementRepo(conn).in_states(HELD, DAILY_LIMIT)
        for engagement in held:
            for month in engagement.months_billed():
                recent = month.last >= today - RECENT
                over = min(month.last, engagement.last_day) < today
                if engagement.billing is BillingMode.ADVANCE:
                    if recent and month.first <= today + timedelta(days=1):
                        await self.bill_month(engagement.id, month)  # the day before it begins
                    if recent and over:
                        await self.settle_month(engagement.id, month)
                elif recent and over:
                    await self.bill_month(engagement.id, month)
            if engagement.last_day < today:
                await self._close(engagement.id)

    async def _close(self, engagement_id: str) -> None:
        async with self._db.begin() as conn:
            repo = self._repo(conn)
            engagement = await self._engagement(repo, engagement_id)
            engagement.close(at=self._clock())
            await repo.save(engagement)
