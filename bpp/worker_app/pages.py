"""The worker app's pages: one HTML shell, its script and style, and the category names it shows.

Plain files from `static/`, no build step; the page talks only to the worker JSON API. The app installs on a phone:
its manifest and icons are in `static/`, and its service worker, which keeps the app shell for opening without a
network, is served at /worker/sw.js, since a service worker controls only the pages under its own path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from bpp.platform.page_files import page_file
from catalog.taxonomy import CATEGORIES

STATIC_DIR: Final = Path(__file__).parent / "static"
GEOLOCATION: Final = {"Permissions-Policy": "geolocation=(self)"}  # the app asks for the position

router = APIRouter(prefix="/worker", tags=["worker app: pages"], include_in_schema=False)


@router.get("")
async def app_without_slash() -> RedirectResponse:
    return RedirectResponse("/worker/", status_code=308)


@router.get("/")
async def app_page() -> FileResponse:
    return page_file(STATIC_DIR, "index.html", GEOLOCATION)


@router.get("/sw.js")
async def service_worker() -> FileResponse:
    return page_file(STATIC_DIR, "sw.js")


@router.get("/static/{name}")
async def app_asset(name: str) -> FileResponse:
    """Only the app's own files; any other name is 404."""
    return page_file(STATIC_DIR, name, GEOLOCATION)


@router.get("/categories.json")
async def category_names() -> dict[str, dict[str, str]]:
    """Names to show for a category code; Hindi falls back to English where the taxonomy has none."""
    return {code: {"en": c.name_en, "hi": c.name_hi or c.name_en} for code, c in CATEGORIES.items()}
