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
_CSV: Final[dict[int | str, dict[str, Any]]] = {200: {
    "description": "One figure as CSV (UTF-8 with a byte-order mark, so that Excel shows Hindi)",
    "content": {"text/csv": {"schema": {"type": "string"}}},
}}
_WORKBOOK: Final[dict[int | str, dict[str, Any]]] = {200: {
    "description": "An Excel workbook: a cover sheet, then one sheet per figure",
    "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
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


def _download(report: Dashboard, name: str, extension: str, body: bytes, media_type: str) -> Response:
    stem = f"seva-mitra-{name}-{report.scope.replace(':', '-')}-{report.periods.chart_days[-1]}"
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{stem}.{extension}"'})


def _unknown(report: Dashboard, table: str) -> HTTPException:
    names = [t.name for t in report.tables]
    return HTTPException(404, detail={"en": f"No figure {table!r}; use one of {names}.",
                                      "hi": f"{table!r} नाम का कोई आँकड़ा नहीं है; {names} में से एक चुनें।"})


@router.get("/workbook.xlsx", response_class=Response, responses=_WORKBOOK)
async def workbook_download(
    staff: Viewer,
    request: Request,
    district: District = None,
    table: Annotated[str | None, Query(max_length=64, description="only this figure")] = None,
    lang: Literal["en", "hi"] = "en",
) -> Response:
    """Every figure (or the one named) as an Excel workbook, its headings in `lang`."""
    report = await _figures(request, staff, district)
    chosen = report.tables if table is None else [t for t in report.tables if t.name == table]
    if not chosen:
        raise _unknown(report, str(table))
    return _download(report, table or "dashboard", "xlsx", workbook(chosen, report.about(), lang), XLSX)


@router.get("/{table}.csv", response_class=Response, responses=_CSV)
async def csv_download(table: str, staff: Viewer, request: Request, district: District = None) -> Response:
    """One figure as CSV: a header of column keys, then its rows."""
    report = await _figures(request, staff, district)
    chosen = report.table(table)
    if chosen is None:
        raise _unknown(report, table)
    return _download(report, table, "csv", ("\ufeff" + chosen.csv()).encode(), "text/csv; charset=utf-8")
