"""The worker app's engagement visits: her week, a day off (a substitute covers that visit), the customer's OTP at
the door, the start with it and the completion (her credit is posted with it)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from bpp.platform.auth import Principal, require_worker
from bpp.workforce.engagement_visits import EngagementVisits
from fulfillment.engagement_visits import Visit

router = APIRouter(prefix="/worker/api/engagements", tags=["worker app: engagements"])
Worker = Annotated[Principal, Depends(require_worker)]
VISIT = "/{engagement_id}/visits/{day}"


class StartWithOtp(BaseModel):
    otp: str = Field(pattern=r"^\s*\d{4,6}\s*$")


def _visits(request: Request) -> EngagementVisits:
    return request.app.state.engagement_visits


def visit_view(visit: Visit) -> dict[str, Any]:
    return {
        "engagement_id": visit.engagement_id,
        "day": visit.day.isoformat(),
        "start": visit.start.isoformat(),
        "end": visit.end.isoformat(),
        "state": visit.state.value,
        "substitute": visit.substitute,
        "started_at": visit.started_at.isoformat() if visit.started_at else None,
        "completed_at": visit.completed_at.isoformat() if visit.completed_at else None,
    }


@router.get("/visits")
async def my_week(worker: Worker, request: Request) -> list[dict[str, Any]]:
    """Her engagement visits of today and the next six days, by time."""
    return [visit_view(visit) for visit in await _visits(request).week_of(worker.id)]


@router.post(VISIT + "/day-off")
async def day_off(engagement_id: str, day: date, worker: Worker, request: Request) -> dict[str, Any]:
    """She cannot come that day (tomorrow at the earliest): the visit goes to a substitute, or is refused (90001)
    when nobody nearby is free."""
    return visit_view(await _visits(request).day_off(worker.id, engagement_id, day))


@router.post(VISIT + "/otp")
async def ask_otp(engagement_id: str, day: date, worker: Worker, request: Request) -> dict[str, Any]:
    """At the door: the customer gets a start OTP (a new one replaces the last)."""
    await _visits(request).issue_otp(worker.id, engagement_id, day)
    return {"otp_sent": True}


@router.post(VISIT + "/start")
async def start(engagement_id: str, day: date, body: StartWithOtp, worker: Worker,
                request: Request) -> dict[str, Any]:
    return visit_view(await _visits(request).start_visit(worker.id, engagement_id, day, body.otp))


@router.post(VISIT + "/complete")
async def complete(engagement_id: str, day: date, worker: Worker, request: Request) -> dict[str, Any]:
    return visit_view(await _visits(request).complete(worker.id, engagement_id, day))
