"""The worker app's Web Push: the key to subscribe with, and each of her devices that may be woken for offers.

The app subscribes the phone's browser with our VAPID public key and sends the subscription here; turning
notifications off removes it, and a worker without any gets offers by SMS (bpp/workforce/offer_alerts.py).
"""

from __future__ import annotations

import binascii
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, Field, field_validator

from bpp.platform.auth import Principal, require_worker
from bpp.platform.vapid import b64url_decode
from bpp.workforce.offer_alerts import OfferAlerts
from bpp.workforce.push import PushSubscription

router = APIRouter(prefix="/worker/api/push", tags=["worker app: push"])
Worker = Annotated[Principal, Depends(require_worker)]
P256_POINT_BYTES = 65  # an uncompressed P-256 point
AUTH_SECRET_BYTES = 16


class DeviceKeys(BaseModel):
    p256dh: str = Field(max_length=128)
    auth: str = Field(max_length=64)

    @field_validator("p256dh")
    @classmethod
    def _point(cls, value: str) -> str:
        return _base64url_of(value, P256_POINT_BYTES)

    @field_validator("auth")
    @classmethod
    def _secret(cls, value: str) -> str:
        return _base64url_of(value, AUTH_SECRET_BYTES)


class Device(BaseModel):
    """The browser's PushSubscription as its toJSON() gives it (expirationTime is ignored)."""

    endpoint: str = Field(max_length=1024)
    keys: DeviceKeys


class DeviceEndpoint(BaseModel):
    endpoint: str = Field(max_length=1024)


def _base64url_of(value: str, size: int) -> str:
    try:
        decoded = b64url_decode(value)
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if len(decoded) != size:
        raise ValueError(f"must be {size} bytes")
    return value


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
    allowed = {"https", "http"} if request.app.state.settings.allow_http_callbacks else {"https"}
    if url.scheme not in allowed or not url.hostname:
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
