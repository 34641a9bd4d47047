"""The helpline desk's API (`/staff/api/helpline/…`): an operator on a call finds the caller, books for her,
changes her booking with her consent, and registers her complaint. Helpline operators and admins use it; the
desk serves every district of Uttar Pradesh."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status

from bpp.assisted.schemas import (
    Booking,
    CallerComplaint,
    Cancellation,
    QuoteRequest,
    Rescheduling,
    area_view,
    item_view,
    quotation_view,
)
from bpp.assisted.service import AssistedDesk, BookingRequest
from bpp.complaints.desk import CallerDetails
from bpp.orders.summary import order_summary
from bpp.platform.auth import Principal, require_staff
from fulfillment.order import Order

router = APIRouter(prefix="/staff/api/helpline", tags=["staff: helpline desk"])
Operator = Annotated[Principal, Depends(require_staff("admin", "helpline_operator"))]


def _desk(request: Request) -> AssistedDesk:
    return request.app.state.assisted


def _summary(request: Request, order: Order) -> dict[str, Any]:
    return order_summary(order, request.app.state.catalog.snapshot)


def _actor(principal: Principal) -> str:
    return f"staff:{principal.id}"


@router.get("/callers/{phone}")
async def caller(phone: str, request: Request, principal: Operator) -> dict[str, Any]:
    """The caller's orders (newest first, any channel) and the complaints about them."""
    history = await _desk(request).caller(phone)
    return {
        "phone": history.phone,
        "orders": [_summary(request, order) for order in history.orders],
        "complaints": [
            {"id": row["id"], "order_id": row["order_id"], "kind": row["kind"], "status": row["status"],
             "short_desc": row["description"].get("short_desc"), "created_at": row["created_at"].isoformat()}
            for row in history.complaints
        ],
    }


@router.get("/places/{pincode}")
async def place(pincode: Annotated[str, Path(max_length=12)], request: Request, principal: Operator) -> dict[str, Any]:
    """The pincode's district, approximate point and Seva Mitra unit."""
    return area_view(_desk(request).area(pincode))


@router.get("/services")
async def services(
    request: Request, principal: Operator, q: Annotated[str, Query(max_length=100)],
    pincode: Annotated[str | None, Query(max_length=12)] = None,
) -> list[dict[str, Any]]:
    """The services the operator's words name, in Hindi or English (spelling forgiven), best first; only those of
    the pincode's district when it is given."""
    return [item_view(item) for item in _desk(request).services(q, pincode)]


@router.post("/quotes")
async def quote(body: QuoteRequest, request: Request, principal: Operator) -> dict[str, Any]:
    """The fixed fee (paid in cash to the worker) and the open arrival windows, the first being "now"."""
    return quotation_view(_desk(request).quotation(body.item_id, body.pincode, body.point))


@router.post("/orders", status_code=status.HTTP_201_CREATED)
async def book(body: Booking, request: Request, principal: Operator) -> dict[str, Any]:
    """Book for the caller; she gets the order number and fee by SMS, later the worker's name and start OTP."""
    booking = BookingRequest(
        item_id=body.item_id, name=body.name, phone=body.phone, address=body.address, pincode=body.pincode,
        point=body.point, slot_start=None if body.slot == "now" else body.slot, language=body.language,
    )
    return _summary(request, await _desk(request).book(booking, actor=_actor(principal)))


@router.post("/orders/{order_id}/cancel")
async def cancel(order_id: str, body: Cancellation, request: Request, principal: Operator) -> dict[str, Any]:
    body.check()
    return _summary(request, await _desk(request).cancel(order_id, body.reason_id, actor=_actor(principal)))


@router.post("/orders/{order_id}/reschedule")
async def reschedule(order_id: str, body: Rescheduling, request: Request, principal: Operator) -> dict[str, Any]:
    body.check()
    return _summary(request, await _desk(request).reschedule(order_id, body.slot, actor=_actor(principal)))


@router.post("/orders/{order_id}/complaints", status_code=status.HTTP_201_CREATED)
async def complain(order_id: str, body: CallerComplaint, request: Request, principal: Operator) -> dict[str, Any]:
    """The caller's complaint, at the same desk (and with the same deadlines) as a buyer app's IGM issue."""
    complaint = await _desk(request).complain(
        order_id, body.kind, {"short_desc": body.short_desc, "long_desc": body.long_desc},
        CallerDetails(body.caller_name, body.caller_phone), actor=_actor(principal),
    )
    return {"id": complaint["id"], "order_id": complaint["order_id"], "status": complaint["status"],
            "respond_by": complaint["respond_by"].isoformat(), "resolve_by": complaint["resolve_by"].isoformat()}
