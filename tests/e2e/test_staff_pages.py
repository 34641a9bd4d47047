"""The staff console in a real (headless) Chromium: log in, catalogue, CSV import, workers, districts, language."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import SCANNED_PDF, SCANNED_PNG, Backend, launch_chromium, make_settings, start_server
from playwright.async_api import Browser, Locator, Page, Route, async_playwright, expect

from bpp.demo.catalog_seed import LUCKNOW, seed_demo_catalog
from bpp.simulator.buyer import free_port
from bpp.staff.users import create_staff_user
from bpp.wiring.services import Services
from bpp.workforce import repo as worker_repo

pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)

SCREENSHOT = Path("/tmp/staff_console.png")
PASSWORD = "Seva-Mitra-2025"
LUCKNOW_OFFICER = "lko.officer"
MEERUT_OFFICER = "meerut.officer"
HELPLINE = "helpline.1"
TAP_REPAIR = "SM-LKO-PLUMBER-TAP"


@dataclass
class Console:
    base_url: str
    services: Services


@pytest.fixture
async def console(backend: Backend) -> AsyncIterator[Console]:
    """The BPP with the console router, the demo catalogue and three staff accounts, served on loopback."""
    port = free_port()
    running = await start_server(make_settings(backend, port), port)
    services: Services = running.services
    await seed_demo_catalog(services.db, services.catalog)
    async with services.db.begin() as conn:
        await create_staff_user(conn, "admin", PASSWORD, "admin", "Admin")
        await create_staff_user(conn, LUCKNOW_OFFICER, PASSWORD, "district_officer", "Anjali Verma", LUCKNOW.city)
        await create_staff_user(conn, MEERUT_OFFICER, PASSWORD, "district_officer", "Ravi Tyagi", "std:0121")
        await create_staff_user(conn, HELPLINE, PASSWORD, "helpline_operator", "Pooja Singh")
    yield Console(running.base_url, services)
    await running.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


async def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    await page.goto(f"{base_url}/staff/")
    await page.fill("#login-username", username)
    await page.fill("#login-password", password)
    await page.click("#login-submit")


def item_row(page: Page, item_id: str) -> Locator:
    return page.locator(f'#items-table tr[data-item-id="{item_id}"]')


async def test_lucknow_officer_keeps_catalogue_and_verifies_a_worker(console: Console, browser: Browser) -> None:
    page = await (await browser.new_context(viewport={"width": 1366, "height": 900})).new_page()

    # a wrong password shows the API's own message, in Hindi by default
    await log_in(page, console.base_url, LUCKNOW_OFFICER, "wrong-password")
    await expect(page.locator('[data-msg="login"]')).to_contain_text("उपयोगकर्ता नाम या पासवर्ड गलत है")
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#who-role")).to_have_text("ज़िला अधिकारी · std:0522")
    assert await page.evaluate("document.documentElement.lang") == "hi"

    # the items table shows Hindi names; unpublishing changes the row and the live catalogue
    row = item_row(page, TAP_REPAIR)
    await expect(row.locator(".name-hi")).to_have_text("प्लंबर विज़िट: नल और मिक्सर मरम्मत")
    await expect(row.locator(".published")).to_have_text("हाँ")
    await row.locator('[data-action="toggle-publish"]').click()
    await expect(row.locator(".published")).to_have_text("नहीं")
    await expect(row.locator('[data-action="toggle-publish"]')).to_have_text("प्रकाशित करें")
    await expect(page.locator('[data-msg="catalog"]')).to_contain_text("अब अप्रकाशित है")
    assert TAP_REPAIR not in console.services.catalog.snapshot.items

    # export the CSV, then import one good and one bad row while the server is slow: progress, then the row report
    async with page.expect_download() as download_info:
        await page.click("#catalog-export")
    downloaded = Path(await (await download_info.value).path())
    exported = await asyncio.to_thread(downloaded.read_text, encoding="utf-8")
    header, *lines = exported.splitlines()
    ac_service = next(line for line in lines if line.startswith("SM-LKO-AC-SERVICE,"))
    good = ac_service.replace("SM-LKO-AC-SERVICE", "SM-LKO-AC-GAS-REFILL", 1)
    bad = ac_service.replace("SM-LKO-AC-SERVICE", "SM-LKO-AC-BAD", 1).replace(",499,", ",-5,", 1)

    async def slow_server(route: Route) -> None:
        await asyncio.sleep(1.0)
        await route.continue_()

    await page.route("**/staff/api/catalog/items/import", slow_server)
    await page.set_input_files("#import-file", files=[{
        "name": "new-items.csv", "mimeType": "text/csv", "buffer": "\n".join([header, good, bad, ""]).encode(),
    }])
    await page.click("#import-submit")
    await expect(page.locator("#import-progress")).to_be_visible()
    await expect(page.locator("#import-status")).not_to_be_empty()
    report = page.locator("#import-errors tbody tr")
    await expect(report).to_have_count(1, timeout=10_000)
    await expect(report.locator("td")).to_have_text(["3", "fee", re.compile(r"^fee 1 से .* के बीच की संख्या हो")])
    await expect(page.locator("#import-progress")).to_be_hidden()
    await expect(page.locator('[data-msg="import"]')).to_contain_text("1 पंक्तियाँ सहेजी गईं, 1 पंक्तियों में गलती है")
    await expect(item_row(page, "SM-LKO-AC-GAS-REFILL")).to_be_visible()
    await page.screenshot(path=str(SCREENSHOT), full_page=True)

    # register a worker: a bad phone is named next to the field, a good one registers her
    await page.click('[data-tab="workers"]')
    form = page.locator("#worker-form")
    await expect(form.locator('[name="district"]')).to_have_value(LUCKNOW.city)
    await form.locator('[name="name"]').fill("सुनीता देवी")
    await form.locator('[name="phone"]').fill("12345")
    await form.locator('[name="pin"]').fill("4321")
    await form.locator('[name="home_lat"]').fill("26.85")
    await form.locator('[name="home_lng"]').fill("80.95")
    await expect(form.locator('input[name="skills"][value="SRV11-1047"]')).to_have_count(0)  # tap repair is unpublished
    await form.locator('input[name="skills"][value="SRV11-1044"]').check()
    await form.locator('[name="aadhaar"]').fill("1234 5678 9012")
    await page.click("#worker-submit")
    await expect(form.locator('[data-error-for="phone"]')).to_have_text(
        "6-9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर दर्ज करें।")
    await expect(form.locator('[name="phone"]')).to_have_attribute("aria-invalid", "true")
    await form.locator('[name="phone"]').fill("9876543210")
    await page.click("#worker-submit")
    await expect(page.locator('[data-msg="register"]')).to_contain_text("पंजीकृत हो")
    await expect(form.locator('[data-error-for="phone"]')).to_be_empty()

    # her ID proof and police certificate first: no one is verified without both on file
    documents = page.locator("#worker-documents")
    for kind, name, content in (("id_proof", "aadhaar.png", SCANNED_PNG),
                                ("police_certificate", "police.pdf", SCANNED_PDF)):
        await documents.locator(f'input[name="{kind}"]').set_input_files(
            files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}])
        await documents.locator(f'[data-upload="{kind}"]').click()
        await expect(documents.locator(f'tr[data-kind="{kind}"] .on-file')).to_contain_text(name)

    # the three verification steps, only ever the next one enabled
    detail = page.locator("#worker-detail")
    await expect(detail.locator("#worker-detail-title")).to_have_text("सुनीता देवी · 9876543210")
    await expect(detail.locator('[data-step="request_police_verification"]')).to_be_disabled()
    for step, status in (("check_documents", "दस्तावेज़ जाँचे गए"),
                         ("request_police_verification", "पुलिस सत्यापन बाकी"),
                         ("police_cleared", "सत्यापित")):
        await detail.locator(f'[data-step="{step}"]').click()
        await expect(detail.locator('[data-field="verification"]')).to_have_text(status)
    await expect(detail.locator("#worker-audit tbody tr")).to_have_count(6)  # with the two uploads
    await expect(page.locator("#workers-table tbody tr").filter(has_text="9876543210")).to_contain_text("सत्यापित")
    async with console.services.db.connect() as conn:
        worker = await worker_repo.get_by_phone(conn, "9876543210")
    assert worker is not None and worker["verification"] == "verified" and worker["district"] == LUCKNOW.city


async def test_other_district_is_refused_in_both_languages(console: Console, browser: Browser) -> None:
    page = await (await browser.new_context()).new_page()
    await log_in(page, console.base_url, MEERUT_OFFICER)
    await expect(page.locator("#who-role")).to_have_text("ज़िला अधिकारी · std:0121")

    row = item_row(page, TAP_REPAIR)
    await row.locator('[data-action="edit-fee"]').click()
    await row.locator('input[name="fee"]').fill("249")
    await row.locator('button[type="submit"]').click()
    message = page.locator('[data-msg="catalog"]')
    await expect(message).to_have_text("आप केवल अपने ज़िले में बदलाव कर सकती/सकते हैं; std:0522 दूसरे अधिकारी का है।")
    await expect(message).to_have_class("msg msg-error")

    # English: the same refusal and every label switch, and the choice is remembered across a reload
    await page.click("#lang-en")
    await expect(message).to_have_text("You can change only your own district; std:0522 belongs to another officer.")
    await expect(page.locator("#tab-catalog h2")).to_have_text("Services and fixed fees")
    await expect(page.locator('[data-tab="workers"]')).to_have_text("Workers")
    await page.reload()
    await expect(page.locator("#who-role")).to_have_text("District officer · std:0121")
    assert await page.evaluate("localStorage.getItem('sevamitra.staff.lang')") == "en"
    assert str(console.services.catalog.snapshot.items[TAP_REPAIR].fee) == "199"

    # the transaction log says when an id has no record, and what to check
    await page.click('[data-tab="txlog"]')
    await page.fill("#tx-id", "txn-unknown")
    await page.click("#tx-form button")
    await expect(page.locator('[data-msg="txlog"]')).to_contain_text("Nothing is recorded for this transaction id")
    await expect(page.locator("#tx-inbound tbody")).to_contain_text("Nothing here yet.")

    # logging out forgets the token
    await page.click("#logout")
    await expect(page.locator('[data-msg="login"]')).to_have_text("You have logged out. Log in again to continue.")
    assert await page.evaluate("sessionStorage.length") == 0
    await expect(page.locator("#console")).to_be_hidden()


async def test_helpline_operator_sees_only_reading_and_filing(console: Console, browser: Browser) -> None:
    page = await (await browser.new_context()).new_page()
    await log_in(page, console.base_url, HELPLINE)
    await expect(page.locator("#who-role")).to_have_text("हेल्पलाइन संचालक")
    await expect(page.locator("#tab-helpline")).to_be_visible()  # her own page: the helpline desk
    await page.click('[data-tab="catalog"]')
    await expect(item_row(page, TAP_REPAIR)).to_be_visible()
    await expect(page.locator('#items-table [data-action="toggle-publish"]')).to_have_count(0)
    await expect(page.locator("#import-form")).to_be_hidden()
    await expect(page.locator('[data-tab="txlog"]')).to_be_hidden()
    await page.click('[data-tab="workers"]')
    await expect(page.locator("#worker-form")).to_be_hidden()
    await page.click('[data-tab="complaints"]')
    file_form = page.locator("#file-form")
    await file_form.locator('[name="order_id"]').fill("no-such-order")
    await file_form.locator('[name="short_desc"]').fill("कर्मी ने 500 रुपये ज़्यादा माँगे")
    await file_form.locator('button[type="submit"]').click()
    await expect(page.locator('[data-msg="file"]')).to_have_text("ऑर्डर नहीं मिला। कॉल करने वाले से ऑर्डर संख्या पूछें।")
