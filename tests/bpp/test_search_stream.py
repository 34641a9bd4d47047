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
