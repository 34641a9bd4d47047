"""The staff dashboard's figures, and each figure as CSV or every figure as an Excel workbook.

Admins see every district and the state (or one district with `district=`); a district officer sees her own
district only. Helpline operators have no dashboard: it shows money.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from bpp.platform.auth import Principal, require_staff
from bpp.reports.dashboard import Dashboard, dashboard
from bpp.reports.tables import workbook

router = APIRouter(prefix="/staff/api/dashboard", tags=["staff: dashboard"])
Viewer = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
District = Annotated[str | None, Query(pattern=r"^std:\d{3,5}$", description="a city code; admins only")]

XLSX: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOWNLOADS: Final[dict[int | str, dict[str, Any]]] = {200: {
    "description": "One figure as CSV (UTF-8 with a byte-order mark, so Excel shows Hindi), or the workbook",
    "content": {"text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}}},
}}


async def _figures(request: Request, staff: Principal, district: str | None) -> Dashboard:
    if staff.role == "district_officer":
        if district not in (None, staff.district):
            raise HTTPException(403, detail={
                "en": f"You see the figures of your district ({staff.district}) only.",
                "hi": f"आप केवल अपने ज़िले ({staff.district}) के आँकड़े देख सकती/सकते हैं।",
            })
        district = staff.district
    parts = request.app.state
    return await dashboard(parts.db, district, parts.clock())


@router.get("")
async def figures(staff: Viewer, request: Request, district: District = None) -> dict[str, Any]:
    """Every figure of the district (or, for an admin without `district`, of each district and the state)."""
    return (await _figures(request, staff, district)).as_json()


@router.get("/export", response_class=Response, responses=_DOWNLOADS)
async def export(
    staff: Viewer,
    request: Request,
    format: Literal["csv", "xlsx"],
    table: Annotated[str | None, Query(max_length=64, description="the figure; CSV needs one")] = None,
    district: District = None,
    lang: Literal["en", "hi"] = "en",
) -> Response:
    """One figure (`table`) as CSV, or as an Excel workbook every figure (or the one named) with its headings
    in `lang`."""
    report = await _figures(request, staff, district)
    names = [t.name for t in report.tables]
    if table is None and format == "csv":
        raise HTTPException(422, detail={"en": f"Name the figure to download as CSV: one of {names}.",
                                         "hi": f"CSV के लिए आँकड़ा चुनें: {names} में से एक।"})
    chosen = report.tables if table is None else [t for t in report.tables if t.name == table]
    if not chosen:
        raise HTTPException(404, detail={"en": f"No figure {table!r}; use one of {names}.",
                                         "hi": f"{table!r} नाम का कोई आँकड़ा नहीं है; {names} में से एक चुनें।"})
    stem = f"seva-mitra-{table or 'dashboard'}-{report.scope.replace(':', '-')}-{report.periods.chart_days[-1]}"
    if format == "csv":
        body, media_type = ("\ufeff" + chosen[0].csv()).encode(), "text/csv; charset=utf-8"
    else:
        body, media_type = workbook(chosen, report.about(), lang), XLSX
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{format}"'})
