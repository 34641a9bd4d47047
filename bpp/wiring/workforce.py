"""Wiring of the workforce area: each part gets the narrow dependencies it uses, from the running services."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from bpp.orders.invoices import invoice_url
from bpp.workforce.coverage import Coverage
from bpp.workforce.job_steps import JobSteps
from bpp.workforce.matching import GeoIndex
from bpp.workforce.matching_loop import CancelForNoWorker, MatchingLoop
from bpp.workforce.offers import Offers
from bpp.workforce.presence import Presence
from bpp.workforce.workforce import Workforce

if TYPE_CHECKING:
    from datetime import datetime

    from bpp.wiring.services import Services


def build_workforce(services: Services) -> Workforce:
    """The workforce area of `services` (its ledger must exist: completions and cancellations settle there)."""
    settings, db = services.settings, services.db

    def clock() -> datetime:  # read at each call: tests move `services.clock` while the area runs
        return services.clock()

    geo = GeoIndex(services.redis)
    coverage = Coverage(db, services.redis, default_radius_km=settings.serviceability_radius_km)
    no_worker = CancelForNoWorker(
        services.outbox, lambda: services.dispatcher.wake(), services.ledger, clock, lock_rows=db.is_postgres
    )
    matching = MatchingLoop(
        db, geo, clock, radius_for=coverage.radius_for, offer_timeout_seconds=settings.offer_timeout_seconds,
        no_worker=no_worker,
    )
    presence = Presence(db, geo, clock, matching.wake)
    offers = Offers(services.unit_of_work, db, geo, presence, clock, matching.wake)
    invoice_link = partial(invoice_url, settings, services.keys)
    job_steps = JobSteps(services.unit_of_work, presence, services.ledger, clock, matching.wake, invoice_link)
    return Workforce(coverage, presence, matching, offers, job_steps, invoice_link)
