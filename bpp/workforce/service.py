"""The fulfillment area at run time: coverage for search, durable matching, order progress by workers.

Cross-area entry points (called inside the caller's transaction `conn`):
`order_confirmed`, `order_cancelled`, `order_rescheduled`, `worker_rated`; and
`coverage.categories_near(lat, lng, radius_km)` for search.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import OrderAddress
from bpp.orders.changes import save_order_change
from bpp.orders.invoices import invoice_url
from bpp.orders.view import order_message
from bpp.platform.auth import hash_secret, verify_secret
from bpp.platform.background import BackgroundLoop
from bpp.platform.shared_version import SharedVersion
from bpp.storage.db import Row
from bpp.storage.order_tables import order_events, orders
from bpp.storage.worker_tables import matching_jobs, matching_radii, offers, workers
from bpp.workforce import repo as worker_repo
from bpp.workforce.matching import GeoIndex, Matcher, close_job, order_slot, reopen_job, schedule_job
from catalog.order_message import StartOtp
from fulfillment.coverage import CoverageIndex
from fulfillment.geo import format_gps
from fulfillment.ledger import completion_key
from fulfillment.start_otp import otp_expired, otp_valid_to
from fulfillment.states import (
    OTP_CONFIRMED,
    OTP_VALID,
    Event,
    FulfillmentState,
    transition,
    wire_fulfillment_code,
)
from fulfillment.workers import check_rating, is_listed, is_matchable
from schemas.errors import INVALID_ORDER_STATE, INVALID_OTP
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal

if TYPE_CHECKING:
    from bpp.wiring.services import Services

MATCHING_POLL_SECONDS = 0.25
MAX_OTP_ATTEMPTS = 5
PROVIDER_CANCEL_REASON = "022"  # the seller-side code of the SRV on_cancel_merchant example
CASH_PAYMENT_TYPES = ("ON-FULFILLMENT", "POST-FULFILLMENT")
OTP_ISSUED_EVENT = "otp-issued"  # an order event; the latest one dates the OTP in force


class FulfillmentService:
    """Workers, coverage, matching and worker-driven order progress."""

    def __init__(self, services: Services) -> None:
        self._services = services
        settings = services.settings
        self.geo = GeoIndex(services.redis)
        self.matcher = Matcher(
            services.db,
            self.geo,
            services.clock,
            default_radius_km=settings.serviceability_radius_km,
            offer_timeout_seconds=settings.offer_timeout_seconds,
            no_worker=self._cancel_for_no_worker,
            offer_made=self._announce_offer,
        )
        self.coverage = CoverageIndex()
        self.offer_listeners: list[Callable[[str, str], None]] = []
        self.otp_listeners: list[Callable[[str, str], None]] = []
        self._coverage_version = SharedVersion(services.redis, "coverage", self._load_coverage)
        self._matching = BackgroundLoop("fulfillment-matching", self.matcher.run_due, pause=MATCHING_POLL_SECONDS)

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        """Load coverage and radii, put online idle workers back in the geo sets, start the loops."""
        await self._coverage_version.start()
        await self._restore_geo_sets()
        self._matching.start()

    async def stop(self) -> None:
        await self._matching.stop()
        await self._coverage_version.stop()

    # ---- coverage --------------------------------------------------------------------------
    async def _load_coverage(self, version: int) -> None:
        """Rebuild the in-memory coverage index and the per-category matching radii from the database."""
        async with self._services.db.connect() as conn:
            points = await worker_repo.listed_points(conn)
            radii = await conn.execute(select(matching_radii))
            self.matcher.radii = {row.category_id: row.radius_km for row in radii}
        self.coverage = CoverageIndex(points)

    async def workers_changed(self) -> None:
        """Call after a commit that changed who is listed, where, or a matching radius: every process reloads."""
        await self._coverage_version.bump()

    # ---- matching --------------------------------------------------------------------------
    async def order_confirmed(self, conn: AsyncConnection, order_id: str) -> None:
        """Schedule matching for a confirmed order, durably, in the caller's transaction; call `wake_matching()`
        after the commit (woken before it, the matching loop would not yet see the job and wait a whole poll)."""
        await schedule_job(conn, order_id, self._services.clock())

    def wake_matching(self) -> None:
        """Let the matching loop look for due jobs now."""
        self._matching.wake()

    async def run_matching_once(self) -> int:
        """Advance every due matching job once (the loop does this; tests call it directly)."""
        return await self.matcher.run_due()

    async def set_radius(self, conn: AsyncConnection, category_id: str, radius_km: float) -> None:
        """Set a category's own matching radius (staff); call `workers_changed()` after the commit."""
        await conn.execute(matching_radii.delete().where(matching_radii.c.category_id == category_id))
        await conn.execute(matching_radii.insert().values(category_id=category_id, radius_km=radius_km))

    async def _restore_geo_sets(self) -> None:
        async with self._services.db.connect() as conn:
            rows = (await conn.execute(select(workers).where(workers.c.online.is_(True)))).mappings().all()
        for row in rows:
            await self._sync_geo(row)

    async def _sync_geo(self, worker: Row) -> None:
        """Put the worker in the geo sets when she can take an order now, else take her out."""
        free = is_matchable(worker["verification"], worker["standing"], worker["online"])
        if free and worker["current_order_id"] is None and worker["last_lat"] is not None:
            await self.geo.put(worker["id"], worker["skills"], worker["last_lat"], worker["last_lng"])
        else:
            await self.geo.remove(worker["id"], worker["skills"])

    async def refresh_worker(self, worker_id: str) -> None:
        """Bring Redis in line with the worker's row (after a commit)."""
        async with self._services.db.connect() as conn:
            worker = await worker_repo.get_worker(conn, worker_id)
        if worker is not None:
            await self._sync_geo(worker)
            if worker["current_order_id"] is None:
                await self._services.redis.delete(self.geo.claim_key(worker_id))

    def _announce_offer(self, order_id: str, worker_id: str) -> None:
        for listener in self.offer_listeners:
            listener(order_id, worker_id)

    async def _cancel_for_no_worker(self, conn: AsyncConnection, order_id: str, reason: str) -> None:
        """Nobody can take the order: cancel it as the provider and tell the buyer app."""
        now = self._services.clock()
        cancellation = {
            "who": "provider",
            "reason_id": PROVIDER_CANCEL_REASON,
            "note": reason,
            "at": now.isoformat(),
        }
        order = await self._apply(
            conn, order_id, Event.CANCELLED, "system", {"reason": reason}, cancellation=cancellation
        )
        await self._services.ledger.order_cancelled(conn, order_id, Decimal("0"))  # a prepaid order is refunded
        await self._services.outbox.unsolicited(
            conn, OrderAddress.from_order_row(order), "on_cancel", {"order": await order_message(conn, order)}
        )
        # the wake-up the outbox gave before it moved after the commit (UnitOfWork); these steps are not on one yet
        self._services.dispatcher.wake()

    # ---- calls from other areas ------------------------------------------------------------
    async def order_cancelled(self, conn: AsyncConnection, order_id: str) -> None:
        """The order was cancelled elsewhere: withdraw offers, free the worker, clear her calendar."""
        now = self._services.clock()
        pending = await conn.execute(
            select(offers.c.worker_id).where(offers.c.order_id == order_id, offers.c.outcome == "pending")
        )
        held = {row.worker_id for row in pending}
        await conn.execute(
            update(offers)
            .where(offers.c.order_id == order_id, offers.c.outcome == "pending")
            .values(outcome="withdrawn", decided_at=now)
        )
        order = (await conn.execute(select(orders.c.worker_id).where(orders.c.id == order_id))).first()
        if order is not None and order.worker_id:
            held.add(order.worker_id)
        for worker_id in held:
            await worker_repo.release(conn, worker_id, order_id, now)
            await self.geo.drop_claim(worker_id, order_id)
        await worker_repo.end_booking(conn, order_id)
        await close_job(conn, order_id, "closed", now)
        for worker_id in held:
            await self._sync_geo_in(conn, worker_id)

    async def order_rescheduled(self, conn: AsyncConnection, order_id: str) -> None:
        """The slot moved: move the assigned worker's booking with it."""
        order = (await conn.execute(select(orders).where(orders.c.id == order_id))).mappings().first()
        if order is not None and order["worker_id"] and order["slot_start"] and order["slot_end"]:
            await worker_repo.book(conn, order["worker_id"], order_id, order["slot_start"], order["slot_end"])

    async def worker_rated(self, conn: AsyncConnection, worker_id: str, value: Decimal) -> None:
        """Add a buyer's fulfillment rating (1-5) to the worker's aggregate."""
        await worker_repo.add_rating(conn, worker_id, check_rating(value), self._services.clock())

    # ---- the worker's own actions ----------------------------------------------------------
    async def go_online(self, worker_id: str, lat: float, lng: float) -> None:
        await self._set_presence(worker_id, online=True, lat=lat, lng=lng)

    async def go_offline(self, worker_id: str) -> None:
        await self._set_presence(worker_id, online=False)

    async def report_location(self, worker_id: str, lat: float, lng: float) -> None:
        await self._set_presence(worker_id, lat=lat, lng=lng)

    async def _set_presence(
        self,
        worker_id: str,
        *,
        online: bool | None = None,
        lat: float | None = None,
        lng: float | None = None,
    ) -> None:
        now = self._services.clock()
        values: dict[str, Any] = {"last_seen_at": now}
        if online is not None:
            values["online"] = online
        if lat is not None and lng is not None:
            values.update(last_lat=lat, last_lng=lng)
        async with self._services.db.begin() as conn:
            await worker_repo.update_worker(conn, worker_id, now, **values)
        await self.refresh_worker(worker_id)
        self._matching.wake()

    async def accept_offer(self, worker_id: str, offer_id: int) -> Mapping[str, Any]:
        """Take the offered order: it becomes Accepted with her as the assigned worker."""
        now = self._services.clock()
        async with self._services.db.begin() as conn:
            standing = await worker_repo.get_worker(conn, worker_id, for_update=True)
            if standing is None or not is_listed(standing["verification"], standing["standing"]):
                raise Refusal(
                    NOT_ALLOWED,
                    "You cannot take jobs now: your account is suspended or not verified. Call 155330.",
                    message_hi="आप अभी काम नहीं ले सकतीं: आपका खाता निलंबित है या सत्यापित नहीं है। 155330 पर कॉल करें।",
                )
            result = await conn.execute(
                update(offers)
                .where(
                    offers.c.id == offer_id,
                    offers.c.worker_id == worker_id,
                    offers.c.outcome == "pending",
                    offers.c.expires_at > now,
                )
                .values(outcome="accepted", decided_at=now)
            )
            if result.rowcount != 1:
                raise Refusal(
                    "offer_gone",
                    "This offer has expired or was withdrawn. Wait for the next one.",
                    message_hi="यह प्रस्ताव समाप्त हो गया या वापस ले लिया गया। अगले प्रस्ताव की प्रतीक्षा करें।",
                )
            offer = (await conn.execute(select(offers).where(offers.c.id == offer_id))).mappings().one()
            worker = await worker_repo.get_worker(conn, worker_id)
            assert worker is not None
            gps = format_gps(worker["last_lat"] or worker["home_lat"], worker["last_lng"] or worker["home_lng"])
            order = await self._apply(
                conn,
                offer["order_id"],
                Event.ASSIGNED,
                f"worker:{worker_id}",
                {"gps": gps},
                worker_id=worker_id,
                worker_assigned_gps=gps,
            )
            await worker_repo.book(conn, worker_id, order["id"], *order_slot(order, now))
            await conn.execute(
                update(matching_jobs)
                .where(matching_jobs.c.order_id == order["id"])
                .values(status="assigned", updated_at=now)
            )
            await self._push_status(conn, order)
            return order

    async def decline_offer(self, worker_id: str, offer_id: int) -> None:
        """Say no: the order goes straight on to the next nearest worker."""
        now = self._services.clock()
        async with self._services.db.begin() as conn:
            result = await conn.execute(
                update(offers)
                .where(offers.c.id == offer_id, offers.c.worker_id == worker_id, offers.c.outcome == "pending")
                .values(outcome="declined", decided_at=now)
            )
            if result.rowcount != 1:
                raise Refusal("offer_gone", "This offer is no longer open.", message_hi="यह प्रस्ताव अब खुला नहीं है।")
            order_id = (await conn.execute(select(offers.c.order_id).where(offers.c.id == offer_id))).scalar_one()
            await worker_repo.release(conn, worker_id, order_id, now)
            await reopen_job(conn, order_id, worker_id, now)
        await self.geo.drop_claim(worker_id, order_id)
        await self.refresh_worker(worker_id)
        self._matching.wake()

    async def open_offers(self, worker_id: str) -> list[dict[str, Any]]:
        """Her pending offers with what the job is, where and for how much."""
        now = self._services.clock()
        query = (
            select(offers, orders.c.category_id, orders.c.end_location, orders.c.total, orders.c.slot_start)
            .join(orders, orders.c.id == offers.c.order_id)
            .where(offers.c.worker_id == worker_id, offers.c.outcome == "pending", offers.c.expires_at > now)
        )
        async with self._services.db.connect() as conn:
            return [dict(row) for row in (await conn.execute(query)).mappings()]

    async def mark_travelling(self, worker_id: str, order_id: str) -> Mapping[str, Any]:
        return await self._worker_step(worker_id, order_id, Event.TRAVELLING)

    async def mark_arrived(self, worker_id: str, order_id: str) -> Mapping[str, Any]:
        """At the door: a fresh start OTP goes to the customer through the buyer app."""
        return await self._worker_step(worker_id, order_id, Event.ARRIVED, issue_otp=True)

    async def reissue_otp(self, worker_id: str, order_id: str) -> None:
        """A new start OTP (the customer lost it or too many wrong tries); the old one stops working."""
        async with self._services.db.begin() as conn:
            order = await self._own_order(conn, worker_id, order_id)
            if order["fulfillment_state"] != FulfillmentState.AT_LOCATION.value:
                raise Refusal(
                    INVALID_ORDER_STATE.code,
                    "A new OTP can be sent only after you mark yourself arrived.",
                    message_hi="नया OTP केवल 'पहुँच गए' दर्ज करने के बाद भेजा जा सकता है।",
                )
            otp = await self._new_otp(conn, order_id, worker_id)
            await self._push_status(conn, await self._own_order(conn, worker_id, order_id), otp=otp)
        self._announce_otp(order_id, otp.token)

    async def start_service(self, worker_id: str, order_id: str, otp: str) -> Mapping[str, Any]:
        """Start with the customer's OTP; a wrong OTP is 90002 and counts toward the attempt limit."""
        async with self._services.db.begin() as conn:
            order = await self._own_order(conn, worker_id, order_id)
            if order["fulfillment_state"] != FulfillmentState.AT_LOCATION.value or not order["otp_hash"]:
                raise Refusal(
                    INVALID_ORDER_STATE.code,
                    "Mark yourself arrived first; the customer then gets the OTP.",
                    message_hi="पहले 'पहुँच गए' दर्ज करें; तब ग्राहक को OTP मिलेगा।",
                )
            attempts_left = MAX_OTP_ATTEMPTS - order["otp_attempts"]
            if attempts_left > 0 and verify_secret(order["otp_hash"], otp.strip()):
                issued_at = await self._otp_issued_at(conn, order_id)
                if otp_expired(issued_at, self._services.clock()):
                    raise Refusal(
                        "otp_expired",
                        "This OTP has expired. Request a new OTP; the customer gets it at once.",
                        message_hi="यह OTP समाप्त हो गया है। नया OTP मँगाएँ; ग्राहक को तुरंत मिल जाएगा।",
                    )
                started = await self._apply(
                    conn, order_id, Event.STARTED, f"worker:{worker_id}", {}, otp_hash=None, otp_attempts=0
                )
                used = StartOtp(otp.strip(), issued_at, otp_valid_to(issued_at), OTP_CONFIRMED)
                await self._push_status(conn, started, otp=used)
                return started
            if attempts_left > 0:
                await conn.execute(
                    update(orders).where(orders.c.id == order_id).values(otp_attempts=orders.c.otp_attempts + 1)
                )
        raise Refusal(
            INVALID_OTP.code,
            "Wrong OTP. Ask the customer to read it again"
            + (f" ({attempts_left - 1} tries left)." if attempts_left > 1 else ", then request a new OTP."),
            message_hi="गलत OTP। ग्राहक से फिर से पढ़ने को कहें"
            + (f" ({attempts_left - 1} प्रयास बाकी)।" if attempts_left > 1 else ", फिर नया OTP मँगाएँ।"),
        )

    async def complete(self, worker_id: str, order_id: str, amount_collected: Decimal | None) -> Mapping[str, Any]:
        """Finish the job; cash collected must equal the locked fee (more is overcharging)."""
        async with self._services.db.begin() as conn:
            order = await self._own_order(conn, worker_id, order_id)
            values: dict[str, Any] = {}
            fee = cash_due(order["payment"], order["total"])
            if fee is not None:
                _check_cash(amount_collected, fee)
                values["payment"] = cash_paid(order["payment"], order_id)
            elif amount_collected is not None and amount_collected != 0:
                raise Refusal(
                    "overcharge",
                    "This order is already paid online. Do not take any money from the customer.",
                    message_hi="इस ऑर्डर का भुगतान ऑनलाइन हो चुका है। ग्राहक से कोई पैसा न लें।",
                )
            now = self._services.clock()
            done = await self._apply(
                conn,
                order_id,
                Event.COMPLETED,
                f"worker:{worker_id}",
                {"amount_collected": str(amount_collected) if amount_collected is not None else None},
                **values,
            )
            await self._services.ledger.order_completed(conn, order_id)
            await worker_repo.release(conn, worker_id, order_id, now)
            await worker_repo.end_booking(conn, order_id)
            await self._push_status(conn, done, invoice_url=self.invoice_url(order_id))
        await self.refresh_worker(worker_id)
        self._matching.wake()
        return done

    async def jobs_of(self, worker_id: str) -> list[dict[str, Any]]:
        """Her own orders, newest first."""
        query = (
            select(
                orders.c.id,
                orders.c.status,
                orders.c.fulfillment_state,
                orders.c.category_id,
                orders.c.total,
                orders.c.slot_start,
                orders.c.slot_end,
                orders.c.end_location,
                orders.c.customer,
                orders.c.payment,
                orders.c.updated_at,
            )
            .where(orders.c.worker_id == worker_id)
            .order_by(orders.c.updated_at.desc())
        )
        async with self._services.db.connect() as conn:
            return [dict(row) for row in (await conn.execute(query)).mappings()]

    def invoice_url(self, order_id: str) -> str:
        """Where the buyer app can fetch the order's invoice (bpp/orders/invoices.py)."""
        return invoice_url(self._services.settings, self._services.keys, order_id)

    # ---- internals -------------------------------------------------------------------------
    async def _worker_step(
        self, worker_id: str, order_id: str, event: Event, *, issue_otp: bool = False
    ) -> Mapping[str, Any]:
        otp: StartOtp | None = None
        async with self._services.db.begin() as conn:
            await self._own_order(conn, worker_id, order_id)
            order = await self._apply(conn, order_id, event, f"worker:{worker_id}", {})
            if issue_otp:
                otp = await self._new_otp(conn, order_id, worker_id)
                order = await self._own_order(conn, worker_id, order_id)  # with the new OTP
            await self._push_status(conn, order, otp=otp)
        if otp is not None:
            self._announce_otp(order_id, otp.token)
        return order

    async def _own_order(self, conn: AsyncConnection, worker_id: str, order_id: str) -> Mapping[str, Any]:
        order = await self._load(conn, order_id)
        if order is None or order["worker_id"] != worker_id:
            raise Refusal("not_your_job", "This job is not assigned to you.",
                          message_hi="यह काम आपको नहीं सौंपा गया है।")
        return order

    async def _load(self, conn: AsyncConnection, order_id: str) -> Row | None:
        query = select(orders).where(orders.c.id == order_id)
        if self._services.db.is_postgres:
            query = query.with_for_update()
        return (await conn.execute(query)).mappings().first()

    async def _apply(
        self,
        conn: AsyncConnection,
        order_id: str,
        event: Event,
        actor: str,
        detail: dict[str, Any],
        **values: Any,
    ) -> Mapping[str, Any]:
        """Move the order by `event` (optimistic lock on `version`), log the event, return the new row."""
        order = await self._load(conn, order_id)
        if order is None:
            raise Refusal(NOT_FOUND, "Order not found.", message_hi="ऑर्डर नहीं मिला।")
        try:
            status, state = transition(order["status"], order["fulfillment_state"], event)
        except Refusal as exc:  # the worker app says it in Hindi too
            raise Refusal(exc.code, exc.message, message_hi=_hi_invalid_step(order["fulfillment_state"])) from None
        changes = {"status": status.value, "fulfillment_state": state.value, **values}
        try:
            return await save_order_change(conn, order, changes, kind=event.value, actor=actor, detail=detail,
                                           now=self._services.clock(), retry_hint="reload it")
        except Refusal as exc:
            raise Refusal(
                exc.code, "The order changed meanwhile; reload it.", message_hi="ऑर्डर बदल गया; फिर से खोलें।"
            ) from None

    async def _new_otp(self, conn: AsyncConnection, order_id: str, worker_id: str) -> StartOtp:
        """A fresh start OTP: only its hash is kept; its issue is an event, which dates its validity."""
        token = f"{secrets.randbelow(10_000):04d}"
        now = self._services.clock()
        await conn.execute(
            update(orders).where(orders.c.id == order_id).values(otp_hash=hash_secret(token), otp_attempts=0)
        )
        await conn.execute(order_events.insert().values(
            order_id=order_id, at=now, kind=OTP_ISSUED_EVENT, actor=f"worker:{worker_id}", detail={}
        ))
        return StartOtp(token, now, otp_valid_to(now), OTP_VALID)

    async def _otp_issued_at(self, conn: AsyncConnection, order_id: str) -> datetime:
        """When the OTP now in force was issued (the latest issue; each one replaces the one before)."""
        query = select(func.max(order_events.c.at)).where(
            order_events.c.order_id == order_id, order_events.c.kind == OTP_ISSUED_EVENT
        )
        return (await conn.execute(query)).scalar_one()

    def _announce_otp(self, order_id: str, otp: str) -> None:
        for listener in self.otp_listeners:
            listener(order_id, otp)

    async def _push_status(
        self,
        conn: AsyncConnection,
        order: Mapping[str, Any],
        *,
        otp: StartOtp | None = None,
        invoice_url: str | None = None,
    ) -> None:
        """Queue the unsolicited on_status that reports the order as it now is."""
        message = {"order": await order_message(conn, order, otp=otp, invoice_url=invoice_url)}
        await self._services.outbox.unsolicited(conn, OrderAddress.from_order_row(order), "on_status", message)
        # the wake-up the outbox gave before it moved after the commit (UnitOfWork); these steps are not on one yet
        self._services.dispatcher.wake()

    async def _sync_geo_in(self, conn: AsyncConnection, worker_id: str) -> None:
        worker = await worker_repo.get_worker(conn, worker_id)
        if worker is not None:
            await self._sync_geo({**worker, "current_order_id": None})


def cash_due(payment: Mapping[str, Any], total: Decimal) -> Decimal | None:
    """The fee the worker collects in cash at the door, or None when it is paid another way."""
    unpaid_cash = str(payment.get("type", "")).upper() in CASH_PAYMENT_TYPES and payment.get("status") != "PAID"
    return total if unpaid_cash else None


def cash_paid(payment: Mapping[str, Any], order_id: str) -> dict[str, Any]:
    """The payment once the worker took the cash: PAID, and (SRV: `params.transaction_id` is "required
    when payment status is PAID") the receipt of that collection, which is the key of the ledger entry
    that puts the cash in her `cash_held` account (`docs/settlement.md`)."""
    params = {**(payment.get("params") or {}), "transaction_id": completion_key(order_id)}
    return {**payment, "status": "PAID", "params": params}


def _check_cash(amount: Decimal | None, fee: Decimal) -> None:
    if amount is None:
        raise Refusal(
            "amount_required",
            f"Enter the cash you collected: exactly ₹{fee}.",
            message_hi=f"लिया गया नकद दर्ज करें: ठीक ₹{fee}।",
        )
    if amount > fee:
        raise Refusal(
            "overcharge",
            f"₹{amount} is more than the fixed fee ₹{fee}. Overcharging is not allowed: return the extra.",
            message_hi=f"₹{amount} तय शुल्क ₹{fee} से अधिक है। अधिक वसूली मना है: अतिरिक्त राशि लौटाएँ।",
        )
    if amount < fee:
        raise Refusal(
            "amount_mismatch",
            f"The fixed fee is ₹{fee}; collect exactly that and enter it.",
            message_hi=f"तय शुल्क ₹{fee} है; ठीक इतनी राशि लें और दर्ज करें।",
        )


def _hi_invalid_step(state: str) -> str:
    return f"ऑर्डर अभी '{wire_fulfillment_code(state)}' स्थिति में है; यह कदम अभी संभव नहीं है।"
