"""SMS mode in the worker app, in headless Chromium: she reads it is off, switches it on (in Hindi), it is stored and
shown again after a reload, and she switches it off."""

from __future__ import annotations

from e2e.test_worker_pages import HAZRATGANJ, PHONE, PIN, STEP_TIMEOUT_MS, seed_worker
from harness import RunningServer, launch_chromium
from playwright.async_api import async_playwright, expect

from bpp.workforce import repo as worker_repo


async def sms_mode_of(server: RunningServer) -> bool:
    async with server.services.db.connect() as conn:
        worker = await worker_repo.get_by_phone(conn, PHONE)
    assert worker is not None
    return bool(worker["sms_mode"])


async def test_a_worker_switches_sms_mode_in_the_app(server: RunningServer) -> None:
    await seed_worker(server)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        context = await browser.new_context(viewport={"width": 360, "height": 780}, geolocation=HAZRATGANJ,
                                            permissions=["geolocation"], locale="hi-IN")
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        try:
            await page.goto(server.base_url + "/worker/")
            await page.fill("#phone", PHONE)
            await page.fill("#pin", PIN)
            await page.click("#login-btn")
            await expect(page.locator("#sms-status")).to_have_text("SMS मोड बंद है।")
            await page.click("#sms-btn")
            await expect(page.locator("#sms-status")).to_contain_text("SMS मोड चालू है")
            await expect(page.locator("#sms-btn")).to_have_text("SMS मोड बंद करें")
            assert await sms_mode_of(server) is True

            await page.reload()
            await expect(page.locator("#sms-status")).to_contain_text("HAAN <कोड>")
            await page.click("#sms-btn")
            await expect(page.locator("#sms-status")).to_have_text("SMS मोड बंद है।")
            assert await sms_mode_of(server) is False
        finally:
            await browser.close()
