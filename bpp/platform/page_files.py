"""Serving the plain HTML/JS/CSS pages (staff console, worker app) with headers that keep them self-contained."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, RedirectResponse

MEDIA_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".png": "image/png",
    ".webmanifest": "application/manifest+json",  # what browsers expect of a web app manifest
}
# Nothing is loaded from elsewhere and no inline script runs, so a page cannot be made to run foreign code.
PAGE_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
# For a page that asks for the phone's position (a worker's or an agency worker's home point from its GPS)
GEOLOCATION: Final = {"Permissions-Policy": "geolocation=(self)"}


def page_file(static_dir: Path, name: str, extra_headers: Mapping[str, str] | None = None) -> FileResponse:
    """A file directly inside `static_dir` with a known type; anything else is a bilingual 404."""
    path = static_dir / name
    media_type = MEDIA_TYPES.get(path.suffix)
    if media_type is None or path.parent != static_dir or not path.is_file():
        raise HTTPException(404, detail={"en": "No such page file.", "hi": "ऐसी कोई फ़ाइल नहीं है।"})
    return FileResponse(path, media_type=media_type, headers={**PAGE_HEADERS, **(extra_headers or {})})


def page_router(
    prefix: str, static_dir: Path, tag: str, extra_headers: Mapping[str, str] | None = None
) -> APIRouter:
    """The routes of a one-page app at `prefix`/: its HTML shell, and its script and style under `static/`."""
    router = APIRouter(prefix=prefix, tags=[tag], include_in_schema=False)

    @router.get("")
    async def page_without_slash() -> RedirectResponse:
        return RedirectResponse(f"{prefix}/", status_code=308)

    @router.get("/")
    async def page() -> FileResponse:
        """The page (Hindi by default; its language toggle switches to English)."""
        return page_file(static_dir, "index.html", extra_headers)

    @router.get("/static/{name}")
    async def page_asset(name: str) -> FileResponse:
        """Only the page's own files, directly in its static folder; any other name is 404."""
        return page_file(static_dir, name, extra_headers)

    return router
