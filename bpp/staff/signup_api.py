"""The verification queue of worker sign-up: sent applications, their documents, the decision, police verification.

Only an admin or the officer of the application's district sees or decides it (it holds a citizen's identity
documents and police record); every step is audited in `worker_audit` under the application's id, which is
the id of the worker she becomes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response

from bpp.platform.auth import Principal, require_staff
from bpp.signup.queue import SignupQueue
from bpp.signup.schemas import Decision, PoliceRecord, application_view, choices
from bpp.staff.documents_api import FILE_RESPONSE, document_response
from fulfillment.signup import PoliceStep

router = APIRouter(prefix="/staff/api/signup", tags=["staff: worker sign-up"])
Manager = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]


def _queue(request: Request) -> SignupQueue:
    return request.app.state.signup_queue


@router.get("/applications")
async def applications(staff: Manager, request: Request, everything: bool = False) -> dict[str, Any]:
    """The district's sent applications still to be handled (with `everything`, decided ones too), oldest
    first, and the names of qualifications and documents."""
    rows = await _queue(request).listing(staff, open_only=not everything)
    return {"applications": [application_view(row, []) for row in rows], **choices()}


@router.get("/applications/{application_id}")
async def application(application_id: str, staff: Manager, request: Request) -> dict[str, Any]:
    """One application with its documents and audit trail."""
    row, documents, trail = await _queue(request).detail(application_id, staff)
    return {**application_view(row, documents), "audit": [dict(entry) for entry in trail]}


@router.get("/applications/{application_id}/documents/{document_id}", response_class=Response,
            responses=FILE_RESPONSE)
async def document(application_id: str, document_id: str, staff: Manager, request: Request) -> Response:
    """The document's file as uploaded, checked against its checksum."""
    return document_response(await _queue(request).document(application_id, document_id, staff))


@router.post("/applications/{application_id}/approve")
async def approve(application_id: str, staff: Manager, request: Request) -> dict[str, Any]:
    """Approve a sent application: she becomes a worker whose documents are checked; police verification follows."""
    row = await _queue(request).decide(application_id, staff, "approve", None)
    return application_view(row, [])


@router.post("/applications/{application_id}/reject")
async def reject(application_id: str, body: Decision, staff: Manager, request: Request) -> dict[str, Any]:
    """Turn a sent application down with the reason she reads (she may correct it and send it again)."""
    row = await _queue(request).decide(application_id, staff, "reject", body.reason)
    return application_view(row, [])


@router.post("/applications/{application_id}/police/{step}")
async def police(
    application_id: str, step: PoliceStep, body: PoliceRecord, staff: Manager, request: Request
) -> dict[str, Any]:
    """Police verification `requested`, `cleared` (she is verified: the police certificate must be on file) or
    `adverse` (she is struck off, with the reason), each with the police's reference number and date."""
    row = await _queue(request).police(application_id, staff, step, body.reference, body.date, body.reason)
    return application_view(row, [])
