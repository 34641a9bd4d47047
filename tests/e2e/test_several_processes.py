"""Two `serve` and two `dispatcher` processes on one PostgreSQL database and one Redis (issue 12.3).

ORDERS orders, started over a few seconds and in flight together, alternate between the two servers; one
server is killed with SIGKILL while they run, and what was sent to it afterwards goes to the other (as a reverse
proxy would send it). Both servers run `--demo` on the shared database: the demo data is seeded by the first and
found seeded by the second, and the simulated workers move in whichever process holds their lease.

The registry is a separate one both servers ask, as the ONDC registry is: the demo registry's routes served by
the test, knowing the buyer app (which subscribes) and the BPP (whose keys the test made), so no server's death
takes the buyer app's key with it.

Each order is followed until it has a worker or is Cancelled for want of a free one (the demo workers carry the
matched ones on meanwhile: following every order to completion would take longer than this test may). Then: no worker
held two orders at once, every order was answered (on_confirm, then matched or cancelled), every callback reached
the buyer app exactly once, and `ledger check` balances.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from harness import Backend, BppProcess, RunningServer, serve
from sqlalchemy import select

from bpp.demo.catalog_seed import demo_items
from bpp.demo.registry import DemoRegistry
from bpp.demo.registry import router as demo_registry_router
from bpp.simulator.buyer import BuyerApp, Callback, SentRequest, free_port
from bpp.simulator.journey import Journey, JourneyFailed
from bpp.storage.db import Database
from bpp.storage.gateway_tables import outbox
from bpp.storage.order_tables import order_events
from catalog.taxonomy import CATEGORIES
from signing import generate_encryption_keypair, generate_signing_keypair

pytestmark = pytest.mark.asyncio
ORDERS = 200  # 40 s on this 2-core machine since each process keeps enough PostgreSQL connections (db.py)
START_EVERY = 0.1  # seconds between two orders' first requests: all are under way within 20 s
KILL_AFTER = ORDERS // 2  # orders started when the first server dies
# a reply to a message the killed server stored but never processed comes from the survivor's inbox sweeper,
# once the message's claim (30 s) has lapsed; a search it never answered is simply searched again
REPLY_SECONDS = 70.0
SEARCH_SECONDS = 10.0
MATCHING_SECONDS = 90.0  # from on_confirm; a job the killed server had claimed waits 30 s
POST_TRIES = 3
SUBSCRIBER_ID = "bpp.sevamitra.test"
UNIQUE_KEY_ID = "test-key-1"


@dataclass
class FailoverBuyer(BuyerApp):
    """A buyer app behind which a request to a dead server goes, with the same message, to the other one; it
    counts every callback it receives and waits for one by looking only at those that arrived since it last
    looked (the simulator's buyer reads them all again at each arrival, too slow for 2,000 callbacks)."""

    servers: tuple[str, str] = ("", "")
    down: set[str] = field(default_factory=set)

    def alive(self, preferred: str) -> str:
        return self.servers[1 - self.servers.index(preferred)] if preferred in self.down else preferred

    async def post(self, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> SentRequest:
        base, _, path = url.partition("/ondc/")
        for _ in range(POST_TRIES - 1):
            try:
                return await super().post(f"{self.alive(base)}/ondc/{path}", body, headers)
            except httpx.TransportError:  # it died under the request, or was too slow: send the same message again
                pass  # (a copy the server stored is acknowledged as a duplicate and answered once)
        return await super().post(f"{self.alive(base)}/ondc/{path}", body, headers)

    async def wait_for(
        self, action: str, predicate: Callable[[Callback], bool] = lambda _: True, timeout: float = 10.0
    ) -> Callback:
        return await self.first(lambda c: c.action == action and predicate(c), timeout)

    async def first(self, predicate: Callable[[Callback], bool], timeout: float) -> Callback:
        """The first callback matching `predicate`, looking at each callback once; TimeoutError after `timeout`."""
        looked, deadline = 0, time.monotonic() + timeout
        while True:
            arrived = len(self.callbacks)
            found = next((c for c in self.callbacks[looked:arrived] if predicate(c)), None)
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError
            looked = arrived
            await asyncio.sleep(0.05)


def fulfillment_state(callback: Callback) -> str:
    fulfillments = (callback.message.get("order") or {}).get("fulfillments") or [{}]
    return str(((fulfillments[0].get("state") or {}).get("descriptor") or {}).get("code") or "")


def has_worker(callback: Callback) -> bool:
    """Whether the callback's order names its worker (the fulfillment's start stop is hers)."""
    fulfillments = (callback.message.get("order") or {}).get("fulfillments") or [{}]
    return any(stop.get("type") == "start" for stop in fulfillments[0].get("stops") or ())


@dataclass
class Order(Journey):
    """A journey followed until its order has a worker (Matched, or further) or, when no worker of its trade is
    free, is Cancelled by the BPP; the demo workers carry matched orders on meanwhile."""

    outcome: str = ""

    async def search(self) -> Callback:
        """A search the killed server ACKed but had not answered died with it (searches keep no state): the
        buyer app searches again, which the dead server's address now sends to the other."""
        self.callback_timeout = SEARCH_SECONDS
        try:
            return await super().search()
        except JourneyFailed:
            return await super().search()
        finally:
            self.callback_timeout = REPLY_SECONDS

    async def _follow(self) -> dict[str, Any]:
        def settled(callback: Callback) -> bool:
            return (callback.action in ("on_status", "on_cancel")
                    and callback.context.get("transaction_id") == self.transaction_id
                    and (has_worker(callback) or fulfillment_state(callback) == "Cancelled"))

        assert isinstance(self.buyer, FailoverBuyer)
        started = time.monotonic()
        try:
            end = await self.buyer.first(settled, self.completion_timeout)
        except TimeoutError:
            self._fail("worker", f"neither matched nor cancelled within {self.completion_timeout:.0f} s", started)
        self._check(end, started)
        self.outcome = "Cancelled" if fulfillment_state(end) == "Cancelled" else "Matched"
        return dict(end.message["order"])


@pytest.fixture
async def registry() -> AsyncIterator[RunningServer]:
    """The demo registry's routes on their own, as the network's registry that every server asks."""
    app = FastAPI()
    app.state.demo_registry = DemoRegistry()
    app.include_router(demo_registry_router)
    running = await serve(app, free_port())
    yield running
    await running.stop()


def environment(backend: Backend, registry: RunningServer, public_url: str) -> dict[str, str]:
    """What every process of the deployment is configured with, the BPP's keys included (made here, and
    recorded in the registry as the operator's subscription would)."""
    signing_private, signing_public = generate_signing_keypair()
    encryption_private, encryption_public = generate_encryption_keypair()
    registry.app.state.demo_registry.add(SUBSCRIBER_ID, UNIQUE_KEY_ID, signing_public, encryption_public,
                                         public_url, "sellerApp")
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("SEVAMITRA_")},
        "SEVAMITRA_DATABASE_URL": backend.database_url,
        "SEVAMITRA_REDIS_URL": backend.redis_url,
        "SEVAMITRA_REGISTRY_URL": registry.base_url,
        "SEVAMITRA_SUBSCRIBER_ID": SUBSCRIBER_ID,
        "SEVAMITRA_UNIQUE_KEY_ID": UNIQUE_KEY_ID,
        "SEVAMITRA_SUBSCRIBER_URL": public_url,
        "SEVAMITRA_SIGNING_PRIVATE_KEY": signing_private,
        "SEVAMITRA_ENCRYPTION_PRIVATE_KEY": encryption_private,
        "SEVAMITRA_SESSION_SECRET": "several-processes-share-one-session-secret",
        "SEVAMITRA_EMBEDDED_DISPATCHER": "false",
        "SEVAMITRA_ALLOW_HTTP_CALLBACKS": "true",
        "SEVAMITRA_DEMO_STEP_SECONDS": "0.5",
        "SEVAMITRA_DISPATCHER_POLL_SECONDS": "0.05",
        "SEVAMITRA_CALLBACK_MAX_BACKOFF_SECONDS": "1",
        # two cores carry six processes and PostgreSQL here: a buyer app slow to answer must not get a callback
        # twice because its first attempt was given up on
        "SEVAMITRA_CALLBACK_TIMEOUT_SECONDS": "20",
        "SEVAMITRA_LOG_FORMAT": "text",
        # four processes within the test server's 100 connections, beside other tests' (at most 4 x 18)
        "SEVAMITRA_DATABASE_POOL_SIZE": "12",
    }


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_two_servers_and_two_dispatchers_one_server_killed_mid_way(
    backend: Backend, registry: RunningServer, tmp_path: Path
) -> None:
    ports = free_port(), free_port()
    env = environment(backend, registry, f"http://127.0.0.1:{ports[0]}/ondc")
    servers = [BppProcess(tmp_path / f"serve-{n}", ["serve", "--demo", "--port", str(port)], env, port)
               for n, port in enumerate(ports)]
    dispatchers = [BppProcess(tmp_path / f"dispatcher-{n}", ["dispatcher"], env) for n in range(2)]
    buyer = FailoverBuyer(registry_url=registry.base_url,
                          registry_token=registry.app.state.demo_registry.subscribe_token,
                          servers=(servers[0].base_url, servers[1].base_url))
    try:
        for server in servers:  # one after the other: the first seeds the demo data, the second finds it
            await server.start()
            await server.ready()
        for dispatcher in dispatchers:
            await dispatcher.start()
        await buyer.start()
        orders = await place_orders(buyer, servers)
        for server in servers:  # nothing new happens to the orders; the dispatchers deliver what is left
            await server.stop()
        await outbox_drained(backend.database_url)
    finally:
        await buyer.stop()
        for process in [*servers, *dispatchers]:
            await process.stop()
    logs = "\n".join(f"--- {process.args}\n{process.log[-3000:]}" for process in [*servers, *dispatchers])

    failures = [f"{order.transaction_id}: {result}" for order, result in orders if isinstance(result, Exception)]
    assert failures == [], "\n".join(failures[:10]) + logs
    outcomes = Counter(order.outcome for order, _ in orders)
    assert set(outcomes) <= {"Matched", "Cancelled"} and outcomes["Matched"] > 0, outcomes

    received = Counter((c.action, c.context.get("message_id")) for c in buyer.callbacks)
    assert [key for key, times in received.items() if times > 1] == [], "a callback arrived twice"
    assert all(c.signature_ok for c in buyer.callbacks)
    db = Database(backend.database_url)
    try:
        async with db.connect() as conn:
            queued = (await conn.execute(select(outbox.c.action, outbox.c.message_id, outbox.c.status))).all()
            events = (await conn.execute(select(order_events).where(
                order_events.c.kind.in_(("assigned", "completed", "cancelled"))))).mappings().all()
    finally:
        await db.dispose()
    assert [row for row in queued if row.status != "delivered"] == []
    assert {(row.action, row.message_id) for row in queued} <= set(received), "a delivered callback never arrived"
    assert double_bookings(events) == []

    checked = await asyncio.create_subprocess_exec(sys.executable, "-m", "bpp", "ledger", "check", "--json",
                                                   env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                                                   stderr=subprocess.STDOUT)
    output, _ = await asyncio.wait_for(checked.communicate(), 60)
    report = json.loads(output)
    assert checked.returncode == 0 and report["balanced"] is True, output.decode()


async def place_orders(buyer: FailoverBuyer, servers: list[BppProcess]) -> list[tuple[Order, object]]:
    """Start ORDERS orders, alternating between the servers and across the demo's trades; kill the first server
    once half have started. Returns each order with its result (or the exception that ended it)."""
    trades = sorted({item.category_id for item in demo_items()})
    orders = [Order(buyer, f"{servers[n % 2].base_url}/ondc", category=trades[n % len(trades)],
                    domain=CATEGORIES[trades[n % len(trades)]].domain, callback_timeout=REPLY_SECONDS,
                    completion_timeout=MATCHING_SECONDS) for n in range(ORDERS)]
    running = []
    for n, order in enumerate(orders):
        if n == KILL_AFTER:
            buyer.down.add(servers[0].base_url)  # as a proxy would: what is sent from now on goes to the other
            await servers[0].kill()
        running.append(asyncio.create_task(order.run()))
        await asyncio.sleep(START_EVERY)
    results = await asyncio.gather(*running, return_exceptions=True)
    return list(zip(orders, results, strict=True))


async def outbox_drained(database_url: str) -> None:
    """Wait until no callback is left to deliver (the test fails on what is left if it never happens)."""
    db = Database(database_url)
    try:
        for _ in range(int(REPLY_SECONDS / 0.2)):
            async with db.connect() as conn:
                pending = await conn.execute(select(outbox.c.id).where(outbox.c.status == "pending").limit(1))
                if pending.first() is None:
                    return
            await asyncio.sleep(0.2)
    finally:
        await db.dispose()


def double_bookings(events: list[Any]) -> list[str]:
    """From the order events: the workers two of whose orders overlap, each held from its assignment to its
    completion or cancellation (an order still open at the end holds its worker until then)."""
    assigned: dict[str, tuple[str, datetime]] = {}
    ended: dict[str, datetime] = {}
    for event in events:
        if event["kind"] == "assigned":
            assigned[event["order_id"]] = (event["actor"], event["at"])
        else:
            ended[event["order_id"]] = event["at"]
    held: dict[str, list[tuple[datetime, datetime]]] = {}
    for order_id, (worker, start) in assigned.items():
        held.setdefault(worker, []).append((start, ended.get(order_id, datetime.max.replace(tzinfo=start.tzinfo))))
    return [worker for worker, spans in held.items()
            if any(later[0] < earlier[1] for earlier, later in zip(sorted(spans), sorted(spans)[1:], strict=False))]
