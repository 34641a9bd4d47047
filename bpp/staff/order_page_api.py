"""One order for staff: its whole story, the workers it could go to, and the actions a district office takes on it
(reassign, cancel for the provider, reschedule, refund the cancellation fee), each with the officer's reason.

Admins see and act on every district's orders, a district officer on her own district's; helpline operators use
the helpline desk instead.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import AwareDatetime, BaseModel, Field

from bpp.orders.repo import OrderRepo
from bpp.platform.auth import Principal, require_staff
from bpp.staff.order_desk import OrderDesk, check_district
from bpp.staff.order_story import order_story
from bpp.workforce.handover import candidates
from fulfillment.order import Order
from schemas.refusal import NOT_FOUND, Refusal

router = APIRouter(prefix="/staff/api/orders", tags=["staff: orders"])
Managers = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
OrderId = Annotated[str, Path(min_length=1, max_length=64)]
Reason = Annotated[str, Field(min_length=1, max_length=1000, description="why, for the order's audit")]


class Reassignment(BaseModel):
    worker_id: str = Field(min_length=1, max_length=64)
    reason: Reason


class ProviderCancellation(BaseModel):
    reason_id: str = Field(min_length=1, max_length=8, description="a provider cancellation code, e.g. 011")
    reason: Reason


class NewSlot(BaseModel):
    start: AwareDatetime = Field(description="when the new arrival window begins; it lasts the service's slot length")
    reason: Reason


class FeeRefund(BaseModel):
    reason: Reason


def _desk(request: Request) -> OrderDesk:
    desk: OrderDesk = request.app.state.order_desk
    return desk


async def _visible_order(request: Request, order_id: str, staff: Principal) -> Order:
    async with request.app.state.db.connect() as conn:
        order = await OrderRepo(conn).get(order_id)
    if order is None:
        raise Refusal(NOT_FOUND, "No order has this id. Search the list again.",
                      message_hi="इस आईडी का कोई ऑर्डर नहीं है। सूची में फिर से खोजें।")
    check_district(staff, order)
    return order


async def _story(request: Request, order: Order) -> dict[str, Any]:
    state = request.app.state
    await state.txlog.flush()  # the log writer batches: what it still holds belongs in the story
    entries = await state.ledger.order_entries(order.id)
    async with state.db.connect() as conn:
        return await order_story(conn, order, state.catalog.snapshot, entries, state.clock())


@router.get("/{order_id}")
async def order_page(order_id: OrderId, request: Request, staff: Managers) -> dict[str, Any]:
    """The order and its story: events with who did what (the audit), offers, the start OTP's state (not the OTP),
    messages with its buyer app, ledger entries, ratings, complaints, and the actions its state allows."""
    return await _story(request, await _visible_order(request, order_id, staff))


@router.get("/{order_id}/workers")
async def reassignment_candidates(order_id: OrderId, request: Request, staff: Managers) -> list[dict[str, Any]]:
    """Verified workers of the order's district with its skill, nearest to the customer first, and whether each is
    free to take it now."""
    order = await _visible_order(request, order_id, staff)
    async with request.app.state.db.connect() as conn:
        return await candidates(conn, order, request.app.state.clock())


@router.post("/{order_id}/reassign")
async def reassign(order_id: OrderId, body: Reassignment, request: Request, staff: Managers) -> dict[str, Any]:
    """Give the order to another verified worker before anyone has set off; its buyer app is sent the new worker."""
    order = await _desk(request).reassign(staff, order_id, body.worker_id, body.reason)
    return await _story(request, order)


@router.post("/{order_id}/cancel")
async def cancel(order_id: OrderId, body: ProviderCancellation, request: Request, staff: Managers) -> dict[str, Any]:
    """Cancel for the provider with one of its cancellation codes (free for the customer)."""
    order = await _desk(request).cancel(staff, order_id, body.reason_id, body.reason)
    return await _story(request, order)


@router.post("/{order_id}/reschedule")
async def reschedule(order_id: OrderId, body: NewSlot, request: Request, staff: Managers) -> dict[str, Any]:
    """Move the visit to another slot within the service's hours and the worker's calendar (free for the customer)."""
    order = await _desk(request).reschedule(staff, order_id, body.start, body.reason)
    return await _story(request, order)


@router.post("/{order_id}/refund-fee")
async def refund_fee(order_id: OrderId, body: FeeRefund, request: Request, staff: Managers) -> dict[str, Any]:
    """Give back the fee the order's cancellation charged, once, through the ledger."""
    order = await _desk(request).refund_fee(staff, order_id, body.reason)
    return await _story(request, order)
