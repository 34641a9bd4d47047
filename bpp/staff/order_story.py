"""An order's whole story for the staff console's order page: the order, everything that happened to it and who
did it (its audit), the offers made and refused, the start OTP's state (never the OTP), the messages exchanged
with its buyer app, its ledger entries, ratings and complaints, and what staff may still do to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.complaints.repo import ComplaintsRepo
from bpp.orders.ratings_repo import RatingsRepo
from bpp.orders.repo import OrderRepo
from bpp.orders.summary import order_summary
from bpp.staff.txlog_api import read_transaction
from bpp.storage.auth_tables import staff_users
from bpp.storage.worker_tables import offers, workers
from catalog.formats import money
from catalog.snapshot import CatalogSnapshot
from fulfillment.cancellation import PROVIDER_REASONS
from fulfillment.order import OTP_ISSUED, Order, OrderEvent
from fulfillment.states import FINAL_STATES, FulfillmentState
from schemas.enums import OrderStatus

STAFF_PREFIX = "staff:"
WORKER_PREFIX = "worker:"


def cancel_reasons() -> list[dict[str, str]]:
    """The provider's cancellation codes staff choose from, in both languages."""
    return [{"code": r.code, "en": r.text, "hi": r.text_hi} for r in PROVIDER_REASONS.values()]


def allowed_actions(order: Order) -> dict[str, bool]:
    """Which staff actions the order's state still allows (the aggregate decides again when one is asked for)."""
    open_ = order.fulfillment_state not in FINAL_STATES
    pending = order.fulfillment_state is FulfillmentState.PENDING
    return {
        "reassign": pending and open_,
        "cancel": open_,
        "reschedule": pending and open_ and order.slot is not None,
        "refund_fee": order.status is OrderStatus.CANCELLED
        and not (order.progress.cancellation or {}).get("fee_refunded")
        and (order.cancellation_fee_due or 0) > 0,
    }


async def order_story(
    conn: AsyncConnection, order: Order, snapshot: CatalogSnapshot, ledger_entries: list[dict[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """Everything the order page shows of `order` (read on `conn`; the log writer flushed before)."""
    events = await OrderRepo(conn).events(order.id)
    issued = [event.at for event in events if event.kind == OTP_ISSUED]
    offer_rows = (await conn.execute(
        select(offers).where(offers.c.order_id == order.id).order_by(offers.c.sent_at, offers.c.id))).mappings().all()
    worker_ids = {row["worker_id"] for row in offer_rows} | _named(events, WORKER_PREFIX) | (
        {order.worker_id} if order.worker_id else set())
    for event in events:  # a reassignment names the workers it moved the order between
        worker_ids |= {str(event.detail[key]) for key in ("worker_id", "previous_worker_id") if event.detail.get(key)}
    people = await _workers(conn, worker_ids)
    officers = await _officers(conn, _named(events, STAFF_PREFIX))
    bap_id = order.channel.bap_id
    otp = order.start_otp_state(issued[-1] if issued else None, now)
    return {
        "order": {
            **order_summary(order, snapshot),
            "version": order.version,
            "domain": order.channel.domain,
            "bap_id": bap_id,
            "transaction_id": order.transaction_id,
            "buyer_order_id": order.buyer_order_id,
            "category_id": order.service.category_id,
            "customer": dict(order.details.customer),
            "end_location": dict(order.details.end_location),
            "quote": {"total": money(order.quote.total),
                      "lines": [{"title": line.title, "amount": money(line.amount)} for line in order.quote.lines]},
            "payment": {"type": order.payment.type, "collected_by": order.payment.collected_by,
                        "status": order.payment.status},
            "cancellation": dict(order.progress.cancellation) if order.progress.cancellation else None,
            "cancellation_fee_due": _money_or_none(order.cancellation_fee_due),
            "worker": people.get(order.worker_id) if order.worker_id else None,
            "late": order.is_late(now),
        },
        "actions": allowed_actions(order),
        "workers": {worker_id: person["name"] for worker_id, person in people.items()},  # names for the events
        "cancel_reasons": cancel_reasons(),
        "events": [
            {"at": event.at.isoformat(), "kind": event.kind, "actor": event.actor,
             "actor_name": _actor_name(event.actor, officers, people), "detail": dict(event.detail),
             "by_staff": event.actor.startswith(STAFF_PREFIX)}
            for event in events
        ],
        "offers": [
            {"worker_id": row["worker_id"], "worker_name": _name(people, row["worker_id"]),
             "distance_km": round(row["distance_km"], 2), "sent_at": row["sent_at"].isoformat(),
             "expires_at": row["expires_at"].isoformat(), "outcome": row["outcome"],
             "decided_at": row["decided_at"] and row["decided_at"].isoformat()}
            for row in offer_rows
        ],
        "otp": {"status": otp.status.value, "issued_at": _iso(otp.issued_at), "valid_to": _iso(otp.valid_to),
                "wrong_tries": otp.wrong_tries, "tries_left": otp.tries_left},
        # the transaction id is the buyer app's: only what it sent and was sent (an assisted order has no messages)
        "messages": (await read_transaction(conn, order.transaction_id, bap_id)).as_json() if bap_id else None,
        "ledger": ledger_entries,
        "ratings": [
            {"subject": row["subject"], "subject_id": row["subject_id"], "category": row["rating_category"],
             "value": row["value"], "rated_at": row["rated_at"].isoformat()}
            for row in await RatingsRepo(conn).of_order(order.id)
        ],
        "complaints": [
            {"id": row["id"], "kind": row["kind"], "status": row["status"], "created_at": row["created_at"].isoformat(),
             "short_desc": (row["description"] or {}).get("short_desc", ""), "filed_by": row["filed_by"]}
            for row in await ComplaintsRepo(conn).of_orders([order.id])
        ],
    }


def _named(events: Iterable[OrderEvent], prefix: str) -> set[str]:
    return {event.actor.removeprefix(prefix) for event in events if event.actor.startswith(prefix)}


async def _workers(conn: AsyncConnection, worker_ids: set[str]) -> dict[str, dict[str, Any]]:
    if not worker_ids:
        return {}
    query = select(workers.c.id, workers.c.name, workers.c.phone, workers.c.district).where(
        workers.c.id.in_(sorted(worker_ids)))
    return {row.id: dict(row._mapping) for row in await conn.execute(query)}


async def _officers(conn: AsyncConnection, staff_ids: set[str]) -> dict[str, str]:
    if not staff_ids:
        return {}
    query = select(staff_users.c.id, staff_users.c.display_name, staff_users.c.username).where(
        staff_users.c.id.in_(sorted(staff_ids)))
    return {row.id: f"{row.display_name} ({row.username})" for row in await conn.execute(query)}


def _actor_name(actor: str, officers: Mapping[str, str], people: Mapping[str, Mapping[str, Any]]) -> str:
    if actor.startswith(STAFF_PREFIX):
        return officers.get(actor.removeprefix(STAFF_PREFIX), actor)
    if actor.startswith(WORKER_PREFIX):
        return _name(people, actor.removeprefix(WORKER_PREFIX)) or actor
    return actor


def _name(people: Mapping[str, Mapping[str, Any]], worker_id: str) -> str:
    return str(people.get(worker_id, {}).get("name") or "")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _money_or_none(amount: Any) -> str | None:
    return money(amount) if amount is not None else None
