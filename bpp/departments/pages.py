"""The department officers' page (`/department/`): one HTML shell, its script and style, served from `static/`.

Made for a government office: the requesting officer asks for workers and books them once approved, the approving
officer approves or rejects; both follow each visit and read the monthly invoices. It talks only to
`/staff/api/login` and the department API (`router.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from bpp.platform.page_files import page_file

STATIC_DIR: Final = Path(__file__).parent / "static"

router = APIRouter(prefix="/department", tags=["department: pages"], include_in_schema=False)


@router.get("")
async def page_without_slash() -> RedirectResponse:
    return RedirectResponse("/department/", status_code=308)


@router.get("/")
async def department_page() -> FileResponse:
    """The officers' page (Hindi by default; the language toggle switches to English)."""
    return page_file(STATIC_DIR, "index.html")


@router.get("/static/{name}")
async def page_asset(name: str) -> FileResponse:
    """The page's script and style sheet (only files directly in the static folder)."""
    return page_file(STATIC_DIR, name)
