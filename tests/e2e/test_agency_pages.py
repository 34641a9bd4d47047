"""Agency sign-up in headless Chromium (issue 16, the agency's journey up to its first worker): on a phone-sized
page in Hindi the firm's contact person proves her phone with the OTP from the SMS, is told beside the field that
the GSTIN's check character is wrong, and applies; the Lucknow officer approves it in the console's Agencies tab;
the agency logs in on its page, adds a worker with her ID proof and photo (told field by field first) and sees
her waiting at the district office."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from harness import (
    SCANNED_PDF,
    SCANNED_PNG,
    Backend,
    RunningServer,
    SentSms,
    launch_chromium,
    make_settings,
    seed_demo,
    start_server,
)
from playwright.async_api import Page, async_playwright, expect

from bpp.simulator.buyer import free_port
from bpp.staff.users import create_staff_user
from fulfillment.departments import gstin_check_character

pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)

CONTACT, AGENCY_PASSWORD = "9876521111", "shakti-lucknow-2026"
WORKER_PHONE = "9876522222"
OFFICER, PASSWORD = "lko.officer", "Seva-Mitra-2025"
GSTIN = "09AAAFS1234K1Z" + gstin_check_character("09AAAFS1234K1Z")
HAZRATGANJ = {"latitude": 26.8467, "longitude": 80.9462}
STEP_MS = 10_000


@pytest.fixture
async def running(backend: Backend) -> AsyncIterator[RunningServer]:
    port = free_port()
    server = await start_server(make_settings(backend, port), port)
    await seed_demo(server.services)
    async with server.services.db.begin() as conn:
        await create_staff_user(conn, OFFICER, PASSWORD, "district_officer", "Anjali Verma", "std:0522")
    yield server
    await server.stop()


async def apply(page: Page, server: RunningServer, sent_sms: SentSms) -> None:
    await page.goto(server.base_url + "/agency/")
    await expect(page.locator("#phone-heading")).to_have_text("संपर्क व्यक्ति का मोबाइल नंबर")
    await page.fill("#phone", CONTACT)
    await page.click("#otp-send")
    await expect(page.locator("#otp-sent")).to_contain_text("******1111")
    found = re.search(r"\b\d{6}\b", (await sent_sms.texts("signup_otp", CONTACT))[-1])
    assert found is not None
    await page.fill("#otp", found.group(0))
    await page.click("#otp-check")

    await expect(page.locator("#form-heading")).to_have_text("फ़र्म का आवेदन")
    await page.fill("#name", "शक्ति मैनपावर सर्विसेज़")
    await page.fill("#registration_number", "UP/LKO/2019/0042")
    mistyped = GSTIN[:-1] + ("0" if GSTIN[-1] != "0" else "1")
    await page.fill("#gstin", mistyped)
    await page.fill("#pan", "AAAFS1234")  # a letter short
    await page.fill("#address", "12, हज़रतगंज, लखनऊ 226001")
    await page.select_option("#district", "std:0522")
    await page.fill("#contact_name", "रमेश कुमार")
    await page.fill("#password", AGENCY_PASSWORD)
    await page.click("#apply")
    await expect(page.locator('[data-error-for="gstin"]')).to_contain_text("अंतिम वर्ण")
    await expect(page.locator('[data-error-for="pan"]')).to_contain_text("10 वर्ण")
    await page.fill("#gstin", GSTIN.lower())
    await page.fill("#pan", "AAAFS1234K")
    await page.fill("#password", AGENCY_PASSWORD)
    await page.click("#apply")
    await expect(page.locator("#status-text")).to_have_text("आवेदन ज़िला कार्यालय को मिल गया है; जाँच चल रही है।")


async def approve_in_console(page: Page, server: RunningServer) -> None:
    await page.goto(server.base_url + "/staff/")
    await page.fill("#login-username", OFFICER)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await page.click('[data-tab="agencies"]')
    row = page.locator("#agencies-table tbody tr").filter(has_text=CONTACT)
    await expect(row).to_contain_text(GSTIN)
    await expect(row.locator('[data-field="status"]')).to_have_text("नया")
    await row.locator('[data-action="approve"]').click()
    await expect(page.locator('[data-msg="agencies"]')).to_contain_text("शक्ति मैनपावर सर्विसेज़")
    await page.check("#agencies-everything")
    await expect(page.locator("#agencies-table tbody tr").filter(has_text=CONTACT)
                 .locator('[data-field="status"]')).to_have_text("स्वीकृत")


async def add_worker(page: Page) -> None:
    await page.click("#refresh")
    await expect(page.locator("#status-text")).to_contain_text("एजेंसी स्वीकृत!")
    await page.evaluate("sessionStorage.clear()")  # a later visit: the agency logs in
    await page.reload()
    await page.click("#to-login")
    await page.fill("#login-phone", CONTACT)
    await page.fill("#login-password", "wrong-password-1")
    await page.click("#login-submit")
    await expect(page.locator('[data-error-for="login"]')).to_contain_text("पासवर्ड गलत")
    await page.fill("#login-password", AGENCY_PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#desk-heading")).to_have_text("शक्ति मैनपावर सर्विसेज़")
    await expect(page.locator("#workers-table tbody tr")).to_have_count(0)

    await page.fill("#w-phone", WORKER_PHONE)
    await page.fill("#w-name", "मीना कुमारी")
    await page.locator("#w-trades label").filter(has_text="नल और मिक्सर मरम्मत").locator("input").check()
    await page.select_option("#w-qualification", "iti")
    await page.fill("#w-pincode", "110001")
    await page.fill("#w-pin", "1357")
    await page.click("#w-add")
    await expect(page.locator('[data-error-for="pincode"]')).to_contain_text("उत्तर प्रदेश")
    await expect(page.locator('[data-error-for="home_gps"]')).not_to_be_empty()
    await page.fill("#w-pincode", "226001")
    await page.click("#w-gps")
    await expect(page.locator("#w-gps-status")).to_have_text("स्थान मिल गया।")
    await page.set_input_files("#id_proof", files=[{"name": "aadhaar.pdf", "mimeType": "application/pdf",
                                                    "buffer": b"GIF89a not a scan"}])
    await page.set_input_files("#photo", files=[{"name": "meena.png", "mimeType": "image/png",
                                                 "buffer": SCANNED_PNG}])
    await page.click("#w-add")
    await expect(page.locator('[data-error-for="id_proof"]')).to_contain_text("PDF, JPEG या PNG नहीं")
    await page.set_input_files("#id_proof", files=[{"name": "aadhaar.pdf", "mimeType": "application/pdf",
                                                    "buffer": SCANNED_PDF}])
    await page.click("#w-add")
    await expect(page.locator("#message")).to_contain_text("मीना कुमारी का आवेदन ज़िला कार्यालय भेजा गया।")
    worker = page.locator("#workers-table tbody tr")
    await expect(worker).to_have_count(1)
    await expect(worker).to_contain_text("ज़िला कार्यालय में")
    await page.screenshot(path="/tmp/agency_desk.png", full_page=True)


async def test_an_agency_signs_up_is_approved_and_adds_a_worker(running: RunningServer, sent_sms: SentSms) -> None:
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            phone = await browser.new_context(viewport={"width": 360, "height": 740}, geolocation=HAZRATGANJ,
                                              permissions=["geolocation"], locale="hi-IN")
            firm = await phone.new_page()
            firm.set_default_timeout(STEP_MS)
            await apply(firm, running, sent_sms)

            console = await (await browser.new_context(viewport={"width": 1366, "height": 900})).new_page()
            console.set_default_timeout(STEP_MS)
            await approve_in_console(console, running)

            await add_worker(firm)
        finally:
            await browser.close()
