"""Offer latency and the worker app's data use (issue 17.5): how long from a confirmed order to the offer on the
worker's phone, over the open app's stream (server-sent events), by Web Push (a stub push service on loopback), by
SMS (a stub bulk-SMS gateway on loopback), and with today's 3 s polling; and how many bytes an hour the app uses
while online and idle.

One BPP in this process (SQLite, and Redis at --redis: the in-process server by default, whose pub/sub is polled;
give a real one to measure the stream as deployed) under uvicorn on loopback, with the demo's Lucknow catalogue and
one verified worker near Hazratganj whose phone has subscribed to push. Each sample books an order at Hazratganj
through the helpline desk (the order is confirmed and its matching job stored in one transaction), starts the clock
just before the booking and stops it when her "device" has the offer: the stream's `offers` event naming the order,
the push service's request for her device (encrypted: a real push service then needs its own time to reach the
phone), the stub gateway's request carrying her offer SMS (then the operator's delivery), or the first 3 s poll of
GET /worker/api/offers that lists it. She then declines it, so she is free for the next one.

Data use: a second worker, online but offered nothing, runs the app's idle pattern for `--window` seconds: the offer
stream (reopened every 45 s, a comment every 15 s), GET /offers every 30 s beside it, and a location report every
5 min (counted pro rata). Bytes are counted as HTTP/1.1 puts them on the wire (request line, headers, body; status
line, headers, body with its chunk framing) and extrapolated linearly to an hour; TLS and TCP/IP overheads are not
counted (TLS adds about 30 bytes a record, plus a handshake per new connection). The polling fallback's hour is 1,200
polls of one measured GET /offers.

    python bench/offer_latency.py [--orders 30] [--polled 20] [--window 95] [--redis redis://127.0.0.1:6379/15]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import uvicorn
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bpp.assisted.service import BookingRequest  # noqa: E402
from bpp.demo.catalog_seed import seed_demo_catalog  # noqa: E402
from bpp.notify import SmsTemplate, dlt_key  # noqa: E402
from bpp.notify.templates import LANGUAGES  # noqa: E402
from bpp.platform.auth import hash_secret  # noqa: E402
from bpp.platform.settings import Settings  # noqa: E402
from bpp.platform.vapid import b64url, new_vapid_private_key  # noqa: E402
from bpp.simulator.buyer import free_port  # noqa: E402
from bpp.wiring.app import create_app  # noqa: E402
from bpp.wiring.services import Services  # noqa: E402
from bpp.workforce import repo as worker_repo  # noqa: E402
from fulfillment.workers import Registration  # noqa: E402
from signing import generate_encryption_keypair, generate_signing_keypair  # noqa: E402

HAZRATGANJ = (26.8467, 80.9462)
PINCODE = "226001"
PIN = "1234"
KM = 1 / 111.0
POLL_SECONDS = 3.0  # the app's polling while no stream is open
STREAM_POLL_SECONDS = 30.0  # its polling beside an open stream
LOCATION_SECONDS = 300.0  # its location report while standing still


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def request_bytes(request: httpx.Request) -> int:
    line = f"{request.method} {request.url.raw_path.decode()} HTTP/1.1\r\n"
    return len(line) + sum(len(k) + len(v) + 4 for k, v in request.headers.raw) + 2 + len(request.content)


def response_head_bytes(response: httpx.Response) -> int:
    line = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"
    return len(line) + sum(len(k) + len(v) + 4 for k, v in response.headers.raw) + 2


@dataclass
class StubServices:
    """A bulk-SMS gateway and a push service on loopback: note when each SMS for a number, and each push message for
    a device, arrives."""

    port: int
    sms: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    pushed: dict[str, list[float]] = field(default_factory=dict)

    async def receive_sms(self, request: Request) -> JSONResponse:
        form = {name: values[0] for name, values in parse_qs((await request.body()).decode()).items()}
        self.sms.setdefault(form["to"][2:], []).append((time.monotonic(), form["body"]))
        return JSONResponse({"status": "success", "id": f"gw-{time.monotonic_ns()}"})

    async def receive_push(self, request: Request) -> Response:
        await request.body()
        self.pushed.setdefault(request.path_params["device"], []).append(time.monotonic())
        return Response(status_code=201)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/send", self.receive_sms, methods=["POST"]),
                                 Route("/push/{device}", self.receive_push, methods=["POST"])])

    def offer_texts(self, phone: str) -> list[float]:
        """When each offer SMS for `phone` reached the gateway."""
        return [at for at, text in self.sms.get(phone, []) if "new job" in text or "नया काम" in text]


async def serve(app: Any, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return server, task


def device_keys() -> dict[str, str]:
    """A browser's subscription keys: its P-256 public key and 16-byte auth secret, base64url."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return {"p256dh": b64url(key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)),
            "auth": b64url(os.urandom(16))}


def bench_settings(work: str, port: int, sms_port: int, redis_url: str) -> Settings:
    signing, _ = generate_signing_keypair()
    encryption, _ = generate_encryption_keypair()
    return Settings(
        subscriber_id="bpp.sevamitra.bench", subscriber_url=f"http://127.0.0.1:{port}/ondc",
        unique_key_id="bench-key-1", signing_private_key=signing, encryption_private_key=encryption,
        database_url=f"sqlite+aiosqlite:///{work}/bpp.db", redis_url=redis_url, allow_http_callbacks=True,
        documents_dir=f"{work}/documents", offer_timeout_seconds=60, vapid_private_key=new_vapid_private_key(),
        sms_backend="http", sms_gateway_url=f"http://127.0.0.1:{sms_port}/send", sms_api_key="bench-key",
        sms_sender_id="SEVAMT", sms_dlt_entity_id="1101000000000000001",
        sms_dlt_template_ids={dlt_key(t, lang): f"1107{n:015d}"
                              for n, (t, lang) in enumerate((t, lang) for t in SmsTemplate for lang in LANGUAGES)},
    )


async def add_worker(services: Services, worker_id: str, phone: str, skill: str, lat: float, lng: float) -> None:
    now = services.clock()
    async with services.db.begin() as conn:
        await worker_repo.insert_worker(conn, Registration(worker_id, phone, PIN, (skill,), lat, lng, "std:0522"),
                                        hash_secret(PIN), now, "bench", verification="verified", worker_id=worker_id)
        await worker_repo.update_worker(conn, worker_id, now, online=True, last_lat=lat, last_lng=lng)
    await services.fulfillment.presence.refresh_worker(worker_id)


async def worker_app(base_url: str, phone: str) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=base_url) as anonymous:
        login = await anonymous.post("/worker/api/login", json={"phone": phone, "pin": PIN})
    login.raise_for_status()
    return httpx.AsyncClient(base_url=base_url, headers={"Authorization": f"Bearer {login.json()['token']}"},
                             timeout=60)


class Booker:
    """Books orders at Hazratganj through the helpline desk and times each offer's arrival."""

    def __init__(self, services: Services, item_id: str) -> None:
        self._services = services
        self._item_id = item_id
        self._serial = 0

    async def book(self) -> tuple[str, float]:
        """The new order's id and the moment just before it was booked."""
        self._serial += 1
        request = BookingRequest(self._item_id, "Bench Citizen", f"91{self._serial:08d}", "12 Hazratganj",
                                 PINCODE, HAZRATGANJ, None)
        started = time.monotonic()
        order = await self._services.assisted.book(request, actor="staff:bench")
        return order.id, started

    async def sample(self, orders: int, arrived: Callable[[str], Awaitable[float]], app: httpx.AsyncClient,
                     spread: float = 0.3) -> list[float]:
        """Milliseconds from booking to arrival, for `orders` orders one after another (each declined after, and
        the next booked 0.1 s to 0.1 + `spread` s later)."""
        delays = []
        for _ in range(orders):
            order_id, started = await self.book()
            delays.append((await arrived(order_id) - started) * 1000)
            offer = next(o for o in (await app.get("/worker/api/offers")).json() if o["order_id"] == order_id)
            (await app.post(f"/worker/api/offers/{offer['id']}/decline")).raise_for_status()
            await asyncio.sleep(0.1 + random.uniform(0, spread))  # orders do not come in lockstep
        return delays


class OfferStream:
    """The open app's offer stream, reopened as the app does; notes when each order first appears in it."""

    def __init__(self, app: httpx.AsyncClient) -> None:
        self._app = app
        self.seen: dict[str, float] = {}
        self.changed = asyncio.Event()
        self.bytes = 0
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            async with self._app.stream("GET", "/worker/api/offers/stream") as answer:
                self.bytes += request_bytes(answer.request) + response_head_bytes(answer)
                buffer = b""
                async for chunk in answer.aiter_raw():
                    self.bytes += len(chunk) + len(f"{len(chunk):x}") + 4  # the chunk and its framing
                    buffer += chunk
                    while b"\n\n" in buffer:
                        event, buffer = buffer.split(b"\n\n", 1)
                        self._read(event)
                self.bytes += 5  # the last, empty chunk

    def _read(self, event: bytes) -> None:
        data = [line[6:] for line in event.split(b"\n") if line.startswith(b"data: ")]
        if not data:
            return
        now = time.monotonic()
        for offer in json.loads(data[0]):
            self.seen.setdefault(offer["order_id"], now)
        self.changed.set()

    async def arrival(self, order_id: str) -> float:
        while order_id not in self.seen:
            self.changed.clear()
            await self.changed.wait()
        return self.seen[order_id]

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


async def polled_arrival(app: httpx.AsyncClient, order_id: str, phase: float) -> float:
    """When the app polling every 3 s (its polls at `phase` + k·3 s) first lists the order."""
    while True:
        now = time.monotonic()
        await asyncio.sleep(POLL_SECONDS - (now - phase) % POLL_SECONDS)
        offers = (await app.get("/worker/api/offers")).json()
        if any(offer["order_id"] == order_id for offer in offers):
            return time.monotonic()


async def nth_arrival(arrivals: Callable[[], list[float]], n: int) -> float:
    """When the `n`-th of `arrivals` came (waits for it)."""
    while len(seen := arrivals()) < n:
        await asyncio.sleep(0.002)
    return seen[n - 1]


def counted(arrivals: Callable[[], list[float]]) -> Callable[[str], Awaitable[float]]:
    """An arrival per booked order: the next of `arrivals` after those already there."""
    count = len(arrivals())

    async def arrival(order_id: str) -> float:
        nonlocal count
        count += 1
        return await nth_arrival(arrivals, count)

    return arrival


async def idle_bytes(app: httpx.AsyncClient, window: float) -> tuple[int, int]:
    """Bytes of the idle app's stream and 30 s polls over `window` seconds, and of one GET /offers."""
    stream = OfferStream(app)
    polled, one_poll = 0, 0
    ends = time.monotonic() + window
    while (left := ends - time.monotonic()) > 0:
        answer = await app.get("/worker/api/offers")
        one_poll = request_bytes(answer.request) + response_head_bytes(answer) + len(answer.content)
        polled += one_poll
        await asyncio.sleep(min(STREAM_POLL_SECONDS, left))
    await stream.stop()
    return stream.bytes + polled, one_poll


def summary(name: str, delays: list[float]) -> str:
    return (f"{name:<26} n={len(delays):<3} p50 {percentile(delays, 0.5):8.1f} ms   "
            f"p95 {percentile(delays, 0.95):8.1f} ms   mean {statistics.fmean(delays):8.1f} ms")


async def run(orders: int, polled: int, window: float, redis_url: str) -> None:
    work = tempfile.mkdtemp(prefix="sm-offers-")
    port, stub_port = free_port(), free_port()
    stubs = StubServices(stub_port)
    stub_server, stub_task = await serve(stubs.app(), stub_port)
    app = create_app(bench_settings(work, port, stub_port, redis_url), registry_url=f"http://127.0.0.1:{port}",
                     migrate=True)
    server, task = await serve(app, port)
    services: Services = app.state.services
    base_url = f"http://127.0.0.1:{port}"
    try:
        await seed_demo_catalog(services.db, services.catalog)
        item = next(i for i in services.catalog.snapshot.items.values() if i.category_id)
        await add_worker(services, "W-bench", "9000000101", item.category_id, HAZRATGANJ[0] + 0.5 * KM, HAZRATGANJ[1])
        # the idle one is 200 km away: never offered anything
        await add_worker(services, "W-idle", "9000000102", item.category_id, HAZRATGANJ[0] + 200 * KM, HAZRATGANJ[1])
        await services.fulfillment.coverage.workers_changed()  # the desk books only where a worker lives
        booker = Booker(services, item.id)
        async with await worker_app(base_url, "9000000101") as phone, \
                await worker_app(base_url, "9000000102") as idle:
            idle_run = asyncio.create_task(idle_bytes(idle, window))
            device = {"endpoint": f"http://127.0.0.1:{stub_port}/push/her-phone", "keys": device_keys()}
            (await phone.post("/worker/api/push/subscriptions", json=device)).raise_for_status()
            location = {"lat": HAZRATGANJ[0] + 200 * KM, "lng": HAZRATGANJ[1]}
            reported = await idle.post("/worker/api/location", json=location)
            location_bytes = request_bytes(reported.request) + response_head_bytes(reported) + len(reported.content)

            stream = OfferStream(phone)
            await asyncio.sleep(0.5)
            await booker.sample(1, stream.arrival, phone)  # warm-up, not counted (first queries, first connections)
            streamed = await booker.sample(orders, stream.arrival, phone)
            await stream.stop()

            phase = time.monotonic() + random.uniform(0, POLL_SECONDS)
            # each order at a random point of the poll cycle (the arrivals are at its ticks)
            polled_delays = await booker.sample(polled, lambda order_id: polled_arrival(phone, order_id, phase), phone,
                                                spread=POLL_SECONDS)

            await asyncio.sleep(1.0)  # the pushes of the offers before have arrived
            pushed = await booker.sample(orders, counted(lambda: stubs.pushed.get("her-phone", [])), phone)

            (await phone.put("/worker/api/sms-mode", json={"sms_mode": True})).raise_for_status()
            texted = await booker.sample(orders, counted(lambda: stubs.offer_texts("9000000101")), phone)
            idle_window_bytes, one_poll = await idle_run
    finally:
        server.should_exit = True
        await task
        stub_server.should_exit = True
        await stub_task

    print(summary("open app (SSE stream)", streamed))
    print(summary("Web Push (stub service)", pushed))
    print(summary("SMS (stub gateway)", texted))
    print(summary("polling every 3 s", polled_delays))
    hourly_idle = idle_window_bytes * 3600 / window + location_bytes * 3600 / LOCATION_SECONDS
    print(f"online and idle, stream open: {idle_window_bytes} B in {window:.0f} s -> {hourly_idle / 1000:.1f} kB/hour "
          f"(incl. {3600 / LOCATION_SECONDS:.0f} location reports of {location_bytes} B)")
    print(f"online and idle, polling every 3 s: one poll {one_poll} B -> "
          f"{(one_poll * 3600 / POLL_SECONDS + location_bytes * 3600 / LOCATION_SECONDS) / 1000:.1f} kB/hour")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=30, help="orders timed over the stream and by SMS")
    parser.add_argument("--polled", type=int, default=20, help="orders timed with 3 s polling")
    parser.add_argument("--window", type=float, default=95.0, help="seconds of the idle app's traffic counted")
    parser.add_argument("--redis", default="memory://", help="the Redis the BPP uses (an empty database)")
    args = parser.parse_args()
    asyncio.run(run(args.orders, args.polled, args.window, args.redis))


if __name__ == "__main__":
    main()
