"""The worker app's Web Push: the key to subscribe with, and each of her devices that may be woken for offers.

The app subscribes the phone's browser with our VAPID public key and sends the subscription here; turning
notifications off removes it, and a worker without any gets offers by SMS (bpp/workforce/offer_alerts.py).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field, field_validator

from bpp.platform.auth import Principal, require_worker
from bpp.platform.vapid import b64url_decode
from bpp.workforce.offer_alerts import OfferAlerts
from bpp.workforce.push import PushSubscription

router = APIRouter(prefix="/worker/api/push", tags=["worker app: push"])
Worker = Annotated[Principal, Depends(require_worker)]


class DeviceKeys(BaseModel):
    # base64url (RFC 8291): an uncompressed P-256 point (65 bytes, the first 0x04) and a 16-byte secret
    p256dh: str = Field(pattern=r"^B[A-Za-z0-9_-]{85}[AEIMQUYcgkosw048]=?$")
    auth: str = Field(pattern=r"^[A-Za-z0-9_-]{21}[AQgw](==)?$")

    @field_validator("p256dh")
    @classmethod
    def _on_the_curve(cls, value: str) -> str:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(value))  # ValueError: 422
        return value


class Device(BaseModel):
    """The browser's PushSubscription as its toJSON() gives it (expirationTime is ignored)."""

    endpoint: str = Field(max_length=1024, pattern=r"^https?://\S+$")
    keys: DeviceKeys


class DeviceEndpoint(BaseModel):
    endpoint: str = Field(max_length=1024)


def _alerts(request: Request) -> OfferAlerts:
    return request.app.state.fulfillment.offer_alerts


@router.get("/key")
async def push_key(worker: Worker, request: Request) -> dict[str, Any]:
    """Our VAPID public key (base64url) for `pushManager.subscribe`; null when this server does not push."""
    return {"public_key": _alerts(request).push_key}


@router.post("/subscriptions", status_code=204)
async def subscribe(body: Device, worker: Worker, request: Request) -> Response:
    """Wake this device for her offers (again: a renewed subscription replaces the old keys)."""
    url = urlsplit(body.endpoint)
    # push services are HTTPS; plain HTTP only where callbacks may be (the demo and tests on loopback)
    if not url.hostname or (url.scheme == "http" and not request.app.state.settings.allow_http_callbacks):
        raise HTTPException(422, detail={"en": "This is not a push service address.",
                                         "hi": "यह पुश सेवा का पता नहीं है।"})
    device = PushSubscription(body.endpoint, body.keys.p256dh, body.keys.auth)
    await _alerts(request).subscriptions.add(worker.id, device)
    return Response(status_code=204)


@router.post("/subscriptions/remove", status_code=204)
async def unsubscribe(body: DeviceEndpoint, worker: Worker, request: Request) -> Response:
    """Stop waking this device (she turned notifications off); removing one that is not hers changes nothing."""
    await _alerts(request).subscriptions.remove(worker.id, body.endpoint)
    return Response(status_code=204)
