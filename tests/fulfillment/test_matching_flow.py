"""Matching and worker-driven progress on each backend (SQLite + fakeredis, PostgreSQL + Redis)."""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from decimal import Decimal
from types import ModuleType
from urllib.parse import urlsplit

import pytest
from engagement_factory import requested
from sqlalchemy import func, select

from bpp.engagements.repo import EngagementRepo
from bpp.storage.worker_tables import offers, workers
from bpp.wiring.services import Services
from fulfillment.engagement import india_today
from fulfillment.engagement_visits import Visit
from fulfillment.geo import haversine_km
from fulfillment.start_otp import OTP_VALIDITY
from schemas.refusal import Refusal

LAT, LNG = 26.8467, 80.9462
KM = 1 / 111.0  # degrees of latitude per km


async def test_nearest_worker_gets_the_offer(services: Services, fx: ModuleType) -> None:
    await fx.add_worker(services, "far", LAT + 2.0 * KM, LNG)
    await fx.add_worker(services, "near", LAT + 0.5 * KM, LNG)
    await fx.add_worker(services, "outside", LAT + 3.5 * KM, LNG)
    order_id = await fx.add_order(services, LAT, LNG)
    await fx.settle(services, [order_id])
    offer = await fx.pending_offer(services, order_id)
    assert offer is not None and offer["worker_id"] == "near"


async def test_random_positions_match_brute_force(services: Services, fx: ModuleType) -> None:
    rng = random.Random(20261122)
    positions = {}
    for index in range(40):
        lat = LAT + rng.uniform(-5, 5) * KM
        lng = LNG + rng.uniform(-5, 5) * KM
        eligible = rng.random() > 0.25
        positions[f"w{index}"] = (lat, lng, eligible)
        await fx.add_worker(services, f"w{index}", lat, lng, online=eligible)
    for _ in range(8):
        lat, lng = LAT + rng.uniform(-3, 3) * KM, LNG + rng.uniform(-3, 3) * KM
        order_id = await fx.add_order(services, lat, lng)
        await fx.settle(services, [order_id])
        async with services.db.connect() as conn:
            busy = {
                row.id
                for row in await conn.execute(select(workers.c.id).where(workers.c.current_order_id.is_not(None)))
            }
        offer = await fx.pending_offer(services, order_id)
        free = {
            wid: haversine_km(lat, lng, wlat, wlng)
            for wid, (wlat, wlng, ok) in positions.items()
            if ok and (wid not in busy or (offer and wid == offer["worker_id"]))
        }
        within = {wid: d for wid, d in free.items() if d <= 3.0}
        if offer is None:
            assert all(d > 2.99 for d in free.values()), "an eligible worker within 3 km was skipped"
            continue
        assert offer["worker_id"] in within
        assert free[offer["worker_id"]] <= min(within.values()) + 0.002  # Redis geohash precision


async def test_suspended_or_unverified_worker_gets_no_offer(services: Services, fx: ModuleType) -> None:
    await fx.add_worker(services, "suspended", LAT + 0.1 * KM, LNG, standing="suspended")
    await fx.add_worker(services, "pending", LAT + 0.2 * KM, LNG, verification="police_verification_pending")
    await fx.add_worker(services, "ok", LAT + 1.0 * KM, LNG)
    order_id = await fx.add_order(services, LAT, LNG)
    await fx.settle(services, [order_id])
    offer = await fx.pending_offer(services, order_id)
    assert offer is not None and offer["worker_id"] == "ok"


async def test_no_candidate_cancels_with_reason_and_on_cancel(services: Services, fx: ModuleType) -> None:
    order_id = await fx.add_order(services, LAT, LNG)
    await fx.settle(services, [order_id])
    order = await fx.order_row(services, order_id)
    assert (order["status"], order["fulfillment_state"]) == ("Cancelled", "Cancelled")
    assert order["cancellation"]["who"] == "provider" and order["cancellation"]["reason_id"]
    [on_cancel] = await fx.callbacks(services, order_id, "on_cancel")
    sent = on_cancel["message"]["order"]
    assert sent["status"] == "Cancelled"
    assert sent["cancellation"]["reason"]["descriptor"]["code"] == order["cancellation"]["reason_id"]


async def test_declined_offer_moves_to_the_next_worker(services: Services, fx: ModuleType) -> None:
    await fx.add_worker(services, "first", LAT + 0.2 * KM, LNG)
    await fx.add_worker(services, "second", LAT + 0.8 * KM, LNG)
    order_id = await fx.add_order(services, LAT, LNG)
    await fx.settle(services, [order_id])
    first = await fx.pending_offer(services, order_id)
    assert first["worker_id"] == "first"
    await services.fulfillment.offers.decline("first", first["id"])
    await fx.settle(services, [order_id])
    second = await fx.pending_offer(services, order_id)
    assert second["worker_id"] == "second"


async def test_unanswered_offer_expires_to_the_next_worker(services: Services, fx: ModuleType) -> None:
    await fx.add_worker(services, "sleepy", LAT + 0.2 * KM, LNG)
    await fx.add_worker(services, "awake", LAT + 0.8 * KM, LNG)
    order_id = await fx.add_order(services, LAT, LNG)
    await fx.settle(services, [order_id])
    assert (await fx.pending_offer(services, order_id))["worker_id"] == "sleepy"
    await asyncio.sleep(services.settings.offer_timeout_seconds + 0.1)
    await fx.settle(services, [order_id])
    offer = await fx.pending_offer(services, order_id)
    assert offer is not None and offer["worker_id"] == "awake"
    async with services.db.connect() as conn:
        sleepy = (await conn.execute(select(workers.c.current_order_id).where(workers.c.id == "sleepy"))).scalar()
    assert sleepy is None


async def test_fifty_concurrent_confirms_ten_workers(services: Services, fx: ModuleType) -> None:
    frozen = services.clock()
    services.clock = lambda: frozen  # no offer lapses however long a busy machine takes to make them all
    for index in range(10):
        await fx.add_worker(services, f"w{index}", LAT + (index - 5) * 0.2 * KM, LNG + 0.1 * KM)
    order_ids = await asyncio.gather(*(fx.add_order(services, LAT + (i % 7 - 3) * 0.1 * KM, LNG) for i in range(50)))
    # several matchers race, as several serve processes would
    rivals = [services.new_workforce() for _ in range(3)]
    await asyncio.gather(*(rival.matching.run_once() for rival in rivals), fx.settle(services, list(order_ids)))
    async with services.db.connect() as conn:
        open_offers = (
            await conn.execute(select(offers.c.id, offers.c.worker_id).where(offers.c.outcome == "pending"))
        ).all()
    assert len(open_offers) == 10
    assert len({row.worker_id for row in open_offers}) == 10  # nobody double-booked
    await asyncio.gather(*(services.fulfillment.offers.accept(row.worker_id, row.id) for row in open_offers))
    assigned, cancelled = [], []
    for order_id in order_ids:
        order = await fx.order_row(services, order_id)
        if order["worker_id"]:
            assigned.append(order)
        else:
            assert order["status"] == "Cancelled" and order["cancellation"]["reason_id"]
            assert await fx.callbacks(services, order_id, "on_cancel")
            cancelled.append(order)
    assert len(assigned) == 10 and len(cancelled) == 40
    assert len({order["worker_id"] for order in assigned}) == 10
    async with services.db.connect() as conn:
        held = (await conn.execute(select(func.count()).where(workers.c.current_order_id.is_not(None)))).scalar_one()
    assert held == 10


async def _assigned(services: Services, fx: ModuleType, payment_type: str = "ON-FULFILLMENT") -> str:
    await fx.add_worker(services, "sunita", LAT + 0.3 * KM, LNG)
    order_id = await fx.add_order(services, LAT, LNG, payment_type=payment_type)
    await fx.settle(services, [order_id])
    offer = await fx.pending_offer(services, order_id)
    await services.fulfillment.offers.accept("sunita", offer["id"])
    return order_id


async def test_whole_job_with_otp_and_cash(services: Services, fx: ModuleType) -> None:
    otps: dict[str, str] = {}
    services.fulfillment.job_steps.otp_listeners.append(otps.__setitem__)
    order_id = await _assigned(services, fx)
    fulfillment = services.fulfillment.job_steps
    await fulfillment.mark_travelling("sunita", order_id)
    await fulfillment.mark_arrived("sunita", order_id)
    with pytest.raises(Refusal) as wrong:
        await fulfillment.start_service("sunita", order_id, "0000" if otps[order_id] != "0000" else "1111")
    assert wrong.value.code == "90002"
    assert (await fx.order_row(services, order_id))["otp_attempts"] == 1
    await fulfillment.start_service("sunita", order_id, otps[order_id])
    with pytest.raises(Refusal) as overcharge:
        await fulfillment.complete("sunita", order_id, Decimal("350.00"))
    assert overcharge.value.code == "overcharge"
    done = await fulfillment.complete("sunita", order_id, Decimal("299.00"))
    assert (done.status, done.fulfillment_state) == ("Completed", "Completed")
    statuses = await fx.callbacks(services, order_id, "on_status")
    codes = [s["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"] for s in statuses]
    assert codes == ["Pending", "In-Transit", "At-Location", "At-Location", "Completed"]
    stops = [{stop["type"]: stop for stop in s["message"]["order"]["fulfillments"][0]["stops"]} for s in statuses]
    assert stops[0]["start"]["person"]["name"] == "sunita" and stops[0]["start"]["location"]["gps"]
    assert "time" not in stops[0]["start"]  # assigned, not yet on her way
    set_off = {stop["start"]["time"]["timestamp"] for stop in stops[1:]}
    assert len(set_off) == 1  # when she set off, the same in every later on_status (not her last GPS fix)
    arrived, started = stops[2]["end"]["authorization"], stops[3]["end"]["authorization"]
    assert arrived["type"] == "OTP" and arrived["token"] == otps[order_id] and arrived["status"] == "valid"
    assert arrived["valid_from"] < arrived["valid_to"]
    assert started == {**arrived, "status": "confirmed"}  # the customer's OTP was accepted
    assert "timestamp" not in stops[3]["end"].get("time", {})
    assert stops[4]["end"]["time"]["timestamp"] >= set_off.pop()  # when the service ended
    completed = statuses[-1]["message"]["order"]
    assert completed["payments"][0]["status"] == "PAID"
    assert completed["payments"][0]["params"]["transaction_id"] == f"order:{order_id}:completed"  # the cash receipt
    assert completed["documents"][0]["label"] == "INVOICE"
    assert urlsplit(completed["documents"][0]["url"]).path.endswith(order_id)
    async with services.db.connect() as conn:
        free = (await conn.execute(select(workers.c.current_order_id).where(workers.c.id == "sunita"))).scalar()
    assert free is None


async def test_an_expired_otp_is_refused_and_a_new_one_starts(services: Services, fx: ModuleType) -> None:
    otps: dict[str, str] = {}
    services.fulfillment.job_steps.otp_listeners.append(otps.__setitem__)
    order_id = await _assigned(services, fx)
    await services.fulfillment.job_steps.mark_travelling("sunita", order_id)
    await services.fulfillment.job_steps.mark_arrived("sunita", order_id)
    issued = services.clock()
    services.clock = lambda: issued + OTP_VALIDITY + timedelta(seconds=1)
    with pytest.raises(Refusal) as expired:
        await services.fulfillment.job_steps.start_service("sunita", order_id, otps[order_id])
    assert expired.value.code == "otp_expired"
    assert (await fx.order_row(services, order_id))["otp_attempts"] == 0  # not a wrong guess
    await services.fulfillment.job_steps.reissue_otp("sunita", order_id)
    started = await services.fulfillment.job_steps.start_service("sunita", order_id, otps[order_id])
    assert started.fulfillment_state == "Service-Started"


async def test_worker_cannot_touch_someone_elses_job(services: Services, fx: ModuleType) -> None:
    order_id = await _assigned(services, fx)
    await fx.add_worker(services, "other", LAT + 5 * KM, LNG)
    with pytest.raises(Refusal) as refused:
        await services.fulfillment.job_steps.mark_travelling("other", order_id)
    assert refused.value.code == "not_your_job"
    assert await services.fulfillment.job_steps.jobs_of("other") == []
    assert [job.id for job in await services.fulfillment.job_steps.jobs_of("sunita")] == [order_id]


async def test_out_of_order_step_is_refused(services: Services, fx: ModuleType) -> None:
    order_id = await _assigned(services, fx)
    with pytest.raises(Refusal) as refused:
        await services.fulfillment.job_steps.mark_arrived("sunita", order_id)
    assert refused.value.code == "20007"


async def test_prepaid_order_refuses_cash(services: Services, fx: ModuleType) -> None:
    otps: dict[str, str] = {}
    services.fulfillment.job_steps.otp_listeners.append(otps.__setitem__)
    order_id = await _assigned(services, fx, payment_type="PRE-FULFILLMENT")
    await services.fulfillment.job_steps.mark_travelling("sunita", order_id)
    await services.fulfillment.job_steps.mark_arrived("sunita", order_id)
    await services.fulfillment.job_steps.start_service("sunita", order_id, otps[order_id])
    with pytest.raises(Refusal):
        await services.fulfillment.job_steps.complete("sunita", order_id, Decimal("299.00"))
    done = await services.fulfillment.job_steps.complete("sunita", order_id, None)
    assert done.status == "Completed"


async def test_matching_job_survives_a_restart(services: Services, fx: ModuleType) -> None:
    await services.fulfillment.stop()
    await fx.add_worker(services, "sunita", LAT + 0.3 * KM, LNG)
    order_id = await fx.add_order(services, LAT, LNG)  # confirmed while no matcher runs
    restarted = services.new_workforce()
    await restarted.start()
    try:
        for _ in range(100):
            if await fx.pending_offer(services, order_id):
                break
            await asyncio.sleep(0.05)
        assert (await fx.pending_offer(services, order_id))["worker_id"] == "sunita"
    finally:
        await restarted.stop()


async def test_a_worker_at_an_engagement_visit_then_gets_no_one_off_offer(services: Services, fx: ModuleType) -> None:
    now = services.clock()
    await fx.add_worker(services, "near", LAT + 0.5 * KM, LNG)
    await fx.add_worker(services, "far", LAT + 2.0 * KM, LNG)
    engagement = requested(india_today(now) + timedelta(days=1), place_gps=f"{LAT + 0.4 * KM:.6f},{LNG:.6f}")
    async with services.db.begin() as conn:
        repo = EngagementRepo(conn)
        await repo.add(engagement)
        # "near" is at that customer's from 30 minutes ago for two hours: the order's next hour clashes
        visit = Visit(engagement.id, india_today(now), now - timedelta(minutes=30), now + timedelta(minutes=90), "near")
        await repo.save_visits([visit])
    order_id = await fx.add_order(services, LAT, LNG)
    await fx.settle(services, [order_id])
    offer = await fx.pending_offer(services, order_id)
    assert offer is not None and offer["worker_id"] == "far"
