"""The transaction log, by transaction id, for staff (what ONDC asks sellers to keep, and what settles disputes)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import select

from bpp.auth import Principal, require_staff
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


@router.get("/{transaction_id}")
async def transaction_log(transaction_id: str, request: Request, _: LogReader) -> dict[str, Any]:
    """Every inbound message, outbound callback and delivery attempt of one transaction, oldest first."""
    services = request.app.state.services
    await services.txlog.flush()
    async with services.db.connect() as conn:
        inbound = (await conn.execute(select(messages).where(messages.c.transaction_id == transaction_id)
                                      .order_by(messages.c.received_at))).mappings().all()
        callbacks = (await conn.execute(select(outbox).where(outbox.c.transaction_id == transaction_id)
                                        .order_by(outbox.c.created_at))).mappings().all()
        attempts = (await conn.execute(select(delivery_attempts)
                                       .where(delivery_attempts.c.transaction_id == transaction_id)
                                       .order_by(delivery_attempts.c.started_at))).mappings().all()
    return {
        "transaction_id": transaction_id,
        "inbound": [
            {"action": m["action"], "message_id": m["message_id"], "bap_id": m["bap_id"],
             "received_at": m["received_at"].isoformat(), "ack": m["ack_status"], "error_code": m["error_code"],
             "error_message": m["error_message"], "duration_ms": m["duration_ms"], "headers": m["headers"],
             "body": _text(m["body"]), "processed_at": m["processed_at"] and m["processed_at"].isoformat()}
            for m in inbound
        ],
        "callbacks": [
            {"action": c["action"], "message_id": c["message_id"], "target_url": c["target_url"],
             "status": c["status"], "attempts": c["attempts"], "created_at": c["created_at"].isoformat(),
             "deadline": c["deadline"].isoformat(), "last_error": c["last_error"], "payload": _text(c["payload"])}
            for c in callbacks
        ],
        "delivery_attempts": [
            {"action": a["action"], "message_id": a["message_id"], "attempt": a["attempt"],
             "started_at": a["started_at"].isoformat(), "duration_ms": a["duration_ms"],
             "http_status": a["http_status"], "outcome": a["outcome"], "error": a["error"],
             "response_body": _text(a["response_body"])}
            for a in attempts
        ],
    }
