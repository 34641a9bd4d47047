"""Worker sign-up in headless Chromium: on a phone-sized page an applicant proves her phone with the OTP from the
SMS, is told field by field what is wrong, and applies; the Lucknow officer approves her in the console and
records police verification; she reads that she is verified, logs in to the worker app and goes online."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

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
from catalog.schedule import IST

pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)

PHONE, PIN = "9876512345", "3579"
OFFICER, PASSWORD = "lko.officer", "Seva-Mitra-2025"
HAZRATGANJ = {"latitude": 26.8467, "longitude": 80.9462}
SCREENSHOTS = Path("/tmp")
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


async def otp_of(sent_sms: SentSms) -> str:
    """The code in the latest SMS to her phone, as the log backend sent it."""
    text = (await sent_sms.texts("signup_otp", PHONE))[-1]
    found = re.search(r"\b\d{6}\b", text)
    assert found is not None, text
    return found.group(0)


async def apply(page: Page, server: RunningServer, sent_sms: SentSms) -> None:
    await page.goto(server.base_url + "/signup/")
    await expect(page.locator("#phone-heading")).to_have_text("अपना मोबाइल नंबर दें")
    await page.fill("#phone", "9000000000")  # a demo worker's number
    await page.click("#otp-send")
    await expect(page.locator('[data-error-for="phone"]')).to_contain_text("पहले से पंजीकृत")
    await page.fill("#phone", PHONE)
    await page.click("#otp-send")
    await expect(page.locator("#otp-sent")).to_contain_text("******2345")
    await expect(page.locator("#otp-resend")).to_be_disabled()  # the first SMS gets its 30 seconds

    code = await otp_of(sent_sms)
    await page.fill("#otp", f"{(int(code) + 1) % 1_000_000:06d}")
    await page.click("#otp-check")
    await expect(page.locator('[data-error-for="otp"]')).to_contain_text("OTP गलत है")
    await expect(page.locator('[data-error-for="otp"]')).to_contain_text("2 प्रयास बाकी")
    await page.fill("#otp", code)
    await page.click("#otp-check")

    await expect(page.locator("#form-heading")).to_have_text("आवेदन पत्र")
    await page.fill("#name", "सुनीता देवी")
    await page.locator("#trades label").filter(has_text="नल और मिक्सर मरम्मत").locator("input").check()
    await page.locator("#qualifications label").filter(has_text="आईटीआई").locator("input").check()
    await page.fill("#pincode", "110001")
    await expect(page.locator('[data-error-for="pincode"]')).to_contain_text("उत्तर प्रदेश")
    await page.fill("#pincode", "226001")
    await expect(page.locator("#district")).to_have_text("ज़िला: Lucknow · सेवा मित्र लखनऊ")
    await page.set_input_files("#id_proof", files=[{"name": "aadhaar.pdf", "mimeType": "application/pdf",
                                                    "buffer": b"GIF89a not a scan"}])
    await page.set_input_files("#photo", files=[{"name": "me.png", "mimeType": "image/png", "buffer": SCANNED_PNG}])
    await page.fill("#pin", PIN)
    await page.fill("#pin2", PIN)
    await page.click("#submit-btn")  # no location taken yet
    await expect(page.locator('[data-error-for="home_gps"]')).to_contain_text("मेरा स्थान लें")
    await page.click("#gps-btn")
    await expect(page.locator("#gps-status")).to_contain_text("स्थान मिल गया")
    await page.fill("#pin", PIN)
    await page.fill("#pin2", PIN)
    await page.click("#submit-btn")
    await expect(page.locator('[data-error-for="id_proof"]')).to_contain_text("PDF, JPEG या PNG नहीं")
    await expect(page.locator("#photo-status")).to_contain_text("अपलोड हो गया: me.png")
    await page.set_input_files("#id_proof", files=[{"name": "aadhaar.pdf", "mimeType": "application/pdf",
                                                    "buffer": SCANNED_PDF}])
    await page.click("#submit-btn")
    await expect(page.locator("#status-text")).to_have_text(
        "आवेदन ज़िला कार्यालय को मिल गया है; आपके दस्तावेज़ जाँचे जा रहे हैं।")
    await page.screenshot(path=str(SCREENSHOTS / "signup_sent.png"), full_page=True)


async def verify_in_console(page: Page, server: RunningServer) -> None:
    await page.goto(server.base_url + "/staff/")
    await page.fill("#login-username", OFFICER)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await page.click('[data-tab="signup"]')
    row = page.locator("#signup-table tbody tr").filter(has_text=PHONE)
    await expect(row).to_contain_text("नया — दस्तावेज़ देखें")
    await row.locator('[data-action="open"]').click()
    detail = page.locator("#signup-detail")
    await expect(detail.locator("#signup-detail-title")).to_have_text(f"सुनीता देवी · {PHONE}")
    await detail.locator('#signup-documents tr[data-kind="photo"] [data-action="view"]').click()
    await expect(detail.locator("#signup-viewer img")).to_have_count(1)
    await detail.locator("#signup-approve").click()
    await expect(detail.locator('[data-field="stage"]')).to_have_text("स्वीकृत — पुलिस सत्यापन माँगें")

    today = datetime.now(IST).date().isoformat()
    form = detail.locator("#signup-police-form")
    await form.locator('[data-step="requested"]').click()  # no reference number yet
    await expect(form.locator('[data-error-for="reference"]')).to_contain_text("संदर्भ संख्या")
    await form.locator('[name="reference"]').fill("LKO/CV/2026/0099")
    await form.locator('[name="date"]').fill(today)
    await form.locator('[data-step="requested"]').click()
    await expect(detail.locator('[data-field="stage"]')).to_have_text("पुलिस सत्यापन चल रहा है")
    await page.set_input_files("#signup-certificate", files=[{"name": "pv.pdf", "mimeType": "application/pdf",
                                                             "buffer": SCANNED_PDF}])
    await detail.locator('#signup-certificate-form button[type="submit"]').click()
    await expect(detail.locator('#signup-documents tr[data-kind="police_certificate"]')).to_have_count(1)
    await form.locator('[name="reference"]').fill("LKO/PV/0099")
    await form.locator('[name="date"]').fill(today)
    await form.locator('[data-step="cleared"]').click()
    await expect(detail.locator('[data-field="stage"]')).to_have_text("सत्यापित कर्मी")
    await expect(detail.locator("#signup-audit tbody tr")).to_have_count(9)
    await page.screenshot(path=str(SCREENSHOTS / "signup_console.png"), full_page=True)


async def test_a_worker_signs_up_is_verified_and_goes_online(running: RunningServer, sent_sms: SentSms) -> None:
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        try:
            phone = await browser.new_context(viewport={"width": 360, "height": 740}, geolocation=HAZRATGANJ,
                                              permissions=["geolocation"], locale="hi-IN")
            applicant = await phone.new_page()
            applicant.set_default_timeout(STEP_MS)
            await apply(applicant, running, sent_sms)

            console = await (await browser.new_context(viewport={"width": 1366, "height": 900})).new_page()
            console.set_default_timeout(STEP_MS)
            await verify_in_console(console, running)

            await applicant.click("#refresh-btn")
            await expect(applicant.locator("#status-text")).to_contain_text("बधाई! आप सत्यापित सेवा मित्र कर्मी हैं।")
            await expect(applicant.locator("#police-reference")).to_have_text("LKO/PV/0099")
            await applicant.click("#lang-en")
            await expect(applicant.locator("#status-text")).to_contain_text("You are a verified Seva Mitra worker.")
            await applicant.click("#worker-app")

            await expect(applicant.locator("#login-heading")).to_be_visible()
            await applicant.fill("#phone", PHONE)
            await applicant.fill("#pin", PIN)
            await applicant.click("#login-btn")
            await expect(applicant.locator("#hello")).to_contain_text("सुनीता देवी")
            await applicant.click("#online-btn")
            await expect(applicant.locator("#online-status")).to_contain_text(re.compile("ऑनलाइन हैं|are online"))
        finally:
            await browser.close()
