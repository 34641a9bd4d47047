"""The staff console's Orders tab in headless Chromium, on the demo's data: a Lucknow officer finds a caller's order
by her mobile number, reads its story, gives it to another demo worker with a reason, then (in English) cancels it
for the provider; the audit names her; an officer of another district finds nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import Backend, launch_chromium, make_settings, seed_demo, start_server
from playwright.async_api import Browser, Page, async_playwright, expect
from sqlalchemy import select

from bpp.assisted.service import BookingRequest
from bpp.simulator.buyer import free_port
from bpp.staff.users import create_staff_user
from bpp.storage.worker_tables import offers, workers
from bpp.wiring.services import Services

pytestmark = pytest.mark.parametrize("backend", ["embedded"], indirect=True)

PASSWORD = "Seva-Mitra-2025"
CALLER = "9812345678"
TAP_REPAIR = "SM-LKO-PLUMBER-TAP"
SCREENSHOT = Path("/tmp/staff_orders.png")


@dataclass
class Desk:
    base_url: str
    services: Services
    order_id: str
    first: str  # the demo plumber who took the order
    second: str  # the other demo plumber


@pytest.fixture
async def desk(backend: Backend) -> AsyncIterator[Desk]:
    """The demo's catalogue and workers, a helpline booking of a tap repair taken by the nearest demo plumber."""
    port = free_port()
    running = await start_server(make_settings(backend, port, offer_timeout_seconds=600), port)
    services: Services = running.services
    await seed_demo(services)
    async with services.db.begin() as conn:
        await create_staff_user(conn, "lko.officer", PASSWORD, "district_officer", "Anjali Verma", "std:0522")
        await create_staff_user(conn, "meerut.officer", PASSWORD, "district_officer", "Ravi Tyagi", "std:0121")
    order = await services.assisted.book(BookingRequest(
        item_id=TAP_REPAIR, name="रमा देवी", phone=CALLER, address="12 हज़रतगंज, लखनऊ", pincode="226001", point=None,
        slot_start=None, language="hi"), actor="staff:helpline-1")
    offer = None
    for _ in range(200):  # matching offers it to the nearest free plumber
        async with services.db.connect() as conn:
            offer = (await conn.execute(select(offers).where(offers.c.order_id == order.id))).mappings().first()
        if offer is not None:
            break
        await asyncio.sleep(0.05)
    assert offer is not None, "matching made no offer"
    await services.fulfillment.offers.accept(offer["worker_id"], offer["id"])
    async with services.db.connect() as conn:
        plumbers = (await conn.execute(select(workers.c.id).where(workers.c.demo.is_(True)))).scalars().all()
    category = services.catalog.snapshot.items[TAP_REPAIR].category_id
    second = next(worker for worker in plumbers if category in worker and worker != offer["worker_id"])
    yield Desk(running.base_url, services, order.id, offer["worker_id"], second)
    await running.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await launch_chromium(playwright)
        yield launched
        await launched.close()


async def logged_in(browser: Browser, desk: Desk, username: str) -> Page:
    page = await (await browser.new_context(viewport={"width": 1366, "height": 900})).new_page()
    await page.goto(f"{desk.base_url}/staff/")
    await page.fill("#login-username", username)
    await page.fill("#login-password", PASSWORD)
    await page.click("#login-submit")
    await expect(page.locator("#who")).to_be_visible()
    return page


async def worker_name(services: Services, worker_id: str) -> str:
    async with services.db.connect() as conn:
        return str((await conn.execute(select(workers.c.name).where(workers.c.id == worker_id))).scalar_one())


async def test_an_officer_finds_reassigns_and_cancels_an_order_in_both_languages(desk: Desk, browser: Browser) -> None:
    first, second = await worker_name(desk.services, desk.first), await worker_name(desk.services, desk.second)
    page = await logged_in(browser, desk, "lko.officer")
    await page.click('[data-tab="orders"]')
    await expect(page.locator('[data-tab="orders"]')).to_have_text("ऑर्डर")
    await expect(page.locator(f'#orders-table tr[data-order-id="{desk.order_id}"]')).to_be_visible()
    await expect(page.locator("#orders-district")).to_have_value("std:0522")

    # the caller gives her number: the one order opens with its story
    await page.fill("#orders-q", f"+91 {CALLER}")
    await page.click("#orders-search")
    detail = page.locator("#order-detail")
    await expect(detail.locator("#order-title")).to_contain_text(desk.order_id)
    await expect(detail.locator('[data-field="worker"]')).to_contain_text(first)
    await expect(detail.locator('[data-field="customer"]')).to_have_text(f"रमा देवी · {CALLER}")
    await expect(detail.locator('[data-otp="not_issued"]')).to_contain_text("अभी जारी नहीं")
    await expect(detail.locator('#order-events tr[data-kind="assigned"]')).to_contain_text("कर्मी सौंपा गया")
    await expect(detail.locator("#order-offers tbody tr")).to_contain_text("स्वीकार")

    # no reason, no change; with one, the order goes to the other plumber and the audit names the officer
    await detail.locator("#reassign-worker").select_option(desk.second)
    await detail.locator("#reassign-submit").click()
    message = page.locator('[data-msg="order"]')
    await expect(message).to_have_class("msg msg-error")
    await expect(message).to_contain_text("reason")
    await detail.locator("#order-reason").fill("पहली कर्मी बीमार है")
    await detail.locator("#reassign-submit").click()
    await expect(message).to_contain_text(f"अब {second} के पास है")
    await expect(detail.locator('[data-field="worker"]')).to_contain_text(second)
    audit = detail.locator('#order-events tr.by-staff[data-kind="assigned"]')  # the booking is the operator's too
    await expect(audit).to_have_count(1)
    await expect(audit).to_contain_text("Anjali Verma (lko.officer)")
    await expect(audit).to_contain_text("पहली कर्मी बीमार है")
    await expect(audit).to_contain_text(first)  # the worker it came from, by name
    async with desk.services.db.connect() as conn:
        held = (await conn.execute(select(workers.c.current_order_id).where(workers.c.id == desk.second))).scalar()
    assert held == desk.order_id

    # English: every label switches; she cancels it for the provider with a code and a reason
    await page.click("#lang-en")
    await expect(page.locator('[data-tab="orders"]')).to_have_text("Orders")
    await expect(detail.locator("#reassign-submit")).to_have_text("Reassign")
    await expect(detail.locator('[data-otp="not_issued"]')).to_contain_text("Not issued yet")
    await detail.locator("#cancel-reason").select_option("011")
    await detail.locator("#order-reason").fill("The caller cannot be reached")
    await detail.locator("#cancel-submit").click()
    await expect(message).to_contain_text(f"Order {desk.order_id} is cancelled")
    await expect(detail.locator('[data-field="status"]')).to_contain_text("Cancelled")
    await expect(detail.locator('[data-field="cancellation"]')).to_contain_text("The customer could not be reached")
    await expect(detail.locator("#order-actions")).to_be_hidden()
    await expect(detail.locator('#order-events tr.by-staff[data-kind="cancelled"]')).to_contain_text("Anjali Verma")
    await page.screenshot(path=str(SCREENSHOT), full_page=True)

    # the filters: by service and status, and a clear that keeps her district
    await page.click("#orders-clear")
    category = desk.services.catalog.snapshot.items[TAP_REPAIR].category_id
    await page.locator("#orders-service").select_option(category)
    await page.click("#orders-search")
    await expect(page.locator("#orders-table tbody tr")).to_have_count(1)
    await page.locator("#orders-service").select_option("")
    await page.locator("#orders-status").select_option("Cancelled")
    await page.click("#orders-search")
    await expect(page.locator("#orders-table tbody tr")).to_have_count(1)
    await expect(page.locator("#orders-table tbody tr")).to_contain_text("Cancelled")
    await page.locator("#orders-status").select_option("Accepted")
    await page.click("#orders-search")
    await expect(page.locator('[data-msg="orders"]')).to_contain_text("No order matches")

    # an officer of another district sees none of it
    other = await logged_in(browser, desk, "meerut.officer")
    await other.click('[data-tab="orders"]')
    await other.fill("#orders-q", CALLER)
    await other.click("#orders-search")
    await expect(other.locator('[data-msg="orders"]')).to_contain_text("इन शर्तों से कोई ऑर्डर नहीं मिला")
    await expect(other.locator("#orders-district")).to_have_value("std:0121")
