"""The staff console, the worker app and the public and counter pages are served as plain files with one strict
policy."""

from __future__ import annotations

import httpx
import pytest
from harness import RunningServer


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
@pytest.mark.parametrize(("prefix", "script"),
                         [("/staff", "console.js"), ("/worker", "app.js"), ("/kiosk", "kiosk.js"),
                          ("/agency", "agency.js"), ("/department", "department.js"), ("/signup", "signup.js")])
async def test_only_page_files_are_served_with_a_strict_policy(server: RunningServer, prefix: str, script: str) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        page = await client.get(f"{prefix}/")
        asset = await client.get(f"{prefix}/static/{script}")
        source = await client.get(f"{prefix}/static/pages.py")
        escape = await client.get(f"{prefix}/static/..%2Fpages.py")
        missing = await client.get(f"{prefix}/static/nothing.css")
        bare = await client.get(prefix)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert asset.status_code == 200 and asset.headers["content-type"].startswith("text/javascript")
    assert source.status_code == escape.status_code == missing.status_code == 404
    assert bare.status_code == 308 and bare.headers["location"] == f"{prefix}/"


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
async def test_the_worker_app_gets_category_names_in_both_languages(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        names = (await client.get("/worker/categories.json")).json()
    assert names["SRV11-1047"] == {"en": "Tap & Mixer Repair", "hi": "नल और मिक्सर मरम्मत"}


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
async def test_the_worker_app_installs_from_its_own_files(server: RunningServer) -> None:
    """The service worker sits at /worker/sw.js (it controls only pages under its own path); the manifest and the
    icons have the types browsers install from."""
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        worker = await client.get("/worker/sw.js")
        manifest = await client.get("/worker/static/app.webmanifest")
        icon = await client.get("/worker/static/icon-192.png")
    assert worker.status_code == 200 and worker.headers["content-type"].startswith("text/javascript")
    assert "caches.open" in worker.text
    assert manifest.headers["content-type"] == "application/manifest+json"
    assert manifest.json()["icons"][0]["src"] == "/worker/static/icon-192.png"
    assert icon.headers["content-type"] == "image/png" and icon.content.startswith(b"\x89PNG")
