"""SMS mode over HTTP: the SMS gateway's inbound webhook, and the switch in the worker app and the staff console.

The gateway POSTs each SMS our long code receives to `/sms/inbound` as JSON `{"message_id", "from", "text"}`, with
`X-Sms-Signature: <hex HMAC-SHA256 of the raw body under the setting sms_inbound_secret>`; a wrong or missing
signature is 401, the webhook is 404 while the secret is unset. The answer is 200 whatever the message said (the
worker's answer goes by SMS), so the gateway retries only what did not reach us.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bpp.notify import normalise_phone
from bpp.platform.auth import Principal, require_staff, require_worker
from bpp.staff.workers_api import managed_worker
from bpp.storage.worker_sms_tables import INBOUND_ID_LENGTH
from bpp.worker_sms.desk import UNKNOWN_SENDER, WorkerSms

log = logging.getLogger(__name__)
router = APIRouter(tags=["SMS mode"])
Worker = Annotated[Principal, Depends(require_worker)]
Manager = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]


class InboundSms(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    message_id: str = Field(min_length=1, max_length=INBOUND_ID_LENGTH)
    sender: str = Field(alias="from", max_length=20)
    text: str = Field(max_length=1000)


class SmsMode(BaseModel):
    sms_mode: bool


def signature(secret: str, body: bytes) -> str:
    """What the gateway sends in X-Sms-Signature for `body`."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@router.post("/sms/inbound", include_in_schema=False)
async def inbound_sms(
    request: Request, x_sms_signature: Annotated[str, Header()] = ""
) -> dict[str, str]:
    secret = request.app.state.settings.sms_inbound_secret
    if secret is None:
        raise HTTPException(404)
    body = await request.body()
    if not hmac.compare_digest(x_sms_signature.lower(), signature(secret.get_secret_value(), body)):
        raise HTTPException(401, detail={"en": "Bad signature.", "hi": "हस्ताक्षर गलत है।"})
    try:
        sms = InboundSms.model_validate_json(body)
    except ValidationError as exc:
        raise HTTPException(422, detail=exc.errors(include_url=False, include_input=False)) from exc
    phone = normalise_phone(sms.sender)
    desk: WorkerSms = request.app.state.worker_sms
    if phone is None:
        log.warning("an SMS from a number that is no Indian mobile was refused (message %s)", sms.message_id)
        return {"status": UNKNOWN_SENDER}
    return {"status": await desk.reply_received(sms.message_id, phone, sms.text)}


@router.put("/worker/api/sms-mode", tags=["worker app"])
async def my_sms_mode(body: SmsMode, worker: Worker, request: Request) -> dict[str, Any]:
    """Offers and job steps by SMS (on) or in the app (off)."""
    await request.app.state.worker_sms.set_mode(worker.id, body.sms_mode, f"worker:{worker.id}")
    return {"sms_mode": body.sms_mode}


@router.put("/staff/api/workers/{worker_id}/sms-mode", tags=["staff: workers"])
async def worker_sms_mode(worker_id: str, body: SmsMode, staff: Manager, request: Request) -> dict[str, Any]:
    """Switch a worker's SMS mode for her (she asked at the office or the helpline)."""
    async with request.app.state.db.connect() as conn:
        await managed_worker(conn, worker_id, staff)
    await request.app.state.worker_sms.set_mode(worker_id, body.sms_mode, f"staff:{staff.id}")
    return {"worker_id": worker_id, "sms_mode": body.sms_mode}
