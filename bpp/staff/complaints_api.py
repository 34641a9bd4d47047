"""Staff complaints console API: list, file (helpline), answer and resolve complaints; see ratings.

Roles: admin — every district; district officer — her own district; helpline operator — files for
callers of 155330 and reads. Every answer is pushed to the buyer app as an unsolicited on_issue_status.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request, status
from pydantic import BaseModel, Field

from bpp.complaints.desk import CallerDetails, ComplaintDesk
from bpp.complaints.repo import ComplaintsRepo
from bpp.orders.ratings_repo import RatingsRepo
from bpp.orders.repo import OrderRepo
from bpp.platform.api_types import Rupees
from bpp.platform.auth import Principal, require_staff
from bpp.staff.orders_api import ChannelFilter
from bpp.workforce import repo as worker_repo
from fulfillment.complaints import (
    ActionTriggered,
    Kind,
    Resolution,
    RespondentAction,
    Sanction,
    Timeline,
    overdue_flags,
)
from fulfillment.ratings import RatingAggregate, Subject
from fulfillment.workers import rating_average

router = APIRouter(prefix="/staff/api")

AnyStaff = Annotated[Principal, Depends(require_staff())]
Deciders = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
Filers = Annotated[Principal, Depends(require_staff("admin", "district_officer", "helpline_operator"))]


class NewComplaint(BaseModel):
    order_id: str = Field(min_length=1)
    kind: Kind
    short_desc: str = Field(min_length=3, max_length=500)
    long_desc: str | None = Field(default=None, max_length=4000)
    caller_name: str | None = Field(default=None, max_length=128)
    caller_phone: str | None = Field(default=None, max_length=16)


class Answer(BaseModel):
    action: Literal["PROCESSING", "NEED-MORE-INFO"]
    note: str = Field(min_length=3, max_length=1000)
    kind: Kind | None = None  # reclassify, e.g. a buyer-app "quality" issue that is really overcharging


class Decision(BaseModel):
    upheld: bool
    short_desc: str = Field(min_length=3, max_length=500)
    long_desc: str | None = Field(default=None, max_length=4000)
    action_triggered: ActionTriggered
    refund_amount: Rupees | None = None


def _problem(code: int, en: str, hi: str) -> HTTPException:
    return HTTPException(code, detail={"en": en, "hi": hi})


def _not_found() -> HTTPException:
    return _problem(status.HTTP_404_NOT_FOUND, "Complaint not found. Check the complaint id.",
                    "शिकायत नहीं मिली। शिकायत संख्या जाँचें।")


def _check_district(principal: Principal, city: str) -> None:
    if principal.role == "district_officer" and principal.district != city:
        raise _problem(status.HTTP_403_FORBIDDEN, "This complaint belongs to another district.",
                       "यह शिकायत किसी दूसरे ज़िले की है।")


def _view(complaint: Mapping[str, Any], now: Any) -> dict[str, Any]:
    deadlines = Timeline(complaint["respond_by"], complaint["resolve_by"])
    overdue = overdue_flags(deadlines, complaint["responded_at"], complaint["resolved_at"], now)
    return {**complaint, "overdue": overdue}


async def _load(desk: ComplaintDesk, complaint_id: str, principal: Principal) -> Mapping[str, Any]:
    complaint = await desk.repo.get(complaint_id, for_update=True)
    if complaint is None:
        raise _not_found()
    _check_district(principal, complaint["city"])
    return complaint


@router.get("/complaints")
async def list_complaints(
    request: Request, principal: AnyStaff, state: str | None = None, overdue_only: bool = False,
    channel: ChannelFilter = None,
) -> list[dict[str, Any]]:
    """The newest complaints; of one state and one order channel (or kind of channel, e.g. `ondc`) when given."""
    parts = request.app.state
    city = principal.district if principal.role == "district_officer" else None
    async with parts.db.connect() as conn:
        rows = await ComplaintsRepo(conn).listing(city=city, status=state, channel=channel)
    now = parts.clock()
    views = [_view(row, now) for row in rows]
    return [view for view in views if view["overdue"]] if overdue_only else views


@router.get("/complaints/{complaint_id}")
async def get_complaint(complaint_id: str, request: Request, principal: AnyStaff) -> dict[str, Any]:
    parts = request.app.state
    async with parts.db.connect() as conn:
        repo = ComplaintsRepo(conn)
        complaint = await repo.get(complaint_id)
        if complaint is None:
            raise _not_found()
        _check_district(principal, complaint["city"])
        actions = await repo.actions(complaint_id)
    return {**_view(complaint, parts.clock()), "actions": [dict(action) for action in actions]}


@router.post("/complaints", status_code=status.HTTP_201_CREATED)
async def file_complaint(body: NewComplaint, request: Request, principal: Filers) -> dict[str, Any]:
    """File a complaint for a helpline caller; it gets the same deadlines as a buyer-app issue."""
    parts = request.app.state
    async with parts.db.begin() as conn:
        order = await OrderRepo(conn).get(body.order_id)
        if order is None:
            raise _problem(status.HTTP_404_NOT_FOUND, "Order not found. Ask the caller for the order number.",
                           "ऑर्डर नहीं मिला। कॉल करने वाले से ऑर्डर संख्या पूछें।")
        _check_district(principal, order.channel.city)
        complaint = await parts.complaints.desk(conn).file_for_caller(
            order, body.kind, {"short_desc": body.short_desc, "long_desc": body.long_desc},
            CallerDetails(body.caller_name, body.caller_phone), f"staff:{principal.id}",
        )
    return _view(complaint, parts.clock())


@router.post("/complaints/{complaint_id}/respond")
async def respond_to_complaint(
    complaint_id: str, body: Answer, request: Request, principal: Deciders
) -> dict[str, Any]:
    parts = request.app.state
    async with parts.db.begin() as conn:
        desk = parts.complaints.desk(conn)
        complaint = await _load(desk, complaint_id, principal)
        if body.kind is not None and body.kind.value != complaint["kind"]:
            complaint = await desk.repo.change(complaint, kind=body.kind.value)
        complaint = await desk.answer(complaint, RespondentAction(body.action), body.note, f"staff:{principal.id}")
        await desk.push_status(complaint)
    parts.dispatcher.wake()
    return _view(complaint, parts.clock())


@router.post("/complaints/{complaint_id}/resolve")
async def resolve_complaint(
    complaint_id: str, body: Decision, request: Request, principal: Deciders
) -> dict[str, Any]:
    """Decide the complaint; upheld overcharging suspends the worker, a second one bans her."""
    parts = request.app.state
    async with parts.db.begin() as conn:
        desk = parts.complaints.desk(conn)
        complaint = await _load(desk, complaint_id, principal)
        resolution = Resolution(body.upheld, body.short_desc, body.action_triggered, body.refund_amount,
                                body.long_desc)
        complaint, sanction = await desk.resolve(complaint, resolution, f"staff:{principal.id}")
        await desk.push_status(complaint)
    if sanction is not Sanction.NONE:
        await parts.fulfillment.presence.refresh_worker(complaint["worker_id"])
        await parts.fulfillment.coverage.workers_changed()
    parts.dispatcher.wake()
    return _view(complaint, parts.clock())


@router.get("/ratings/providers/{provider_id}")
async def provider_rating(provider_id: str, request: Request, principal: AnyStaff) -> dict[str, Any]:
    parts = request.app.state
    async with parts.db.connect() as conn:
        repo = RatingsRepo(conn)
        aggregate: RatingAggregate = await repo.aggregate(Subject.PROVIDER.value, provider_id)
        recent = await repo.recent(Subject.PROVIDER.value, provider_id)
    return {"provider_id": provider_id, "count": aggregate.count, "average": aggregate.average, "recent": recent}


@router.get("/ratings/workers/{worker_id}")
async def worker_rating(worker_id: str, request: Request, principal: AnyStaff) -> dict[str, Any]:
    parts = request.app.state
    async with parts.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
        if worker is None:
            raise _problem(status.HTTP_404_NOT_FOUND, "Worker not found.", "कर्मी नहीं मिला।")
        _check_district(principal, worker["district"])
        recent = await RatingsRepo(conn).recent(Subject.WORKER.value, worker_id)
    return {
        "worker_id": worker_id,
        "count": worker["rating_count"],
        "average": rating_average(worker["rating_sum"], worker["rating_count"]),
        "recent": recent,
    }
