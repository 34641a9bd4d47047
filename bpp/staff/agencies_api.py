"""Agency applications for district staff: the list, approval (the agency gets its login) and rejection with a
reason the applicant reads. Only an admin or the officer of the agency's district decides."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from bpp.agencies.schemas import agency_view
from bpp.agencies.service import AgencyDesk
from bpp.platform.auth import Principal, require_staff
from bpp.signup.schemas import Decision

router = APIRouter(prefix="/staff/api/agencies", tags=["staff: agencies"])
Manager = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]


def _desk(request: Request) -> AgencyDesk:
    return request.app.state.agencies


@router.get("")
async def agencies(staff: Manager, request: Request, everything: bool = False) -> dict[str, Any]:
    """The district's agency applications still to decide (with `everything`, decided ones too), oldest first."""
    return {"agencies": [agency_view(row) for row in await _desk(request).listing(staff, open_only=not everything)]}


@router.post("/{agency_id}/approve")
async def approve(agency_id: str, staff: Manager, request: Request) -> dict[str, Any]:
    """Approve: the agency logs in with its contact phone and the password it chose."""
    return agency_view(await _desk(request).decide(agency_id, staff, "approve", None))


@router.post("/{agency_id}/reject")
async def reject(agency_id: str, body: Decision, staff: Manager, request: Request) -> dict[str, Any]:
    """Turn it down with the reason the applicant reads (she may correct it and send it again)."""
    return agency_view(await _desk(request).decide(agency_id, staff, "reject", body.reason))
