"""The helpline desk's API over real HTTP on each backend: who may use it, the field-named answers in Hindi and
English, a booking found again by the caller's phone, changes with consent, and the staff lists by channel."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from harness import RunningServer, seed_demo
from order_factory import confirmed_order

from bpp.platform.auth import Principal

TAP_REPAIR = "SM-LKO-PLUMBER-TAP"
CALLER = "9812345678"
Staff = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def staff(server: RunningServer) -> AsyncIterator[Staff]:
    await seed_demo(server.services)
    clients: list[httpx.AsyncClient] = []

    def client(role: str = "helpline_operator", district: str | None = None) -> httpx.AsyncClient:
        token = server.services.tokens.issue(Principal(kind="staff", id=f"{role}-1", role=role, district=district))
        made = httpx.AsyncClient(base_url=f"{server.base_url}/staff/api", headers={"Authorization": f"Bearer {token}"})
        clients.append(made)
        return made

    yield client
    for made in clients:
        await made.aclose()


def booking(**changes: Any) -> dict[str, Any]:
    return {"item_id": TAP_REPAIR, "name": "Rama Devi", "phone": CALLER, "address": "12 Hazratganj, Lucknow",
            "pincode": "226001", "slot": "now", **changes}


def fields(answer: httpx.Response) -> dict[str, dict[str, str]]:
    assert answer.status_code == 422, answer.text
    return {error["field"]: error for error in answer.json()["errors"]}


async def test_only_helpline_operators_and_admins_use_the_desk(staff: Staff, server: RunningServer) -> None:
    for role, district, expected in (("helpline_operator", None, 200), ("admin", None, 200),
                                     ("district_officer", "std:0522", 403)):
        answer = await staff(role, district).get("/helpline/places/226001")
        assert answer.status_code == expected, (role, answer.text)
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(f"{server.base_url}/staff/api/helpline/places/226001")).status_code == 401


async def test_the_pincode_the_service_and_the_quote_screen(staff: Staff) -> None:
    desk = staff()
    place = (await desk.get("/helpline/places/226001")).json()
    assert (place["district"], place["provider"]["id"]) == ("LUCKNOW", "SM-LKO")
    assert 26.8 < place["lat"] < 26.9
    found = (await desk.get("/helpline/services", params={"q": "नल मरमत", "pincode": "226001"})).json()
    assert found[0]["id"] == TAP_REPAIR and found[0]["total"] == "234.82"
    quote = await desk.post("/helpline/quotes", json={"item_id": TAP_REPAIR, "pincode": "226001"})
    assert quote.status_code == 200, quote.text
    body = quote.json()
    assert body["total"] == "234.82" and body["payment"] == "cash_at_visit"
    assert {line["title"] for line in body["lines"]} == {"Plumber visit: tap and mixer repair", "tax"}
    assert len(body["slots"]) == 8 and datetime.fromisoformat(body["slots"][0]["start"]) > datetime.now(UTC)

    unknown = fields(await desk.get("/helpline/places/999999"))["pincode"]
    assert unknown["en"].startswith("Pincode '999999' is not in India Post's list")
    assert unknown["hi"].startswith("पिनकोड '999999' इंडिया पोस्ट की सूची में नहीं है")
    assert "Uttar Pradesh only" in fields(await desk.get("/helpline/places/110001"))["pincode"]["en"]
    half = fields(await desk.post("/helpline/quotes", json={"item_id": TAP_REPAIR, "pincode": "226001", "lat": 26.8}))
    assert set(half) == {"point"}


async def test_a_booking_is_found_by_the_callers_phone_and_changed_with_consent(
    staff: Staff, server: RunningServer
) -> None:
    desk = staff()
    wrong = fields(await desk.post("/helpline/orders", json=booking(phone="98123", pincode="2260")))
    assert set(wrong) == {"phone", "pincode"}
    assert wrong["phone"]["hi"] == "कॉल करने वाले का 10 अंकों का मोबाइल नंबर लिखें (6, 7, 8 या 9 से शुरू)।"
    past = fields(await desk.post("/helpline/orders", json=booking(
        slot=(datetime.now(UTC) - timedelta(hours=2)).isoformat())))
    assert past["slot"]["en"] == "This time has already passed; choose one of the times shown."
    assert past["slot"]["hi"] == "यह समय बीत चुका है; दिखाए गए समय में से कोई चुनें।"

    booked = await desk.post("/helpline/orders", json=booking(language="en"))
    assert booked.status_code == 201, booked.text
    order = booked.json()
    assert (order["channel"], order["status"], order["total"], order["cash_due"], order["changeable"]) == (
        "helpline", "Accepted", "234.82", "234.82", True)
    history = (await desk.get("/helpline/callers/098123 45678")).json()
    assert history["phone"] == CALLER and [found["id"] for found in history["orders"]] == [order["id"]]
    assert fields(await desk.get("/helpline/callers/12345"))["phone"]["en"].startswith("Enter the caller's 10-digit")

    complaint = await desk.post(f"/helpline/orders/{order['id']}/complaints",
                                json={"kind": "no_show", "short_desc": "Nobody came at the time"})
    assert complaint.status_code == 201, complaint.text
    assert [c["id"] for c in (await desk.get(f"/helpline/callers/{CALLER}")).json()["complaints"]] == [
        complaint.json()["id"]]

    no_consent = fields(await desk.post(f"/helpline/orders/{order['id']}/cancel", json={}))
    assert set(no_consent) == {"caller_consents"}
    cancelled = await desk.post(f"/helpline/orders/{order['id']}/cancel", json={"caller_consents": True})
    assert cancelled.status_code == 200, cancelled.text
    assert (cancelled.json()["status"], cancelled.json()["changeable"]) == ("Cancelled", False)

    async with server.services.unit_of_work() as uow:  # an app's order: the caller changes it in the app
        await uow.orders.add(confirmed_order("SM-APP1", "T-APP1", "APP-1"))
        await uow.commit()
    refused = await desk.post("/helpline/orders/SM-APP1/cancel", json={"caller_consents": True})
    assert refused.status_code == 403 and refused.json()["detail"]["hi"].startswith("यह बुकिंग ऐप bap.example")


async def test_staff_list_orders_and_complaints_by_channel(staff: Staff, server: RunningServer) -> None:
    booked = await staff().post("/helpline/orders", json=booking())
    assert booked.status_code == 201, booked.text
    async with server.services.unit_of_work() as uow:
        await uow.orders.add(confirmed_order("SM-APP1", "T-APP1", "APP-1"))
        await uow.commit()
    admin = staff("admin")
    assert [o["id"] for o in (await admin.get("/orders", params={"channel": "helpline"})).json()] == [
        booked.json()["id"]]
    assert [o["id"] for o in (await admin.get("/orders", params={"channel": "ondc"})).json()] == ["SM-APP1"]
    assert [o["id"] for o in (await admin.get("/orders", params={"channel": "ondc:bap.example"})).json()] == [
        "SM-APP1"]
    assert len((await admin.get("/orders")).json()) == 2
    assert set(fields(await admin.get("/orders", params={"channel": "whatsapp"}))) == {"query.channel"}
    report = (await admin.get("/orders/channels", params={"start": "2020-01-01T00:00:00Z"})).json()
    assert {row["channel"]: row["orders"] for row in report} == {"helpline": 1, "ondc:bap.example": 1}

    await staff().post(f"/helpline/orders/{booked.json()['id']}/complaints",
                       json={"kind": "quality", "short_desc": "Tap still leaks"})
    listed = (await admin.get("/complaints", params={"channel": "helpline"})).json()
    assert [c["order_id"] for c in listed] == [booked.json()["id"]]
    assert (await admin.get("/complaints", params={"channel": "ondc"})).json() == []
    assert (await staff("helpline_operator").get("/orders")).status_code == 403
