"""The staff console: one HTML page and its script and style, served from `bpp/staff/static/`.

The console talks only to the staff JSON APIs. Nothing is loaded from elsewhere, and the content
security policy forbids it, so a console page cannot be made to run foreign script.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from bpp.platform.page_files import page_file

STATIC_DIR: Final = Path(__file__).parent / "static"

router = APIRouter(tags=["staff: console"], include_in_schema=False)


def _file(name: str) -> FileResponse:
    return page_file(STATIC_DIR, name)


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


@router.get("/staff/static/vendor/{name}")
async def vendor_asset(name: str) -> FileResponse:
    """Third-party scripts bundled with the console (Chart.js; see vendor/README.md), never fetched from elsewhere."""
    return page_file(STATIC_DIR / "vendor", name)
