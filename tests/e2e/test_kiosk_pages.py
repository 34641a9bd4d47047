"""The kiosk counter page and the staff console's kiosks tab in a real (headless) Chromium: a kiosk books for a
walk-in citizen (wrong input named at its field, in Hindi), prints the receipt; after the visit its statement shows
the commission; the district officer records its deposit; `ledger check` balances and the kiosk owes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from assisted_visits import complete_visit
from harness import Backend, RunningServer, launch_chromium, make_settings, seed_demo, start_server
from playwright.async_api import Browser, Page, async_playwright, expect

from bpp.cli.ledger import check_database
from bpp.demo.catalog_seed import LUCKNOW
from bpp.kiosks.service import NewKiosk, create_kiosk
from bpp.simulator.buyer import free_port
from bpp.staff.users import create_staff_user

pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)

SCREENSHOT = Path("/tmp/kiosk_counter.png")
PASSWORD = "Kiosk-Counter-2026"
TAP_REPAIR = "SM-LKO-PLUMBER-TAP"  # 199.00 + 18 % tax = 234.82
KANPUR = replace(LUCKNOW, id="SM-KNP", city="std:0512", name_en="Seva Mitra Kanpur", name_hi="सेवा मित्र कानपुर",
                 gps="26.4499,80.3319", area_code="208001", city_name="Kanpur Nagar")


@pytest.fixture
async def running(backend: Backend) -> AsyncIterator[RunningServer]:
    """The BPP with the demo catalogue and workers, a Kanpur unit, kiosk JSK-LKO-0001 and Lucknow's officer."""
    port = free_port()
    server = await start_server(make_settings(backend, port), port)
    services = server.services
    await seed_demo(services)
    await services.catalog.save_provider(KANPUR, actor="test")
    async with services.db.begin() as conn:
        await create_kiosk(conn, NewKiosk("JSK-LKO-0001", "Jan Seva Kendra Aminabad", "std:0522", "Sunita Yadav",
                                          "9811111111"), "kiosk", PASSWORD, services.clock())
        await create_staff_user(conn, "lko.officer", PASSWORD, "district_officer", "Anjali Verma", "std:0522")
    yield server
    await server.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


async def log_in(page: Page, url: str, username: str) -> None:
    await page.goto(url)
    await page.fill("#login-username", username)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")


async def test_a_kiosk_books_prints_the_receipt_earns_its_commission_and_pays_in(
    running: RunningServer, browser: Browser
) -> None:
    base = running.base_url
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await log_in(page, f"{base}/kiosk/", "kiosk")
    await expect(page.locator("#kiosk-district")).to_have_text("Lucknow")
    await expect(page.locator("#kiosk-commission")).to_have_text("₹10.00")
    await expect(page.locator("#kiosk-due")).to_have_text("₹0.00")
    assert await page.evaluate("document.documentElement.lang") == "hi"

    # screen 1: a pincode of another district is refused at its field, in Hindi; then the kiosk's own
    booking = page.locator("#book-form")
    await booking.locator('[name="pincode"]').fill("208001")
    await booking.locator('[name="pincode"]').press("Tab")
    await expect(booking.locator('[data-error-for="pincode"]')).to_contain_text(
        "यह कियोस्क केवल Lucknow ज़िले में बुकिंग करता है; यह पिनकोड Kanpur Nagar में है")
    await booking.locator('[name="pincode"]').fill("226018")
    await booking.locator('[name="pincode"]').press("Tab")
    await expect(page.locator("#book-district")).to_have_text("ज़िला: LUCKNOW")
    await booking.locator('[name="address"]').fill("12 अमीनाबाद रोड, लखनऊ")
    await booking.locator('[name="service_query"]').fill("नल")
    await page.locator(f'[data-item-id="{TAP_REPAIR}"] input').check()
    await page.click("#book-to-quote")

    # screen 2: the fixed fee, paid here in cash, and the time (now)
    await expect(page.locator("#book-total")).to_have_text("₹234.82")
    await expect(page.locator("#book-quote")).to_contain_text("कर्मी घर पर कोई पैसा नहीं लेगा")
    await page.click("#book-to-citizen")

    # screen 3: a wrong phone and no cash taken are named at their fields; then the booking and its receipt
    await booking.locator('[name="name"]').fill("रमा देवी")
    await booking.locator('[name="phone"]').fill("12345")
    await page.click("#book-submit")
    await expect(booking.locator('[data-error-for="cash_taken"]')).to_have_text("पहले शुल्क नकद लें, फिर निशान लगाएँ।")
    await expect(page.locator("#book-cash-taken")).to_have_text("मैंने नागरिक से ₹234.82 नकद ले लिए हैं")
    await booking.locator('[name="cash_taken"]').check()
    await page.click("#book-submit")
    await expect(booking.locator('[data-error-for="phone"]')).to_contain_text("10 अंकों का मोबाइल नंबर")
    await expect(booking.locator('[name="phone"]')).to_have_attribute("aria-invalid", "true")
    await booking.locator('[name="phone"]').fill("9812345678")
    await page.click("#book-submit")
    receipt = page.locator("#receipt")
    await expect(receipt).to_be_visible()
    order_id = (await page.locator("#receipt-order").text_content() or "").strip()
    assert order_id.startswith("SM-")
    await expect(page.locator("#receipt-fee")).to_have_text("₹234.82")
    await expect(page.locator("#receipt-service")).to_contain_text("प्लंबर विज़िट: नल और मिक्सर मरम्मत")
    await expect(page.locator("#receipt-date")).not_to_be_empty()
    await expect(page.locator("#kiosk-due")).to_have_text("₹234.82")
    await page.emulate_media(media="print")  # on paper only the receipt shows
    await expect(page.locator("#counter")).to_be_hidden()
    await expect(receipt).to_be_visible()
    await expect(page.locator("#receipt-print")).to_be_hidden()
    await page.emulate_media(media="screen")
    await page.screenshot(path=str(SCREENSHOT), full_page=True)

    # the worker comes, starts with the OTP and completes without taking money; the statement shows the commission
    await complete_visit(running.services, order_id)
    await page.click('[data-tab="statement"]')
    await expect(page.locator("#total-earned")).to_have_text("₹10.00")
    await expect(page.locator("#total-bookings")).to_have_text("1")
    await expect(page.locator("#total-cash_due")).to_have_text("₹224.82")
    lines = page.locator("#statement-table tbody tr")
    await expect(lines).to_have_count(2)
    await expect(lines.nth(0)).to_contain_text("बुकिंग पूरी: आपका कमीशन")
    await expect(lines.nth(0)).to_contain_text("−₹10.00")
    await expect(lines.nth(1)).to_contain_text(order_id)
    await expect(page.locator("#kiosk-due")).to_have_text("₹224.82")

    # the district officer records the kiosk's deposit in the staff console
    staff = await (await browser.new_context(viewport={"width": 1366, "height": 900})).new_page()
    await log_in(staff, f"{base}/staff/", "lko.officer")
    await staff.click('[data-tab="kiosks"]')
    row = staff.locator('#kiosks-table tr[data-kiosk-id="JSK-LKO-0001"]')
    await expect(row.locator(".kiosk-due")).to_have_text("₹224.82")
    await row.locator("button").click()
    deposit = staff.locator("#kiosks-deposit-form")
    await expect(deposit.locator('[name="amount"]')).to_have_value("224.82")
    await staff.click("#kiosks-deposit-submit")
    await expect(deposit.locator('[data-error-for="receipt"]')).not_to_be_empty()  # the slip is required
    await deposit.locator('[name="receipt"]').fill("SBI-LKO-7781")
    await staff.click("#kiosks-deposit-submit")
    await expect(staff.locator('[data-msg="kiosks-deposit"]')).to_contain_text("बकाया अब ₹0.00 है")
    await expect(row.locator(".kiosk-due")).to_have_text("₹0.00")
    await expect(staff.locator("#kiosks-lines tbody tr").first).to_contain_text("SBI-LKO-7781")

    report = await check_database(running.services.settings.database_url)
    assert report.balanced

    # the kiosk sees it owes nothing, in English too
    await page.click("#statement-refresh")
    await expect(page.locator("#total-cash_due")).to_have_text("₹0.00")
    await page.click("#lang-en")
    await expect(page.locator('[data-tab="statement"]')).to_have_text("Statement")
    await expect(page.locator("#statement-table tbody tr").first).to_contain_text("Deposited with Seva Mitra")


async def test_only_kiosk_operators_use_the_counter_page(running: RunningServer, browser: Browser) -> None:
    page = await (await browser.new_context()).new_page()
    await log_in(page, f"{running.base_url}/kiosk/", "lko.officer")
    await expect(page.locator('[data-msg="login"]')).to_contain_text("यह पेज कियोस्क संचालकों के लिए है")
    await expect(page.locator("#counter")).to_be_hidden()
    # a kiosk operator who opens the staff console is sent to her counter
    await log_in(page, f"{running.base_url}/staff/", "kiosk")
    await expect(page).to_have_url(f"{running.base_url}/kiosk/")
