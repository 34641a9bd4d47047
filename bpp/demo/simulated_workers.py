"""Demo mode: the demo workers accept offers, travel, arrive, start with the OTP and complete.

One step per job every `settings.demo_step_seconds`; the OTP reaches the simulated worker the way
a customer would read it out, through the job steps' OTP listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from functools import partial

from sqlalchemy import select

from bpp.orders.repo import OrderRepo
from bpp.platform.background import BackgroundLoop
from bpp.storage.db import Database
from bpp.storage.worker_tables import offers, workers
from bpp.workforce.workforce import Workforce
from fulfillment.states import FulfillmentState
from schemas.refusal import Refusal

log = logging.getLogger(__name__)
MIN_STEP_SECONDS = 0.05


def simulated_workers(
    db: Database, workforce: Workforce, clock: Callable[[], datetime], step_seconds: float
) -> BackgroundLoop:
    """The loop (not yet started) that moves every demo worker's offer or job one step each `step_seconds`."""
    otps: dict[str, str] = {}
    workforce.job_steps.otp_listeners.append(lambda order_id, otp: otps.__setitem__(order_id, otp))
    round_ = partial(_one_round, db, workforce, clock, otps)
    return BackgroundLoop("demo-workers", round_, pause=max(step_seconds, MIN_STEP_SECONDS), pause_first=True)


async def _one_round(db: Database, workforce: Workforce, clock: Callable[[], datetime], otps: dict[str, str]) -> None:
    offer_answers, steps = workforce.offers, workforce.job_steps
    now = clock()
    async with db.connect() as conn:
        open_offers = (
            await conn.execute(
                select(offers.c.id, offers.c.worker_id)
                .join(workers, workers.c.id == offers.c.worker_id)
                .where(workers.c.demo.is_(True), offers.c.outcome == "pending", offers.c.expires_at > now)
            )
        ).all()
        demo_workers = (await conn.execute(select(workers.c.id).where(workers.c.demo.is_(True)))).scalars().all()
        jobs = await OrderRepo(conn).in_hand(demo_workers)
    for offer in open_offers:
        await _quietly(offer_answers.accept(offer.worker_id, offer.id))
    accepted_now = {offer.worker_id for offer in open_offers}
    for job in jobs:
        worker_id = job.worker_id
        if worker_id is None or worker_id in accepted_now:
            continue
        state = job.fulfillment_state
        if state is FulfillmentState.PENDING:
            await _quietly(steps.mark_travelling(worker_id, job.id))
        elif state is FulfillmentState.IN_TRANSIT:
            await _quietly(steps.mark_arrived(worker_id, job.id))
        elif state is FulfillmentState.AT_LOCATION and job.id in otps:
            await _quietly(steps.start_service(worker_id, job.id, otps.pop(job.id)))
        elif state is FulfillmentState.AT_LOCATION:
            await _quietly(steps.reissue_otp(worker_id, job.id))
        elif state is FulfillmentState.SERVICE_STARTED:
            await _quietly(steps.complete(worker_id, job.id, job.cash_due))


async def _quietly(step: Awaitable[object]) -> None:
    """Run one worker step; a refusal (the buyer cancelled meanwhile) is logged, not fatal."""
    try:
        await step
    except Refusal as exc:
        log.info("demo worker step refused: %s", exc.message)
