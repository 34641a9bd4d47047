"""The `order` message of an engagement as every callback carries it (on_confirm, on_status, on_update), and the
unsolicited on_status that tells the buyer app a visit moved (docs/engagements.md section 5: "per-visit progress").

Both read the engagement's item and provider and its stored visits in play inside the caller's transaction, so a
visit's step and the callback telling it commit together.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.repo import CatalogRepo
from bpp.engagements.service import EngagementService, OndcOrder
from bpp.engagements.wire import order_message
from bpp.network.outbox import Outbox
from bpp.network.protocol import OrderAddress
from catalog import ordering
from catalog.formats import timestamp
from fulfillment.engagement import Engagement, india_today


async def engagement_message(clock: Callable[[], datetime], conn: AsyncConnection, engagement: Engagement,
                             order: OndcOrder) -> dict[str, Any]:
    """The callback `message`: the engagement (F1) with its visits in play, the first month's quote, the payment."""
    now = clock()
    repo = CatalogRepo(conn)
    provider = await repo.provider(engagement.service.provider_id)
    if provider is None:
        raise LookupError(f"provider {engagement.service.provider_id} of engagement {engagement.id} is gone")
    item = await repo.item(engagement.service.item_id)
    visits = await EngagementService(clock).visits_in_play(conn, engagement)
    return {"order": order_message(
        engagement, order, EngagementService.first_month(engagement), visits, location_id=provider.location_id,
        cancellation_terms=ordering.cancellation_terms(item) if item is not None else [],
        today=india_today(now), updated_at_text=timestamp(engagement.timeline.updated_at or now),
    )}


async def send_status(clock: Callable[[], datetime], conn: AsyncConnection, outbox: Outbox,
                      engagement: Engagement) -> str | None:
    """Store an unsolicited on_status of the engagement as it is now for its buyer app (the dispatcher sends it
    after the commit); None, sending nothing, for an engagement booked without a buyer app."""
    found = await EngagementService(clock).by_transaction_of(conn, engagement.id)
    buyer_app = engagement.channel.buyer_app
    if found is None or buyer_app is None:
        return None
    address = OrderAddress(buyer_app.bap_id, buyer_app.bap_uri, found.transaction_id, engagement.channel.domain,
                           engagement.channel.city)
    return await outbox.unsolicited(conn, address, "on_status",
                                    await engagement_message(clock, conn, engagement, found))
