"""Changing an order row: an optimistic lock on `version` and an event, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.order_tables import order_events, orders
from schemas.errors import INVALID_ORDER_STATE
from schemas.refusal import Refusal


async def save_order_change(
    conn: AsyncConnection,
    order: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    kind: str,
    actor: str,
    detail: Mapping[str, Any],
    now: datetime,
    retry_hint: str,
) -> dict[str, Any]:
    """Apply `changes` if nobody changed the order since it was read; record the event; return the new row."""
    values = {**changes, "updated_at": now, "version": order["version"] + 1}
    result = await conn.execute(
        update(orders).where(orders.c.id == order["id"], orders.c.version == order["version"]).values(**values)
    )
    if result.rowcount != 1:
        raise Refusal(INVALID_ORDER_STATE.code, f"the order changed meanwhile; {retry_hint}")
    await conn.execute(order_events.insert().values(
        order_id=order["id"], at=now, kind=kind, actor=actor, detail=dict(detail)
    ))
    return {**order, **values}
