"""A small picture per service category, drawn in code and served by the BPP on a public route.

SRV's on_search table requires `items[].descriptor.images`; items that staff gave no photo show
their category's badge: the category's initials on its domain's colour, with the full name as the
SVG title (what screen readers say). The URL is absolute, under the origin of `subscriber_url`.
"""

from __future__ import annotations

from html import escape
from typing import Final

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from bpp.platform.settings import Settings
from catalog.taxonomy import CATEGORIES, Category

ROUTE_PREFIX: Final = "/images/categories"
_COLOURS: Final = {"SRV10": "#1f5fa8", "SRV11": "#2e7d32", "SRV12": "#ad1457", "SM": "#e65100"}
_ONE_DAY: Final = "public, max-age=86400"

router = APIRouter(tags=["images"])


def category_image_url(settings: Settings, category_code: str) -> str:
    return f"{settings.public_origin}{ROUTE_PREFIX}/{category_code}.svg"


def _initials(name: str) -> str:
    words = [word for word in name.replace("/", " ").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper()


def category_svg(category: Category) -> str:
    """A 96×96 badge: the initials of the English name on the colour of the category's family."""
    colour = _COLOURS[category.code.split("-", 1)[0]]
    title = escape(f"{category.name_en} / {category.name_hi}" if category.name_hi else category.name_en)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96" role="img">'
        f"<title>{title}</title>"
        f'<rect width="96" height="96" rx="16" fill="{colour}"/>'
        '<text x="48" y="60" font-family="sans-serif" font-size="36" font-weight="bold" fill="#fff" '
        f'text-anchor="middle">{escape(_initials(category.name_en))}</text></svg>'
    )


@router.get(ROUTE_PREFIX + "/{category_code}.svg")
async def category_image(category_code: str) -> Response:
    category = CATEGORIES.get(category_code)
    if category is None:
        raise HTTPException(404, "no such service category / ऐसी कोई सेवा श्रेणी नहीं है")
    return Response(category_svg(category), media_type="image/svg+xml", headers={"Cache-Control": _ONE_DAY})
