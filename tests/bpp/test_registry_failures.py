"""A registry that is down, slow or ignorant: the BPP answers a quick NACK, never a 500 or a hang."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI, Request
from harness import Backend, RunningServer, make_settings, serve
from starlette.responses import JSONResponse

from bpp.demo.registry import DemoRegistry
from bpp.simulator.buyer import free_port, timestamp
from bpp.wiring.app import create_app
from signing import build_authorization_header, generate_encryption_keypair, generate_signing_keypair

REGISTRY_TIMEOUT = 0.5
QUICK = 2.0  # seconds a NACK may take when the registry fails


class StubRegistry:
    """A registry on its own loopback port: records kept like the demo registry's, optionally slow, lookups counted."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        self.records = DemoRegistry()
        self.delay = 0.0
        self.lookups = 0
        self._release = asyncio.Event()
        self._running: RunningServer | None = None

    async def _lookup(self, request: Request) -> JSONResponse:
        self.lookups += 1
        query = await request.json()
        if self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._release.wait(), self.delay)
        return JSONResponse(self.records.find(query.get("subscriber_id"), query.get("ukId")))

    async def start(self) -> None:
        app = FastAPI()
        app.add_api_route("/lookup", self._lookup, methods=["POST"])
        self._release.clear()
        self._running = await serve(app, self.port)

    async def stop(self) -> None:
        """Close the port (a slow lookup still in progress is answered at once)."""
        self._release.set()
        if self._running is not None:
            await self._running.stop()
            self._running = None


@dataclass(frozen=True)
class Signer:
    """A buyer app's identity: subscriber id and signing keys."""

    subscriber_id: str = field(default_factory=lambda: f"buyer-{uuid.uuid4().hex[:8]}.example")
    unique_key_id: str = "k1"
    keys: tuple[str, str] = field(default_factory=generate_signing_keypair)

    def register_with(self, registry: StubRegistry) -> None:
        registry.records.add(self.subscriber_id, self.unique_key_id, self.keys[1], generate_encryption_keypair()[1],
                             f"https://{self.subscriber_id}/ondc", "buyerApp")


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    seconds: float


@pytest.fixture
async def registry() -> AsyncIterator[StubRegistry]:
    """A stub registry on a free port, not yet started (so its URL is a closed port until a test starts it)."""
    stub = StubRegistry(free_port())
    yield stub
    await stub.stop()


@pytest.fixture
async def bpp(backend: Backend, registry: StubRegistry) -> AsyncIterator[RunningServer]:
    """The BPP on loopback, asking the stub registry with a short lookup timeout."""
    port = free_port()
    settings = make_settings(backend, port, registry_timeout_seconds=REGISTRY_TIMEOUT, embedded_dispatcher=False)
    running = await serve(create_app(settings, registry_url=registry.url, migrate=False), port)
    yield running
    await running.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def post_support(http: httpx.AsyncClient, bpp: RunningServer, signer: Signer) -> Answer:
    """A fresh, correctly signed /support request from `signer`."""
    settings = bpp.services.settings
    context = {
        "domain": "ONDC:SRV11", "location": {"city": {"code": "std:0522"}, "country": {"code": "IND"}},
        "action": "support", "version": settings.core_version, "bap_id": signer.subscriber_id,
        "bap_uri": f"https://{signer.subscriber_id}/ondc", "bpp_id": settings.subscriber_id,
        "bpp_uri": settings.subscriber_url, "transaction_id": str(uuid.uuid4()), "message_id": str(uuid.uuid4()),
        "timestamp": timestamp(), "ttl": "PT30S",
    }
    raw = orjson.dumps({"context": context, "message": {"support": {"ref_id": str(uuid.uuid4())}}})
    header = build_authorization_header(raw, signer.keys[0], signer.subscriber_id, signer.unique_key_id)
    started = time.perf_counter()
    answer = await http.post(f"{bpp.ondc_url}/support", content=raw,
                             headers={"Authorization": header, "Content-Type": "application/json"})
    return Answer(answer.status_code, answer.json(), time.perf_counter() - started)


def assert_registry_failure_nack(answer: Answer) -> None:
    assert answer.status == 503, answer
    assert answer.body["message"]["ack"]["status"] == "NACK"
    assert answer.body["error"]["code"] == "31001"
    assert "registry lookup failed" in answer.body["error"]["message"]
    assert "retry" in answer.body["error"]["message"]
    assert answer.seconds < QUICK, f"NACK took {answer.seconds:.2f} s"


def assert_ack(answer: Answer) -> None:
    assert answer.status == 200, answer
    assert answer.body["message"]["ack"]["status"] == "ACK"


async def test_registry_on_a_closed_port_gives_a_quick_retry_nack_and_no_remembered_failure(
    bpp: RunningServer, registry: StubRegistry, http: httpx.AsyncClient
) -> None:
    signer = Signer()
    answer = await post_support(http, bpp, signer)
    assert_registry_failure_nack(answer)
    assert "unreachable" in answer.body["error"]["message"]

    signer.register_with(registry)
    await registry.start()
    assert_ack(await post_support(http, bpp, signer))


async def test_registry_slower_than_its_timeout_gives_a_quick_retry_nack(
    bpp: RunningServer, registry: StubRegistry, http: httpx.AsyncClient
) -> None:
    signer = Signer()
    signer.register_with(registry)
    registry.delay = 5.0
    await registry.start()

    answers = await asyncio.gather(*(post_support(http, bpp, signer) for _ in range(5)))
    for answer in answers:
        assert_registry_failure_nack(answer)
        assert answer.seconds >= REGISTRY_TIMEOUT
        assert f"within {REGISTRY_TIMEOUT:g} s" in answer.body["error"]["message"]
    assert registry.lookups == 1, "concurrent lookups of one key share a single registry call"


async def test_registry_that_knows_nobody_gives_401_unknown_signer(
    bpp: RunningServer, registry: StubRegistry, http: httpx.AsyncClient
) -> None:
    await registry.start()
    answer = await post_support(http, bpp, Signer())
    assert answer.status == 401, answer
    assert answer.body["message"]["ack"]["status"] == "NACK"
    assert answer.body["error"]["code"] == "30016"
    assert "unknown" in answer.body["error"]["message"]


async def test_a_key_already_looked_up_keeps_working_while_the_registry_is_down(
    bpp: RunningServer, registry: StubRegistry, http: httpx.AsyncClient
) -> None:
    known = Signer()
    known.register_with(registry)
    await registry.start()
    assert_ack(await post_support(http, bpp, known))
    assert registry.lookups == 1

    await registry.stop()
    await bpp.services.redis.flushdb()  # only the in-process cache is left
    assert_ack(await post_support(http, bpp, known))
    assert_registry_failure_nack(await post_support(http, bpp, Signer()))
    assert registry.lookups == 1
