"""The sign-up page: one HTML shell with its own small script and style, made for a cheap Android phone.

Plain files from `static/`, no build step; the page talks only to /signup/api and asks for the phone's position.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from bpp.platform.page_files import page_file

STATIC_DIR: Final = Path(__file__).parent / "static"
GEOLOCATION: Final = {"Permissions-Policy": "geolocation=(self)"}  # her home's point comes from the phone's GPS

router = APIRouter(prefix="/signup", tags=["worker sign-up: pages"], include_in_schema=False)


@router.get("")
async def page_without_slash() -> RedirectResponse:
    return RedirectResponse("/signup/", status_code=308)


@router.get("/")
async def signup_page() -> FileResponse:
    return page_file(STATIC_DIR, "index.html", GEOLOCATION)


@router.get("/static/{name}")
async def signup_asset(name: str) -> FileResponse:
    """Only the page's own files; any other name is 404."""
    return page_file(STATIC_DIR, name, GEOLOCATION)
