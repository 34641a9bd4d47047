"""The agency sign-up page: one HTML shell and its script (the style is the worker sign-up page's), no build step;
it talks only to /signup/api (the phone's OTP) and /agency/api."""

from __future__ import annotations

from pathlib import Path

from bpp.platform.page_files import GEOLOCATION, page_router

router = page_router("/agency", Path(__file__).parent / "static", "agencies: pages", GEOLOCATION)
