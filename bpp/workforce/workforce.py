"""The workforce area as one object for its callers: its parts, started and stopped together.

Callers reach the part they need (`coverage` for search, `matching` for a confirmed order, `offers`, `offer_feed`,
`offer_alerts` and `job_steps` for the worker app, `presence` for staff changes to a worker); each part takes only the
narrow dependencies it uses, wired by `Services.new_workforce` in `bpp/wiring/services.py`.
"""

from __future__ import annotations

from collections.abc import Callable

from bpp.workforce.coverage import Coverage
from bpp.workforce.job_steps import JobSteps
from bpp.workforce.matching_loop import MatchingLoop
from bpp.workforce.offer_alerts import OfferAlerts
from bpp.workforce.offer_feed import OfferFeed
from bpp.workforce.offers import Offers
from bpp.workforce.presence import Presence


class Workforce:
    """Coverage, presence, matching, offers and job steps of this process."""

    def __init__(
        self,
        coverage: Coverage,
        presence: Presence,
        matching: MatchingLoop,
        offers: Offers,
        offer_feed: OfferFeed,
        offer_alerts: OfferAlerts,
        job_steps: JobSteps,
        invoice_url: Callable[[str], str],
    ) -> None:
        self.coverage = coverage
        self.presence = presence
        self.matching = matching
        self.offers = offers
        self.offer_feed = offer_feed
        self.offer_alerts = offer_alerts
        self.job_steps = job_steps
        self.invoice_url = invoice_url  # where the buyer app fetches a completed order's invoice

    async def start(self) -> None:
        """Load coverage and radii, put online idle workers back in the geo sets, hear offer notices, start matching."""
        await self.coverage.start()
        await self.presence.start()
        await self.offer_feed.start()
        await self.offer_alerts.start()
        self.matching.start()

    async def stop(self) -> None:
        await self.matching.stop()
        await self.offer_alerts.stop()
        await self.offer_feed.stop()
        await self.coverage.stop()
