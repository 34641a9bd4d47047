"""Demo mode: the demo workers accept offers, travel, arrive, start with the OTP and complete.

One step per job every `settings.demo_step_seconds`; the OTP reaches the simulated worker the way
a customer would read it out, through the fulfillment service's OTP listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from functools import partial
from typing import TYPE_CHECKING

from sqlalchemy import select

from bpp.platform.background import BackgroundLoop
from bpp.storage.order_tables import orders
from bpp.storage.worker_tables import offers, workers
from bpp.workforce.service import cash_due
from fulfillment.states import FulfillmentState
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.wiring.services import Services

log = logging.getLogger(__name__)
MIN_STEP_SECONDS = 0.05


def simulated_workers(services: Services) -> BackgroundLoop:
    """The loop (not yet started) that moves every demo worker's offer or job one step each demo step."""
    otps: dict[str, str] = {}
    services.fulfillment.otp_listeners.append(lambda order_id, otp: otps.__setitem__(order_id, otp))
    step = max(services.settings.demo_step_seconds, MIN_STEP_SECONDS)
    return BackgroundLoop("demo-workers", partial(_one_round, services, otps), pause=step, pause_first=True)


async def _one_round(services: Services, otps: dict[str, str]) -> None:
    fulfillment = services.fulfillment
    now = services.clock()
    async with services.db.connect() as conn:
        open_offers = (
            await conn.execute(
                select(offers.c.id, offers.c.worker_id)
                .join(workers, workers.c.id == offers.c.worker_id)
                .where(workers.c.demo.is_(True), offers.c.outcome == "pending", offers.c.expires_at > now)
            )
        ).all()
        jobs = (
            await conn.execute(
                select(orders.c.id, orders.c.worker_id, orders.c.fulfillment_state, orders.c.total, orders.c.payment)
                .join(workers, workers.c.id == orders.c.worker_id)
                .where(workers.c.demo.is_(True), orders.c.status.in_(("Accepted", "In-progress")))
            )
        ).all()
    for offer in open_offers:
        await _quietly(fulfillment.accept_offer(offer.worker_id, offer.id))
    accepted_now = {offer.worker_id for offer in open_offers}
    for job in jobs:
        if job.worker_id in accepted_now:
            continue
        state = FulfillmentState(job.fulfillment_state)
        if state is FulfillmentState.PENDING:
            await _quietly(fulfillment.mark_travelling(job.worker_id, job.id))
        elif state is FulfillmentState.IN_TRANSIT:
            await _quietly(fulfillment.mark_arrived(job.worker_id, job.id))
        elif state is FulfillmentState.AT_LOCATION and job.id in otps:
            await _quietly(fulfillment.start_service(job.worker_id, job.id, otps.pop(job.id)))
        elif state is FulfillmentState.AT_LOCATION:
            await _quietly(fulfillment.reissue_otp(job.worker_id, job.id))
        elif state is FulfillmentState.SERVICE_STARTED:
            await _quietly(fulfillment.complete(job.worker_id, job.id, cash_due(job.payment, job.total)))


async def _quietly(step: Awaitable[object]) -> None:
    """Run one worker step; a refusal (the buyer cancelled meanwhile) is logged, not fatal."""
    try:
        await step
    except Refusal as exc:
        log.info("demo worker step refused: %s", exc.message)
