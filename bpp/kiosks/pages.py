"""The kiosk counter's page (`/kiosk/`): one HTML shell, its script and style, served from `bpp/kiosks/static/`.

Made for a Jan Seva Kendra operator at her counter: book for a walk-in citizen, print the receipt, read the kiosk's
statement. It talks only to `/staff/api/login` and the kiosk API (`router.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from bpp.platform.page_files import page_file

STATIC_DIR: Final = Path(__file__).parent / "static"

router = APIRouter(prefix="/kiosk", tags=["kiosk: pages"], include_in_schema=False)


@router.get("")
async def page_without_slash() -> RedirectResponse:
    return RedirectResponse("/kiosk/", status_code=308)


@router.get("/")
async def counter_page() -> FileResponse:
    """The counter page (Hindi by default; the language toggle switches to English)."""
    return page_file(STATIC_DIR, "index.html")


@router.get("/static/{name}")
async def page_asset(name: str) -> FileResponse:
    """The page's script and style sheet (only files directly in the static folder)."""
    return page_file(STATIC_DIR, name)
