"""Offers: a worker takes or declines the order matching offered her, and offers end when the order does.

Taking an offer assigns her through the Order aggregate and books her calendar in one transaction; the
on_status that names her goes to the buyer app (an order of an assisted channel has none) after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import OrderAddress
from bpp.ops.metrics import MATCHING_SECONDS, OFFERS
from bpp.orders.repo import OrderRepo
from bpp.orders.unit_of_work import UnitOfWork
from bpp.storage.db import Database
from bpp.storage.worker_tables import matching_jobs, offers
from bpp.workforce import repo as worker_repo
from bpp.workforce.matching import GeoIndex, close_job, order_slot, reopen_job
from bpp.workforce.order_callbacks import order_payload
from bpp.workforce.presence import Presence
from fulfillment.geo import format_gps
from fulfillment.order import Order
from fulfillment.workers import is_listed
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal


@dataclass(frozen=True, slots=True)
class OpenOffer:
    """A pending offer as the worker app lists it: the offer, and the job it is for."""

    id: int
    order_id: str
    worker_id: str
    distance_km: float
    sent_at: datetime
    expires_at: datetime
    outcome: str
    decided_at: datetime | None
    category_id: str
    end_location: Mapping[str, Any]
    total: Decimal
    slot_start: datetime | None


class Offers:
    """A worker's open offers, her answer to one, and the offers of an order that ended elsewhere."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        db: Database,
        geo: GeoIndex,
        presence: Presence,
        clock: Callable[[], datetime],
        wake_matching: Callable[[], None],
    ) -> None:
        self._unit_of_work = unit_of_work
        self._db = db
        self._geo = geo
        self._presence = presence
        self._clock = clock
        self._wake_matching = wake_matching

    async def open_offers(self, worker_id: str) -> list[OpenOffer]:
        """Her pending offers with what the job is, where and for how much."""
        now = self._clock()
        query = select(offers).where(
            offers.c.worker_id == worker_id, offers.c.outcome == "pending", offers.c.expires_at > now
        )
        async with self._db.connect() as conn:
            pending = (await conn.execute(query)).all()
            jobs = await OrderRepo(conn).job_summaries({offer.order_id for offer in pending})
        return [
            OpenOffer(**offer._asdict(), **asdict(jobs[offer.order_id])) for offer in pending if offer.order_id in jobs
        ]

    async def accept(self, worker_id: str, offer_id: int) -> Order:
        """Take the offered order: it becomes Accepted with her as the assigned worker."""
        now = self._clock()
        async with self._unit_of_work() as uow:
            conn = uow.conn
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
            order_id = (await conn.execute(select(offers.c.order_id).where(offers.c.id == offer_id))).scalar_one()
            order = await uow.orders.get(order_id)
            if order is None:
                raise Refusal(NOT_FOUND, "Order not found.", message_hi="ऑर्डर नहीं मिला।")
            gps = format_gps(standing["last_lat"] or standing["home_lat"], standing["last_lng"] or standing["home_lng"])
            order.assign_worker(worker_id, gps=gps, at=self._clock())
            await uow.orders.save(order)
            await worker_repo.book(conn, worker_id, order.id, *order_slot(order, now))
            confirmed_at = (await conn.execute(
                update(matching_jobs)
                .where(matching_jobs.c.order_id == order.id)
                .values(status="assigned", updated_at=now)
                .returning(matching_jobs.c.created_at)  # made in the confirm's transaction
            )).scalar_one_or_none()
            address = OrderAddress.of_order(order)
            if address is not None:
                await uow.outbox.unsolicited(address, "on_status", await order_payload(conn, order))
            await uow.commit()
        OFFERS.labels("accepted").inc()
        if confirmed_at is not None:
            MATCHING_SECONDS.observe((now - confirmed_at).total_seconds())
        return order

    async def decline(self, worker_id: str, offer_id: int) -> None:
        """Say no: the order goes straight on to the next nearest worker."""
        now = self._clock()
        async with self._db.begin() as conn:
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
        OFFERS.labels("declined").inc()
        await self._geo.drop_claim(worker_id, order_id)
        await self._presence.refresh_worker(worker_id)
        self._wake_matching()

    async def order_cancelled(self, conn: AsyncConnection, order: Order) -> None:
        """The order was cancelled elsewhere (in `conn`'s transaction): withdraw its offers, free the worker,
        clear her calendar, close its matching job."""
        now = self._clock()
        pending = await conn.execute(
            select(offers.c.worker_id).where(offers.c.order_id == order.id, offers.c.outcome == "pending")
        )
        held = {row.worker_id for row in pending}
        await conn.execute(
            update(offers)
            .where(offers.c.order_id == order.id, offers.c.outcome == "pending")
            .values(outcome="withdrawn", decided_at=now)
        )
        if order.worker_id:
            held.add(order.worker_id)
        for worker_id in held:
            await worker_repo.release(conn, worker_id, order.id, now)
            await self._geo.drop_claim(worker_id, order.id)
        await worker_repo.end_booking(conn, order.id)
        await close_job(conn, order.id, "closed", now)
        for worker_id in held:
            await self._presence.released(conn, worker_id)

    async def booked_slots(self, conn: AsyncConnection, worker_id: str) -> list[tuple[datetime, datetime]]:
        """The visits `worker_id` is booked for: a rescheduled visit must not overlap another."""
        return await worker_repo.booked_slots(conn, worker_id)

    async def order_rescheduled(self, conn: AsyncConnection, order: Order) -> None:
        """The slot moved (in `conn`'s transaction): move the assigned worker's booking with it."""
        if order.worker_id and order.slot is not None:
            await worker_repo.book(conn, order.worker_id, order.id, order.slot.start, order.slot.end)
