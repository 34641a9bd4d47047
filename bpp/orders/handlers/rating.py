"""rating → on_rating: 1–5 stars for the worker (Fulfillment/Agent) or the provider of a completed order.

The order is the buyer app's order of this transaction. Worker ratings go to the worker's aggregate
through the fulfillment service; provider ratings to `rating_aggregates`. Each subject is rated once
per order. All ratings of the message are checked before any is stored.
"""

from __future__ import annotations

from decimal import Decimal

from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.ratings_repo import RatingsRepo
from bpp.orders.repo import OrderRepo
from fulfillment.order import Order
from fulfillment.ratings import Subject, rating_value, subject_of
from fulfillment.states import OrderStatus
from schemas.beckn import RatingRequest
from schemas.errors import BUSINESS_ERROR, FULFILLMENT_NOT_FOUND, ORDER_NOT_FOUND
from schemas.refusal import Refusal


async def _transaction_order(orders: OrderRepo, request: InboundRequest[RatingRequest]) -> Order:
    order = await orders.get_by_transaction(request.bap_id, request.transaction_id)
    if order is None:
        raise Refusal(
            ORDER_NOT_FOUND.code, "no order in this transaction; rate with the transaction_id of the order"
        )
    return order


def _rated(order: Order, category: str | None, value: str) -> tuple[Subject, str, int]:
    """(subject, subject id, stars) for one rating, or a Refusal."""
    subject = subject_of(category)
    stars = rating_value(value)
    if order.status != OrderStatus.COMPLETED:
        raise Refusal(BUSINESS_ERROR.code, f"the order is {order.status}; rate it once it is Completed")
    if subject is Subject.WORKER:
        worker_id = order.progress.worker_id
        if not worker_id:
            raise Refusal(FULFILLMENT_NOT_FOUND.code, "no worker served this order, so there is none to rate")
        return subject, worker_id, stars
    return subject, order.service.provider_id, stars


async def handle(deps: OrderDeps, request: InboundRequest[RatingRequest]) -> None:
    now = deps.clock()
    async with deps.unit_of_work() as uow:
        order = await _transaction_order(uow.orders, request)
        try:
            rated = [
                (rating.rating_category or "Fulfillment", *_rated(order, rating.rating_category, rating.value))
                for rating in request.model.message.all_ratings()
            ]
        except Refusal as refused:
            await uow.outbox.reply(request, message={"rating_ack": False}, error=refused.as_error())
            await uow.commit()
            return
        repo = RatingsRepo(uow.conn)
        for category, subject, subject_id, stars in rated:
            if not await repo.add(order.id, subject.value, subject_id, category, stars, request.bap_id, now):
                continue  # this order already rated this subject: the first rating stands
            if subject is Subject.WORKER:
                await deps.fulfillment.job_steps.worker_rated(uow.conn, subject_id, Decimal(stars))
            else:
                await repo.add_to_aggregate(subject.value, subject_id, stars, now)
        await uow.outbox.reply(request, message={"rating_ack": True})
        await uow.commit()
