"""Staff catalogue API: providers and fixed-fee items (one-off visits and engagements), publish/unpublish, CSV
import/export.

Admins change everything; a district officer only the provider and items of her district (the
provider's city code); other staff read.  Wrong input answers 422 naming each field in Hindi and
English.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, Response
from fastapi.responses import PlainTextResponse

from bpp.catalogue.repo import CatalogRepo
from bpp.catalogue.service import CatalogService
from bpp.platform.api_types import CSV_BODY, CSV_RESPONSE
from bpp.platform.auth import Principal, require_staff
from catalog.codec import item_to_json, provider_to_json
from catalog.csv_io import RowError, export_csv, parse_csv
from catalog.model import ServiceItem
from catalog.taxonomy import CATEGORIES
from catalog.validation import FieldError, parse_item, parse_provider

router = APIRouter(prefix="/staff/api/catalog", tags=["staff: catalogue"])
_any_staff = require_staff()
_editor = require_staff("admin", "district_officer")
AnyStaff = Annotated[Principal, Depends(_any_staff)]
Editor = Annotated[Principal, Depends(_editor)]
JsonBody = Annotated[dict[str, Any], Body()]
def _catalog(request: Request) -> CatalogService:
    return request.app.state.catalog


def _invalid(errors: list[FieldError]) -> HTTPException:
    return HTTPException(422, detail={"errors": [error.as_json() for error in errors]})


def _forbidden(district: str) -> HTTPException:
    return HTTPException(
        403,
        detail={
            "en": f"You can change only your own district; {district} belongs to another officer.",
            "hi": f"आप केवल अपने ज़िले में बदलाव कर सकती/सकते हैं; {district} दूसरे अधिकारी का है।",
        },
    )


def _actor(principal: Principal) -> str:
    return f"staff:{principal.id}"


async def _provider_city(request: Request, provider_id: str) -> str | None:
    async with request.app.state.db.connect() as conn:
        provider = await CatalogRepo(conn).provider(provider_id)
    return provider.city if provider else None


async def _check_district(request: Request, principal: Principal, provider_id: str) -> None:
    city = await _provider_city(request, provider_id)
    if city is not None and not principal.can_manage_district(city):
        raise _forbidden(city)


def _not_found(what: str, key: str) -> HTTPException:
    return HTTPException(
        404,
        detail={
            "en": f"No {what} {key}; check the id in the list.",
            "hi": f"{key} नाम का कोई {what} नहीं मिला; सूची में id जाँचें।",
        },
    )


# --- categories and providers -------------------------------------------------------------
@router.get("/categories")
async def list_categories(_: AnyStaff) -> list[dict[str, Any]]:
    """Every category code: the SRV taxonomy and the Seva Mitra extension (SM-…)."""
    return [
        {"code": c.code, "domain": c.domain, "name_en": c.name_en, "name_hi": c.name_hi or c.name_en}
        for c in CATEGORIES.values()
    ]


@router.get("/providers")
async def list_providers(request: Request, _: AnyStaff) -> list[dict[str, Any]]:
    async with request.app.state.db.connect() as conn:
        return [provider_to_json(provider) for provider in await CatalogRepo(conn).providers()]


@router.put("/providers/{provider_id}")
async def put_provider(
    provider_id: str,
    request: Request,
    body: JsonBody,
    principal: Editor,
) -> dict[str, Any]:
    """Create or replace a district provider."""
    provider, errors = parse_provider({**body, "id": provider_id})
    if provider is None:
        raise _invalid(errors)
    await _check_district(request, principal, provider_id)
    if not principal.can_manage_district(provider.city):
        raise _forbidden(provider.city)
    saved = await _catalog(request).save_provider(provider, actor=_actor(principal))
    return provider_to_json(saved)


# --- items --------------------------------------------------------------------------------
ItemKind = Annotated[Literal["visit", "engagement"] | None, Query(description="only one-off visits or engagements")]


async def _items(request: Request, provider_id: str | None, kind: str | None) -> list[ServiceItem]:
    async with request.app.state.db.connect() as conn:
        items = await CatalogRepo(conn).items(provider_id)
    return [item for item in items if kind in (None, item.kind)]


@router.get("/items")
async def list_items(
    request: Request, _: AnyStaff, provider_id: str | None = None, kind: ItemKind = None
) -> list[dict[str, Any]]:
    return [item_to_json(item) for item in await _items(request, provider_id, kind)]


@router.get("/items.csv", response_class=PlainTextResponse, responses=CSV_RESPONSE)
async def export_items(
    request: Request, _: AnyStaff, provider_id: str | None = None, kind: ItemKind = None
) -> Response:
    """All items (or one provider's, or one kind's) in the CSV import format."""
    items = await _items(request, provider_id, kind)
    return Response(
        export_csv(items),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="catalogue.csv"'},
    )


@router.get("/items/{item_id}")
async def get_item(item_id: str, request: Request, _: AnyStaff) -> dict[str, Any]:
    """An item and its audit trail (who changed what, when, before and after)."""
    async with request.app.state.db.connect() as conn:
        repo = CatalogRepo(conn)
        item = await repo.item(item_id)
        if item is None:
            raise _not_found("item", item_id)
        trail = await repo.audit_trail("item", item_id)
    return {**item_to_json(item), "audit": trail}


@router.put("/items/{item_id}")
async def put_item(
    item_id: str,
    request: Request,
    body: JsonBody,
    principal: Editor,
) -> dict[str, Any]:
    """Create an item or change it; fields left out keep their current values. The version rises."""
    async with request.app.state.db.connect() as conn:
        current = await CatalogRepo(conn).item(item_id)
    base = item_to_json(current) if current else {}
    item, errors = parse_item({**base, **body, "id": item_id, "version": base.get("version", 1)})
    if item is None:
        raise _invalid(errors)
    if current is not None:
        await _check_district(request, principal, current.provider_id)
    await _check_district(request, principal, item.provider_id)
    saved = await _catalog(request).save_item(item, actor=_actor(principal))
    return item_to_json(saved)


async def _set_published(request: Request, principal: Principal, item_id: str, published: bool) -> dict[str, Any]:
    async with request.app.state.db.connect() as conn:
        current = await CatalogRepo(conn).item(item_id)
    if current is None:
        raise _not_found("item", item_id)
    await _check_district(request, principal, current.provider_id)
    saved = await _catalog(request).set_published(item_id, published, actor=_actor(principal))
    return item_to_json(saved)


@router.post("/items/{item_id}/publish")
async def publish_item(item_id: str, request: Request, principal: Editor) -> dict[str, Any]:
    """Offer the item to buyer apps (search answers change within about two seconds everywhere)."""
    return await _set_published(request, principal, item_id, True)


@router.post("/items/{item_id}/unpublish")
async def unpublish_item(item_id: str, request: Request, principal: Editor) -> dict[str, Any]:
    """Stop offering the item; confirmed orders keep their terms."""
    return await _set_published(request, principal, item_id, False)


@router.post("/items/import", openapi_extra=CSV_BODY)
async def import_items(request: Request, principal: Editor) -> dict[str, Any]:
    """Import items from a CSV body: good rows are saved, bad rows are reported by line and field."""
    parsed = parse_csv((await request.body()).decode("utf-8-sig", errors="replace"))
    allowed = []
    for line, item in parsed.items:
        city = await _provider_city(request, item.provider_id)
        if city is None:
            parsed.errors.append(
                RowError(
                    line,
                    "provider_id",
                    f"No provider {item.provider_id}; create it first.",
                    f"{item.provider_id} नाम का कोई प्रदाता नहीं; पहले बनाएँ।",
                )
            )
        elif not principal.can_manage_district(city):
            parsed.errors.append(
                RowError(line, "provider_id", f"{city} is not your district.", f"{city} आपका ज़िला नहीं है।")
            )
        else:
            allowed.append(item)
    saved = await _catalog(request).import_items(allowed, actor=_actor(principal))
    return {
        "imported": [item.id for item in saved],
        "errors": [error.as_json() for error in sorted(parsed.errors, key=lambda e: (e.line, e.field))],
    }
