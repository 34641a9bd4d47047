"""The worker app in a real browser: log in, go online, take an order from a buyer app, do it, see the wallet; install
it (manifest, icons, service worker), get the offer over its stream, open it without a network on the last job, and
take steps offline that are sent once when the network returns."""

from __future__ import annotations

import asyncio
import struct
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
from playwright.async_api import BrowserContext, Page, Route, async_playwright, expect
from sqlalchemy import func, select

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import Journey
from bpp.staff.users import create_staff_user
from bpp.storage.order_tables import order_events

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
        # this worker's phone cannot open the offer stream: offers reach her by polling, the fallback
        await page.route("**/worker/api/offers/stream", lambda route: route.abort("connectionrefused"))
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
            await page.reload()  # the language and the session (both in localStorage) survive a reload
            await expect(page.locator("#tab-wallet")).to_have_text("Wallet")
            await expect(page.locator("#online-status")).to_have_text("You are online — new jobs appear here.")
            await page.click("#logout-btn")
            await expect(page.locator("#login-screen")).to_be_visible()
            await expect(page.locator("#login-heading")).to_have_text("Log in")
            assert await page.evaluate("localStorage.getItem('sevamitra.worker.token')") is None  # the token is gone
        finally:
            if buying is not None:
                buying.cancel()
            await browser.close()


async def _otp_of(buyer: BuyerApp, journey: Journey) -> str | None:
    return start_otp(callbacks_of(buyer, journey.transaction_id))


# ---- installed, and offline ------------------------------------------------------------------------------------
OFFLINE_HI = "इंटरनेट नहीं है"
OFFLINE_EN = "No internet"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def installable(page: Page) -> None:
    """The page names its manifest; the manifest and its icons are what a phone needs to install the app."""
    href = await page.locator("link[rel=manifest]").get_attribute("href")
    manifest = await page.request.get(f"{page.url}{href}")
    assert manifest.headers["content-type"] == "application/manifest+json"
    fields = await manifest.json()
    assert "सेवा मित्र" in fields["name"] and "Seva Mitra" in fields["name"]
    assert (fields["start_url"], fields["scope"], fields["display"]) == ("/worker/", "/worker/", "standalone")
    assert fields["theme_color"] == await page.locator("meta[name=theme-color]").get_attribute("content")
    sizes = set()
    for icon in fields["icons"]:
        image = await page.request.get(page.url + icon["src"].removeprefix("/worker/"))
        assert image.headers["content-type"] == "image/png"
        width, height = png_size(await image.body())
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add(width)
    assert sizes == {192, 512}
    # the service worker takes control of the page and has the app shell in its cache
    await page.wait_for_function("navigator.serviceWorker.controller !== null")
    cached = await page.evaluate("caches.keys().then((names) => caches.open(names[0])).then((c) => c.keys())"
                                 ".then((requests) => requests.map((r) => new URL(r.url).pathname))")
    assert {"/worker/", "/worker/static/app.js", "/worker/static/app.css", "/worker/categories.json"} <= set(cached)


async def arrived_events(server: RunningServer, order_id: str) -> int:
    async with server.services.db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(order_events).where(
            order_events.c.order_id == order_id, order_events.c.kind == "arrived"))).scalar_one())


async def answer_lost_once(context: BrowserContext, pattern: str) -> list[str]:
    """Let the first request matching `pattern` reach the server, then drop its answer, as a failing mobile network
    does; returns the Idempotency-Key of every request the page sent."""
    keys: list[str] = []

    async def handle(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key", ""))
        response = await route.fetch()
        if len(keys) == 1:
            assert response.status == 200
            await route.abort("connectionreset")
        else:
            await route.fulfill(response=response)

    await context.route(pattern, handle)
    return keys


@pytest.mark.settings(offer_timeout_seconds=60)
async def test_the_installed_app_works_through_a_lost_network(server: RunningServer, buyer: BuyerApp) -> None:
    await seed_worker(server)
    journey = Journey(buyer, server.ondc_url, category=PLUMBER, callback_timeout=10, completion_timeout=60)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        context = await browser.new_context(viewport={"width": 360, "height": 780}, geolocation=HAZRATGANJ,
                                            permissions=["geolocation"], locale="hi-IN")
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        buying: asyncio.Task[dict[str, object]] | None = None
        try:
            await page.goto(server.base_url + "/worker/")
            await installable(page)
            await page.fill("#phone", PHONE)
            await page.fill("#pin", PIN)
            await page.click("#login-btn")
            # polling for offers is cut: the offer comes down the stream
            await page.route("**/worker/api/offers", lambda route: route.abort("connectionrefused"))
            await page.click("#online-btn")
            await expect(page.locator("#online-status")).to_have_text("आप ऑनलाइन हैं — नए काम यहाँ दिखेंगे।")
            buying = asyncio.create_task(journey.run())
            await page.locator(".offer .accept-btn").click(timeout=20_000)
            await page.unroute("**/worker/api/offers")
            step = page.locator("#step-btn")
            await step.click()
            await expect(step).to_have_text("मैं पहुँच गया / गई")
            order_id = await page.evaluate("JSON.parse(localStorage.getItem('sevamitra.worker.job')).job.id")

            await context.set_offline(True)  # the network goes at the customer's door
            banner = page.locator("#offline")
            await expect(banner).to_be_visible()
            await expect(banner.locator("[lang=hi]")).to_contain_text(OFFLINE_HI)
            await expect(banner.locator("[lang=en]")).to_contain_text(OFFLINE_EN)
            await step.click()  # arrived, taken on the phone
            await expect(page.locator("#otp")).to_be_visible()
            await expect(page.locator("#job-unsent")).to_contain_text("फ़ोन में सहेजा गया")
            await expect(page.locator("#unsent")).to_contain_text("1 कदम")
            assert await arrived_events(server, order_id) == 0

            await page.reload()  # the app opens without a network: the shell from the service worker's cache
            await expect(banner).to_be_visible()
            await expect(page.locator("#hello")).to_have_text("नमस्ते, Ramesh Kumar")
            await expect(page.locator("#job-category")).to_have_text("नल और मिक्सर मरम्मत")
            await expect(page.locator("#otp")).to_be_visible()
            await expect(page.locator("#offline-saved")).to_contain_text("जानकारी")

            await context.set_offline(False)  # back: the arrival is sent, once
            await expect(page.locator("#unsent")).to_be_hidden()
            await expect(banner).to_be_hidden()
            await expect(page.locator("#job-unsent")).to_be_hidden()
            otp = await eventually(lambda: _otp_of(buyer, journey), buying, "on_status with the start OTP")
            assert await arrived_events(server, order_id) == 1

            # the start reaches the server but its answer is lost: the app sends it again with the same key
            keys = await answer_lost_once(context, f"**/worker/api/jobs/{order_id}/start")
            await page.fill("#otp", otp)
            await step.click()
            await expect(step).to_have_text("काम पूरा करें")
            assert len(keys) == 2 and keys[0] == keys[1] and keys[0]
            await context.unroute(f"**/worker/api/jobs/{order_id}/start")

            await context.set_offline(True)  # and again: the job is completed offline, the cash in hand
            await step.click()
            await expect(page.locator("#job-ended-text")).to_contain_text("काम पूरा दर्ज हुआ")
            await context.set_offline(False)
            await expect(page.locator("#job-ended-text")).to_contain_text("काम पूरा हुआ। धन्यवाद")
            final = await asyncio.wait_for(buying, 40)
            assert final["status"] == "Completed"
            assert await page.evaluate("localStorage.getItem('sevamitra.worker.queue')") == "[]"
        finally:
            if buying is not None:
                buying.cancel()
            await browser.close()


@pytest.mark.settings(offer_timeout_seconds=60)
async def test_a_step_saved_offline_that_went_stale_is_explained(server: RunningServer, buyer: BuyerApp) -> None:
    """Her phone was offline while the order was cancelled: the saved step is refused, and she is told why."""
    await seed_worker(server)
    journey = Journey(buyer, server.ondc_url, category=PLUMBER, callback_timeout=10, completion_timeout=60)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        context = await browser.new_context(viewport={"width": 360, "height": 780}, geolocation=HAZRATGANJ,
                                            permissions=["geolocation"], locale="en-IN")
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        buying: asyncio.Task[dict[str, object]] | None = None
        try:
            await page.goto(server.base_url + "/worker/")
            await page.click("#lang-en")
            await page.fill("#phone", PHONE)
            await page.fill("#pin", PIN)
            await page.click("#login-btn")
            await page.click("#online-btn")
            buying = asyncio.create_task(journey.run())
            await page.locator(".offer .accept-btn").click(timeout=20_000)
            await expect(page.locator("#step-btn")).to_have_text("I am on my way")
            order_id = await page.evaluate("JSON.parse(localStorage.getItem('sevamitra.worker.job')).job.id")

            await context.set_offline(True)
            await page.click("#step-btn")  # set off, taken on the phone
            await expect(page.locator("#step-btn")).to_have_text("I have arrived")
            async with server.services.unit_of_work() as uow:  # meanwhile staff cancel the order
                order = await uow.orders.get(order_id)
                assert order is not None
                order.cancel_by_provider("011", at=server.services.clock(), actor="staff:test", reason="no answer")
                await uow.orders.save(order)
                await uow.commit()
            await context.set_offline(False)
            message = page.locator("#message")
            await expect(message).to_contain_text("The saved step 'I am on my way' was refused by the server.")
            await expect(message).to_contain_text("the job has moved on, was cancelled or is done")
            await expect(page.locator("#unsent")).to_be_hidden()
            await expect(page.locator("#job-panel")).to_be_hidden()
        finally:
            if buying is not None:
                buying.cancel()
            await browser.close()
