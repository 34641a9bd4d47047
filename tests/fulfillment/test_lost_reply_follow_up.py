"""A reply that could not be delivered within its ttl is followed by an unsolicited on_status with the order."""

from __future__ import annotations

import uuid
from datetime import timedelta
from types import ModuleType

import orjson
import pytest
from sqlalchemy import select, update

from bpp.storage.gateway_tables import messages, outbox
from bpp.wiring.services import Services

pytestmark = pytest.mark.asyncio
UNREACHABLE_BAP_URI = "http://127.0.0.1:9/bap"  # what fx.add_order gives its orders: nothing listens there


async def queue_on_confirm(services: Services, order_id: str, deadline_in: timedelta) -> str:
    """The buyer app's confirm as the inbox stores it, and our on_confirm reply to it; the reply's message_id."""
    message_id = str(uuid.uuid4())
    base = {"domain": "ONDC:SRV11", "city": "std:0522", "bap_id": "buyer.test", "bap_uri": UNREACHABLE_BAP_URI,
            "transaction_id": "T-" + order_id}
    now = services.clock()
    async with services.db.begin() as conn:
        await conn.execute(messages.insert().values(
            direction="in", action="confirm", bap_id="buyer.test", transaction_id="T-" + order_id,
            message_id=message_id, received_at=now, headers={}, body=b"{}", ack_status="ACK", processed_at=now))
        payload = {"context": services.outbox.callback_context(base, "on_confirm", message_id), "message": {}}
        await services.outbox.enqueue(conn, payload, UNREACHABLE_BAP_URI, now + deadline_in)
    return message_id


async def status_pushes(services: Services, order_id: str) -> list[dict]:
    async with services.db.connect() as conn:
        rows = await conn.execute(select(outbox).where(outbox.c.transaction_id == "T-" + order_id,
                                                       outbox.c.action == "on_status"))
        return [dict(row) for row in rows.mappings()]


@pytest.mark.parametrize("deadline_in", [timedelta(milliseconds=100), timedelta(seconds=-1)],
                         ids=["after-a-failed-attempt", "before-any-attempt"])
async def test_an_expired_reply_is_followed_by_the_orders_status(
    services: Services, fx: ModuleType, deadline_in: timedelta
) -> None:
    order_id = await fx.add_order(services, *fx.HAZRATGANJ)
    await fx.settle(services, [order_id])  # no worker anywhere: the order is cancelled, and stays so
    order = await fx.order_row(services, order_id)
    reply_id = await queue_on_confirm(services, order_id, deadline_in)

    await services.dispatcher.run_once()

    async with services.db.connect() as conn:
        reply = (await conn.execute(select(outbox).where(outbox.c.message_id == reply_id))).mappings().one()
    assert reply["status"] == "expired"
    [pushed] = await status_pushes(services, order_id)
    body = orjson.loads(pushed["payload"])
    assert body["context"]["message_id"] != reply_id
    assert body["context"]["bap_uri"] == UNREACHABLE_BAP_URI
    assert body["message"]["order"]["id"] == order["buyer_order_id"]
    assert body["message"]["order"]["status"] == order["status"] == "Cancelled"
    retried_for = pushed["deadline"] - pushed["created_at"]  # not the reply's ttl: as long as any unsolicited one
    assert abs(retried_for - timedelta(seconds=services.settings.unsolicited_callback_deadline_seconds)) < timedelta(
        seconds=1)

    async with services.db.begin() as conn:  # the on_status itself expiring is not followed by another
        await conn.execute(update(outbox).where(outbox.c.id == pushed["id"])
                           .values(deadline=services.clock() - timedelta(seconds=1)))
    while await services.dispatcher.run_once():
        pass
    assert [row["status"] for row in await status_pushes(services, order_id)] == ["expired"]
