"""Staff management of workers: register, verify step by step, suspend, reinstate, ban (audited).

Admins act on every district, district officers on their own; helpline operators only read.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.platform.auth import Principal, hash_secret, require_staff
from bpp.platform.http_errors import FieldErrors, FieldProblem
from bpp.workforce import repo as worker_repo
from bpp.workforce.documents import WorkerDocuments
from bpp.workforce.workforce import Workforce
from catalog.taxonomy import CATEGORIES
from fulfillment.workers import (
    VERIFICATION_STEPS,
    Registration,
    registration_problems,
    standing_change,
    verification_step,
)
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal

router = APIRouter(prefix="/staff/api/workers", tags=["staff: workers"])
AnyStaff = Annotated[Principal, Depends(require_staff())]
Manager = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
Admin = Annotated[Principal, Depends(require_staff("admin"))]


class Document(BaseModel):
    kind: str = Field(min_length=1, max_length=32)  # aadhaar, police_certificate, ...
    number: str = Field(min_length=1, max_length=64)


class NewWorker(BaseModel):
    name: str = Field(min_length=1, max_length=128)
    phone: str
    pin: str
    skills: list[str] = Field(min_length=1)
    home_lat: float
    home_lng: float
    district: str
    languages: list[str] = ["hi"]
    documents: list[Document] = []


class Reason(BaseModel):
    reason: str | None = Field(default=None, max_length=1000)


class Radius(BaseModel):
    # strict: JSON `true` is not 1 km; 50 km is already a day's travel for a home visit
    radius_km: float = Field(gt=0, le=50, strict=True)


def _forbidden_district() -> HTTPException:
    return HTTPException(
        403,
        detail={
            "en": "This worker belongs to another district. Ask that district's officer or an admin.",
            "hi": "यह कर्मी दूसरे ज़िले का है। उस ज़िले के अधिकारी या व्यवस्थापक से कहें।",
        },
    )


@router.get("")
async def list_workers(staff: AnyStaff, request: Request) -> list[dict[str, Any]]:
    """Workers of the officer's district (admins and helpline operators see all)."""
    district = staff.district if staff.role == "district_officer" else None
    async with request.app.state.db.connect() as conn:
        return [dict(row) for row in await worker_repo.list_workers(conn, district)]


@router.get("/{worker_id}")
async def worker_detail(worker_id: str, staff: AnyStaff, request: Request) -> dict[str, Any]:
    async with request.app.state.db.connect() as conn:
        worker = await _visible_worker(conn, worker_id, staff)
        trail = await worker_repo.audit_trail(conn, worker_id)
    return {**{k: v for k, v in worker.items() if k != "pin_hash"}, "audit": [dict(row) for row in trail]}


@router.post("", status_code=201)
async def register(body: NewWorker, staff: Manager, request: Request) -> dict[str, Any]:
    """Register a worker; she can log in but gets no offers until verified."""
    if not staff.can_manage_district(body.district):
        raise _forbidden_district()
    parts = request.app.state
    reg = Registration(
        name=body.name,
        phone=body.phone,
        pin=body.pin,
        skills=tuple(body.skills),
        home_lat=body.home_lat,
        home_lng=body.home_lng,
        district=body.district,
        languages=tuple(body.languages),
        documents=tuple(doc.model_dump() for doc in body.documents),
    )
    known = {item.category_id for item in parts.catalog.snapshot.items.values()}
    problems = registration_problems(reg, known or None)
    if problems:
        raise FieldErrors([FieldProblem(p.field or "", p.message, p.message_hi) for p in problems])
    async with parts.db.begin() as conn:
        if await worker_repo.get_by_phone(conn, body.phone) is not None:
            raise HTTPException(
                409,
                detail={
                    "en": "A worker with this phone number is already registered. Search for her instead.",
                    "hi": "इस फ़ोन नंबर से कर्मी पहले से पंजीकृत है। उसे खोजें।",
                },
            )
        worker_id = await worker_repo.insert_worker(
            conn, reg, hash_secret(body.pin), parts.clock(), f"staff:{staff.id}"
        )
    return {"id": worker_id, "verification": "registered"}


@router.post("/{worker_id}/verification/{step}")
async def verification(worker_id: str, step: str, body: Reason, staff: Manager, request: Request) -> dict[str, Any]:
    """One verification step: check_documents, request_police_verification, police_cleared or reject."""
    if step not in (*VERIFICATION_STEPS, "reject"):
        raise HTTPException(
            404,
            detail={
                "en": f"Unknown step {step}; use one of {[*VERIFICATION_STEPS, 'reject']}.",
                "hi": f"अज्ञात चरण {step}।",
            },
        )
    parts = request.app.state
    async with parts.db.begin() as conn:
        worker = await managed_worker(conn, worker_id, staff)
        if step == "reject" and not (body.reason and body.reason.strip()):
            raise Refusal(BUSINESS_ERROR.code, "Give the reason for rejection.", "reason", "अस्वीकृति का कारण लिखें।")
        documents = await WorkerDocuments.kinds_on_file(conn, worker_id)
        after = verification_step(worker["verification"], step, documents)
        now = parts.clock()
        await worker_repo.update_worker(conn, worker_id, now, verification=after)
        await worker_repo.audit(
            conn, worker_id, now, f"staff:{staff.id}", step, worker["verification"], after, body.reason
        )
    await _after_change(parts.fulfillment, worker_id)
    return {"id": worker_id, "verification": after}


@router.post("/{worker_id}/{action}")
async def change_standing(
    worker_id: str, action: str, body: Reason, staff: Manager, request: Request
) -> dict[str, Any]:
    """suspend (with reason), reinstate, or ban (with reason; permanent)."""
    if action not in ("suspend", "reinstate", "ban"):
        raise HTTPException(404, detail={"en": "Use suspend, reinstate or ban.", "hi": "suspend, reinstate या ban चुनें।"})
    parts = request.app.state
    async with parts.db.begin() as conn:
        worker = await managed_worker(conn, worker_id, staff)
        after = standing_change(worker["standing"], action, body.reason)
        now = parts.clock()
        await worker_repo.update_worker(conn, worker_id, now, standing=after, standing_reason=body.reason)
        await worker_repo.audit(
            conn, worker_id, now, f"staff:{staff.id}", action, worker["standing"], after, body.reason
        )
    await _after_change(parts.fulfillment, worker_id)
    return {"id": worker_id, "standing": after}


@router.put("/matching-radius/{category_id}")
async def set_matching_radius(category_id: str, body: Radius, staff: Admin, request: Request) -> dict[str, Any]:
    """A category's own matching radius (default: the provider's serviceability radius)."""
    if category_id not in CATEGORIES:
        raise HTTPException(404, detail={
            "en": f"No category {category_id}; use a code from GET /staff/api/catalog/categories.",
            "hi": f"{category_id} नाम की कोई श्रेणी नहीं है; GET /staff/api/catalog/categories की सूची से कोड लें।",
        })
    parts = request.app.state
    async with parts.db.begin() as conn:
        await parts.fulfillment.coverage.set_radius(conn, category_id, body.radius_km)
    await parts.fulfillment.coverage.workers_changed()  # every process reloads its radii with the coverage
    return {"category_id": category_id, "radius_km": body.radius_km}


async def _visible_worker(conn: AsyncConnection, worker_id: str, staff: Principal) -> dict[str, Any]:
    worker = await worker_repo.get_worker(conn, worker_id)
    if worker is None:
        raise HTTPException(404, detail={"en": "No such worker.", "hi": "ऐसा कोई कर्मी नहीं है।"})
    if staff.role == "district_officer" and worker["district"] != staff.district:
        raise _forbidden_district()
    return dict(worker)


async def managed_worker(conn: AsyncConnection, worker_id: str, staff: Principal) -> dict[str, Any]:
    """The worker, if the staff member may change her (an admin, or the officer of her district)."""
    worker = await _visible_worker(conn, worker_id, staff)
    if not staff.can_manage_district(worker["district"]):
        raise _forbidden_district()
    return worker


async def _after_change(workforce: Workforce, worker_id: str) -> None:
    """Coverage in every process and the geo sets follow the new status."""
    await workforce.coverage.workers_changed()
    await workforce.presence.refresh_worker(worker_id)
