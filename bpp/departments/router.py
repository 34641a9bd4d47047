"""The department officers' API (`/department/api/…`): the requesting officer asks for workers and books them, the
approving officer approves or rejects; both read their department's work orders, visits and invoices.

Officers log in at `/staff/api/login` (roles department_requester and department_approver) and act for the one
department account their login is linked to; another department's work order is as if it did not exist.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, status
from pydantic import BaseModel, Field

from bpp.departments.billing import DepartmentBilling
from bpp.departments.repo import Account, Officer
from bpp.departments.service import Asking, Booked, DepartmentAccounts, WorkOrderDesk
from bpp.departments.views import account_view, booked_view, invoice_view, officer_view, print_url, work_order_view
from bpp.platform.auth import DEPARTMENT_ROLES, Principal, require_staff
from bpp.workforce import repo as worker_repo
from catalog.formats import money
from catalog.quote import quote_for
from fulfillment.work_orders import MAX_DAYS, MAX_WORKERS, WorkOrderStatus

router = APIRouter(prefix="/department/api", tags=["department officers"])
Login = Annotated[Principal, Depends(require_staff(*DEPARTMENT_ROLES))]
Number = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Z0-9-]+$")]


class WorkOrderAsked(BaseModel):
    item_id: str = Field(min_length=1, max_length=64)
    workers: int = Field(ge=1, le=MAX_WORKERS)
    days: list[str] = Field(min_length=1, max_length=MAX_DAYS, description="ISO dates, e.g. 2026-12-24")
    start: str = Field(pattern=r"^\d{2}:\d{2}$", description="when the workers arrive each day, India time")
    address: str = Field(max_length=500)
    pincode: str = Field(max_length=12)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    contact_name: str = Field(max_length=128, description="who meets the workers at the office")
    contact_phone: str = Field(max_length=20, description="gets each visit's start OTP by SMS")
    purpose: str = Field(default="", max_length=500)


class Rejection(BaseModel):
    reason: str = Field(max_length=500)


class Booking(BaseModel):
    language: Literal["hi", "en"] = "hi"  # of the SMS the office's contact gets


async def acting(request: Request, login: Login) -> tuple[Officer, Account]:
    accounts: DepartmentAccounts = request.app.state.department_accounts
    return await accounts.acting(login.id)


Acting = Annotated[tuple[Officer, Account], Depends(acting)]


def _desk(request: Request) -> WorkOrderDesk:
    return request.app.state.work_orders


async def _booked_view(request: Request, booked: Booked) -> dict[str, Any]:
    names = {}
    async with request.app.state.db.connect() as conn:
        for worker_id in {order.worker_id for _, order in booked.visits if order.worker_id}:
            worker = await worker_repo.get_worker(conn, worker_id)
            if worker is not None:
                names[worker_id] = worker["name"]
    return booked_view(booked, names)


@router.get("/me")
async def me(request: Request, who: Acting) -> dict[str, Any]:
    """The officer, her department's account and what it owes (visits not invoiced yet, invoices unpaid)."""
    officer, account = who
    billing: DepartmentBilling = request.app.state.department_billing
    position = (await billing.positions([account.id]))[account.id]
    return {"officer": officer_view(officer), "account": account_view(account, position)}


@router.get("/services")
async def services(request: Request, who: Acting) -> list[dict[str, Any]]:
    """The services a work order may ask for: those Seva Mitra offers in the department's district."""
    return [
        {"id": item.id, "name_hi": item.name_hi, "name_en": item.name_en, "fee": money(item.fee),
         "visit_total": money(quote_for(item).total), "duration_minutes": item.duration_minutes,
         "opens": item.availability.opens.strftime("%H:%M"), "closes": item.availability.closes.strftime("%H:%M")}
        for item in _desk(request).services(who[1])
    ]


@router.get("/work-orders")
async def work_orders(
    request: Request, who: Acting, status: Annotated[WorkOrderStatus | None, Query()] = None
) -> list[dict[str, Any]]:
    """The department's work orders, newest first (one status when given)."""
    return [work_order_view(order) for order in await _desk(request).work_orders(who[1].id, status)]


@router.post("/work-orders", status_code=status.HTTP_201_CREATED)
async def ask(request: Request, who: Acting, body: WorkOrderAsked) -> dict[str, Any]:
    """The requesting officer asks for workers; the work order awaits the approving officer."""
    officer, account = who
    point = (body.lat, body.lng) if body.lat is not None and body.lng is not None else None
    asking = Asking(body.item_id, body.workers, tuple(body.days), body.start, body.address, body.pincode, point,
                    body.contact_name, body.contact_phone, body.purpose)
    return work_order_view(await _desk(request).ask(officer, account, asking))


@router.get("/work-orders/{number}")
async def work_order(request: Request, who: Acting, number: Number) -> dict[str, Any]:
    """A work order with its visits: each order, how far it got, and its worker."""
    return await _booked_view(request, await _desk(request).work_order(who[0], number))


@router.post("/work-orders/{number}/approve")
async def approve(request: Request, who: Acting, number: Number) -> dict[str, Any]:
    """The approving officer approves: the requesting officer may book its workers."""
    return work_order_view(await _desk(request).approve(who[0], number))


@router.post("/work-orders/{number}/reject")
async def reject(request: Request, who: Acting, number: Number, body: Rejection) -> dict[str, Any]:
    return work_order_view(await _desk(request).reject(who[0], number, body.reason))


@router.post("/work-orders/{number}/withdraw")
async def withdraw(request: Request, who: Acting, number: Number) -> dict[str, Any]:
    return work_order_view(await _desk(request).withdraw(who[0], number))


@router.post("/work-orders/{number}/book")
async def book(request: Request, who: Acting, number: Number, body: Booking | None = None) -> dict[str, Any]:
    """Book the approved work order: one visit per worker and day, matched to distinct verified workers each day.
    A work order not approved yet is refused, naming the field `approval`."""
    officer, account = who
    booked = await _desk(request).book(officer, account, number, (body or Booking()).language)
    return await _booked_view(request, booked)


@router.get("/invoices")
async def invoices(request: Request, who: Acting) -> list[dict[str, Any]]:
    """The department's monthly invoices, newest first, each with its print view's link."""
    state = request.app.state
    billing: DepartmentBilling = state.department_billing
    return [invoice_view(row, print_url(state.settings, state.keys, row["number"]))
            for row in await billing.invoices(account_id=who[1].id)]

