"""The department officers' page (`/department/`): one HTML shell, its script and style, served from `static/`.

Made for a government office: the requesting officer asks for workers and books them once approved, the approving
officer approves or rejects; both follow each visit and read the monthly invoices. It talks only to
`/staff/api/login` and the department API (`router.py`).
"""

from __future__ import annotations

from pathlib import Path

from bpp.platform.page_files import page_router

router = page_router("/department", Path(__file__).parent / "static", "department: pages")
