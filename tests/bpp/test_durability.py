"""Nothing accepted is lost: callbacks survive a restart, and ACKed messages are processed after a crash."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import orjson
import pytest
from harness import start_server
from sqlalchemy import select

from bpp.simulator.buyer import BuyerApp
from bpp.storage.gateway_tables import messages, outbox
from bpp.wiring.services import Services

pytestmark = pytest.mark.asyncio


def support_request(buyer: BuyerApp, bpp_id: str, bpp_uri: str) -> dict[str, Any]:
    context = buyer.context("support", str(uuid.uuid4()), bpp_id, bpp_uri)
    return {"context": context, "message": {"support": {"ref_id": str(uuid.uuid4())}}}


async def test_callback_is_delivered_after_a_restart(server: Any, buyer: BuyerApp) -> None:
    settings = server.services.settings
    port = int(server.base_url.rsplit(":", 1)[1])
    await buyer.stop()
    body = support_request(buyer, settings.subscriber_id, server.ondc_url)
    await buyer.start()
    buyer.ack_callbacks = False  # the buyer app answers 503 until the BPP has restarted
    sent = await buyer.post(f"{server.ondc_url}/support", body)
    assert sent.acked
    await buyer.wait_for("on_support", buyer.replies_to(sent))
    await server.stop()

    restarted = await start_server(settings, port)
    try:
        buyer.ack_callbacks = True
        buyer.registry_token = restarted.app.state.demo_registry.subscribe_token  # each start makes a new one
        await buyer.subscribe()
        async with restarted.services.db.connect() as conn:
            row = (await conn.execute(select(outbox).where(outbox.c.message_id == sent.message_id))).one()
        assert row.status == "pending" and row.attempts >= 1
        delivered = [c for c in buyer.callbacks if buyer.replies_to(sent)(c)]
        await buyer.wait_for("on_support", lambda c: buyer.replies_to(sent)(c) and c not in delivered, 15)
        for _ in range(50):
            async with restarted.services.db.connect() as conn:
                status = (await conn.execute(select(outbox.c.status)
                                             .where(outbox.c.message_id == sent.message_id))).scalar_one()
            if status == "delivered":
                break
            await restarted.services.dispatcher.run_once()
        assert status == "delivered"
    finally:
        await restarted.stop()


async def store_unprocessed(services: Services, action: str, message: dict[str, object]) -> str:
    """An ACKed `action` left in the inbox unprocessed by a process that died, its claim lapsed; its message_id."""
    context = {
        "domain": "ONDC:SRV11", "location": {"city": {"code": "std:0522"}, "country": {"code": "IND"}},
        "action": action, "version": "2.0.0", "bap_id": "buyer.example", "bap_uri": "https://buyer.example/ondc",
        "bpp_id": services.settings.subscriber_id, "bpp_uri": services.settings.subscriber_url,
        "transaction_id": str(uuid.uuid4()), "message_id": str(uuid.uuid4()),
        "timestamp": "2026-01-01T00:00:00.000Z", "ttl": "PT30S",
    }
    now = services.clock()
    async with services.db.begin() as conn:
        await conn.execute(messages.insert().values(
            direction="in", action=action, bap_id="buyer.example", transaction_id=context["transaction_id"],
            message_id=context["message_id"], received_at=now, headers={},
            body=orjson.dumps({"context": context, "message": message}), ack_status="ACK",
            claimed_until=now - timedelta(seconds=1)))
    return str(context["message_id"])


async def recovered(services: Services, message_id: str) -> bool:
    """Run recovery; True once the message is marked processed (the background sweeper may win the claim)."""
    await services.inbox.recover()
    for _ in range(100):
        async with services.db.connect() as conn:
            processed = (await conn.execute(select(messages.c.processed_at)
                                            .where(messages.c.message_id == message_id))).scalar_one()
        if processed is not None:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_acked_message_left_unprocessed_by_a_crash_is_processed_on_recovery(services: Services) -> None:
    message_id = await store_unprocessed(services, "support", {"support": {"ref_id": "ORDER-1"}})

    assert await recovered(services, message_id)
    async with services.db.connect() as conn:
        callback = (await conn.execute(select(outbox).where(outbox.c.message_id == message_id))).one()
    assert callback.action == "on_support"
    assert callback.target_url == "https://buyer.example/ondc/on_support"
    assert await services.inbox.recover() == 0


async def test_a_refused_message_is_answered_once_and_not_run_again(services: Services) -> None:
    """A handler's refusal is final: the sweeper must not run the message again (and answer it again)."""
    message_id = await store_unprocessed(services, "status", {"order_id": "NO-SUCH-ORDER"})

    assert await recovered(services, message_id)
    assert await services.inbox.recover() == 0
    async with services.db.connect() as conn:
        [answer] = (await conn.execute(select(outbox).where(outbox.c.message_id == message_id))).all()
    assert answer.action == "on_status" and orjson.loads(answer.payload)["error"]["code"] == "30018"
