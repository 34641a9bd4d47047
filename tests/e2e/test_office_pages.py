"""The district office's daily pages in headless Chromium, on the demo's data after a few simulated orders: the
dashboard (figures, charts drawn by the bundled Chart.js, CSV and Excel downloads), payouts (a batch, its bank
file, the bank's return file with a wrong row and a failed line), and a worker's documents."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from harness import SCANNED_PDF, SCANNED_PNG, Backend, launch_chromium, make_settings, start_server
from openpyxl import load_workbook
from playwright.async_api import Browser, Page, async_playwright, expect

from bpp.platform.auth import Principal
from bpp.simulator.buyer import BuyerApp, free_port
from bpp.simulator.journey import Journey
from bpp.staff.users import create_staff_user
from bpp.wiring.services import Services

pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)

PASSWORD = "Seva-Mitra-2025"
LUCKNOW = "std:0522"
SCREENSHOTS = Path("/tmp")


@dataclass
class Office:
    base_url: str
    services: Services

    async def api(self, role: str, district: str | None = None) -> httpx.AsyncClient:
        token = self.services.tokens.issue(Principal("staff", f"{role}-api", role, district))
        return httpx.AsyncClient(base_url=self.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=20)


@pytest.fixture
async def office(backend: Backend) -> AsyncIterator[Office]:
    """`serve --demo` on loopback after two orders paid up front and one paid in cash, each done by a demo worker."""
    port = free_port()
    running = await start_server(make_settings(backend, port, demo=True, demo_step_seconds=0.05), port)
    buyer = BuyerApp(registry_url=running.base_url, registry_token=running.app.state.demo_registry.subscribe_token)
    await buyer.start()
    try:
        for category, payment in (("SRV11-1047", "PRE-FULFILLMENT"), ("SRV11-1044", "PRE-FULFILLMENT"),
                                  ("SRV11-1047", "ON-FULFILLMENT")):
            journey = Journey(buyer, running.ondc_url, category=category, payment_type=payment,
                              callback_timeout=10, completion_timeout=30)
            assert (await journey.run())["status"] == "Completed"
    finally:
        await buyer.stop()
    async with running.services.db.begin() as conn:
        await create_staff_user(conn, "office.admin", PASSWORD, "admin", "Admin")
        await create_staff_user(conn, "lko.officer", PASSWORD, "district_officer", "Anjali Verma", LUCKNOW)
    yield Office(running.base_url, running.services)
    await running.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


async def logged_in(browser: Browser, office: Office, username: str) -> Page:
    page = await (await browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)).new_page()
    await page.goto(f"{office.base_url}/staff/")
    await page.fill("#login-username", username)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#who")).to_be_visible()
    return page


async def downloaded(page: Page, click: object) -> bytes:
    async with page.expect_download() as info:
        await click  # type: ignore[misc]
    return await asyncio.to_thread(Path(await (await info.value).path()).read_bytes)


async def test_the_dashboard_draws_its_figures_and_downloads_them(office: Office, browser: Browser) -> None:
    async with httpx.AsyncClient(base_url=office.base_url) as anonymous:  # Chart.js is served from here, not a CDN
        script = await anonymous.get("/staff/static/vendor/chart.umd.min.js")
        licence = await anonymous.get("/staff/static/vendor/chart.js-LICENSE.md")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert licence.status_code == 404  # only scripts leave the vendor folder
    async with await office.api("district_officer", LUCKNOW) as api:
        report = (await api.get("/staff/api/dashboard")).json()
        service_csv = (await api.get("/staff/api/dashboard/bookings_by_service.csv")).content
    page = await logged_in(browser, office, "lko.officer")
    await page.click('[data-tab="dashboard"]')

    # the district's headline figures, in Hindi first
    cards = page.locator("#dashboard-cards")
    await expect(cards.locator('[data-figure="bookings_month"] .figure-value')).to_have_text("3")
    await expect(cards.locator('[data-figure="bookings_month"] .figure-label')).to_have_text("इस महीने की बुकिंग")
    await expect(cards.locator('[data-figure="completion_rate_percent"] .figure-value')).to_have_text("100.0%")
    summary = next(table for table in report["tables"] if table["name"] == "districts")
    registered = summary["rows"][0][[c["key"] for c in summary["columns"]].index("workers_registered")]
    await expect(cards.locator('[data-figure="workers_registered"] .figure-value')).to_have_text(str(registered))
    await expect(page.locator("#dashboard-district")).to_be_hidden()  # an officer sees her district only

    # both charts are drawn by Chart.js, from the same numbers as the tables
    drawn = await page.evaluate("""() => ['chart-per-day', 'chart-per-service'].map((id) => {
        const canvas = document.getElementById(id);
        const chart = Chart.getChart(canvas);
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
        return { type: chart.config.type, painted, bookings: chart.data.datasets.flatMap((d) => d.data)
                 .reduce((a, b) => a + b, 0), labels: chart.data.labels.length };
    })""")
    per_day, per_service = drawn
    assert per_day["type"] == per_service["type"] == "bar"
    assert per_day["painted"] > 1000 and per_service["painted"] > 1000
    assert per_day["bookings"] == per_service["bookings"] == 3 and per_day["labels"] == 30
    await page.screenshot(path=str(SCREENSHOTS / "staff_dashboard.png"), full_page=True)

    # a figure as CSV and every figure as Excel, with the numbers on the screen
    service_table = page.locator('[data-figure-table="bookings_by_service"]')
    csv_bytes = await downloaded(page, service_table.locator('[data-download="csv"]').click())
    assert csv_bytes == service_csv
    rows = list(csv.DictReader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert {row["service"]: row["month"] for row in rows} == {"SRV11-1047": "2", "SRV11-1044": "1"}
    await expect(page.locator('[data-msg="dashboard"]')).to_contain_text("डाउनलोड हुई")
    workbook = load_workbook(io.BytesIO(await downloaded(page, page.click("#dashboard-xlsx"))), read_only=True)
    assert workbook.sheetnames == ["about", *(table["name"] for table in report["tables"])]
    header, district_row = list(workbook["districts"].iter_rows(values_only=True))
    assert header[5] == "इस महीने की बुकिंग" and district_row[0] == LUCKNOW and district_row[5] == 3

    # English: every label, the chart legend and the workbook's headings follow
    await page.click("#lang-en")
    await expect(cards.locator('[data-figure="bookings_month"] .figure-label')).to_have_text("Bookings this month")
    legend = await page.evaluate("Chart.getChart('chart-per-day').data.datasets.map((d) => d.label)")
    assert legend == ["ONDC buyer apps", "Helpline 155330", "Kiosks", "Government departments"]
    workbook = load_workbook(io.BytesIO(await downloaded(page, page.click("#dashboard-xlsx"))), read_only=True)
    assert next(workbook["districts"].iter_rows(values_only=True))[5] == "Bookings this month"


async def test_a_payout_batch_and_the_banks_return_file_with_a_wrong_row(office: Office, browser: Browser) -> None:
    async with await office.api("admin") as api:
        owed = [row for row in (await api.get("/staff/api/wallets")).json() if float(row["payable"]) > 0]
        assert len(owed) == 2
        for row in owed:
            await api.put(f"/staff/api/wallets/{row['worker_id']}/payout-account",
                          json={"holder_name": row["name"], "upi_vpa": f"{row['worker_id'].lower()}@upi"})
    page = await logged_in(browser, office, "office.admin")
    await page.click('[data-tab="payouts"]')
    first = page.locator(f'#owed-table tr[data-worker-id="{owed[0]["worker_id"]}"]')
    await expect(first.locator(".payable")).to_have_text(f"₹{owed[0]['payable']}")

    # run the batch: it opens with its lines, awaiting the bank
    await page.fill('#batch-form [name="minimum"]', "1")
    await page.click("#batch-submit")
    await expect(page.locator('[data-msg="batch"]')).to_contain_text("बैच बना: 2 पंक्तियाँ")
    lines = page.locator("#batch-lines tbody tr")
    await expect(lines).to_have_count(2)
    await expect(lines.locator(".line-status")).to_have_text(["बैंक के जवाब की प्रतीक्षा"] * 2)
    await expect(first.locator(".payable")).to_have_text("₹0.00")

    # the bank file, and the bank's answer: one paid, one failed, and a row naming no line
    bank_file = list(csv.DictReader(io.StringIO((await downloaded(page, page.click("#batch-bank-file"))).decode())))
    paid, failed = bank_file
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*paid, "bank_reference", "failure_reason"])
    writer.writeheader()
    writer.writerows([{**paid, "status": "paid", "bank_reference": "UTR55501"},
                      {**failed, "line_no": "7", "status": "paid", "bank_reference": "UTR55502"},
                      {**failed, "status": "failed", "failure_reason": "Invalid VPA"}])
    await page.set_input_files("#return-file", files=[{
        "name": "bank-return.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()}])
    await page.click("#return-submit")
    message = page.locator('[data-msg="return"]')
    await expect(message).to_contain_text("1 भुगतान हुए, 1 विफल")
    errors = page.locator("#return-errors tbody tr")
    await expect(errors).to_have_count(1)
    await expect(errors.locator("td")).to_have_text(["3", "line_no", "बैच " + paid["batch_id"] + " में पंक्ति 7 नहीं है; "
                                                                        "पंक्ति को बैंक फ़ाइल से मिलाएँ।"])
    await expect(page.locator(f'#batch-lines tr[data-line="{paid["line_no"]}"] .line-status')).to_have_text("भुगतान हुआ")
    await expect(page.locator(f'#batch-lines tr[data-line="{failed["line_no"]}"] .line-status')).to_have_text(
        "विफल, राशि वापस")

    # the failed worker's money is back in her wallet, and her statement says so
    back = page.locator(f'#owed-table tr[data-worker-id="{failed["worker_id"]}"]')
    await expect(back.locator(".payable")).to_have_text(f"₹{failed['amount']}")
    await back.locator('[data-action="statement"]').click()
    await expect(page.locator("#statement-table tbody tr").first).to_contain_text("भुगतान विफल, राशि वापस")
    await page.click("#lang-en")
    await expect(errors.locator("td").nth(2)).to_have_text(
        f"Batch {paid['batch_id']} has no line 7; check the row against the bank file.")
    await expect(page.locator("#statement-table tbody tr").first).to_contain_text("Payout failed, money back")
    await page.screenshot(path=str(SCREENSHOTS / "staff_payouts.png"), full_page=True)
    report = await office.services.ledger.check()
    assert report.balanced, report.as_dict()


async def test_a_workers_documents_are_uploaded_checked_and_needed_to_verify_her(
    office: Office, browser: Browser, tmp_path: Path
) -> None:
    async with await office.api("admin") as api:
        answer = await api.post("/staff/api/workers", json={
            "name": "Kamla Devi", "phone": "9876505678", "pin": "4321", "skills": ["SRV11-1047"],
            "home_lat": 26.85, "home_lng": 80.95, "district": LUCKNOW})
        worker_id = answer.json()["id"]
    page = await logged_in(browser, office, "lko.officer")
    await page.click('[data-tab="workers"]')
    await page.locator(f'#workers-table tr[data-worker-id="{worker_id}"] [data-action="manage"]').click()
    documents = page.locator("#worker-documents")
    await expect(documents.locator('tr[data-kind="police_certificate"] .on-file')).to_have_text("अभी नहीं")

    # a text file named .pdf is refused by what it is, in Hindi
    fake = tmp_path / "police.pdf"
    fake.write_text("not a scan")
    await documents.locator('input[name="police_certificate"]').set_input_files(str(fake))
    await documents.locator('[data-upload="police_certificate"]').click()
    await expect(documents.locator('[data-msg="documents"]')).to_contain_text("यह फ़ाइल PDF, JPEG या PNG नहीं है")

    # the last step waits for both documents
    for step in ("check_documents", "request_police_verification", "police_cleared"):
        await page.locator(f'[data-step="{step}"]').click()
        if step != "police_cleared":
            await expect(page.locator(f'[data-step="{step}"]')).to_be_disabled()
    await expect(page.locator('[data-msg="worker"]')).to_contain_text(
        "सत्यापित करने से पहले कर्मी का पहचान पत्र और पुलिस सत्यापन प्रमाणपत्र अपलोड करें।")

    for kind, name, content in (("police_certificate", "police.pdf", SCANNED_PDF),
                                ("id_proof", "aadhaar.png", SCANNED_PNG)):
        real = tmp_path / name
        real.write_bytes(content)
        await documents.locator(f'input[name="{kind}"]').set_input_files(str(real))
        await documents.locator(f'[data-upload="{kind}"]').click()
        await expect(documents.locator(f'tr[data-kind="{kind}"] .on-file')).to_contain_text(name)
    assert await downloaded(page, documents.locator('[data-download="id_proof"]').click()) == SCANNED_PNG
    await page.locator('[data-step="police_cleared"]').click()
    await expect(page.locator('#worker-detail [data-field="verification"]')).to_have_text("सत्यापित")
