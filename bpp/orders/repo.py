"""Orders in the `orders` table as `fulfillment.order.Order` aggregates, and their events in `order_events`.

No `orders` row leaves this module: callers get an `Order` (or None), and give one back to `add` or `save`;
the few reads that need a handful of columns of many orders return a small frozen read model (JobSummary)
or plain values.
`save` is the optimistic lock: it writes only if the stored `version` is still the one the order was read
at, so two changes that raced cannot both win (the loser is refused and reads the order again).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Select, case, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.notify import normalise_phone
from bpp.storage.db import Row
from bpp.storage.order_tables import order_events, orders
from fulfillment.order import (
    CHANNEL_KINDS,
    BookedService,
    BuyerApp,
    Channel,
    CustomerDetails,
    Order,
    OrderEvent,
    PaymentTerms,
    Progress,
    Quote,
    Slot,
    channel_kind,
)
from fulfillment.states import FulfillmentState
from schemas.enums import OrderStatus
from schemas.errors import INVALID_ORDER_STATE, ORDER_NOT_FOUND
from schemas.refusal import Refusal


class OrderChangedMeanwhile(Refusal):
    """Someone saved the order after it was read; read it again and decide again."""

    def __init__(self, order_id: str) -> None:
        super().__init__(
            INVALID_ORDER_STATE.code,
            f"order {order_id} changed meanwhile; read it again and retry",
            message_hi="ऑर्डर बदल गया; फिर से खोलें।",
        )


@dataclass(frozen=True, slots=True)
class JobSummary:
    """What an offer shows a worker of the order: the kind of job, where, for how much, and when."""

    category_id: str
    end_location: Mapping[str, Any]
    total: Decimal
    slot_start: datetime | None


@dataclass(frozen=True, slots=True)
class ChannelFigures:
    """How many orders one channel brought in a period, how they ended, and what they were worth (Decimal)."""

    channel: str
    orders: int
    completed: int
    cancelled: int
    completed_value: Decimal


def order_not_found(bap_id: str, buyer_order_id: str) -> Refusal:
    """30018 for a buyer app's order id that names none of its orders (never another app's order)."""
    return Refusal(ORDER_NOT_FOUND.code, f"order {buyer_order_id!r} not found for {bap_id}; check the order id")


class OrderRepo:
    """The orders of one transaction (`conn`); `lock_rows` takes a row lock on reads (PostgreSQL)."""

    def __init__(self, conn: AsyncConnection, *, lock_rows: bool = False) -> None:
        self._conn = conn
        self._lock_rows = lock_rows

    async def get(self, order_id: str) -> Order | None:
        return await self._one(select(orders).where(orders.c.id == order_id))

    async def get_by_buyer_order(self, bap_id: str, buyer_order_id: str) -> Order | None:
        """The order a buyer app gave this id to (unique per buyer app)."""
        query = select(orders).where(orders.c.bap_id == bap_id, orders.c.buyer_order_id == buyer_order_id)
        return await self._one(query)

    async def of_buyer(self, bap_id: str, buyer_order_id: str) -> Order:
        """The order a buyer app names by its own id, or the 30018 refusal."""
        order = await self.get_by_buyer_order(bap_id, buyer_order_id)
        if order is None:
            raise order_not_found(bap_id, buyer_order_id)
        return order

    async def of_worker(self, worker_id: str) -> list[Order]:
        """The orders assigned to a worker, the most recently changed first."""
        query = select(orders).where(orders.c.worker_id == worker_id).order_by(orders.c.updated_at.desc())
        return [_order(row) for row in (await self._conn.execute(query)).mappings()]

    async def in_hand(self, worker_ids: Collection[str]) -> list[Order]:
        """The orders these workers hold and have not finished (Accepted or In-progress)."""
        in_hand = (OrderStatus.ACCEPTED.value, OrderStatus.IN_PROGRESS.value)
        query = select(orders).where(orders.c.worker_id.in_(list(worker_ids)), orders.c.status.in_(in_hand))
        return [_order(row) for row in (await self._conn.execute(query)).mappings()]

    async def many(self, order_ids: Collection[str]) -> dict[str, Order]:
        """These orders by id (one read for a department's visits: a work order has up to hundreds)."""
        query = select(orders).where(orders.c.id.in_(list(order_ids)))
        return {row["id"]: _order(row) for row in (await self._conn.execute(query)).mappings()}

    async def job_summaries(self, order_ids: Collection[str]) -> dict[str, JobSummary]:
        """The JobSummary of each of these orders, by order id."""
        query = select(
            orders.c.id, orders.c.category_id, orders.c.end_location, orders.c.total, orders.c.slot_start
        ).where(orders.c.id.in_(list(order_ids)))
        return {
            row.id: JobSummary(row.category_id, row.end_location, row.total, row.slot_start)
            for row in await self._conn.execute(query)
        }

    async def of_customer_phone(self, phone: str, limit: int = 20) -> list[Order]:
        """The orders of the customer with this mobile number (ten digits), newest first, whatever their channel."""
        query = (
            select(orders).where(orders.c.customer_phone == phone).order_by(orders.c.created_at.desc()).limit(limit)
        )
        return [_order(row) for row in (await self._conn.execute(query)).mappings()]

    async def listing(
        self, *, channel: str | None = None, city: str | None = None, status: OrderStatus | None = None,
        category: str | None = None, created: tuple[datetime, datetime] | None = None,
        customer_phone: str | None = None, reference: str | None = None, limit: int = 200,
    ) -> list[Order]:
        """The newest orders, of one channel (a name such as `helpline`, or a kind such as `ondc` for every buyer
        app), city, status, service category, creation period [start, end), customer mobile (ten digits) and
        reference (our order id, the buyer app's order id or the transaction id) when given."""
        query = select(orders).order_by(orders.c.created_at.desc(), orders.c.id).limit(limit)
        if channel is not None:
            query = query.where(in_channel(orders.c.channel, channel))
        if city is not None:
            query = query.where(orders.c.city == city)
        if status is not None:
            query = query.where(orders.c.status == status.value)
        if category is not None:
            query = query.where(orders.c.category_id == category)
        if created is not None:
            query = query.where(orders.c.created_at >= created[0], orders.c.created_at < created[1])
        if customer_phone is not None:
            query = query.where(orders.c.customer_phone == customer_phone)
        if reference is not None:
            query = query.where(or_(orders.c.id == reference, orders.c.buyer_order_id == reference,
                                    orders.c.transaction_id == reference))
        return [_order(row) for row in (await self._conn.execute(query)).mappings()]

    async def channel_figures(
        self, start: datetime, end: datetime, *, city: str | None = None
    ) -> list[ChannelFigures]:
        """Per channel, the orders created in [start, end): how many, how many completed or cancelled, and the
        total of the completed ones."""
        completed = orders.c.status == OrderStatus.COMPLETED.value
        # summed in whole paise: SQLite sums NUMERIC as floating point
        paise = cast(func.round(orders.c.total * 100), BigInteger)
        query = (
            select(
                orders.c.channel,
                func.count(),
                func.sum(case((completed, 1), else_=0)),
                func.sum(case((orders.c.status == OrderStatus.CANCELLED.value, 1), else_=0)),
                func.coalesce(func.sum(case((completed, paise), else_=0)), 0),
            )
            .where(orders.c.created_at >= start, orders.c.created_at < end)
            .group_by(orders.c.channel)
            .order_by(orders.c.channel)
        )
        if city is not None:
            query = query.where(orders.c.city == city)
        return [
            ChannelFigures(channel, count, int(done), int(cancelled), Decimal(int(value)).scaleb(-2))
            for channel, count, done, cancelled, value in await self._conn.execute(query)
        ]

    async def cities_of_transaction(self, transaction_id: str) -> list[str]:
        """The cities of the orders carrying this transaction id (from any buyer app): who may read its log."""
        query = select(orders.c.city).where(orders.c.transaction_id == transaction_id)
        return list((await self._conn.execute(query)).scalars())

    async def last_event_at(self, order_id: str, kind: str) -> datetime | None:
        """When the order's latest event of `kind` happened (None if it never did)."""
        query = select(func.max(order_events.c.at)).where(
            order_events.c.order_id == order_id, order_events.c.kind == kind
        )
        at: datetime | None = (await self._conn.execute(query)).scalar_one()
        return at

    async def events(self, order_id: str) -> list[OrderEvent]:
        """Everything that happened to the order, oldest first: its story and its audit (staff events are
        `staff:<id>`'s)."""
        query = select(order_events).where(order_events.c.order_id == order_id).order_by(
            order_events.c.at, order_events.c.id)
        return [
            OrderEvent(row.kind, row.actor, row.at, row.detail or {}) for row in await self._conn.execute(query)
        ]

    async def get_by_transaction(self, bap_id: str, transaction_id: str) -> Order | None:
        """The order of a buyer app's transaction: a transaction holds at most one."""
        query = select(orders).where(orders.c.bap_id == bap_id, orders.c.transaction_id == transaction_id)
        return await self._one(query)

    async def add(self, order: Order) -> None:
        """Store a new order and the events it raised."""
        await self._conn.execute(orders.insert().values(**_row(order), version=order.version))
        await self._append_events(order)
        order.stored(order.version)

    async def save(self, order: Order) -> None:
        """Store the order's changes and events if nobody saved it since it was read; else OrderChangedMeanwhile."""
        new_version = order.version + 1
        result = await self._conn.execute(
            update(orders)
            .where(orders.c.id == order.id, orders.c.version == order.version)
            .values(**_changing_columns(order), version=new_version)
        )
        if result.rowcount != 1:
            raise OrderChangedMeanwhile(order.id)
        await self._append_events(order)
        order.stored(new_version)

    async def _one(self, query: Select[Any]) -> Order | None:
        if self._lock_rows:
            query = query.with_for_update()
        row = (await self._conn.execute(query)).mappings().first()
        return _order(row) if row is not None else None

    async def _append_events(self, order: Order) -> None:
        if order.pending_events:
            rows = [_event_row(order.id, event) for event in order.pending_events]
            await self._conn.execute(order_events.insert(), rows)


def _order(row: Row) -> Order:
    slot = Slot(row["slot_start"], row["slot_end"]) if row["slot_start"] and row["slot_end"] else None
    progress = Progress(
        status=OrderStatus(row["status"]),
        fulfillment_state=FulfillmentState(row["fulfillment_state"]),
        slot=slot,
        payment=PaymentTerms(row["payment"]),
        updated_at=row["updated_at"],
        worker_id=row["worker_id"],
        worker_assigned_gps=row["worker_assigned_gps"],
        otp_hash=row["otp_hash"],
        otp_attempts=row["otp_attempts"],
        cancellation=row["cancellation"],
    )
    return Order(
        id=row["id"],
        buyer_order_id=row["buyer_order_id"],
        buyer_created_at=row["buyer_created_at"],
        transaction_id=row["transaction_id"],
        channel=Channel(row["channel"], row["domain"], row["city"], _buyer_app(row)),
        service=BookedService(row["provider_id"], row["item_id"], row["item_version"], row["category_id"]),
        quote=Quote.from_snapshot(row["quote"], total=row["total"]),
        details=CustomerDetails(row["customer"], row["end_location"], row["billing"]),
        terms=row["terms"],
        created_at=row["created_at"],
        progress=progress,
        version=row["version"],
    )


def in_channel(column: ColumnElement[str], channel: str) -> ColumnElement[bool]:
    """`column` names the channel given (`helpline`, `ondc:bap.example`) or one of a kind (`ondc`: every buyer
    app); ValueError when `channel` is neither."""
    if channel in CHANNEL_KINDS:
        return (column == channel) | column.startswith(f"{channel}:", autoescape=True)
    channel_kind(channel)  # refuses a name no channel has
    return column == channel


def _buyer_app(row: Row) -> BuyerApp | None:
    return BuyerApp(row["bap_id"], row["bap_uri"]) if row["bap_id"] is not None else None


def _changing_columns(order: Order) -> dict[str, Any]:
    """The columns an order's methods may change: its progress, and the quote a reschedule fee adds to."""
    progress = order.progress
    return {
        "quote": dict(order.quote.snapshot),
        "total": order.quote.total,
        "status": progress.status.value,
        "fulfillment_state": progress.fulfillment_state.value,
        "slot_start": progress.slot.start if progress.slot else None,
        "slot_end": progress.slot.end if progress.slot else None,
        "payment": dict(progress.payment.snapshot),
        "updated_at": progress.updated_at,
        "worker_id": progress.worker_id,
        "worker_assigned_gps": progress.worker_assigned_gps,
        "otp_hash": progress.otp_hash,
        "otp_attempts": progress.otp_attempts,
        "cancellation": dict(progress.cancellation) if progress.cancellation is not None else None,
    }


def _row(order: Order) -> dict[str, Any]:
    """Every column of the order but `version` (the repository owns that)."""
    buyer_app = order.channel.buyer_app
    return {
        "id": order.id,
        "channel": order.channel.name,
        "bap_id": buyer_app.bap_id if buyer_app is not None else None,
        "bap_uri": buyer_app.bap_uri if buyer_app is not None else None,
        "transaction_id": order.transaction_id,
        "buyer_order_id": order.buyer_order_id,
        "buyer_created_at": order.buyer_created_at,
        "domain": order.channel.domain,
        "city": order.channel.city,
        "provider_id": order.service.provider_id,
        "item_id": order.service.item_id,
        "item_version": order.service.item_version,
        "category_id": order.service.category_id,
        "currency": order.quote.currency,
        "customer": dict(order.details.customer),
        "customer_phone": normalise_phone(str(order.details.customer.get("phone") or "")),
        "end_location": dict(order.details.end_location),
        "billing": dict(order.details.billing),
        "terms": dict(order.terms) if order.terms is not None else None,
        "created_at": order.created_at,
        **_changing_columns(order),
    }


def _event_row(order_id: str, event: OrderEvent) -> dict[str, Any]:
    return {
        "order_id": order_id, "at": event.at, "kind": event.kind, "actor": event.actor, "detail": dict(event.detail),
    }


def message_fields(order: Order) -> dict[str, Any]:
    """The order as `catalog.order_message.build_order` reads it (catalog sits below the domain's Order)."""
    return {**_row(order), "version": order.version}
