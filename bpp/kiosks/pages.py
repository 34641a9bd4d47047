"""The kiosk counter's page (`/kiosk/`): one HTML shell, its script and style, served from `bpp/kiosks/static/`.

Made for a Jan Seva Kendra operator at her counter: book for a walk-in citizen, print the receipt, read the kiosk's
statement. It talks only to `/staff/api/login` and the kiosk API (`router.py`).
"""

from __future__ import annotations

from pathlib import Path

from bpp.platform.page_files import page_router

router = page_router("/kiosk", Path(__file__).parent / "static", "kiosk: pages")
