"""Two `serve` processes on one database and Redis: a staff change in one reaches the other's memory.

Only PostgreSQL + Redis lets two processes share state (the embedded backend is one process's SQLite
file and in-process Redis), so these tests take the `postgres` parameter of `backend` only.
"""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from decimal import Decimal

import httpx
import pytest
from harness import Backend, RunningServer, make_settings, start_server

from bpp.demo.catalog_seed import LUCKNOW, seed_demo_catalog
from bpp.platform import shared_version
from bpp.platform.auth import Principal, hash_secret
from bpp.simulator.buyer import BuyerApp, free_port
from bpp.wiring.services import Services, build_services
from bpp.workforce import repo as worker_repo
from fulfillment.workers import (
    REQUIRED_DOCUMENTS,
    VERIFICATION_STEPS,
    Registration,
    standing_change,
    verification_step,
)

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)

UNUSED_REGISTRY = "http://127.0.0.1:9"
ITEM_ID = "SM-LKO-PLUMBER-TAP"
OTHER_ITEM_ID = "SM-LKO-PLUMBER-DRAIN"
STAFF = "staff:admin-1"
PROPAGATION_SECONDS = 5.0
HAZRATGANJ = (26.8467, 80.9462)
NEAR_HAZRATGANJ = (26.8550, 80.9500)  # about 1 km away


async def eventually(check: Callable[[], bool | Awaitable[bool]], what: str) -> float:
    """Poll `check` until it holds; the seconds it took, or fail naming `what` after PROPAGATION_SECONDS."""
    started = time.monotonic()
    while True:
        outcome = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return time.monotonic() - started
        if time.monotonic() - started > PROPAGATION_SECONDS:
            pytest.fail(f"{what}: not seen within {PROPAGATION_SECONDS} s")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def two_processes(backend: Backend) -> AsyncIterator[tuple[Services, Services]]:
    """Two started `Services` on the same storage (each with its own pools), the catalogue seeded through A."""
    async with AsyncExitStack() as stack:
        pair: list[Services] = []
        for _ in range(2):
            process = build_services(make_settings(backend), registry_url=UNUSED_REGISTRY)
            await process.start(run_dispatcher=False)
            stack.push_async_callback(process.stop)
            pair.append(process)
        process_a, process_b = pair
        await seed_demo_catalog(process_a.db, process_a.catalog)
        await eventually(lambda: ITEM_ID in process_b.catalog.snapshot.items, "the seeded catalogue in B")
        yield process_a, process_b


async def test_price_change_in_a_reaches_b_by_the_notice(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    # With the poll an hour apart, only the pub/sub notice can bring the change to B in time.
    monkeypatch.setattr(shared_version, "POLL_SECONDS", 3600.0)
    async with two_processes(backend) as (process_a, process_b):
        item = process_a.catalog.snapshot.items[ITEM_ID]
        saved = await process_a.catalog.save_item(replace(item, fee=Decimal("249")), actor=STAFF)

        await eventually(lambda: process_b.catalog.snapshot.items[ITEM_ID].version == saved.version, "new price in B")
        seen = process_b.catalog.snapshot.items[ITEM_ID]
        assert seen.fee == Decimal("249") and seen.version == 2
        assert process_b.catalog.snapshot.version == process_a.catalog.snapshot.version


async def test_unpublish_in_a_reaches_b_by_the_poll_when_the_notice_is_lost(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with two_processes(backend) as (process_a, process_b):

        async def lost_notice(channel: str, message: str) -> int:
            return 0

        monkeypatch.setattr(process_a.redis, "publish", lost_notice)
        await process_a.catalog.set_published(ITEM_ID, False, actor=STAFF)
        assert ITEM_ID not in process_a.catalog.snapshot.items

        await eventually(lambda: ITEM_ID not in process_b.catalog.snapshot.items, "unpublished item gone from B")
        assert OTHER_ITEM_ID in process_b.catalog.snapshot.items

        await process_a.catalog.set_published(ITEM_ID, True, actor=STAFF)
        await eventually(lambda: ITEM_ID in process_b.catalog.snapshot.items, "republished item back in B")


async def _staff_step(process: Services, worker_id: str, action: str) -> None:
    """A verification step or standing change as the staff API makes it, then the coverage notice."""
    async with process.db.begin() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
        assert worker is not None
        now = process.clock()
        if action in VERIFICATION_STEPS:
            before = worker["verification"]
            after = verification_step(before, action, REQUIRED_DOCUMENTS)  # as if both documents were uploaded
            await worker_repo.update_worker(conn, worker_id, now, verification=after)
        else:
            reason = "Overcharged a customer (complaint C-1)"
            before, after = worker["standing"], standing_change(worker["standing"], action, reason)
            await worker_repo.update_worker(conn, worker_id, now, standing=after, standing_reason=reason)
        await worker_repo.audit(conn, worker_id, now, STAFF, action, before, after, None)
    await process.fulfillment.coverage.workers_changed()


async def test_worker_verified_then_suspended_in_a_changes_b_coverage(backend: Backend) -> None:
    category = "SRV11-1047"
    registration = Registration(
        name="Geeta Devi",
        phone="9812345678",
        pin="4321",
        skills=(category,),
        home_lat=HAZRATGANJ[0],
        home_lng=HAZRATGANJ[1],
        district=LUCKNOW.city,
        documents=({"kind": "police_certificate", "number": "UP-PV-0001"},),
    )

    async with two_processes(backend) as (process_a, process_b):

        def b_covers() -> set[str]:
            return process_b.fulfillment.coverage.categories_near(*NEAR_HAZRATGANJ, 3.0)

        assert b_covers() == set()
        async with process_a.db.begin() as conn:
            worker_id = await worker_repo.insert_worker(
                conn, registration, hash_secret(registration.pin), process_a.clock(), STAFF
            )
        await process_a.fulfillment.coverage.workers_changed()
        for step in VERIFICATION_STEPS:
            await _staff_step(process_a, worker_id, step)
        assert process_a.fulfillment.coverage.categories_near(*NEAR_HAZRATGANJ, 3.0) == {category}

        await eventually(lambda: b_covers() == {category}, "verified worker in B's coverage")

        await _staff_step(process_a, worker_id, "suspend")
        await eventually(lambda: b_covers() == set(), "suspended worker gone from B's coverage")


async def _offered_by(buyer: BuyerApp, server: RunningServer) -> set[str]:
    """Item ids of the on_search that `server` sends for every SRV11 service in Lucknow."""
    context = buyer.context("search", str(uuid.uuid4()), None, None)
    body = {"context": context, "message": {"intent": {"category": {"id": "SRV11-*"}}}}
    sent = await buyer.post(f"{server.ondc_url}/search", body)
    assert sent.acked, sent.answer
    on_search = await buyer.wait_for("on_search", buyer.replies_to(sent), timeout=PROPAGATION_SECONDS)
    return {item["id"] for provider in on_search.message["catalog"]["providers"] for item in provider["items"]}


async def test_unpublish_through_server_a_stops_server_b_offering_the_item(backend: Backend) -> None:
    async with AsyncExitStack() as stack:
        servers: list[RunningServer] = []
        for _ in range(2):
            port = free_port()  # taken after the previous server listens, so the two never collide
            server = await start_server(make_settings(backend, port), port)
            stack.push_async_callback(server.stop)
            servers.append(server)
        server_a, server_b = servers
        buyer = BuyerApp(registry_url=server_b.base_url,
                         registry_token=server_b.app.state.demo_registry.subscribe_token)
        await buyer.start()
        stack.push_async_callback(buyer.stop)
        await seed_demo_catalog(server_a.services.db, server_a.services.catalog)
        await eventually(lambda: ITEM_ID in server_b.services.catalog.snapshot.items, "the seeded catalogue in B")
        assert ITEM_ID in await _offered_by(buyer, server_b)

        token = server_a.services.tokens.issue(Principal(kind="staff", id="admin-1", role="admin", district=None))
        async with httpx.AsyncClient(base_url=server_a.base_url, headers={"Authorization": f"Bearer {token}"}) as staff:
            answer = await staff.post(f"/staff/api/catalog/items/{ITEM_ID}/unpublish")
        assert answer.status_code == 200 and answer.json()["published"] is False, answer.text

        await eventually(lambda: _no_longer_offers(buyer, server_b), "unpublished item gone from B's on_search")


async def _no_longer_offers(buyer: BuyerApp, server: RunningServer) -> bool:
    """B answers search with the other plumbing items but without the unpublished one."""
    offered = await _offered_by(buyer, server)
    assert OTHER_ITEM_ID in offered, offered
    return ITEM_ID not in offered


async def test_a_matching_radius_set_in_a_reaches_b(backend: Backend) -> None:
    async with two_processes(backend) as (process_a, process_b):
        async with process_a.db.begin() as conn:
            await process_a.fulfillment.coverage.set_radius(conn, "SRV11-1011", 5.0)
        await process_a.fulfillment.coverage.workers_changed()
        await eventually(lambda: process_b.fulfillment.coverage.radius_for("SRV11-1011") == 5.0, "B's radius")
        assert process_b.fulfillment.coverage.radius_for("SRV11-1047") == process_b.settings.serviceability_radius_km
