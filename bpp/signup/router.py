"""The public sign-up API under /signup/api: prove the phone, fill in and send the application, follow it.

No staff or worker login here: an OTP sent to the phone (or, once she has applied, her PIN) gives an applicant
token, which only these routes accept. Every wrong field is answered in Hindi and English
(`{"detail", "errors": [{"field", "en", "hi"}]}` or `{"detail": {"code", "en", "hi", "field"}}`).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from bpp.notify import normalise_phone
from bpp.platform.auth import (
    LoginThrottle,
    Principal,
    issue_token,
    login_source,
    require_applicant,
    verify_login_secret,
)
from bpp.platform.uploads import read_within
from bpp.signup.schemas import (
    ApplicationForm,
    OtpCheck,
    OtpRequest,
    PinLogin,
    application_view,
    choices,
    trade_names,
)
from bpp.signup.service import Details, SignupDesk, on_field
from fulfillment.signup import OTP_VALIDITY
from schemas.refusal import Refusal

router = APIRouter(prefix="/signup/api", tags=["worker sign-up"])
Applicant = Annotated[Principal, Depends(require_applicant)]
UPLOAD_PATH: Final = re.compile(r"/signup/api/application/documents/[^/]+")  # streams against its own limit


def _desk(request: Request) -> SignupDesk:
    return request.app.state.signup


async def _signed_in(request: Request, phone: str) -> dict[str, Any]:
    """A token for the phone she proved, and her application if she has one."""
    token = issue_token(request, Principal(kind="applicant", id=phone, role="applicant"))
    return {"token": token, "phone": phone, "application": await _application(request, phone)}


async def _application(request: Request, phone: str) -> dict[str, Any] | None:
    desk = _desk(request)
    row = await desk.application(phone)
    return None if row is None else application_view(row, await desk.documents(row["id"]))


@router.get("/form")
async def form(request: Request) -> dict[str, Any]:
    """What the form offers: the trades buyers can book now, qualifications, documents, the largest file."""
    desk = _desk(request)
    return {"trades": trade_names(desk.trades()), **choices(), "max_bytes": request.app.state.documents.max_bytes,
            "otp_minutes": int(OTP_VALIDITY.total_seconds() // 60)}


@router.get("/pincode/{pincode}")
async def pincode(pincode: str, request: Request) -> dict[str, Any]:
    """The pincode's district and its Seva Mitra unit (a 422 naming `pincode` says what is wrong)."""
    home = _desk(request).home(pincode)
    return {"pincode": home.pincode, "district": home.place_district.title(), "city": home.unit.city,
            "unit": {"en": home.unit.name_en, "hi": home.unit.name_hi}}


@router.post("/otp")
async def send_otp(body: OtpRequest, request: Request) -> dict[str, Any]:
    """Send an OTP to the phone by SMS."""
    sent = await _desk(request).send_otp(body.phone, body.language, login_source(request))
    return {"sent_to": sent.phone, "valid_until": sent.valid_until.isoformat(),
            "resend_after": sent.resend_after.isoformat()}


@router.post("/otp/check")
async def check_otp(body: OtpCheck, request: Request) -> dict[str, Any]:
    """The OTP from the SMS → an applicant token (three wrong OTPs lock the number for a while)."""
    phone = await _desk(request).check_otp(body.phone, body.otp, login_source(request))
    return await _signed_in(request, phone)


@router.post("/login")
async def log_in(body: PinLogin, request: Request) -> dict[str, Any]:
    """Phone and the PIN she chose in her application → an applicant token, to see where it stands."""
    phone = normalise_phone(body.phone) or body.phone
    parts = request.app.state
    throttle, source = LoginThrottle(parts.redis, "applicant"), login_source(request)
    attempts = await throttle.attempt(phone, source)
    pin_hash = await _desk(request).pin_hash(phone)
    if not verify_login_secret(pin_hash, body.pin) or pin_hash is None:
        if pin_hash is not None:
            await throttle.failed(phone, source, attempts)
        raise HTTPException(401, detail={
            "en": "Wrong phone number or PIN. Check both, or log in with an OTP instead.",
            "hi": "फ़ोन नंबर या पिन गलत है। दोनों जाँचें, या OTP से लॉग इन करें।",
        })
    await throttle.succeeded(phone, source)
    return await _signed_in(request, phone)


@router.get("/application")
async def my_application(applicant: Applicant, request: Request) -> dict[str, Any]:
    """Her application and where it stands (`application` is null before she saves one)."""
    return {"phone": applicant.id, "application": await _application(request, applicant.id)}


@router.put("/application")
async def save_application(body: ApplicationForm, applicant: Applicant, request: Request) -> dict[str, Any]:
    """Save her details (every wrong field at once); she sends the application with /submit."""
    details = Details(
        name=body.name, trades=tuple(body.trades), qualification=body.qualification, pincode=body.pincode,
        home_lat=body.home_lat, home_lng=body.home_lng, pin=body.pin, language=body.language,
    )
    desk = _desk(request)
    row = await desk.save(applicant.id, details)
    return application_view(row, await desk.documents(row["id"]))


@router.post("/application/documents/{kind}", status_code=201, openapi_extra={"requestBody": {
    "required": True, "content": {kind: {"schema": {"type": "string", "format": "binary"}}
                                  for kind in ("image/jpeg", "image/png", "application/pdf")}}})
async def upload_document(
    kind: str,
    applicant: Applicant,
    request: Request,
    filename: Annotated[str | None, Query(max_length=255, description="the file's name on her phone")] = None,
) -> dict[str, Any]:
    """Her `id_proof` (PDF, JPEG or PNG) or `photo` (JPEG or PNG), checked by content and size."""
    try:
        content = await read_within(request, request.app.state.documents.max_bytes)
    except Refusal as too_large:
        raise on_field(too_large, kind) from None
    return await _desk(request).upload(applicant.id, kind, content, filename)


@router.post("/application/submit")
async def submit(applicant: Applicant, request: Request) -> dict[str, Any]:
    """Send the application to her district's office."""
    desk = _desk(request)
    row = await desk.submit(applicant.id)
    return application_view(row, await desk.documents(row["id"]))
