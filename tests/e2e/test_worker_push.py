"""An offer pushed to the worker app in headless Chromium: the service worker shows it as a notification (service,
distance and fee in Hindi and English, vibrating, Accept and Decline), and its Accept opens the offer in the app,
which takes it; the app opened later on that offer's address says it is no longer open.

Chromium delivers real pushes only through Google's push service, out of reach here, so the push message is handed
to the service worker through the DevTools protocol (ServiceWorker.deliverPushMessage) with the payload the server
sends for this offer; tests/fulfillment/test_offer_push.py covers the server's sending and encryption."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from e2e.test_whole_order import PLUMBER
from e2e.test_worker_pages import HAZRATGANJ, PHONE, PIN, STEP_TIMEOUT_MS, seed_worker
from harness import RunningServer, launch_chromium
from playwright.async_api import Page, async_playwright, expect

from bpp.platform.vapid import new_vapid_private_key
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import Journey
from bpp.workforce import repo as worker_repo
from bpp.workforce.offer_alerts import offer_message

NOTIFICATIONS = """navigator.serviceWorker.ready.then((registration) => registration.getNotifications())
  .then((shown) => shown.map((n) => ({title: n.title, body: n.body, tag: n.tag, vibrate: Array.from(n.vibrate),
                                      actions: n.actions.map((a) => a.action), data: n.data})))"""
# Chromium lets only a tap on the notification itself open or focus a window; the test's click is a synthetic event,
# so the service worker's message to the open app is what this test sees
TAP_ACCEPT = """async () => {
  const [notification] = await self.registration.getNotifications();
  self.dispatchEvent(new NotificationEvent("notificationclick", {notification, action: "accept"}));
}"""


async def pushed_offer(server: RunningServer) -> dict[str, Any]:
    """What the server pushes for the worker's open offer (bpp/workforce/offer_alerts.py)."""
    async with server.services.db.connect() as conn:
        worker = await worker_repo.get_by_phone(conn, PHONE)
    assert worker is not None
    [offer] = await server.services.fulfillment.offers.open_offers(worker["id"])
    return offer_message(offer)


async def shown_notifications(page: Page, count: int) -> list[dict[str, Any]]:
    """The notifications the app's service worker shows, once there are `count`."""
    async with asyncio.timeout(STEP_TIMEOUT_MS / 1000):
        while len(shown := await page.evaluate(NOTIFICATIONS)) != count:
            await asyncio.sleep(0.1)
    return list(shown)


@pytest.mark.settings(offer_timeout_seconds=60, vapid_private_key=new_vapid_private_key())
async def test_a_pushed_offer_is_a_notification_whose_accept_takes_the_job(server: RunningServer,
                                                                          buyer: BuyerApp) -> None:
    await seed_worker(server)
    journey = Journey(buyer, server.ondc_url, category=PLUMBER, callback_timeout=10, completion_timeout=60)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        context = await browser.new_context(viewport={"width": 360, "height": 780}, geolocation=HAZRATGANJ,
                                            permissions=["geolocation", "notifications"], locale="hi-IN")
        page = await context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        buying: asyncio.Task[dict[str, object]] | None = None
        try:
            cdp = await context.new_cdp_session(page)
            registrations: list[dict[str, Any]] = []
            cdp.on("ServiceWorker.workerRegistrationUpdated",
                   lambda event: registrations.extend(event["registrations"]))
            await cdp.send("ServiceWorker.enable")
            await page.goto(server.base_url + "/worker/")
            await page.wait_for_function("() => navigator.serviceWorker.controller !== null")
            await page.fill("#phone", PHONE)
            await page.fill("#pin", PIN)
            await page.click("#login-btn")
            await expect(page.locator("#push-box")).to_be_visible()  # the notification switch
            await page.click("#online-btn")
            await expect(page.locator("#online-status")).to_have_text("आप ऑनलाइन हैं — नए काम यहाँ दिखेंगे।")
            buying = asyncio.create_task(journey.run())
            await expect(page.locator(".offer")).to_have_count(1, timeout=20_000)
            message = await pushed_offer(server)

            [registration_id] = {r["registrationId"] for r in registrations if r["scopeURL"].endswith("/worker/")}
            await cdp.send("ServiceWorker.deliverPushMessage", {
                "origin": server.base_url, "registrationId": registration_id, "data": orjson.dumps(message).decode(),
            })
            [shown] = await shown_notifications(page, 1)
            fee, km = message["fee"], f"{message['distance_km']:g}"  # as JavaScript prints a number
            assert shown["title"] == f"नया काम: {message['service']['hi']} · New job: {message['service']['en']}"
            assert shown["body"] == f"{km} किमी दूर · तय शुल्क ₹{fee}\n{km} km away · fixed fee ₹{fee}"
            assert shown["actions"] == ["accept", "decline"] and shown["vibrate"]
            assert shown["tag"] == f"offer-{message['offer_id']}"

            [worker] = context.service_workers
            await worker.evaluate(TAP_ACCEPT)
            await expect(page.locator("#step-btn")).to_have_text("मैं रास्ते में हूँ")  # the job is hers
            assert await shown_notifications(page, 0) == []  # closed once tapped

            # a later tap on the same offer with the app closed: the window it opens on the offer finds it taken
            await page.close()
            window = await context.new_page()
            await window.goto(f"{server.base_url}/worker/#offer={message['offer_id']}&answer=decline")
            await expect(window.locator("#message")).to_contain_text("यह काम अब खुला नहीं है")
            assert window.url == f"{server.base_url}/worker/"  # a reload does not answer again
            await expect(window.locator("#step-btn")).to_have_text("मैं रास्ते में हूँ")
        finally:
            if buying is not None:
                buying.cancel()
            await browser.close()
