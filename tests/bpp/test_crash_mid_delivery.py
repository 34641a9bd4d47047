"""A real `serve --demo` process killed with SIGKILL while a reply is being delivered, then started again.

The buyer app holds the reply's POST open, so the process dies mid-attempt with the outbox row claimed. After the
restart the reply must still arrive within its 30 s ttl (a claim never outlives the deadline it serves), be
counted as attempted twice, and the order must go on to completion.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from harness import Backend, BppProcess
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from bpp.simulator.buyer import BuyerApp, free_port
from bpp.simulator.journey import Journey
from bpp.storage.db import Database
from bpp.storage.gateway_tables import outbox
from signing import generate_encryption_keypair, generate_signing_keypair

pytestmark = pytest.mark.asyncio


@dataclass
class StallingBuyer(BuyerApp):
    """A buyer app that holds every `stall_action` callback unanswered until `release` is set."""

    stall_action: str = "on_confirm"
    stalled: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def _receive(self, request: Request) -> Response:
        if request.url.path.endswith("/" + self.stall_action) and not self.release.is_set():
            self.stalled.set()
            await self.release.wait()
        return await super()._receive(request)


@dataclass
class DemoProcess(BppProcess):
    """`serve --demo` on `backend`, keeping its keys across restarts, so the buyer app can verify what the new
    process signs."""

    backend: Backend | None = None

    @classmethod
    def on(cls, folder: Path, backend: Backend) -> DemoProcess:
        signing_private, _ = generate_signing_keypair()
        encryption_private, _ = generate_encryption_keypair()
        port = free_port()
        environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith("SEVAMITRA_")},
            "SEVAMITRA_DATABASE_URL": backend.database_url,
            "SEVAMITRA_REDIS_URL": backend.redis_url,
            "SEVAMITRA_SIGNING_PRIVATE_KEY": signing_private,
            "SEVAMITRA_ENCRYPTION_PRIVATE_KEY": encryption_private,
            "SEVAMITRA_DEMO_STEP_SECONDS": "0.1",
            "SEVAMITRA_CALLBACK_MAX_BACKOFF_SECONDS": "1",
            "SEVAMITRA_DISPATCHER_POLL_SECONDS": "0.05",
        }
        return cls(folder, ["serve", "--demo", "--port", str(port)], environment, port, backend=backend)

    @property
    def registry_token(self) -> str:
        return (self.folder / "var" / "demo-registry-token").read_text()

    async def start(self) -> None:
        await super().start()
        await self.ready()


@pytest.fixture
async def demo_process(backend: Backend, tmp_path: Path) -> AsyncIterator[DemoProcess]:
    running = DemoProcess.on(tmp_path, backend)
    await running.start()
    yield running
    await running.stop()


@pytest.mark.parametrize("stall_action", ["on_init", "on_confirm"])
async def test_a_reply_cut_off_by_sigkill_is_sent_again_after_the_restart(
    demo_process: DemoProcess, stall_action: str
) -> None:
    buyer = StallingBuyer(registry_url=demo_process.base_url, registry_token=demo_process.registry_token,
                          stall_action=stall_action)
    await buyer.start()
    try:
        journey = Journey(buyer, f"{demo_process.base_url}/ondc", callback_timeout=25, completion_timeout=60)
        played = asyncio.create_task(journey.run())
        await asyncio.wait_for(buyer.stalled.wait(), 30)  # the reply's POST is open: the attempt is under way

        await demo_process.kill()
        await demo_process.start()
        buyer.registry_token = demo_process.registry_token
        await buyer.subscribe()  # the demo registry lives in the process: tell the new one our keys
        buyer.release.set()
        order = await played
    finally:
        buyer.release.set()
        await buyer.stop()

    assert order["fulfillments"][0]["state"]["descriptor"]["code"] == "Completed", demo_process.log
    assert demo_process.backend is not None
    db = Database(demo_process.backend.database_url)
    try:
        async with db.connect() as conn:
            callbacks = (await conn.execute(select(outbox).where(outbox.c.transaction_id == journey.transaction_id)
                                            )).mappings().all()
    finally:
        await db.dispose()
    assert [(c["action"], c["last_error"]) for c in callbacks if c["status"] != "delivered"] == []
    [stalled] = [c for c in callbacks if c["action"] == stall_action]
    assert stalled["attempts"] == 2, "the attempt the crash cut short counts, then the one after the restart"
