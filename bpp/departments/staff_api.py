"""Staff and government departments (`/staff/api/departments…`): open a department's account and give it officers,
issue each month's invoices, record the treasury's payments.

Admins act for every district; a district officer only for the departments of hers. Others have no access.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from pydantic import BaseModel, Field

from bpp.departments.billing import DepartmentBilling
from bpp.departments.repo import Account
from bpp.departments.service import DepartmentAccounts
from bpp.departments.views import account_view, invoice_view, officer_view, print_url, work_order_view
from bpp.platform.api_types import PositiveRupees
from bpp.platform.auth import DEPARTMENT_ROLES, Principal, require_staff
from fulfillment.departments import BillingMonth, DepartmentDetails

router = APIRouter(prefix="/staff/api", tags=["staff: departments"])
Managers = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
AccountId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Z0-9-]+$")]
InvoiceNo = Annotated[str, Path(min_length=1, max_length=16, pattern=r"^[A-Z0-9-]+$")]
MONTH = r"^\d{4}-\d{2}$"


class NewAccount(BaseModel):
    department: str = Field(max_length=128, description="e.g. Public Works Department")
    office: str = Field(max_length=128, description="e.g. Office of the Executive Engineer, Lucknow")
    district: str = Field(max_length=16, description="the Seva Mitra district serving it, e.g. std:0522")
    ddo_code: str = Field(max_length=20, description="the drawing and disbursing officer's code")
    gstin: str = Field(max_length=20)
    billing_address: str = Field(max_length=500)


class NewOfficer(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    display_name: str = Field(min_length=2, max_length=128)
    role: str = Field(description=" or ".join(DEPARTMENT_ROLES), pattern="^(" + "|".join(DEPARTMENT_ROLES) + ")$")
    password: str = Field(min_length=10, max_length=256)


class IssueInvoices(BaseModel):
    month: str = Field(pattern=MONTH, description="the month to bill, YYYY-MM; it must be over")


class Payment(BaseModel):
    amount: PositiveRupees
    reference: str = Field(min_length=1, max_length=64, description="the treasury's e-challan, UTR or cheque number")
    paid_on: date


def _accounts(request: Request) -> DepartmentAccounts:
    return request.app.state.department_accounts


def _billing(request: Request) -> DepartmentBilling:
    return request.app.state.department_billing


def _district(staff: Principal) -> str | None:
    """The district a staff member is limited to; None for admins."""
    return staff.district if staff.role == "district_officer" else None


_OTHER_DISTRICT = HTTPException(403, detail={
    "en": "This department belongs to another district. Ask that district's officer or an admin.",
    "hi": "यह विभाग दूसरे ज़िले का है। उस ज़िले के अधिकारी या व्यवस्थापक से कहें।",
})


async def _account(request: Request, staff: Principal, account_id: str) -> Account:
    account = await _accounts(request).account(account_id)
    if _district(staff) not in (None, account.details.district):
        raise _OTHER_DISTRICT
    return account


def _url(request: Request, number: str) -> str:
    return print_url(request.app.state.settings, request.app.state.keys, number)


@router.get("/departments")
async def accounts(request: Request, staff: Managers) -> list[dict[str, Any]]:
    """Department accounts (of the officer's district), each with what it owes: visits not invoiced, invoices
    unpaid."""
    found = await _accounts(request).accounts(_district(staff))
    positions = await _billing(request).positions([account.id for account in found])
    return [account_view(account, positions[account.id]) for account in found]


@router.post("/departments", status_code=status.HTTP_201_CREATED)
async def open_account(request: Request, staff: Managers, body: NewAccount) -> dict[str, Any]:
    """A department's account: its GSTIN's check character is verified, its district must be one Seva Mitra serves."""
    if _district(staff) not in (None, body.district.strip()):
        raise _OTHER_DISTRICT
    details = DepartmentDetails(body.department, body.office, body.district, body.ddo_code, body.gstin,
                                body.billing_address)
    return account_view(await _accounts(request).open(details, by=f"staff:{staff.id}"))


@router.get("/departments/{account_id}")
async def account(request: Request, staff: Managers, account_id: AccountId) -> dict[str, Any]:
    """The account, its officers, what it owes and its work orders."""
    found = await _account(request, staff, account_id)
    position = (await _billing(request).positions([found.id]))[found.id]
    officers = await _accounts(request).officers(found.id)
    work_orders = await request.app.state.work_orders.work_orders(found.id)
    return account_view(found, position) | {
        "officers": [officer_view(officer) for officer in officers],
        "work_orders": [work_order_view(order) for order in work_orders],
    }


@router.post("/departments/{account_id}/officers", status_code=status.HTTP_201_CREATED)
async def add_officer(request: Request, staff: Managers, account_id: AccountId, body: NewOfficer) -> dict[str, Any]:
    """A requesting or approving officer's login for the department (an existing username gets a new password)."""
    await _account(request, staff, account_id)
    officer = await _accounts(request).add_officer(account_id, body.username, body.display_name, body.role,
                                                   body.password)
    return officer_view(officer)


@router.get("/department-invoices")
async def invoices(
    request: Request, staff: Managers, month: Annotated[str | None, Query(pattern=MONTH)] = None,
    account_id: Annotated[str | None, Query(max_length=32)] = None,
) -> list[dict[str, Any]]:
    """Issued invoices, newest first (of one month or account when given; of the officer's district)."""
    district = _district(staff)
    allowed = None if district is None else [found.id for found in await _accounts(request).accounts(district)]
    rows = await _billing(request).invoices(account_id=account_id, accounts=allowed, month=month)
    return [invoice_view(row, _url(request, row["number"])) for row in rows]


@router.post("/department-invoices", status_code=status.HTTP_201_CREATED)
async def issue(request: Request, staff: Managers, body: IssueInvoices) -> dict[str, Any]:
    """Issue the month's invoices: one per department account (of the officer's district) with completed visits to
    bill. Once the month is over; asking again issues none twice."""
    month = BillingMonth.parse(body.month)
    found = await _accounts(request).accounts(_district(staff))
    issued = await _billing(request).issue(month, by=f"staff:{staff.id}", accounts=found)
    return {"month": str(month), "issued": [invoice_view(row, _url(request, row["number"])) for row in issued.invoices],
            "already_issued": issued.already}


@router.get("/department-invoices/{number}")
async def invoice(request: Request, staff: Managers, number: InvoiceNo) -> dict[str, Any]:
    row, payments = await _billing(request).invoice(number)
    await _account(request, staff, row["account_id"])
    return invoice_view(row, _url(request, number), payments)


@router.post("/department-invoices/{number}/payments")
async def record_payment(request: Request, staff: Managers, number: InvoiceNo, body: Payment) -> dict[str, Any]:
    """The treasury paid (part of) the invoice: the department's receivable falls by it. The same reference is
    recorded once, however often it is sent."""
    row, _ = await _billing(request).invoice(number)
    await _account(request, staff, row["account_id"])
    row = await _billing(request).record_payment(number, body.amount, body.reference, body.paid_on,
                                                 by=f"staff:{staff.id}")
    _, payments = await _billing(request).invoice(number)
    return invoice_view(row, _url(request, number), payments)
