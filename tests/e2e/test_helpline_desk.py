"""The helpline desk in a real (headless) Chromium: an operator books for a caller in three screens, the demo's
simulated workers do the visit, and the caller's SMS carry the order number, then the worker's name and the OTP."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from harness import RunningServer, SentSms, launch_chromium
from playwright.async_api import Browser, Page, async_playwright, expect
from sqlalchemy import func, select

from bpp.orders.repo import OrderRepo
from bpp.staff.users import create_staff_user
from bpp.storage.gateway_tables import outbox
from bpp.storage.worker_tables import workers
from fulfillment.order import Order
from fulfillment.states import OrderStatus

pytestmark = [pytest.mark.parametrize("backend", ["embedded"], indirect=True),
              pytest.mark.settings(demo=True, demo_step_seconds=0.05)]

SCREENSHOT = Path("/tmp/helpline_desk.png")
OPERATOR, PASSWORD = "helpline", "Helpline-155330"
CALLER = "9812345678"


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


async def log_in(page: Page, server: RunningServer) -> None:
    """The demo made the `helpline` login; the test gives it a password it knows."""
    async with server.services.db.begin() as conn:
        await create_staff_user(conn, OPERATOR, PASSWORD, "helpline_operator", "Pooja Singh")
    await page.goto(f"{server.base_url}/staff/")
    await page.fill("#login-username", OPERATOR)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")


async def completed(server: RunningServer, order_id: str, seconds: float = 30.0) -> Order:
    for _ in range(int(seconds / 0.1)):
        async with server.services.db.connect() as conn:
            order = await OrderRepo(conn).get(order_id)
        if order is not None and order.status is OrderStatus.COMPLETED:
            return order
        await asyncio.sleep(0.1)
    raise AssertionError(f"order {order_id} was not completed: {order.status if order else None}")


async def test_an_operator_books_for_a_caller_in_three_screens_and_a_demo_worker_does_the_visit(
    server: RunningServer, browser: Browser, sent_sms: SentSms
) -> None:
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await log_in(page, server)
    desk = page.locator("#tab-helpline")
    await expect(desk).to_be_visible()  # the desk is a helpline operator's own page
    steps = page.locator("#helpline-steps li.current")
    seen_screens = []

    # screen 1: the caller; a phone that is not 10 digits is named at its field, in Hindi
    await expect(steps).to_have_text("1. कॉल करने वाला")
    seen_screens.append(await steps.inner_text())
    await desk.locator('[name="phone"]').fill("98123")
    await page.click("#helpline-to-service")
    await expect(desk.locator('[data-error-for="phone"]')).to_have_text(
        "कॉल करने वाले का 10 अंकों का मोबाइल नंबर लिखें (6, 7, 8 या 9 से शुरू)।")
    await desk.locator('[name="phone"]').fill(CALLER)
    await desk.locator('[name="name"]').fill("रमा देवी")
    await page.click("#helpline-to-service")

    # screen 2: an unknown pincode is named at its field; the right one shows its district; the service by Hindi name
    await expect(steps).to_have_text("2. सेवा और पता")
    seen_screens.append(await steps.inner_text())
    await desk.locator('[name="pincode"]').fill("999999")
    await desk.locator('[name="pincode"]').dispatch_event("change")
    await expect(desk.locator('[data-error-for="pincode"]')).to_contain_text("इंडिया पोस्ट की सूची में नहीं है")
    await desk.locator('[name="pincode"]').fill("226001")
    await desk.locator('[name="pincode"]').dispatch_event("change")
    await expect(page.locator("#helpline-district")).to_contain_text("LUCKNOW")
    await desk.locator('[name="address"]').fill("12, हज़रतगंज, लखनऊ")
    await desk.locator('[name="service_query"]').fill("नल मरम्मत")
    choice = page.locator('#helpline-services [data-item-id="SM-LKO-PLUMBER-TAP"] input')
    await choice.check()
    await page.click("#helpline-to-quote")

    # screen 3: the fixed fee and the times; "now" is the earliest
    await expect(steps).to_have_text("3. शुल्क और समय")
    seen_screens.append(await steps.inner_text())
    await expect(page.locator("#helpline-total")).to_have_text("₹234.82")
    await expect(page.locator("#helpline-slots input").first).to_be_checked()
    await page.screenshot(path=str(SCREENSHOT), full_page=True)
    await page.click("#helpline-book")
    done = page.locator("#helpline-done-text")
    await expect(done).to_contain_text("ऑर्डर संख्या SM-")
    assert seen_screens == ["1. कॉल करने वाला", "2. सेवा और पता", "3. शुल्क और समय"]

    order_id = re.search(r"SM-[0-9A-F]{12}", await done.inner_text())
    assert order_id is not None
    [booked] = await sent_sms.texts("order_booked", CALLER)
    assert order_id.group(0) in booked and "₹234.82" in booked

    # the demo's simulated worker accepts, travels, arrives, starts with the caller's OTP and collects the cash
    order = await completed(server, order_id.group(0))
    assert order.channel.name == "helpline" and order.payment.status == "PAID"
    [coming] = await sent_sms.texts("worker_assigned", CALLER)
    async with server.services.db.connect() as conn:
        name = (await conn.execute(select(workers.c.name).where(workers.c.id == order.worker_id))).scalar_one()
        callbacks = (await conn.execute(select(func.count()).select_from(outbox))).scalar_one()
    assert name in coming and re.search(r"OTP \d{4}", coming)
    assert callbacks == 0  # no buyer app heard of this order
    assert (await server.services.ledger.check()).balanced

    # the next caller: the same phone finds her past order, now completed, and the page switches to English
    await page.click("#helpline-next")
    await desk.locator('[name="phone"]').fill(CALLER)
    await page.click("#helpline-find")
    row = page.locator(f'#helpline-orders tr[data-order-id="{order_id.group(0)}"]')
    await expect(row.locator(".order-status")).to_have_text("पूरा")
    await page.click("#lang-en")
    await expect(row.locator(".order-status")).to_have_text("Completed")
    await expect(page.locator('[data-tab="helpline"]')).to_have_text("Helpline desk")
