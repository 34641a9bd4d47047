"""The staff console: one HTML page and its script and style, served from `bpp/staff/static/`.

The console talks only to the staff JSON APIs. Nothing is loaded from elsewhere, and the content
security policy forbids it, so a console page cannot be made to run foreign script.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

STATIC_DIR: Final = Path(__file__).parent / "static"
MEDIA_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(tags=["staff: console"], include_in_schema=False)


def _file(name: str) -> FileResponse:
    path = STATIC_DIR / name
    media_type = MEDIA_TYPES.get(path.suffix)
    if media_type is None or path.parent != STATIC_DIR or not path.is_file():
        raise HTTPException(404, detail={"en": "No such console file.", "hi": "कंसोल की ऐसी कोई फ़ाइल नहीं है।"})
    return FileResponse(path, media_type=media_type, headers=SECURITY_HEADERS)


@router.get("/staff")
async def console_redirect() -> RedirectResponse:
    return RedirectResponse("/staff/", status_code=308)


@router.get("/staff/")
async def console() -> FileResponse:
    """The console page (Hindi by default; the language toggle switches to English)."""
    return _file("index.html")


@router.get("/staff/static/{name}")
async def console_asset(name: str) -> FileResponse:
    """The console's script and style sheet (only files directly in the static folder)."""
    return _file(name)
