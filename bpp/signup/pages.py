"""The sign-up page: one HTML shell with its own small script and style, made for a cheap Android phone.

Plain files from `static/`, no build step; the page talks only to /signup/api and asks for the phone's position.
"""

from __future__ import annotations

from pathlib import Path

from bpp.platform.page_files import GEOLOCATION, page_router

router = page_router("/signup", Path(__file__).parent / "static", "worker sign-up: pages", GEOLOCATION)
