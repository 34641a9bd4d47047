"""The kiosks' API: a kiosk operator books for a walk-in citizen, prints the receipt and reads her kiosk's statement
(`/staff/api/kiosk/…`); admins and district officers see their kiosks and record their deposits
(`/staff/api/kiosks/…`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import BaseModel, Field

from bpp.assisted.schemas import Booking, QuoteRequest, area_view, item_view, quotation_view
from bpp.assisted.service import BookingRequest
from bpp.kiosks.repo import Kiosk
from bpp.kiosks.service import KioskOffice
from bpp.orders.summary import order_summary
from bpp.platform.api_types import PositiveRupees
from bpp.platform.auth import KIOSK_OPERATOR, Principal, require_staff
from catalog.formats import money
from fulfillment.kiosk import KioskStatement
from fulfillment.order import Order

router = APIRouter(prefix="/staff/api", tags=["staff: kiosks"])
Operator = Annotated[Principal, Depends(require_staff(KIOSK_OPERATOR))]
Managers = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
Days = Annotated[int, Query(ge=1, le=366, description="the statement covers this many days up to now")]


class Deposit(BaseModel):
    amount: PositiveRupees
    receipt: str = Field(min_length=1, max_length=64, description="deposit slip or bank reference")


def _office(request: Request) -> KioskOffice:
    return request.app.state.kiosks


def kiosk_view(office: KioskOffice, kiosk: Kiosk) -> dict[str, Any]:
    return {
        "id": kiosk.id, "name": kiosk.name, "district": kiosk.district, "district_name": office.district_name(kiosk),
        "operator_name": kiosk.operator_name, "operator_phone": kiosk.operator_phone,
        "commission_per_booking": money(office.commission(kiosk)),
    }


def receipt_view(request: Request, kiosk: Kiosk, order: Order) -> dict[str, Any]:
    """What the kiosk prints for the citizen: her order number, the service, the fee she paid, the dates."""
    summary = order_summary(order, request.app.state.catalog.snapshot)
    return {
        "order_id": order.id,
        "booked_at": order.created_at.isoformat(),
        "item": summary["item"],
        "slot": summary["slot"],
        "fee": money(order.quote.total),
        "lines": [{"title": line.title, "amount": money(line.amount)} for line in order.quote.lines if line.amount],
        "customer_name": summary["customer_name"],
        "address": summary["address"],
        "pincode": summary["pincode"],
        "kiosk": {"id": kiosk.id, "name": kiosk.name, "district_name": _office(request).district_name(kiosk)},
        "helpline": request.app.state.settings.helpline_phone,
    }


def statement_view(shown: KioskStatement, since: datetime, until: datetime) -> dict[str, Any]:
    return {
        "since": since.isoformat(), "until": until.isoformat(),
        "opening_due": money(shown.opening_due), "cash_due": money(shown.cash_due),
        "bookings": shown.bookings, "collected": money(shown.collected), "commission": money(shown.commission),
        "refunded": money(shown.refunded), "deposited": money(shown.deposited),
        "lines": [
            {"at": line.at.isoformat(), "kind": line.kind, "order_id": line.order_id, "change": money(line.change),
             "commission": money(line.commission), "due_after": money(line.due_after), "receipt": line.receipt}
            for line in shown.lines
        ],
    }


# ---- the kiosk operator ----------------------------------------------------------------------------


@router.get("/kiosk")
async def my_kiosk(request: Request, operator: Operator) -> dict[str, Any]:
    """The operator's kiosk, its commission per booking and what it owes now."""
    office = _office(request)
    kiosk = await office.of_operator(operator)
    due = await office.ledger.cash_due([kiosk.id])
    return {**kiosk_view(office, kiosk), "cash_due": money(due[kiosk.id])}


@router.get("/kiosk/places/{pincode}")
async def place(pincode: Annotated[str, Path(max_length=12)], request: Request, operator: Operator) -> dict[str, Any]:
    """The pincode's district and point; refused (field `pincode`) outside the kiosk's district."""
    office = _office(request)
    return area_view(office.area(await office.of_operator(operator), pincode))


@router.get("/kiosk/services")
async def services(request: Request, operator: Operator, q: Annotated[str, Query(max_length=100)]
                   ) -> list[dict[str, Any]]:
    """The services of the kiosk's district the operator's words name, in Hindi or English, best first."""
    office = _office(request)
    return [item_view(item) for item in office.services(await office.of_operator(operator), q)]


@router.post("/kiosk/quotes")
async def quote(body: QuoteRequest, request: Request, operator: Operator) -> dict[str, Any]:
    """The fixed fee the citizen pays at the counter now, and the open arrival windows."""
    office = _office(request)
    quotation = office.quotation(await office.of_operator(operator), body.item_id, body.pincode, body.point)
    return {**quotation_view(quotation), "payment": "paid_at_kiosk"}


@router.post("/kiosk/orders", status_code=status.HTTP_201_CREATED)
async def book(body: Booking, request: Request, operator: Operator) -> dict[str, Any]:
    """Book for the walk-in citizen who has paid the fee at the counter; answers the order and its receipt."""
    office = _office(request)
    kiosk = await office.of_operator(operator)
    booking = BookingRequest(
        item_id=body.item_id, name=body.name, phone=body.phone, address=body.address, pincode=body.pincode,
        point=body.point, slot_start=None if body.slot == "now" else body.slot, language=body.language,
    )
    order = await office.book(kiosk, booking, actor=f"staff:{operator.id}")
    return {"order": order_summary(order, request.app.state.catalog.snapshot),
            "receipt": receipt_view(request, kiosk, order)}


@router.get("/kiosk/orders/{order_id}/receipt")
async def receipt(order_id: str, request: Request, operator: Operator) -> dict[str, Any]:
    """The receipt of an order this kiosk booked, to print again."""
    office = _office(request)
    kiosk = await office.of_operator(operator)
    return receipt_view(request, kiosk, await office.booked_order(kiosk, order_id))


@router.get("/kiosk/statement")
async def my_statement(request: Request, operator: Operator, days: Days = 30) -> dict[str, Any]:
    """The kiosk's bookings, commission, refunds and deposits over the period, and the cash it owes now."""
    office = _office(request)
    return statement_view(*await office.statement(await office.of_operator(operator), days))


# ---- Seva Mitra's staff ------------------------------------------------------------------------------


@router.get("/kiosks")
async def kiosks(request: Request, staff: Managers) -> list[dict[str, Any]]:
    """The kiosks of the officer's district (an admin's: every district) and what each owes now."""
    office = _office(request)
    district = None if staff.role == "admin" else staff.district
    return [{**kiosk_view(office, kiosk), "cash_due": money(due)} for kiosk, due in await office.listed(district)]


@router.get("/kiosks/{kiosk_id}/statement")
async def statement(kiosk_id: str, request: Request, staff: Managers, days: Days = 30) -> dict[str, Any]:
    office = _office(request)
    kiosk = await office.for_staff(kiosk_id, staff)
    return {"kiosk": kiosk_view(office, kiosk), **statement_view(*await office.statement(kiosk, days))}


@router.post("/kiosks/{kiosk_id}/deposits", status_code=status.HTTP_201_CREATED)
async def record_deposit(kiosk_id: str, deposit: Deposit, request: Request, staff: Managers) -> dict[str, str]:
    """Cash the kiosk paid in to Seva Mitra: it leaves what the kiosk owes for the bank; one slip posts once."""
    office = _office(request)
    kiosk = await office.for_staff(kiosk_id, staff)
    return {"kiosk_id": kiosk.id, "cash_due": money(await office.record_deposit(kiosk, deposit.amount,
                                                                                   deposit.receipt))}
