"""rating → on_rating: 1–5 stars for the worker (Fulfillment/Agent) or the provider of a completed order.

The order is the buyer app's order of this transaction. Worker ratings go to the worker's aggregate
through the fulfillment service; provider ratings to `rating_aggregates`. Each subject is rated once
per order. All ratings of the message are checked before any is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.complaints.repo import RatingsRepo
from bpp.network.protocol import InboundRequest
from bpp.storage.db import Row
from bpp.storage.order_tables import orders
from fulfillment.ratings import Subject, rating_value, subject_of
from fulfillment.states import OrderStatus
from schemas.errors import BUSINESS_ERROR, FULFILLMENT_NOT_FOUND, ORDER_NOT_FOUND
from schemas.refusal import Refusal

if TYPE_CHECKING:
    from bpp.wiring.services import Services


async def _transaction_order(conn: AsyncConnection, request: InboundRequest) -> Row:
    query = select(orders).where(orders.c.bap_id == request.bap_id, orders.c.transaction_id == request.transaction_id)
    order = (await conn.execute(query)).mappings().first()
    if order is None:
        raise Refusal(
            ORDER_NOT_FOUND.code, "no order in this transaction; rate with the transaction_id of the order"
        )
    return order


def _rated(order: Mapping[str, Any], category: str | None, value: str) -> tuple[Subject, str, int]:
    """(subject, subject id, stars) for one rating, or a Refusal."""
    subject = subject_of(category)
    stars = rating_value(value)
    if order["status"] != OrderStatus.COMPLETED:
        raise Refusal(BUSINESS_ERROR.code, f"the order is {order['status']}; rate it once it is Completed")
    if subject is Subject.WORKER:
        if not order["worker_id"]:
            raise Refusal(FULFILLMENT_NOT_FOUND.code, "no worker served this order, so there is none to rate")
        return subject, order["worker_id"], stars
    return subject, order["provider_id"], stars


async def handle(services: Services, request: InboundRequest) -> None:
    now = services.clock()
    async with services.db.begin() as conn:
        order = await _transaction_order(conn, request)
        try:
            rated = [
                (rating.rating_category or "Fulfillment", *_rated(order, rating.rating_category, rating.value))
                for rating in request.model.message.all_ratings()
            ]
        except Refusal as refused:
            await services.outbox.reply(conn, request, message={"rating_ack": False}, error=refused.as_error())
            return
        repo = RatingsRepo(conn)
        for category, subject, subject_id, stars in rated:
            if not await repo.add(order["id"], subject.value, subject_id, category, stars, request.bap_id, now):
                continue  # this order already rated this subject: the first rating stands
            if subject is Subject.WORKER:
                await services.fulfillment.worker_rated(conn, subject_id, Decimal(stars))
            else:
                await repo.add_to_aggregate(subject.value, subject_id, stars, now)
        await services.outbox.reply(conn, request, message={"rating_ack": True})
