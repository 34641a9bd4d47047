"""The outbox dispatcher against a real loopback receiver: exactly-once claims, NACKs, outages, backoff, expiry."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest
import uvicorn
from sqlalchemy import select, update
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bpp.network import dispatcher as dispatcher_module
from bpp.network.delivery import backoff_seconds
from bpp.network.dispatcher import Dispatcher
from bpp.network.protocol import OrderAddress
from bpp.simulator.buyer import free_port
from bpp.storage.gateway_tables import delivery_attempts, outbox
from bpp.wiring.services import Services
from schemas.ack import ack_body, nack_body


class Receiver:
    """A buyer app's callback endpoint on loopback: counts POSTs per message_id, answers ACK or (HTTP 200) NACK."""

    def __init__(self, port: int, answer: str = "ACK") -> None:
        self.port = port
        self.answer = answer
        self.posts: Counter[str] = Counter()
        self.answering = asyncio.Event()  # clear it to hold every POST open until it is set again
        self.answering.set()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def bap_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}/ondc"

    async def _receive(self, request: Request) -> Response:
        body = orjson.loads(await request.body())
        self.posts[body["context"]["message_id"]] += 1
        await self.answering.wait()
        if self.answer == "NACK":
            return Response(nack_body("23001", "buyer app cannot take this callback now"),
                            media_type="application/json")
        return Response(ack_body(), media_type="application/json")

    async def start(self) -> None:
        app = Starlette(routes=[Route("/ondc/{action}", self._receive, methods=["POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                     access_log=False, lifespan="off"))
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A receiver on a free port, not yet started (a test starts it, or leaves it down)."""
    built = Receiver(free_port())
    yield built
    await built.stop()


async def add_callbacks(services: Services, bap_uri: str, count: int) -> list[str]:
    """`count` due on_status callbacks to `bap_uri`; their message ids."""
    async with services.db.begin() as conn:
        return [
            await services.outbox.unsolicited(
                conn,
                OrderAddress(bap_id="buyer.example", bap_uri=bap_uri, transaction_id=str(uuid.uuid4()),
                             domain="ONDC:SRV11", city="std:0522"),
                "on_status",
                {"order": {"id": f"ORDER-{number}", "status": "ACCEPTED"}},
            )
            for number in range(count)
        ]


async def outbox_row(services: Services, message_id: str) -> Any:
    async with services.db.connect() as conn:
        return (await conn.execute(select(outbox).where(outbox.c.message_id == message_id))).one()


async def change_row(services: Services, message_id: str, **values: Any) -> None:
    async with services.db.begin() as conn:
        await conn.execute(update(outbox).where(outbox.c.message_id == message_id).values(**values))


async def attempts_of(services: Services, message_id: str) -> list[Any]:
    await services.txlog.flush()
    async with services.db.connect() as conn:
        return list((await conn.execute(
            select(delivery_attempts).where(delivery_attempts.c.message_id == message_id)
            .order_by(delivery_attempts.c.attempt)
        )).all())


def roughly(moment: datetime, expected: datetime, slack: float = 0.5) -> bool:
    return expected <= moment <= expected + timedelta(seconds=slack)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)  # SQLite is single-writer: one dispatcher in serve
async def test_concurrent_dispatchers_deliver_each_callback_exactly_once(
    services: Services, receiver: Receiver
) -> None:
    await receiver.start()
    message_ids = await add_callbacks(services, receiver.bap_uri, 40)
    dispatchers = [services.new_dispatcher(batch=4) for _ in range(4)]

    async def drain(dispatcher: Dispatcher) -> int:
        rounds = 0
        while await dispatcher.run_once():
            rounds += 1
        return rounds

    rounds = await asyncio.gather(*(drain(dispatcher) for dispatcher in dispatchers))

    assert sum(1 for count in rounds if count) > 1, f"only one dispatcher got work ({rounds}); no contention shown"
    assert sorted(receiver.posts) == sorted(message_ids)
    assert [mid for mid, count in receiver.posts.items() if count != 1] == []
    for message_id in message_ids:
        row = await outbox_row(services, message_id)
        assert (row.status, row.attempts, row.claimed_until) == ("delivered", 1, None)


async def test_nack_in_a_200_is_a_failed_attempt_retried_until_the_deadline(
    services: Services, receiver: Receiver
) -> None:
    receiver.answer = "NACK"
    await receiver.start()
    [message_id] = await add_callbacks(services, receiver.bap_uri, 1)

    before = services.clock()
    assert await services.dispatcher.run_once() == 1
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts, row.claimed_until) == ("pending", 1, None)
    assert roughly(row.next_attempt_at, before + timedelta(seconds=backoff_seconds(1, 1.0)))
    assert row.last_error.startswith("NACK") and "23001" in row.last_error
    [attempt] = await attempts_of(services, message_id)
    assert (attempt.outcome, attempt.http_status, attempt.attempt) == ("NACK", 200, 1)
    assert await services.dispatcher.run_once() == 0, "not due again before its backoff"

    now = services.clock()
    await change_row(services, message_id, next_attempt_at=now, deadline=now + timedelta(milliseconds=100))
    assert await services.dispatcher.run_once() == 1
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts) == ("expired", 2)
    assert [a.outcome for a in await attempts_of(services, message_id)] == ["NACK", "NACK"]
    assert receiver.posts[message_id] == 2
    assert await services.dispatcher.run_once() == 0, "an expired callback is never sent again"


async def test_receiver_down_is_a_network_error_then_delivered_once_it_is_up(
    services: Services, receiver: Receiver
) -> None:
    [message_id] = await add_callbacks(services, receiver.bap_uri, 1)

    assert await services.dispatcher.run_once() == 1
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts) == ("pending", 1)
    [attempt] = await attempts_of(services, message_id)
    assert (attempt.outcome, attempt.http_status) == ("network_error", None)
    assert "Connect" in attempt.error

    await receiver.start()
    for _ in range(60):
        await services.dispatcher.run_once()
        if (await outbox_row(services, message_id)).status == "delivered":
            break
        await asyncio.sleep(0.05)
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 2, None)
    assert receiver.posts[message_id] == 1
    assert [a.outcome for a in await attempts_of(services, message_id)] == ["network_error", "ACK"]


def test_backoff_doubles_from_half_a_second_up_to_the_cap() -> None:
    assert [backoff_seconds(attempt, 5.0) for attempt in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


async def test_dispatcher_waits_no_longer_than_the_backoff_cap(services: Services, receiver: Receiver) -> None:
    receiver.answer = "NACK"
    await receiver.start()
    [message_id] = await add_callbacks(services, receiver.bap_uri, 1)
    await change_row(services, message_id, attempts=20)  # uncapped: 0.5 s × 2**20, about six days

    before = services.clock()
    assert await services.dispatcher.run_once() == 1
    row = await outbox_row(services, message_id)
    cap = services.settings.callback_max_backoff_seconds
    assert (row.status, row.attempts) == ("pending", 21)
    assert roughly(row.next_attempt_at, before + timedelta(seconds=cap))


async def test_backoff_stays_capped_after_a_thousand_attempts(services: Services, receiver: Receiver) -> None:
    receiver.answer = "NACK"
    await receiver.start()
    [message_id] = await add_callbacks(services, receiver.bap_uri, 1)
    await change_row(services, message_id, attempts=1100)  # a buyer app down ~9 h at the default 30 s cap

    before = services.clock()
    await services.dispatcher.run_once()
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts) == ("pending", 1101)
    assert roughly(row.next_attempt_at, before + timedelta(seconds=services.settings.callback_max_backoff_seconds))


async def test_a_claim_is_renewed_while_its_attempt_runs_and_lapses_soon_after_its_owner_stops(
    services: Services, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatcher_module, "LEASE", timedelta(milliseconds=300))
    monkeypatch.setattr(dispatcher_module, "RENEW_EVERY", 0.1)
    receiver.answering.clear()
    await receiver.start()
    [message_id] = await add_callbacks(services, receiver.bap_uri, 1)

    attempt = asyncio.create_task(services.dispatcher.run_once())
    while not receiver.posts[message_id]:
        await asyncio.sleep(0.01)
    first_claim = (await outbox_row(services, message_id)).claimed_until
    while (await outbox_row(services, message_id)).claimed_until <= first_claim + timedelta(milliseconds=300):
        await asyncio.sleep(0.02)  # until the lease has been renewed past where it first ran out
    assert await services.new_dispatcher().run_once() == 0, "a live attempt's claim was taken over"
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts) == ("pending", 1), "an attempt is counted when it starts"

    receiver.answering.set()
    assert await attempt == 1
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts, row.claimed_until) == ("delivered", 1, None)


async def test_an_attempt_cut_short_by_a_crash_is_counted_when_the_deadline_then_passes(services: Services) -> None:
    [message_id] = await add_callbacks(services, "http://127.0.0.1:9/ondc", 1)
    now = services.clock()
    # as a process killed mid-attempt leaves its row: attempt 1 counted, the claim never released, then down
    await change_row(services, message_id, attempts=1, claimed_until=now - timedelta(seconds=1),
                     deadline=now - timedelta(seconds=2))

    assert await services.dispatcher.run_once() == 1
    row = await outbox_row(services, message_id)
    assert (row.status, row.attempts, row.claimed_until) == ("expired", 1, None)
    assert "attempt 1 was cut short when the process stopped" in row.last_error
