"""The worker app's API: log in, go online, take offers, travel, start with the OTP, complete.

A worker sees and changes only her own offers and jobs; every order change pushes an on_status. The app queues
job steps while the phone is offline and sends each with an `Idempotency-Key`: a repeat of a step that was taken
gets the first answer again (with `Idempotent-Replayed: true`) and changes nothing. While the app is open and she is
free, her offers come down a stream of server-sent events the moment they are made; polling is the fallback.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from dataclasses import asdict
from decimal import Decimal
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, TypeAdapter

from bpp.platform.api_types import RowId, Rupees
from bpp.platform.auth import LoginThrottle, Principal, issue_token, login_source, require_worker, verify_login_secret
from bpp.workforce import repo as worker_repo
from bpp.workforce.step_receipts import KEY_PATTERN, StepAlreadyTaken, step_answer
from bpp.workforce.workforce import Workforce
from fulfillment.geo import MAX_INDEXABLE_LATITUDE
from fulfillment.order import Order
from fulfillment.workers import BANNED, rating_average
from schemas.enums import OrderStatus

router = APIRouter(prefix="/worker/api", tags=["worker app"])
Worker = Annotated[Principal, Depends(require_worker)]
# one key per step the app took (a UUID); optional (default "": none), so a client that never retries needs none
StepKey = Annotated[str, Header(alias="Idempotency-Key", pattern=KEY_PATTERN)]
# A stream ends after STREAM_SECONDS and the app opens the next: a serve process that stops waits for open answers,
# so this bounds its wait. A comment every HEARTBEAT_SECONDS keeps proxies and mobile networks from cutting it.
STREAM_SECONDS: Final = 45.0
HEARTBEAT_SECONDS: Final = 15.0
OFFERS_JSON: Final = TypeAdapter(list[dict[str, Any]])  # as the JSON routes answer (decimals as strings)

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


def _workforce(request: Request) -> Workforce:
    return request.app.state.fulfillment


@router.post("/login")
async def login(body: Login, request: Request) -> dict[str, Any]:
    """Phone and PIN → a bearer token; five attempts from one address lock that phone there for 15 minutes."""
    parts = request.app.state
    throttle, source = LoginThrottle(parts.redis, "worker"), login_source(request)
    attempts = await throttle.attempt(body.phone, source)
    async with parts.db.connect() as conn:
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
    async with request.app.state.db.connect() as conn:
        row = await worker_repo.get_worker(conn, worker.id)
    if row is None:
        raise HTTPException(404, detail={"en": "Account not found.", "hi": "खाता नहीं मिला।"})
    return _profile(row)


@router.post("/online")
async def go_online(body: Position, worker: Worker, request: Request) -> dict[str, Any]:
    """Start receiving offers near the given position (only once she is verified and not suspended)."""
    await _workforce(request).presence.go_online(worker.id, body.lat, body.lng)
    return {"online": True}


@router.post("/offline")
async def go_offline(worker: Worker, request: Request) -> dict[str, Any]:
    await _workforce(request).presence.go_offline(worker.id)
    return {"online": False}


@router.post("/location")
async def report_location(body: Position, worker: Worker, request: Request) -> dict[str, Any]:
    await _workforce(request).presence.report_location(worker.id, body.lat, body.lng)
    return {"ok": True}


@router.get("/offers")
async def open_offers(worker: Worker, request: Request) -> list[dict[str, Any]]:
    return [asdict(offer) for offer in await _workforce(request).offers.open_offers(worker.id)]


# a stream of events, not a JSON answer: left out of the OpenAPI document (its clients read answers to the end)
@router.get("/offers/stream", include_in_schema=False)
async def offer_stream(worker: Worker, request: Request) -> StreamingResponse:
    """Her open offers as server-sent events (`event: offers`, the list GET /offers answers): at once, then each time
    an offer is made for her, by whichever process (bpp/workforce/offer_feed.py)."""
    workforce = _workforce(request)

    async def offers_event() -> bytes:
        offers = [asdict(offer) for offer in await workforce.offers.open_offers(worker.id)]
        return b"event: offers\ndata: " + OFFERS_JSON.dump_json(offers) + b"\n\n"

    async def events() -> AsyncIterator[bytes]:
        clock = asyncio.get_running_loop().time
        ends = clock() + STREAM_SECONDS
        async with workforce.offer_feed.notices(worker.id) as notice:
            yield await offers_event()
            while (left := ends - clock()) > 0:
                try:
                    await asyncio.wait_for(notice.wait(), min(HEARTBEAT_SECONDS, left))
                except TimeoutError:
                    yield b": still here\n\n"
                    continue
                notice.clear()
                yield await offers_event()

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/offers/{offer_id}/accept")
async def accept(offer_id: RowId, worker: Worker, request: Request) -> dict[str, Any]:
    return step_answer(await _workforce(request).offers.accept(worker.id, offer_id))


@router.post("/offers/{offer_id}/decline")
async def decline(offer_id: RowId, worker: Worker, request: Request) -> dict[str, Any]:
    await _workforce(request).offers.decline(worker.id, offer_id)
    return {"declined": True}


@router.get("/jobs")
async def my_jobs(worker: Worker, request: Request) -> list[dict[str, Any]]:
    """Only her own jobs."""
    return [_job_summary(order) for order in await _workforce(request).job_steps.jobs_of(worker.id)]


@router.post("/jobs/{order_id}/travelling")
async def travelling(order_id: str, worker: Worker, request: Request, response: Response,
                     key: StepKey = "") -> dict[str, Any]:
    return await _step(response, _workforce(request).job_steps.mark_travelling(worker.id, order_id, key or None))


@router.post("/jobs/{order_id}/arrived")
async def arrived(order_id: str, worker: Worker, request: Request, response: Response,
                  key: StepKey = "") -> dict[str, Any]:
    """At the door: the customer receives a start OTP in her buyer app."""
    return await _step(response, _workforce(request).job_steps.mark_arrived(worker.id, order_id, key or None))


@router.post("/jobs/{order_id}/otp")
async def new_otp(order_id: str, worker: Worker, request: Request) -> dict[str, Any]:
    """Send the customer a new start OTP."""
    await _workforce(request).job_steps.reissue_otp(worker.id, order_id)
    return {"otp_sent": True}


@router.post("/jobs/{order_id}/start")
async def start(order_id: str, body: StartWithOtp, worker: Worker, request: Request, response: Response,
                key: StepKey = "") -> dict[str, Any]:
    steps = _workforce(request).job_steps
    return await _step(response, steps.start_service(worker.id, order_id, body.otp, key or None))


@router.post("/jobs/{order_id}/complete")
async def complete(order_id: str, body: Completion, worker: Worker, request: Request, response: Response,
                   key: StepKey = "") -> dict[str, Any]:
    steps = _workforce(request).job_steps
    return await _step(response, steps.complete(worker.id, order_id, body.amount_collected, key or None))


@router.get("/earnings")
async def earnings(worker: Worker, request: Request) -> dict[str, Any]:
    """Completed jobs and their fees (the wallet, after commission, is in the wallet API)."""
    jobs = await _workforce(request).job_steps.jobs_of(worker.id)
    done = [job for job in jobs if job.status is OrderStatus.COMPLETED]
    return {"completed_jobs": len(done), "fees_total": str(sum((job.quote.total for job in done), Decimal("0.00")))}


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
        "sms_mode": worker["sms_mode"],  # offers and steps by SMS (bpp/worker_sms)
        "rating": str(avg) if (avg := rating_average(worker["rating_sum"], worker["rating_count"])) else None,
    }


async def _step(response: Response, taking: Awaitable[Order]) -> dict[str, Any]:
    """A job step's answer; a repeat of a keyed step that was taken answers as the first time did."""
    try:
        return step_answer(await taking)
    except StepAlreadyTaken as repeat:
        response.headers["Idempotent-Replayed"] = "true"
        return repeat.answer


def _job_summary(order: Order) -> dict[str, Any]:
    """One of her jobs as the app lists it: what, where, when, for whom, and how it is paid."""
    return {
        "id": order.id,
        "status": order.status.value,
        "fulfillment_state": order.fulfillment_state.value,
        "category_id": order.service.category_id,
        "total": order.quote.total,
        "slot_start": order.slot.start if order.slot else None,
        "slot_end": order.slot.end if order.slot else None,
        "end_location": order.details.end_location,
        "customer": order.details.customer,
        "payment": order.payment.snapshot,
        "updated_at": order.progress.updated_at,
    }
