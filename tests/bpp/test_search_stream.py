"""search_answers: dispatcher — `serve` only ACKs; a dispatcher process takes searches off the Redis stream and
answers them, and a search a dead dispatcher took is answered by another (PostgreSQL + a real Redis only: the
stream must be shared between processes)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from harness import RunningServer, seed_demo

from bpp.network.gateway import search_stream
from bpp.network.gateway.search_stream import GROUP, STREAM, SearchAnswerer
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import Journey, JourneyFailed
from bpp.wiring.services import Services, build_services

pytestmark = [
    pytest.mark.parametrize("backend", ["postgres"], indirect=True),
    pytest.mark.settings(search_answers="dispatcher"),
]


@pytest.fixture
async def seeded(server: RunningServer) -> RunningServer:
    await seed_demo(server.services)
    return server


async def start_dispatcher(server: RunningServer) -> tuple[Services, SearchAnswerer]:
    """A second process's parts, as `sevamitra-bpp dispatcher` starts them, on the server's settings and keys."""
    services = build_services(server.services.settings, registry_url=server.base_url)
    answerer = await services.start_dispatching()
    assert answerer is not None
    return services, answerer


async def test_serve_only_acks_and_a_dispatcher_answers(seeded: RunningServer, buyer: BuyerApp) -> None:
    waiting = Journey(buyer, seeded.ondc_url, callback_timeout=1.0)
    with pytest.raises(JourneyFailed, match="no catalogue"):
        await waiting.search()  # ACKed, and kept on the stream: no serve process answers it
    services, answerer = await start_dispatcher(seeded)
    try:
        late = await buyer.wait_for("on_search", lambda c: c.context["transaction_id"] == waiting.transaction_id)
        on_search = await Journey(buyer, seeded.ondc_url).search()
        for _ in range(100):  # acknowledged once the dispatcher has the buyer app's ACK, in its next batch
            pending: Any = await seeded.services.redis.xpending(STREAM, GROUP)
            if pending["pending"] == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        await answerer.stop()
        await services.stop()

    assert late.message["catalog"]["providers"]  # answered once a dispatcher ran, still within its ttl
    assert on_search.signature_ok and not on_search.schema_errors and not on_search.error
    assert on_search.message["catalog"]["providers"]
    assert pending["pending"] == 0  # each entry acknowledged once answered


async def test_a_search_a_dead_dispatcher_took_is_answered_by_another(
    seeded: RunningServer, buyer: BuyerApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    redis = seeded.services.redis
    await redis.xgroup_create(STREAM, GROUP, id="$", mkstream=True)
    journey = Journey(buyer, seeded.ondc_url)
    searched = asyncio.create_task(journey.search())
    taken: Any = []
    while not taken:  # a dispatcher that takes the search and dies before answering
        taken = await redis.xreadgroup(GROUP, f"dead-{uuid.uuid4().hex[:6]}", {STREAM: ">"}, count=10, block=100)
    monkeypatch.setattr(search_stream, "CLAIM_IDLE_MS", 200)
    monkeypatch.setattr(search_stream, "CLAIM_EVERY_SECONDS", 0.1)
    services, answerer = await start_dispatcher(seeded)
    try:
        on_search = await searched
    finally:
        await answerer.stop()
        await services.stop()

    assert on_search.message["catalog"]["providers"] and on_search.context["transaction_id"] == journey.transaction_id


async def test_a_dispatcher_behind_leaves_searches_in_the_stream(
    seeded: RunningServer, buyer: BuyerApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While its senders are stuck, a dispatcher reads no more than it can queue: the rest wait in the stream
    (durable, and free for another dispatcher), not in its memory; once unstuck it answers them all."""
    monkeypatch.setattr(search_stream, "READ_COUNT", 4)
    monkeypatch.setattr(search_stream, "MAX_WAITING", 8)
    await seeded.services.redis.xgroup_create(STREAM, GROUP, id="$", mkstream=True)
    services, answerer = await start_dispatcher(seeded)
    search_path = services.search_path
    unstuck = asyncio.Event()
    answer = search_path._search  # the bound search handler; held back until `unstuck`

    async def stuck(request: Any) -> Any:
        await unstuck.wait()
        return await answer(request)

    monkeypatch.setattr(search_path, "_search", stuck)
    journeys = [Journey(buyer, seeded.ondc_url, callback_timeout=30.0) for _ in range(60)]
    searched = [asyncio.create_task(journey.search()) for journey in journeys]
    try:
        for _ in range(100):  # every search ACKed and on the stream
            if await seeded.services.redis.xlen(STREAM) >= len(journeys):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # time for the reader to take whatever it would
        taken: Any = await seeded.services.redis.xpending(STREAM, GROUP)
        queued = search_path.waiting()
        unstuck.set()
        answered = await asyncio.gather(*searched)
    finally:
        await answerer.stop()
        await services.stop()

    senders = len(search_path._senders)
    assert queued <= 8 + 4  # read while under MAX_WAITING: at most one more READ_COUNT
    assert taken["pending"] <= senders + 8 + 4 < len(journeys)
    assert all(on_search.message["catalog"]["providers"] for on_search in answered)
