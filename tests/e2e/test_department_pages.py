"""Issue 13's department Done-when in a real (headless) Chromium over `serve --demo`: a work order for 3 workers x 2
days is asked for on the department's page, refused booking before approval (the field named, in Hindi), approved by
the approving officer, booked, done by 3 distinct demo workers (each day's three distinct), invoiced once after the
month with its 6 visits in the staff console, and paid; the department's receivable returns to zero."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from harness import RunningServer, launch_chromium
from playwright.async_api import Browser, Page, async_playwright, expect

from bpp.demo.department_seed import DEMO_DEPARTMENT_ID, seed_demo_department
from bpp.departments.repo import DepartmentRepo
from bpp.orders.repo import OrderRepo
from bpp.staff.users import create_staff_user
from fulfillment.states import OrderStatus

pytestmark = [pytest.mark.parametrize("backend", ["embedded"], indirect=True),
              pytest.mark.settings(demo=True, demo_step_seconds=0.05)]

SCREENSHOT = Path("/tmp/department_pages.png")
PASSWORD = "Department-2026"
START = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)  # 11:00 IST on Wednesday 9 December 2026


class MovingClock:
    """The server's clock: real seconds passing from a chosen moment, which the test can move on."""

    def __init__(self, at: datetime) -> None:
        self.set(at)

    def set(self, at: datetime) -> None:
        self._at, self._started = at, time.monotonic()

    def __call__(self) -> datetime:
        return self._at + timedelta(seconds=time.monotonic() - self._started)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


async def page_of(browser: Browser) -> Page:
    return await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()


async def log_in(page: Page, url: str, username: str) -> None:
    await page.goto(url)
    await page.fill("#login-username", username)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")


async def eventually(check: Callable[[], object], what: str, seconds: float = 60.0) -> None:
    for _ in range(int(seconds / 0.2)):
        if await check():  # type: ignore[misc]
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {seconds:.0f} s: {what}")


async def visits(server: RunningServer, number: str) -> list[tuple[str, str, OrderStatus, str | None]]:
    """(day, order id, status, worker) of each visit of the work order."""
    async with server.services.db.connect() as conn:
        booked = await DepartmentRepo(conn).visits_of(number)
        orders = await OrderRepo(conn).many([visit.order_id for visit in booked])
    return [(v.day.isoformat(), v.order_id, orders[v.order_id].status, orders[v.order_id].worker_id) for v in booked]


async def test_a_department_work_order_from_request_to_payment(server: RunningServer, browser: Browser) -> None:
    services = server.services
    clock = MovingClock(START)
    services.clock = clock
    async with services.db.begin() as conn:  # the demo's logins, with a password the test knows
        await seed_demo_department(conn, PASSWORD, clock())
        await create_staff_user(conn, "admin", PASSWORD, "admin", "Admin")
    base = server.base_url

    # the requesting officer asks for 3 cleaners for 2 days at her office
    requester = await page_of(browser)
    await log_in(requester, f"{base}/department/", "dept.requester")
    await expect(requester.locator("#who-role")).to_have_text("माँगने वाले अधिकारी")
    await requester.click('[data-tab="new"]')
    form = requester.locator("#new-form")
    await form.locator('[name="item_id"]').select_option("SM-LKO-HOME-CLEANING")
    await form.locator('[name="workers"]').fill("3")
    await form.locator('[name="first_day"]').fill("2026-12-09")
    await form.locator('[name="day_count"]').fill("2")
    await form.locator('[name="start"]').fill("12:00")
    await form.locator('[name="address"]').fill("Vikas Bhawan, Janpath, Hazratganj")
    await form.locator('[name="pincode"]').fill("226001")
    await form.locator('[name="contact_name"]').fill("अनिल कुमार")
    await form.locator('[name="contact_phone"]').fill("98765")
    await requester.click("#new-submit")
    await expect(form.locator('[data-error-for="contact_phone"]')).to_contain_text("10 अंकों का मोबाइल नंबर")
    await form.locator('[name="contact_phone"]').fill("9876543210")
    await expect(requester.locator("#new-estimate")).to_have_text("6 विज़िट × ₹2948.82 = लगभग ₹17692.92")
    await requester.click("#new-submit")
    await expect(requester.locator('[data-msg="new"]')).to_contain_text("स्वीकृति के लिए भेजा गया")
    await requester.click('[data-tab="orders"]')
    row = requester.locator("#orders-table tbody tr[data-number]").first  # not the row shown while it loads
    number = await row.get_attribute("data-number")
    assert number is not None
    await expect(row.locator(".order-status")).to_have_text("स्वीकृति की प्रतीक्षा")

    # booking before approval is refused, naming the field, in Hindi
    await row.locator('[data-action="open"]').click()
    await requester.click("#book")
    refusal = requester.locator('[data-msg="order"] li[data-field="approval"]')
    await expect(refusal).to_contain_text("अभी स्वीकृत नहीं हुआ है")

    # the approving officer approves on her page (in English this time)
    approver = await page_of(browser)
    await log_in(approver, f"{base}/department/", "dept.approver")
    await approver.click("#lang-en")
    await expect(approver.locator('[data-tab="new"]')).to_be_hidden()
    pending = approver.locator(f'#orders-table tr[data-number="{number}"]')
    await expect(pending.locator(".order-status")).to_have_text("Awaiting approval")
    await pending.locator('[data-action="open"]').click()
    await approver.click("#approve")
    await expect(approver.locator('[data-msg="order"]')).to_contain_text(f"Work order {number} is approved")
    await expect(approver.locator("#order-approval")).to_contain_text("Arun Mishra")
    await approver.screenshot(path=str(SCREENSHOT), full_page=True)

    # the requesting officer books: six visits; the demo's workers do the first day's three
    await requester.click("#orders-refresh")
    await requester.locator(f'#orders-table tr[data-number="{number}"] [data-action="open"]').click()
    await requester.click("#book")
    await expect(requester.locator("#visits-table tbody tr")).to_have_count(6)

    async def day_done(day: str) -> bool:
        return all(status is OrderStatus.COMPLETED for d, _, status, _ in await visits(server, number) if d == day)

    await eventually(lambda: day_done("2026-12-09"), "the first day's visits completed")
    first = await visits(server, number)
    assert all(status is OrderStatus.ACCEPTED for day, _, status, _ in first if day == "2026-12-10")  # not offered
    clock.set(datetime(2026, 12, 9, 11, 35, tzinfo=UTC))  # the first day's work is over: the next day's is offered
    await eventually(lambda: day_done("2026-12-10"), "the second day's visits completed")
    done = await visits(server, number)
    for day in ("2026-12-09", "2026-12-10"):
        assert len({worker for d, _, _, worker in done if d == day}) == 3, done  # three distinct workers a day
    assert len({worker for _, _, _, worker in done}) == 3  # the first day's workers were asked first the next day
    await requester.click("#orders-refresh")
    await requester.locator(f'#orders-table tr[data-number="{number}"] [data-action="open"]').click()
    await expect(requester.locator("#order-progress")).to_have_text("6 / 6")
    await expect(requester.locator("#visits-table .visit-status")).to_have_text(["पूरा"] * 6)

    # December is over: the staff console issues its invoices, one for the department with the six visits
    clock.set(datetime(2027, 1, 1, 4, 30, tzinfo=UTC))
    staff = await page_of(browser)
    await log_in(staff, f"{base}/staff/", "admin")
    await staff.click('[data-tab="departments"]')
    account = staff.locator(f'#departments-table tr[data-account-id="{DEMO_DEPARTMENT_ID}"]')
    await expect(account.locator(".department-receivable")).to_have_text("₹0.00")
    await staff.fill('#departments-issue-form [name="month"]', "2026-12")
    await staff.click("#departments-issue-submit")
    await expect(staff.locator('[data-msg="departments-issue"]')).to_contain_text("2026-12: 1 नए बिल बने")
    invoice = staff.locator('#department-invoices-table tr[data-invoice="DI-2026-27-00001"]')
    await expect(invoice.locator("td").nth(3)).to_have_text("6")
    await expect(invoice.locator(".invoice-outstanding")).to_have_text("₹17692.92")
    await expect(account.locator(".department-receivable")).to_have_text("₹17692.92")
    await staff.click("#departments-issue-submit")  # again: nothing is invoiced twice
    await expect(staff.locator('[data-msg="departments-issue"]')).to_contain_text("0 नए बिल बने (1 पहले से बने थे)")

    # its print view, as the department reads it
    print_url = await invoice.locator('[data-action="print"]').get_attribute("href")
    assert print_url is not None
    printed = await page_of(browser)
    await printed.goto(print_url)
    await expect(printed.locator("h1")).to_have_text("कर चालान / Tax invoice")
    for text in ("DI-2026-27-00001", "09LKNP01234E1D", "CGST", "₹ 17692.92", "विज़िट / Visits"):
        await expect(printed.locator("body")).to_contain_text(text)

    # the treasury pays: staff record it, and the department owes nothing
    await invoice.locator('[data-action="payments"]').click()
    payment = staff.locator("#department-payment-form")
    await expect(payment.locator('[name="amount"]')).to_have_value("17692.92")
    await payment.locator('[name="reference"]').fill("EKOSH-2027-0042")
    await staff.click("#department-payment-submit")
    await expect(staff.locator('[data-msg="department-payment"]')).to_contain_text("अब ₹0.00 है")
    await expect(invoice.locator(".invoice-outstanding")).to_have_text("₹0.00")
    await expect(account.locator(".department-receivable")).to_have_text("₹0.00")
    await requester.click('[data-tab="invoices"]')
    await requester.click("#invoices-refresh")
    await expect(requester.locator("#account-receivable")).to_have_text("₹0.00")
    await expect(requester.locator('#invoices-table tr[data-invoice="DI-2026-27-00001"] td').nth(4)).to_have_text(
        "₹0.00")

    positions = await services.department_billing.positions([DEMO_DEPARTMENT_ID])
    assert (positions[DEMO_DEPARTMENT_ID].unbilled, positions[DEMO_DEPARTMENT_ID].receivable) == (Decimal("0.00"),
                                                                                                   Decimal("0.00"))
    report = await services.ledger.check()
    assert report.balanced, report.as_dict()
