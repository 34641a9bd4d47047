"""The worker app's API: log in, go online, take offers, travel, start with the OTP, complete.

A worker sees and changes only her own offers and jobs; every order change pushes an on_status.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from bpp.platform.api_types import RowId, Rupees
from bpp.platform.auth import LoginThrottle, Principal, issue_token, login_source, require_worker, verify_login_secret
from bpp.wiring.services import Services
from bpp.workforce import repo as worker_repo
from bpp.workforce.service import FulfillmentService
from fulfillment.geo import MAX_INDEXABLE_LATITUDE
from fulfillment.workers import BANNED, is_listed, rating_average

router = APIRouter(prefix="/worker/api", tags=["worker app"])
Worker = Annotated[Principal, Depends(require_worker)]



class Login(BaseModel):
    phone: str = Field(pattern=r"^[6-9]\d{9}$")
    pin: str = Field(pattern=r"^\d{4,6}$")


class Position(BaseModel):
    # strict: JSON `false` is no coordinate
    lat: float = Field(ge=-MAX_INDEXABLE_LATITUDE, le=MAX_INDEXABLE_LATITUDE, strict=True)
    lng: float = Field(ge=-180, le=180, strict=True)


class StartWithOtp(BaseModel):
    otp: str = Field(pattern=r"^\s*\d{4,6}\s*$")


class Completion(BaseModel):
    amount_collected: Rupees | None = None


def _services(request: Request) -> Services:
    return request.app.state.services


def _fulfillment(request: Request) -> FulfillmentService:
    return _services(request).fulfillment


@router.post("/login")
async def login(body: Login, request: Request) -> dict[str, Any]:
    """Phone and PIN → a bearer token; five attempts from one address lock that phone there for 15 minutes."""
    services = _services(request)
    throttle, source = LoginThrottle(services.redis, "worker"), login_source(request)
    attempts = await throttle.attempt(body.phone, source)
    async with services.db.connect() as conn:
        worker = await worker_repo.get_by_phone(conn, body.phone)
    if not verify_login_secret(worker["pin_hash"] if worker else None, body.pin) or worker is None:
        if worker is not None:
            await throttle.failed(body.phone, source, attempts)
        raise HTTPException(
            401,
            detail={
                "en": "Wrong phone number or PIN. Check both and try again.",
                "hi": "फ़ोन नंबर या पिन गलत है। दोनों जाँचें और फिर से प्रयास करें।",
            },
        )
    notices = await throttle.succeeded(body.phone, source)
    if worker["standing"] == BANNED:
        raise HTTPException(
            403,
            detail={
                "en": "Your account is banned. Call the helpline 155330 for details.",
                "hi": "आपका खाता प्रतिबंधित है। जानकारी के लिए हेल्पलाइन 155330 पर कॉल करें।",
            },
        )
    principal = Principal(kind="worker", id=worker["id"], role="worker", district=worker["district"])
    return {"token": issue_token(request, principal), "worker": _profile(worker), "notices": notices}


@router.get("/me")
async def me(worker: Worker, request: Request) -> dict[str, Any]:
    async with _services(request).db.connect() as conn:
        row = await worker_repo.get_worker(conn, worker.id)
    if row is None:
        raise HTTPException(404, detail={"en": "Account not found.", "hi": "खाता नहीं मिला।"})
    return _profile(row)


@router.post("/online")
async def go_online(body: Position, worker: Worker, request: Request) -> dict[str, Any]:
    """Start receiving offers near the given position."""
    async with _services(request).db.connect() as conn:
        row = await worker_repo.get_worker(conn, worker.id)
    if row is None or not is_listed(row["verification"], row["standing"]):
        raise HTTPException(
            403,
            detail={
                "en": "You can go online once you are verified and not suspended. Call 155330 for help.",
                "hi": "सत्यापन के बाद और निलंबन न होने पर ही आप ऑनलाइन हो सकते हैं। सहायता के लिए 155330 पर कॉल करें।",
            },
        )
    await _fulfillment(request).go_online(worker.id, body.lat, body.lng)
    return {"online": True}


@router.post("/offline")
async def go_offline(worker: Worker, request: Request) -> dict[str, Any]:
    await _fulfillment(request).go_offline(worker.id)
    return {"online": False}


@router.post("/location")
async def report_location(body: Position, worker: Worker, request: Request) -> dict[str, Any]:
    await _fulfillment(request).report_location(worker.id, body.lat, body.lng)
    return {"ok": True}


@router.get("/offers")
async def open_offers(worker: Worker, request: Request) -> list[dict[str, Any]]:
    return await _fulfillment(request).open_offers(worker.id)


@router.post("/offers/{offer_id}/accept")
async def accept(offer_id: RowId, worker: Worker, request: Request) -> dict[str, Any]:
    order = await _fulfillment(request).accept_offer(worker.id, offer_id)
    return _job(order)


@router.post("/offers/{offer_id}/decline")
async def decline(offer_id: RowId, worker: Worker, request: Request) -> dict[str, Any]:
    await _fulfillment(request).decline_offer(worker.id, offer_id)
    return {"declined": True}


@router.get("/jobs")
async def my_jobs(worker: Worker, request: Request) -> list[dict[str, Any]]:
    """Only her own jobs."""
    return await _fulfillment(request).jobs_of(worker.id)


@router.post("/jobs/{order_id}/travelling")
async def travelling(order_id: str, worker: Worker, request: Request) -> dict[str, Any]:
    return _job(await _fulfillment(request).mark_travelling(worker.id, order_id))


@router.post("/jobs/{order_id}/arrived")
async def arrived(order_id: str, worker: Worker, request: Request) -> dict[str, Any]:
    """At the door: the customer receives a start OTP in her buyer app."""
    return _job(await _fulfillment(request).mark_arrived(worker.id, order_id))


@router.post("/jobs/{order_id}/otp")
async def new_otp(order_id: str, worker: Worker, request: Request) -> dict[str, Any]:
    """Send the customer a new start OTP."""
    await _fulfillment(request).reissue_otp(worker.id, order_id)
    return {"otp_sent": True}


@router.post("/jobs/{order_id}/start")
async def start(order_id: str, body: StartWithOtp, worker: Worker, request: Request) -> dict[str, Any]:
    return _job(await _fulfillment(request).start_service(worker.id, order_id, body.otp))


@router.post("/jobs/{order_id}/complete")
async def complete(order_id: str, body: Completion, worker: Worker, request: Request) -> dict[str, Any]:
    return _job(await _fulfillment(request).complete(worker.id, order_id, body.amount_collected))


@router.get("/earnings")
async def earnings(worker: Worker, request: Request) -> dict[str, Any]:
    """Completed jobs and their fees (the wallet, after commission, is in the wallet API)."""
    jobs = await _fulfillment(request).jobs_of(worker.id)
    done = [job for job in jobs if job["status"] == "Completed"]
    return {"completed_jobs": len(done), "fees_total": str(sum((job["total"] for job in done), Decimal("0.00")))}


def _profile(worker: Any) -> dict[str, Any]:
    return {
        "id": worker["id"],
        "name": worker["name"],
        "phone": worker["phone"],
        "skills": worker["skills"],
        "district": worker["district"],
        "verification": worker["verification"],
        "standing": worker["standing"],
        "standing_reason": worker["standing_reason"],
        "online": worker["online"],
        "current_order_id": worker["current_order_id"],
        "rating": str(avg) if (avg := rating_average(worker["rating_sum"], worker["rating_count"])) else None,
    }


def _job(order: Any) -> dict[str, Any]:
    return {"order_id": order["id"], "status": order["status"], "fulfillment_state": order["fulfillment_state"]}
