"""The agency API under /agency/api: the firm's application (the contact person proves her phone with the worker
sign-up's OTP, /signup/api/otp, and sends the applicant token), and the approved agency's own desk (its staff
login, role `agency`): its workers, whom it adds, and their jobs, ratings and payouts, read only."""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Query, Request

from bpp.agencies.schemas import (
    AgencyForm,
    AgencyWorkerForm,
    agency_view,
    agency_worker_view,
    job_view,
    payout_view,
)
from bpp.agencies.service import AgencyDesk
from bpp.notify import normalise_phone
from bpp.platform.auth import AGENCY, Principal, require_applicant, require_staff
from bpp.platform.uploads import read_within
from bpp.signup.service import Details, on_field
from fulfillment.agencies import MIN_PASSWORD, AgencyDetails
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal

router = APIRouter(prefix="/agency/api", tags=["service-provider agencies"])
Applicant = Annotated[Principal, Depends(require_applicant)]
Agency = Annotated[Principal, Depends(require_staff(AGENCY))]
UPLOAD_PATH: Final = re.compile(r"/agency/api/workers/[^/]+/documents/[^/]+")  # streams against its own limit


def _desk(request: Request) -> AgencyDesk:
    return request.app.state.agencies


@router.get("/form")
async def form(request: Request) -> dict[str, Any]:
    """The districts an agency may work in, and the shortest password."""
    return {"districts": [{"city": d.city, "en": d.en, "hi": d.hi} for d in _desk(request).districts()],
            "min_password": MIN_PASSWORD}


@router.get("/application")
async def my_application(applicant: Applicant, request: Request) -> dict[str, Any]:
    """The application sent from the proven phone (`application` is null before one is sent)."""
    row = await _desk(request).application(applicant.id)
    return {"phone": applicant.id, "application": None if row is None else agency_view(row)}


@router.put("/application")
async def apply(body: AgencyForm, applicant: Applicant, request: Request) -> dict[str, Any]:
    """Send the firm's application (every wrong field at once); a turned-down one may be corrected and sent again."""
    details = AgencyDetails(body.name, body.registration_number, body.gstin, body.pan, body.address, body.district,
                            body.contact_name)
    return agency_view(await _desk(request).apply(applicant.id, details, body.password, body.language))


@router.get("/me")
async def me(login: Agency, request: Request) -> dict[str, Any]:
    return agency_view(await _desk(request).own(login))


@router.get("/workers")
async def workers(login: Agency, request: Request) -> dict[str, Any]:
    """The agency's workers, newest first: where each stands in verification, and her rating."""
    return {"workers": [agency_worker_view(row) for row in await _desk(request).workers(login)]}


@router.post("/workers", status_code=201)
async def add_worker(body: AgencyWorkerForm, login: Agency, request: Request) -> dict[str, Any]:
    """Start a worker's application (a draft): upload her `id_proof` and `photo`, then send it with /submit; the
    district office approves it and records police verification as for any worker."""
    phone = normalise_phone(body.phone)
    if phone is None:
        raise Refusal(BUSINESS_ERROR.code, "Enter the worker's 10-digit mobile number.", "phone",
                      "कर्मी का 10 अंकों का मोबाइल नंबर लिखें।")
    details = Details(name=body.name, trades=tuple(body.trades), qualification=body.qualification,
                      pincode=body.pincode, home_lat=body.home_lat, home_lng=body.home_lng, pin=body.pin,
                      language=body.language)
    row = await _desk(request).add_worker(login, phone, details)
    return agency_worker_view({**row, "rating_count": 0, "rating_sum": 0})


@router.post("/workers/{worker_id}/documents/{kind}", status_code=201, openapi_extra={"requestBody": {
    "required": True, "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                                  for kind in ("image/jpeg", "image/png", "application/pdf")}}})
async def upload_document(
    worker_id: str,
    kind: str,
    login: Agency,
    request: Request,
    filename: Annotated[str | None, Query(max_length=255, description="the file's name")] = None,
) -> dict[str, Any]:
    """Her `id_proof` (PDF, JPEG or PNG) or `photo` (JPEG or PNG), checked by content and size."""
    try:
        content = await read_within(request, request.app.state.documents.max_bytes)
    except Refusal as too_large:
        raise on_field(too_large, kind) from None
    return await _desk(request).upload(login, worker_id, kind, content, filename)


@router.post("/workers/{worker_id}/submit")
async def submit_worker(worker_id: str, login: Agency, request: Request) -> dict[str, Any]:
    """Send her application to the district office."""
    row = await _desk(request).submit(login, worker_id)
    return agency_worker_view({**row, "rating_count": 0, "rating_sum": 0})


@router.get("/jobs")
async def jobs(login: Agency, request: Request) -> dict[str, Any]:
    """The orders given to its workers, newest first."""
    return {"jobs": [job_view(row) for row in await _desk(request).jobs(login)]}


@router.get("/payouts")
async def payouts(login: Agency, request: Request) -> dict[str, Any]:
    """Its workers' payout lines, newest first."""
    return {"payouts": [payout_view(row) for row in await _desk(request).payouts(login)]}
