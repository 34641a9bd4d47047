"""The transaction log, by transaction id, for staff (what ONDC asks sellers to keep, and what settles disputes)."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.orders.repo import OrderRepo
from bpp.platform.auth import Principal, require_staff
from bpp.storage.db import Row
from bpp.storage.gateway_tables import delivery_attempts, messages, outbox

router = APIRouter(prefix="/staff/api/transactions", tags=["staff"])
LogReader = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]


def _text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(raw).decode()


def _context_city(body: bytes) -> str | None:
    """The city code of a stored request's context (Beckn `location.city.code`, IGM 1.0 `city`)."""
    try:
        context = orjson.loads(body)["context"]
        location = context.get("location") or {}
        city = location["city"]["code"] if location else context["city"]
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None
    return city if isinstance(city, str) else None


def _transaction_districts(inbound: Iterable[Mapping[str, Any]], order_cities: Iterable[str]) -> set[str]:
    """The districts a transaction belongs to: its orders' cities and the cities its accepted requests named.

    Only ACKed requests count: their signature was verified, while a NACKed body may claim any city.
    """
    named = {_context_city(m["body"]) for m in inbound if m["direction"] == "in" and m["ack_status"] == "ACK"}
    return {city for city in named if city is not None} | set(order_cities)


def _check_district(staff: Principal, districts: set[str]) -> None:
    """A district officer reads only transactions wholly in her district (they hold customers' names and
    addresses); one that names no district, or another district too, is for admins."""
    if staff.role == "district_officer" and districts != {staff.district}:
        raise HTTPException(403, detail={
            "en": "This transaction is not in your district. Ask an admin if you need it.",
            "hi": "यह लेन-देन आपके ज़िले का नहीं है। ज़रूरत हो तो व्यवस्थापक से कहें।",
        })


@router.get("/{transaction_id}")
async def transaction_log(transaction_id: str, request: Request, staff: LogReader) -> dict[str, Any]:
    """Every inbound message, outbound callback and delivery attempt of one transaction, oldest first."""
    await request.app.state.txlog.flush()
    async with request.app.state.db.connect() as conn:
        record = await read_transaction(conn, transaction_id)
        order_cities = await OrderRepo(conn).cities_of_transaction(transaction_id)
    if record.inbound or order_cities or record.callbacks or record.attempts:  # an id with no record hides nothing
        _check_district(staff, _transaction_districts(record.inbound, order_cities))
    return {"transaction_id": transaction_id, **record.as_json()}


@dataclass(frozen=True, slots=True)
class TransactionRecord:
    """What the log holds of one transaction: requests in, callbacks out and each attempt to deliver one."""

    inbound: Sequence[Row]
    callbacks: Sequence[Row]
    attempts: Sequence[Row]

    def as_json(self) -> dict[str, Any]:
        return {
            "inbound": [
                {"action": m["action"], "message_id": m["message_id"], "bap_id": m["bap_id"],
                 "received_at": m["received_at"].isoformat(), "ack": m["ack_status"], "error_code": m["error_code"],
                 "error_message": m["error_message"], "duration_ms": m["duration_ms"], "headers": m["headers"],
                 "body": _text(m["body"]), "processed_at": m["processed_at"] and m["processed_at"].isoformat()}
                for m in self.inbound
            ],
            "callbacks": [
                {"action": c["action"], "message_id": c["message_id"], "target_url": c["target_url"],
                 "status": c["status"], "attempts": c["attempts"], "created_at": c["created_at"].isoformat(),
                 "deadline": c["deadline"].isoformat(), "last_error": c["last_error"], "payload": _text(c["payload"])}
                for c in self.callbacks
            ],
            "delivery_attempts": [
                {"action": a["action"], "message_id": a["message_id"], "attempt": a["attempt"],
                 "started_at": a["started_at"].isoformat(), "duration_ms": a["duration_ms"],
                 "http_status": a["http_status"], "outcome": a["outcome"], "error": a["error"],
                 "response_body": _text(a["response_body"])}
                for a in self.attempts
            ],
        }


async def read_transaction(conn: AsyncConnection, transaction_id: str, bap_id: str | None = None) -> TransactionRecord:
    """The log of one transaction, oldest first, or only what one buyer app sent and was sent in it (flush the log
    writer before, to see what it still holds)."""
    inbound = select(messages).where(messages.c.transaction_id == transaction_id).order_by(messages.c.received_at)
    callbacks = select(outbox).where(outbox.c.transaction_id == transaction_id).order_by(outbox.c.created_at)
    attempts = select(delivery_attempts).where(delivery_attempts.c.transaction_id == transaction_id).order_by(
        delivery_attempts.c.started_at)
    if bap_id is not None:
        inbound = inbound.where(messages.c.bap_id == bap_id)
        callbacks = callbacks.where(outbox.c.bap_id == bap_id)
        its_callbacks = select(outbox.c.id).where(outbox.c.transaction_id == transaction_id, outbox.c.bap_id == bap_id)
        attempts = attempts.where(delivery_attempts.c.outbox_id.in_(its_callbacks))
    found = [(await conn.execute(query)).mappings().all() for query in (inbound, callbacks, attempts)]
    return TransactionRecord(*found)
