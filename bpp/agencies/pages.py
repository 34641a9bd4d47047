"""The agency sign-up page: one HTML shell and its script (the style is the worker sign-up page's), no build step;
it talks only to /signup/api (the phone's OTP) and /agency/api."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from bpp.platform.page_files import page_file
from bpp.signup.pages import GEOLOCATION  # the desk takes the point of a worker's home from the phone's GPS

STATIC_DIR: Final = Path(__file__).parent / "static"

router = APIRouter(prefix="/agency", tags=["agencies: pages"], include_in_schema=False)


@router.get("")
async def page_without_slash() -> RedirectResponse:
    return RedirectResponse("/agency/", status_code=308)


@router.get("/")
async def agency_page() -> FileResponse:
    return page_file(STATIC_DIR, "index.html", GEOLOCATION)


@router.get("/static/{name}")
async def agency_asset(name: str) -> FileResponse:
    """Only the page's own files; any other name is 404."""
    return page_file(STATIC_DIR, name, GEOLOCATION)
