"""Reading the order a buyer app sends in select, init and confirm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalog_service import QuoteChanged
from bpp.protocol import BusinessError, InboundRequest
from catalog import ordering
from schemas.errors import INVALID_REQUEST

if TYPE_CHECKING:
    from bpp.services import Services


async def read_order_or_refuse(
    services: Services, conn: AsyncConnection, request: InboundRequest
) -> ordering.OrderRequest | None:
    """The buyer app's order; or None after answering with the error and the order echoed back."""
    raw = request.message.get("order") or {}
    try:
        return ordering.read_order(raw)
    except ordering.OrderRequestError as exc:
        error = BusinessError(INVALID_REQUEST.code, str(exc), type="JSON-SCHEMA-ERROR", path=exc.path)
        await services.outbox.reply(conn, request, message=ordering.echo_order(raw), error=error.as_error())
        return None


async def reply_refusal(
    services: Services, conn: AsyncConnection, request: InboundRequest, provider_id: str, refusal: BusinessError
) -> None:
    """Answer a refused init or confirm: a changed price carries the new quote, anything else echoes the order."""
    if isinstance(refusal, QuoteChanged):
        message: dict[str, Any] = {"order": {"provider": {"id": provider_id}, "quote": refusal.quote}}
    else:
        message = ordering.echo_order(request.message.get("order") or {})
    await services.outbox.reply(conn, request, message=message, error=refusal.as_error())
