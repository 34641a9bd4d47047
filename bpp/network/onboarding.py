"""Registry onboarding endpoints: the `/on_subscribe` challenge and the site-verification page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from bpp.platform.settings import Settings
from signing import (
    ChallengeError,
    KeyFormatError,
    decrypt_challenge,
    sign_site_verification,
    site_verification_html,
)

if TYPE_CHECKING:
    from bpp.platform.keys import KeyMaterial

router = APIRouter(tags=["onboarding"])


def _error(status_code: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code)


def _keys(request: Request) -> KeyMaterial:
    """The keys the running app signs with (environment, key_file or the demo's), so the answers match."""
    keys: KeyMaterial = request.app.state.keys
    return keys


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
    try:
        answer = decrypt_challenge(
            challenge, _keys(request).encryption_private_key, settings.registry_encryption_public_key
        )
    except ChallengeError as exc:
        return _error(400, str(exc))
    except KeyFormatError as exc:
        return _error(503, f"setting registry_encryption_public_key: {exc}")
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
    signed = sign_site_verification(request_id, _keys(request).signing_private_key)
    return HTMLResponse(site_verification_html(signed))
