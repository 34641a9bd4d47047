"""Staff give an order to another worker: whether she may take it, then the workforce's side of the change, in the
caller's transaction (the order itself changes through `Order.reassign_worker`).

The database is the truth here as in matching: the order's matching job is taken only while no matcher holds
its lease, so a matcher can never offer the order in the same moment; offers still open are withdrawn, the
workers they held and the previous holder are freed, the new worker is claimed and her calendar booked. The
caller refreshes the freed workers' and the new worker's geo sets after the commit (`Presence.refresh_worker`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.worker_tables import matching_jobs, offers
from bpp.workforce import repo as worker_repo
from bpp.workforce.matching import order_slot
from fulfillment.geo import format_gps, haversine_km
from fulfillment.order import Order
from fulfillment.workers import is_listed, slot_is_free
from schemas.errors import BUSINESS_ERROR
from schemas.fields import parse_gps
from schemas.refusal import Refusal


def _unfit(en: str, hi: str) -> Refusal:
    return Refusal(BUSINESS_ERROR.code, en, "worker_id", hi)


async def candidates(conn: AsyncConnection, order: Order, now: datetime, limit: int = 25) -> list[dict[str, Any]]:
    """The verified workers in good standing of the order's district who do its service, nearest to the customer
    first (by their last position, else their home), each with whether she is free to take it now."""
    lat, lng = parse_gps(order.details.end_location["gps"])
    fit = [
        (haversine_km(lat, lng, *_position(worker)), worker)
        for worker in await worker_repo.list_workers(conn, order.channel.city)
        if is_listed(worker["verification"], worker["standing"]) and order.service.category_id in worker["skills"]
    ]
    slot = order_slot(order, now)
    found = []
    for distance, worker in sorted(fit, key=lambda pair: pair[0])[:limit]:
        busy_with = worker["current_order_id"] if worker["current_order_id"] not in (None, order.id) else None
        booked = not slot_is_free(await worker_repo.booked_slots(conn, worker["id"]), *slot)
        found.append({
            "id": worker["id"], "name": worker["name"], "phone": worker["phone"], "online": worker["online"],
            "distance_km": round(distance, 2), "holds_this_order": worker["id"] == order.worker_id,
            "busy_with": busy_with, "booked_then": booked,
            "free": worker["id"] != order.worker_id and busy_with is None and not booked,
        })
    return found


def _position(worker: Any) -> tuple[float, float]:
    """Where a worker is: her last reported position, else her home."""
    if worker["last_lat"] is not None and worker["last_lng"] is not None:
        return worker["last_lat"], worker["last_lng"]
    return worker["home_lat"], worker["home_lng"]


async def position_if_free(conn: AsyncConnection, order: Order, worker_id: str, now: datetime) -> str:
    """Where the worker stands ("lat,lng": her last position, else her home) when she may take `order` now: a
    verified worker in good standing of the order's district, with its skill, holding no other order and free
    for its slot. Otherwise a Refusal that says which of these she is not."""
    worker = await worker_repo.get_worker(conn, worker_id, for_update=True)
    if worker is None:
        raise _unfit("No worker has this id; pick one from the list.", "इस आईडी का कोई कर्मी नहीं है; सूची से चुनें।")
    if worker["district"] != order.channel.city:
        raise _unfit("This worker belongs to another district.", "यह कर्मी दूसरे ज़िले का है।")
    if not is_listed(worker["verification"], worker["standing"]):
        raise _unfit("Only a verified worker who is not suspended or banned can take an order.",
                     "केवल सत्यापित कर्मी, जो निलंबित या प्रतिबंधित न हो, ऑर्डर ले सकता/सकती है।")
    if order.service.category_id not in worker["skills"]:
        raise _unfit("This worker does not do this service.", "यह कर्मी यह सेवा नहीं करता/करती।")
    if worker["current_order_id"] not in (None, order.id):  # holding only this order's offer is no obstacle
        raise _unfit(f"This worker is busy with order {worker['current_order_id']}.",
                     f"यह कर्मी अभी ऑर्डर {worker['current_order_id']} पर है।")
    if not slot_is_free(await worker_repo.booked_slots(conn, worker_id), *order_slot(order, now)):
        raise _unfit("This worker is booked for another visit at that time.",
                     "इस समय यह कर्मी किसी दूसरी विज़िट के लिए बुक है।")
    return format_gps(*_position(worker))


async def hand_over(conn: AsyncConnection, order: Order, previous: str | None, now: datetime) -> set[str]:
    """`order` now names its new worker: close its matching, withdraw its open offers, free the previous holder,
    claim the new worker and book her calendar. Returns the workers freed. Refused while a matcher is offering
    the order (try again in a moment) or when the new worker was claimed meanwhile."""
    taken = await conn.execute(
        update(matching_jobs)
        .where(
            matching_jobs.c.order_id == order.id,
            or_(matching_jobs.c.claimed_until.is_(None), matching_jobs.c.claimed_until < now),
        )
        .values(status="assigned", claimed_until=None, updated_at=now)
    )
    job = await conn.execute(select(matching_jobs.c.order_id).where(matching_jobs.c.order_id == order.id))
    if taken.rowcount == 0 and job.first() is not None:
        raise Refusal("matching_busy", "Matching is offering this order to a worker right now. Try again in a moment.",
                      message_hi="मिलान अभी यह ऑर्डर किसी कर्मी को दे रहा है। थोड़ी देर बाद फिर कोशिश करें।")
    held = await conn.execute(
        update(offers)
        .where(offers.c.order_id == order.id, offers.c.outcome == "pending")
        .values(outcome="withdrawn", decided_at=now)
        .returning(offers.c.worker_id)
    )
    freed = {row.worker_id for row in held} | ({previous} if previous else set())
    for worker_id in freed:
        await worker_repo.release(conn, worker_id, order.id, now)
    assert order.worker_id is not None  # reassign_worker named her
    if not await worker_repo.claim(conn, order.worker_id, order.id, now, online_only=False):
        raise _unfit("This worker took another order a moment ago; choose another.",
                     "इस कर्मी ने अभी-अभी दूसरा ऑर्डर लिया है; कोई दूसरा कर्मी चुनें।")
    await worker_repo.book(conn, order.worker_id, order.id, *order_slot(order, now))
    return freed - {order.worker_id}
