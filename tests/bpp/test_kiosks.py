"""Kiosks over real HTTP on each backend: a kiosk books for a walk-in citizen in its own district only, the fee it
took is in the ledger, the worker is paid at completion and collects nothing, the kiosk earns its commission, its
statement shows it all, and after its deposit `ledger check` balances and the kiosk owes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from assisted_visits import complete_visit
from harness import RunningServer, seed_demo
from order_factory import confirmed_order
from sqlalchemy import select

from bpp.cli.ledger import check_database
from bpp.demo.catalog_seed import LUCKNOW
from bpp.kiosks.service import NewKiosk, create_kiosk
from bpp.money.kiosk_ledger import KioskLedger
from bpp.platform.http_errors import FieldErrors
from bpp.staff.users import create_staff_user
from bpp.storage.notify_tables import sms_messages
from bpp.wiring.services import Services
from fulfillment.kiosk import KioskTerms, paid_at_kiosk
from fulfillment.ledger import LedgerError
from fulfillment.order import Channel, PaymentTerms

PASSWORD = "Kiosk-Counter-2026"
TAP_REPAIR = "SM-LKO-PLUMBER-TAP"  # 199.00 + 18 % tax = 234.82
CITIZEN = "9812345678"
KANPUR = replace(LUCKNOW, id="SM-KNP", city="std:0512", name_en="Seva Mitra Kanpur", name_hi="सेवा मित्र कानपुर",
                 gps="26.4499,80.3319", area_code="208001", city_name="Kanpur Nagar")
Login = Callable[[str], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def login(server: RunningServer) -> AsyncIterator[Login]:
    """Seeds the demo, two kiosks (Lucknow, Kanpur) and two district officers; logs a user in by name."""
    services = server.services
    await seed_demo(services)
    await services.catalog.save_provider(KANPUR, actor="test")
    now = services.clock()
    async with services.db.begin() as conn:
        await create_kiosk(conn, NewKiosk("JSK-LKO-0001", "Jan Seva Kendra Aminabad", "std:0522", "Sunita Yadav",
                                          "9811111111"), "kiosk.aminabad", PASSWORD, now)
        await create_kiosk(conn, NewKiosk("JSK-KNP-0001", "Jan Seva Kendra Kidwai Nagar", "std:0512", "Amit Gupta",
                                          "9822222222", Decimal("15.00")), "kiosk.kidwai", PASSWORD, now)
        await create_staff_user(conn, "lko.officer", PASSWORD, "district_officer", "Anjali Verma", "std:0522")
        await create_staff_user(conn, "knp.officer", PASSWORD, "district_officer", "Ravi Tyagi", "std:0512")
    clients: list[httpx.AsyncClient] = []

    async def client(username: str) -> httpx.AsyncClient:
        base = f"{server.base_url}/staff/api"
        async with httpx.AsyncClient() as anonymous:
            answer = await anonymous.post(f"{base}/login", json={"username": username, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        made = httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {answer.json()['token']}"})
        clients.append(made)
        return made

    yield client
    for made in clients:
        await made.aclose()


def walk_in(**changes: Any) -> dict[str, Any]:
    return {"item_id": TAP_REPAIR, "name": "Rama Devi", "phone": CITIZEN, "address": "12 Aminabad Road, Lucknow",
            "pincode": "226018", "slot": "now", "language": "en", **changes}


def fields(answer: httpx.Response) -> dict[str, dict[str, str]]:
    assert answer.status_code == 422, answer.text
    return {error["field"]: error for error in answer.json()["errors"]}


async def test_a_kiosk_booking_its_commission_and_deposit_leave_the_ledger_balanced_and_nothing_owed(
    server: RunningServer, login: Login
) -> None:
    services = server.services
    kiosk, officer = await login("kiosk.aminabad"), await login("lko.officer")

    me = (await kiosk.get("/kiosk")).json()
    assert (me["id"], me["district_name"], me["commission_per_booking"], me["cash_due"]) == (
        "JSK-LKO-0001", "Lucknow", "10.00", "0.00")
    assert (await kiosk.get("/kiosk/places/226018")).json()["district"] == "LUCKNOW"
    [found, *_] = (await kiosk.get("/kiosk/services", params={"q": "नल"})).json()
    assert found["id"] == TAP_REPAIR
    quoted = (await kiosk.post("/kiosk/quotes", json={"item_id": TAP_REPAIR, "pincode": "226018"})).json()
    assert (quoted["total"], quoted["payment"]) == ("234.82", "paid_at_kiosk") and quoted["slots"]

    booked = await kiosk.post("/kiosk/orders", json=walk_in())
    assert booked.status_code == 201, booked.text
    order, receipt = booked.json()["order"], booked.json()["receipt"]
    assert (order["channel"], order["total"], order["cash_due"]) == ("kiosk:JSK-LKO-0001", "234.82", None)
    assert (receipt["order_id"], receipt["fee"], receipt["item"]["id"], receipt["kiosk"]["id"]) == (
        order["id"], "234.82", TAP_REPAIR, "JSK-LKO-0001")
    assert receipt["booked_at"] and receipt["slot"]["start"]
    assert (await kiosk.get(f"/kiosk/orders/{order['id']}/receipt")).json() == receipt

    before = (await kiosk.get("/kiosk/statement")).json()
    assert (before["bookings"], before["collected"], before["commission"], before["cash_due"]) == (
        1, "234.82", "0.00", "234.82")

    worker_id = await complete_visit(services, order["id"])
    position = await services.ledger.worker_position(worker_id)
    # 10 % of the 199.00 fee to Seva Mitra, the tax to the government, the rest hers; she holds no cash
    assert (position.wallet, position.cash_held) == (Decimal("179.10"), Decimal("0.00"))

    shown = (await kiosk.get("/kiosk/statement")).json()
    assert (shown["bookings"], shown["commission"], shown["cash_due"]) == (1, "10.00", "224.82")
    assert [(line["kind"], line["order_id"], line["change"], line["commission"]) for line in shown["lines"]] == [
        ("kiosk_collection", order["id"], "234.82", "0.00"), ("completion", order["id"], "-10.00", "10.00")]

    [listed] = (await officer.get("/kiosks")).json()
    assert (listed["id"], listed["cash_due"]) == ("JSK-LKO-0001", "224.82")
    too_much = await officer.post("/kiosks/JSK-LKO-0001/deposits", json={"amount": "224.83", "receipt": "SLIP-1"})
    assert too_much.status_code == 422 and too_much.json()["detail"]["field"] == "amount"
    for _ in range(2):  # the same slip twice posts once
        paid_in = await officer.post("/kiosks/JSK-LKO-0001/deposits", json={"amount": "224.82", "receipt": "SLIP-1"})
        assert paid_in.status_code == 201 and paid_in.json()["cash_due"] == "0.00"

    report = await check_database(server.services.settings.database_url)
    assert report.balanced and report.entries == 3  # the booking, the completion, the deposit
    assert (await kiosk.get("/kiosk")).json()["cash_due"] == "0.00"
    statement = (await officer.get("/kiosks/JSK-LKO-0001/statement")).json()
    assert (statement["deposited"], statement["cash_due"], statement["lines"][-1]["receipt"]) == (
        "224.82", "0.00", "SLIP-1")


async def test_a_kiosk_books_only_in_its_district_answered_per_field_in_both_languages(
    server: RunningServer, login: Login
) -> None:
    kanpur = await login("kiosk.kidwai")
    for answer in (await kanpur.post("/kiosk/orders", json=walk_in(phone="12345")),
                   await kanpur.get("/kiosk/places/226018")):
        outside = fields(answer)["pincode"]
        assert "Kanpur Nagar" in outside["en"] and "Lucknow" in outside["en"]
        assert "Kanpur Nagar" in outside["hi"] and "ज़िले" in outside["hi"]
    wrong = fields(await kanpur.post("/kiosk/orders", json=walk_in(phone="12345")))
    assert set(wrong) == {"phone", "pincode"} and all(problem["hi"] for problem in wrong.values())
    assert (await kanpur.get("/kiosk/services", params={"q": "tap"})).json() == []  # Lucknow's items are not its own
    async with server.services.db.connect() as conn:
        assert (await conn.execute(select(sms_messages))).first() is None  # nothing booked, nobody told


async def test_who_may_see_and_change_what(server: RunningServer, login: Login) -> None:
    lucknow, kanpur = await login("kiosk.aminabad"), await login("kiosk.kidwai")
    lko_officer, knp_officer = await login("lko.officer"), await login("knp.officer")
    order = (await lucknow.post("/kiosk/orders", json=walk_in())).json()["order"]

    # a kiosk operator uses her kiosk's pages, none of Seva Mitra's own
    for path in ("/kiosks", "/catalog/items", "/workers", "/helpline/callers/9812345678"):
        assert (await lucknow.get(path)).status_code == 403, path
    assert (await kanpur.get(f"/kiosk/orders/{order['id']}/receipt")).status_code == 404  # another kiosk's order
    assert (await lko_officer.get("/kiosk")).status_code == 403

    # an officer sees and changes her district's kiosks only
    assert [k["id"] for k in (await knp_officer.get("/kiosks")).json()] == ["JSK-KNP-0001"]
    assert (await knp_officer.get("/kiosks/JSK-LKO-0001/statement")).status_code == 403
    deposit = {"amount": "10.00", "receipt": "SLIP-9"}
    assert (await knp_officer.post("/kiosks/JSK-LKO-0001/deposits", json=deposit)).status_code == 403
    assert (await lko_officer.get("/kiosks/NO-SUCH/statement")).status_code == 404
    assert (await lucknow.post("/kiosks/JSK-LKO-0001/deposits", json=deposit)).status_code == 403


async def test_a_kiosk_and_its_login_are_checked_when_made(server: RunningServer) -> None:
    services = server.services
    async with services.db.begin() as conn:
        with pytest.raises(FieldErrors) as wrong:
            await create_kiosk(conn, NewKiosk("jsk 1", "J", "Lucknow", "S", "12345", Decimal("-1")), "k.1", PASSWORD,
                               services.clock())
    assert {problem.field for problem in wrong.value.problems} == {
        "id", "name", "district", "operator_name", "operator_phone", "commission"}
    assert all(problem.hi for problem in wrong.value.problems)


async def test_the_kiosk_ledger_posts_each_event_once_and_dates_the_statement(services: Services) -> None:
    """On each backend: raced deposits of one slip post once, a cancellation hands the citizen's money back out of
    the kiosk's cash, and a statement starts from what the kiosk owed before its period."""
    now = [datetime.now(UTC) - timedelta(days=2)]  # the bookings; the cancellation settles at the real time
    ledger = KioskLedger(services.db, lambda: now[0])
    terms = KioskTerms("JSK-LKO-0001", Decimal("234.82"), Decimal("10.00"))
    kiosk = Channel("kiosk:JSK-LKO-0001", "ONDC:SRV11", "std:0522")
    first, second = (confirmed_order(order_id, channel=kiosk, payment=PaymentTerms(paid_at_kiosk(order_id, terms)))
                     for order_id in ("SM-K1", "SM-K2"))
    for order in (first, first, second):  # the first booking's entry offered twice
        async with services.db.begin() as conn:
            await ledger.collected(conn, order)
    now[0] += timedelta(days=2)
    async with services.db.begin() as conn:
        await services.ledger.order_cancelled(conn, second, Decimal("0.00"))  # nobody took it: all of it back
    assert (await ledger.cash_due(["JSK-LKO-0001", "JSK-NONE"])) == {"JSK-LKO-0001": Decimal("234.82"),
                                                                      "JSK-NONE": Decimal("0.00")}

    dues = await asyncio.gather(*(ledger.record_deposit("JSK-LKO-0001", Decimal("234.82"), "SLIP-1")
                                  for _ in range(3)))
    assert dues == [Decimal("0.00")] * 3
    with pytest.raises(LedgerError) as refused:
        await ledger.record_deposit("JSK-LKO-0001", Decimal("1.00"), "SLIP-2")
    assert refused.value.field == "amount"

    shown = await ledger.statement("JSK-LKO-0001", now[0] - timedelta(days=1), datetime.now(UTC))
    assert shown.opening_due == Decimal("469.64")  # the two bookings, before the period
    assert [(line.kind, line.change) for line in shown.lines] == [
        ("cancellation", Decimal("-234.82")), ("kiosk_deposit", Decimal("-234.82"))]
    assert (shown.refunded, shown.deposited, shown.cash_due) == (Decimal("234.82"), Decimal("234.82"),
                                                                 Decimal("0.00"))
    assert (await services.ledger.check()).balanced


async def test_making_a_kiosk_again_updates_it_and_another_login_cannot_take_it(server: RunningServer,
                                                                                login: Login) -> None:
    services = server.services
    kiosk = NewKiosk("JSK-LKO-0001", "Jan Seva Kendra Aminabad", "std:0522", "Sunita Yadav", "9811111111",
                     Decimal("12.50"))
    async with services.db.begin() as conn:
        await create_kiosk(conn, kiosk, "kiosk.aminabad", PASSWORD, services.clock())
        with pytest.raises(FieldErrors) as taken:
            await create_kiosk(conn, kiosk, "someone.else", PASSWORD, services.clock())
    assert [problem.field for problem in taken.value.problems] == ["id"]
    me = await (await login("kiosk.aminabad")).get("/kiosk")
    assert me.json()["commission_per_booking"] == "12.50"
