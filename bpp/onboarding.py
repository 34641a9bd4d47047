"""Registry onboarding endpoints: the `/on_subscribe` challenge and the site-verification page."""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from bpp.settings import Settings
from signing import (
    ChallengeError,
    KeyFormatError,
    decrypt_challenge,
    sign_site_verification,
    site_verification_html,
)

router = APIRouter(tags=["onboarding"])


def _error(status_code: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code)


@router.post("/on_subscribe")
async def on_subscribe(request: Request) -> JSONResponse:
    """Answer the registry's encrypted challenge with its plaintext, proving we hold our encryption key."""
    settings: Settings = request.app.state.settings
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        return _error(400, 'body must be JSON: {"subscriber_id": ..., "challenge": "<base64>"}')
    challenge = body.get("challenge") if isinstance(body, dict) else None
    if not isinstance(challenge, str):
        return _error(400, 'body must carry "challenge": a base64 string')
    if settings.encryption_private_key is None:
        return _error(503, "encryption_private_key is not configured (SEVAMITRA_ENCRYPTION_PRIVATE_KEY)")
    try:
        answer = decrypt_challenge(
            challenge,
            settings.encryption_private_key.get_secret_value(),
            settings.registry_encryption_public_key,
        )
    except ChallengeError as exc:
        return _error(400, str(exc))
    except KeyFormatError as exc:
        return _error(503, f"onboarding keys are misconfigured: {exc}")
    return JSONResponse({"answer": answer})


@router.get("/ondc-site-verification.html", response_class=HTMLResponse)
async def site_verification(request: Request) -> HTMLResponse:
    """The page whose meta tag carries our signature of the request_id we sent with /subscribe."""
    settings: Settings = request.app.state.settings
    request_id = settings.site_verification_request_id
    if request_id is None:
        return HTMLResponse(
            "site_verification_request_id is not set (SEVAMITRA_SITE_VERIFICATION_REQUEST_ID)",
            status_code=404,
        )
    if settings.signing_private_key is None:
        return HTMLResponse("signing_private_key is not configured", status_code=503)
    try:
        signed = sign_site_verification(request_id, settings.signing_private_key.get_secret_value())
    except KeyFormatError as exc:
        return HTMLResponse(f"signing_private_key is misconfigured: {exc}", status_code=503)
    return HTMLResponse(site_verification_html(signed))
