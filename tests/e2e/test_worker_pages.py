"""The worker app in a real browser: log in, go online, take an order from a buyer app, do it, see the wallet."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from e2e.test_whole_order import (
    ADMIN_PASSWORD,
    PLUMBER,
    callbacks_of,
    eventually,
    register_verified_worker,
    signed_in,
    start_otp,
)
from harness import RunningServer, launch_chromium
from playwright.async_api import Page, async_playwright, expect

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import Journey
from bpp.staff.users import create_staff_user

HAZRATGANJ = {"latitude": 26.8467, "longitude": 80.9462}
PHONE, PIN = "9876500011", "4321"
SCREENSHOT = "/tmp/worker_app.png"
STEP_TIMEOUT_MS = 10_000


async def seed_worker(server: RunningServer) -> None:
    services = server.services
    await seed_demo_catalog(services.db, services.catalog)
    await services.catalog.reload()
    async with services.db.begin() as conn:
        await create_staff_user(conn, "pages.admin", ADMIN_PASSWORD, "admin", "Pages test administrator")
    async with signed_in(server.base_url, "/staff/api/login",
                         {"username": "pages.admin", "password": ADMIN_PASSWORD}) as staff:
        await register_verified_worker(staff, "Ramesh Kumar", PHONE, PLUMBER)


async def log_in_and_go_online(page: Page, base_url: str) -> None:
    """Hindi by default; a denied location is explained in both languages, and the retry works once allowed."""
    await page.goto(base_url + "/worker/")
    await expect(page.locator("#login-heading")).to_have_text("लॉग इन करें")
    await page.fill("#phone", PHONE)
    await page.fill("#pin", "0000")
    await page.click("#login-btn")
    await expect(page.locator("#login-error")).to_contain_text("फ़ोन नंबर या पिन गलत है")
    await page.fill("#pin", PIN)
    await page.click("#login-btn")
    await expect(page.locator("#hello")).to_have_text("नमस्ते, Ramesh Kumar")

    await page.context.clear_permissions()
    await page.click("#online-btn")
    await expect(page.locator("#geo-text-hi")).to_contain_text("लोकेशन की अनुमति नहीं मिली")
    await expect(page.locator("#geo-text-en")).to_contain_text("Location permission was denied")
    await page.context.grant_permissions(["geolocation"])
    await page.click("#geo-retry")
    await expect(page.locator("#online-status")).to_have_text("आप ऑनलाइन हैं — नए काम यहाँ दिखेंगे।")
    await expect(page.locator("#geo-problem")).to_be_hidden()


async def network_failure_is_reported(page: Page) -> None:
    """A poll that cannot reach the server says so; the next good poll clears it."""
    await page.route("**/worker/api/offers", lambda route: route.abort("internetdisconnected"))
    await expect(page.locator("#network")).to_contain_text("सर्वर से संपर्क नहीं हो पा रहा", timeout=STEP_TIMEOUT_MS)
    await page.unroute("**/worker/api/offers")
    await expect(page.locator("#network")).to_be_hidden(timeout=STEP_TIMEOUT_MS)


@pytest.mark.settings(offer_timeout_seconds=60)
async def test_a_worker_does_an_order_in_the_browser(server: RunningServer, buyer: BuyerApp) -> None:
    await seed_worker(server)
    journey = Journey(buyer, server.ondc_url, category=PLUMBER, callback_timeout=10, completion_timeout=40)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        context = await browser.new_context(viewport={"width": 360, "height": 780}, geolocation=HAZRATGANJ,
                                            permissions=["geolocation"], locale="hi-IN")
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        buying: asyncio.Task[dict[str, object]] | None = None
        try:
            await log_in_and_go_online(page, server.base_url)
            buying = asyncio.create_task(journey.run())
            await network_failure_is_reported(page)  # while the buyer app searches, selects and confirms
            offer = page.locator(".offer")
            await expect(offer).to_have_count(1)
            await expect(offer.locator(".offer-category")).to_have_text("नल और मिक्सर मरम्मत")
            await expect(offer.locator(".offer-distance")).to_contain_text("किमी दूर")
            fee = Decimal((await offer.locator(".fee").inner_text()).rsplit("₹", 1)[1])
            await offer.locator(".accept-btn").click()

            step = page.locator("#step-btn")
            await expect(step).to_have_text("मैं रास्ते में हूँ")
            await step.click()
            await expect(step).to_have_text("मैं पहुँच गया / गई")
            await step.click()
            await expect(page.locator("#otp")).to_be_visible()

            otp = await eventually(lambda: _otp_of(buyer, journey), buying, "on_status with the start OTP")
            await page.fill("#otp", f"{(int(otp) + 1) % 10_000:04d}")
            await step.click()
            await expect(page.locator("#job-error-text")).to_contain_text("गलत OTP")
            await expect(page.locator("#job-error-next")).to_contain_text("नया OTP भेजें")
            await page.screenshot(path=SCREENSHOT, full_page=True)
            await page.fill("#otp", otp)
            await step.click()
            await expect(step).to_have_text("काम पूरा करें")
            await expect(page.locator("#job-error")).to_be_hidden()
            await expect(page.locator("#amount")).to_have_value(f"{fee:.2f}")

            await page.fill("#amount", f"{fee + 50:.2f}")
            await step.click()
            await expect(page.locator("#job-error-text")).to_contain_text("अधिक वसूली मना है")
            await expect(page.locator("#job-error-next")).to_contain_text(f"केवल तय शुल्क ₹{fee:.2f} लें")
            await page.fill("#amount", f"{fee:.2f}")
            await step.click()
            await expect(page.locator("#job-ended-text")).to_contain_text("काम पूरा हुआ")
            final = await asyncio.wait_for(buying, 40)
            assert final["status"] == "Completed"

            await page.click("#job-ended-wallet")
            await expect(page.locator("#statement li")).to_have_count(2)
            await expect(page.locator("#statement")).to_contain_text("काम की कमाई")
            await expect(page.locator("#wallet-cash")).to_have_text(f"₹{fee:.2f}")
            earning = Decimal((await page.locator("#wallet-balance").inner_text()).lstrip("₹"))
            assert Decimal(0) < earning < fee

            await page.click("#lang-en")
            await expect(page.locator("#wallet-heading")).to_have_text("My wallet")
            await expect(page.locator("#statement")).to_contain_text("Job earning (after commission)")
            await page.reload()  # the language (localStorage) and the session (sessionStorage) survive a reload
            await expect(page.locator("#tab-wallet")).to_have_text("Wallet")
            await expect(page.locator("#online-status")).to_have_text("You are online — new jobs appear here.")
            await page.click("#logout-btn")
            await expect(page.locator("#login-screen")).to_be_visible()
            await expect(page.locator("#login-heading")).to_have_text("Log in")
            assert await page.evaluate("sessionStorage.length") == 0  # the token is gone
        finally:
            if buying is not None:
                buying.cancel()
            await browser.close()


async def _otp_of(buyer: BuyerApp, journey: Journey) -> str | None:
    return start_otp(callbacks_of(buyer, journey.transaction_id))
