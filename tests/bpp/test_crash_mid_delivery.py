"""A real `serve --demo` process killed with SIGKILL while a reply is being delivered, then started again.

The buyer app holds the reply's POST open, so the process dies mid-attempt with the outbox row claimed. After the
restart the reply must still arrive within its 30 s ttl (a claim never outlives the deadline it serves), be
counted as attempted twice, and the order must go on to completion.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from harness import Backend
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from bpp.simulator.buyer import BuyerApp, free_port
from bpp.simulator.journey import Journey
from bpp.storage.db import Database
from bpp.storage.gateway_tables import outbox
from signing import generate_encryption_keypair, generate_signing_keypair

pytestmark = pytest.mark.asyncio
STARTUP_SECONDS = 30.0


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
class DemoProcess:
    """`sevamitra-bpp serve --demo` in `folder` on the test's backend, started and killed at will."""

    folder: Path
    backend: Backend
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None
    environment: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        signing_private, _ = generate_signing_keypair()
        encryption_private, _ = generate_encryption_keypair()
        self.environment = {
            **{key: value for key, value in os.environ.items() if not key.startswith("SEVAMITRA_")},
            "SEVAMITRA_DATABASE_URL": self.backend.database_url,
            "SEVAMITRA_REDIS_URL": self.backend.redis_url,
            # the same keys after the restart, so the buyer app can verify what the new process signs
            "SEVAMITRA_SIGNING_PRIVATE_KEY": signing_private,
            "SEVAMITRA_ENCRYPTION_PRIVATE_KEY": encryption_private,
            "SEVAMITRA_DEMO_STEP_SECONDS": "0.1",
            "SEVAMITRA_CALLBACK_MAX_BACKOFF_SECONDS": "1",
            "SEVAMITRA_DISPATCHER_POLL_SECONDS": "0.05",
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def registry_token(self) -> str:
        return (self.folder / "var" / "demo-registry-token").read_text()

    async def start(self) -> None:
        with (self.folder / "serve.log").open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bpp", "serve", "--demo", "--port", str(self.port),
                cwd=self.folder, env=self.environment, stdout=log, stderr=subprocess.STDOUT)
        async with httpx.AsyncClient(timeout=1) as client:
            for _ in range(int(STARTUP_SECONDS / 0.1)):
                if self.process.returncode is not None:
                    pytest.fail(f"serve --demo exited with {self.process.returncode}:\n{self.log}")
                try:
                    if (await client.get(f"{self.base_url}/readyz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        pytest.fail(f"serve --demo was not healthy within {STARTUP_SECONDS:.0f} s:\n{self.log}")

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                await self.kill()

    @property
    def log(self) -> str:
        return (self.folder / "serve.log").read_text(errors="replace")


@pytest.fixture
async def demo_process(backend: Backend, tmp_path: Path) -> AsyncIterator[DemoProcess]:
    running = DemoProcess(tmp_path, backend)
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
