"""The worker's steps through her job: set off, arrive (a start OTP goes to the customer), start with it, complete.

Each step is one unit of work: her order is read and changed through the Order aggregate, stored by the
repository, and the on_status that reports it to the buyer app is queued in the same transaction (an order of an
assisted channel has no buyer app: its citizen gets the worker's name and the start OTP by SMS, queued there too);
OTP notices, her return to the geo sets and the matching wake-up follow the commit.

A step sent with the worker app's Idempotency-Key claims it and keeps its answer in the same transaction
(step_receipts.py): the app queues steps while the phone is offline, and a repeat must not take the step twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import OrderAddress
from bpp.orders.unit_of_work import UnitOfWork
from bpp.platform.auth import hash_secret, verify_secret
from bpp.workforce import repo as worker_repo
from bpp.workforce.order_callbacks import order_payload
from bpp.workforce.ports import CitizenNotices, OrderSettlement
from bpp.workforce.presence import Presence
from bpp.workforce.step_receipts import StepKey
from catalog.order_message import StartOtp
from fulfillment.geo import format_gps
from fulfillment.order import OTP_ISSUED, Order
from fulfillment.start_otp import otp_valid_to
from fulfillment.states import OTP_CONFIRMED, OTP_VALID, Event
from fulfillment.workers import check_rating
from schemas.refusal import Refusal

OtpListener = Callable[[str, str], None]  # (order id, OTP): how the customer's OTP reaches the demo's workers


class JobSteps:
    """Worker-driven progress of the orders assigned to her (and only hers)."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        presence: Presence,
        settlement: OrderSettlement,
        notices: CitizenNotices,
        clock: Callable[[], datetime],
        wake_matching: Callable[[], None],
        invoice_url: Callable[[str], str],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._presence = presence
        self._settlement = settlement
        self._notices = notices
        self._clock = clock
        self._wake_matching = wake_matching
        self._invoice_url = invoice_url
        self.otp_listeners: list[OtpListener] = []

    async def jobs_of(self, worker_id: str) -> list[Order]:
        """Her own orders, the most recently changed first."""
        async with self._unit_of_work() as uow:
            return await uow.orders.of_worker(worker_id)

    async def mark_travelling(self, worker_id: str, order_id: str, key: str | None = None) -> Order:
        async with self._unit_of_work() as uow:
            receipt = await self._claim(uow, worker_id, order_id, "travelling", key)
            order = await _own_order(uow, worker_id, order_id)
            order.advance(Event.TRAVELLING, actor=f"worker:{worker_id}", at=self._clock(),
                          place=await _place(uow, worker_id))
            await self._store_and_report(uow, order)
            await _settle(uow, receipt, order)
            await uow.commit()
        return order

    async def mark_arrived(self, worker_id: str, order_id: str, key: str | None = None) -> Order:
        """At the door: a fresh start OTP goes to the customer through the buyer app (or by SMS)."""
        async with self._unit_of_work() as uow:
            receipt = await self._claim(uow, worker_id, order_id, "arrived", key)
            order = await _own_order(uow, worker_id, order_id)
            order.advance(Event.ARRIVED, actor=f"worker:{worker_id}", at=self._clock(),
                          place=await _place(uow, worker_id))
            otp = await self._issue_otp(uow, order, worker_id)
            await self._store_and_report(uow, order, otp=otp)
            await _settle(uow, receipt, order)
            await uow.commit()
        return order

    async def reissue_otp(self, worker_id: str, order_id: str) -> None:
        """A new start OTP (the customer lost it or too many wrong tries); the old one stops working."""
        async with self._unit_of_work() as uow:
            order = await _own_order(uow, worker_id, order_id)
            otp = await self._issue_otp(uow, order, worker_id)
            await self._store_and_report(uow, order, otp=otp)
            await uow.commit()

    async def start_service(self, worker_id: str, order_id: str, otp: str, key: str | None = None) -> Order:
        """Start with the customer's OTP; a wrong OTP is 90002 and counts toward the attempt limit."""
        token = otp.strip()
        async with self._unit_of_work() as uow:
            receipt = await self._claim(uow, worker_id, order_id, "start", key)
            order = await _own_order(uow, worker_id, order_id)
            issued_at = await uow.orders.last_event_at(order_id, OTP_ISSUED)
            try:
                order.start_with_otp(token, matches=verify_secret, issued_at=issued_at, at=self._clock(),
                                     place=await _place(uow, worker_id))
            except Refusal:
                if order.has_changes:  # the wrong try is counted although the start is refused
                    await uow.orders.save(order)
                    await uow.commit()
                raise
            assert issued_at is not None  # start_with_otp refuses an OTP without an issue
            used = StartOtp(token, issued_at, otp_valid_to(issued_at), OTP_CONFIRMED)
            await self._store_and_report(uow, order, otp=used)
            await _settle(uow, receipt, order)
            await uow.commit()
        return order

    async def complete(
        self, worker_id: str, order_id: str, amount_collected: Decimal | None, key: str | None = None
    ) -> Order:
        """Finish the job; cash collected must equal the locked fee (more is overcharging)."""
        async with self._unit_of_work() as uow:
            receipt = await self._claim(uow, worker_id, order_id, "complete", key)
            order = await _own_order(uow, worker_id, order_id)
            now = self._clock()
            order.complete(amount_collected, at=now, place=await _place(uow, worker_id))
            await uow.orders.save(order)
            await self._settlement.order_completed(uow.conn, order)
            await worker_repo.release(uow.conn, worker_id, order_id, now)
            await worker_repo.end_booking(uow.conn, order_id)
            await self._report(uow, order, invoice_url=self._invoice_url(order_id))
            await _settle(uow, receipt, order)
            uow.after_commit(lambda: self._presence.refresh_worker(worker_id))
            uow.after_commit(self._wake_matching)
            await uow.commit()
        return order

    async def worker_rated(self, conn: AsyncConnection, worker_id: str, value: Decimal) -> None:
        """Add a buyer's fulfillment rating (1-5) to the worker's aggregate, in the caller's transaction."""
        await worker_repo.add_rating(conn, worker_id, check_rating(value), self._clock())

    async def _issue_otp(self, uow: UnitOfWork, order: Order, worker_id: str) -> StartOtp:
        """A fresh four-digit start OTP: the order keeps only its hash; the customer gets it after the commit (an
        assisted channel's citizen by SMS with the worker's name, since no buyer app shows it to her)."""
        token = f"{secrets.randbelow(10_000):04d}"
        now = self._clock()
        order.issue_start_otp(hash_secret(token), at=now)
        if order.channel.buyer_app is None:
            worker = await worker_repo.get_worker(uow.conn, worker_id)
            await self._notices.worker_coming(uow.conn, order, worker["name"] if worker else "", token)
            uow.after_commit(self._notices.wake)
        uow.after_commit(lambda: self._announce_otp(order.id, token))
        return StartOtp(token, now, otp_valid_to(now), OTP_VALID)

    async def _claim(
        self, uow: UnitOfWork, worker_id: str, order_id: str, action: str, key: str | None
    ) -> StepKey | None:
        """The step's receipt when the app sent a key (StepAlreadyTaken when the key's step was taken before)."""
        if key is None:
            return None
        receipt = StepKey(worker_id, key, action, order_id)
        await receipt.claim(uow.conn, self._clock())
        return receipt

    def _announce_otp(self, order_id: str, otp: str) -> None:
        for listener in self.otp_listeners:
            listener(order_id, otp)

    async def _store_and_report(self, uow: UnitOfWork, order: Order, *, otp: StartOtp | None = None) -> None:
        await uow.orders.save(order)
        await self._report(uow, order, otp=otp)

    async def _report(
        self, uow: UnitOfWork, order: Order, *, otp: StartOtp | None = None, invoice_url: str | None = None
    ) -> None:
        """Queue the unsolicited on_status that reports the order as it now is to its buyer app, if it has one."""
        address = OrderAddress.of_order(order)
        if address is None:
            return
        message = await order_payload(uow.conn, order, otp=otp, invoice_url=invoice_url)
        await uow.outbox.unsolicited(address, "on_status", message)


async def _settle(uow: UnitOfWork, receipt: StepKey | None, order: Order) -> None:
    if receipt is not None:
        await receipt.settle(uow.conn, order)


async def _place(uow: UnitOfWork, worker_id: str) -> str | None:
    """Where the worker last reported herself ("lat,lng"), for the order's story of her steps."""
    worker = await worker_repo.get_worker(uow.conn, worker_id)
    if worker is None or worker["last_lat"] is None or worker["last_lng"] is None:
        return None
    return format_gps(worker["last_lat"], worker["last_lng"])


async def _own_order(uow: UnitOfWork, worker_id: str, order_id: str) -> Order:
    order = await uow.orders.get(order_id)
    if order is None or order.worker_id != worker_id:
        raise Refusal("not_your_job", "This job is not assigned to you.", message_hi="यह काम आपको नहीं सौंपा गया है।")
    return order
