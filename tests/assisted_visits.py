"""Driving an assisted booking's visit to its end in tests: the nearest worker takes it, comes, starts with the OTP the
citizen got by SMS, and completes it."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal

from sqlalchemy import select

from bpp.storage.notify_tables import sms_messages
from bpp.storage.worker_tables import offers
from bpp.wiring.services import Services
from fulfillment.states import OrderStatus


async def complete_visit(services: Services, order_id: str, cash: Decimal | None = None) -> str:
    """Run matching until the order has an offer, then the worker's steps through completion with `cash` collected
    at the door; returns her id."""
    for _ in range(200):
        await services.fulfillment.matching.run_once()
        async with services.db.connect() as conn:
            offer = (await conn.execute(select(offers).where(offers.c.order_id == order_id,
                                                             offers.c.outcome == "pending"))).mappings().first()
        if offer is not None:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError(f"no offer for {order_id}")
    worker_id, steps = str(offer["worker_id"]), services.fulfillment.job_steps
    await services.fulfillment.offers.accept(worker_id, offer["id"])
    await steps.mark_travelling(worker_id, order_id)
    await steps.mark_arrived(worker_id, order_id)
    async with services.db.connect() as conn:
        text = (await conn.execute(
            select(sms_messages.c.text).where(sms_messages.c.idempotency_key.like(f"worker_assigned:{order_id}:%"))
            .order_by(sms_messages.c.id.desc())
        )).scalars().first()
    otp = re.search(r"OTP (\d{4})", text or "")
    assert otp is not None, f"no start OTP by SMS for {order_id}"
    await steps.start_service(worker_id, order_id, otp.group(1))
    done = await steps.complete(worker_id, order_id, cash)
    assert done.status is OrderStatus.COMPLETED
    return worker_id
