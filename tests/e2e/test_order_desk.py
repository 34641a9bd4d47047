"""A district office steps into orders that went wrong, end to end over loopback HTTP with the simulator as the buyer
app: a stuck order found by the customer's phone goes to another worker and the buyer app is sent her; a visit is
moved, a cancellation fee refunded, an order cancelled for the provider; every message the buyer app gets is signed
and conforms to the SRV bundle and attribute tables, and the ledger balances."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest
from harness import RunningServer, conformance_errors

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.platform.auth import hash_secret
from bpp.simulator.buyer import BuyerApp, Callback
from bpp.simulator.journey import Journey, JourneyFailed
from bpp.staff.users import create_staff_user
from bpp.wiring.services import Services
from bpp.workforce import repo as worker_repo
from catalog.schedule import open_slots
from fulfillment.workers import VERIFIED, Registration

T = TypeVar("T")
PLUMBER = "SRV11-1047"
CUSTOMER_PHONE = "9415000001"  # the simulator's customer
PASSWORD = "a long officer password"
PIN = "4321"
NEAR = {"lat": 26.8500, "lng": 80.9480}  # about 400 m from the customer: the first offer goes here
FARTHER = {"lat": 26.8647, "lng": 80.9462}  # 2 km north, still in range


@asynccontextmanager
async def client(base_url: str, login_path: str, credentials: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=base_url, timeout=15) as http:
        answer = await http.post(login_path, json=credentials)
        assert answer.status_code == 200, answer.text
        http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        yield http


async def plumber(services: Services, worker_id: str, name: str, phone: str) -> None:
    """A verified plumber of Lucknow, as the office registers and verifies one."""
    registration = Registration(name, phone, PIN, (PLUMBER,), 26.8520, 80.9500, "std:0522", ("hi", "en"))
    async with services.db.begin() as conn:
        await worker_repo.insert_worker(conn, registration, hash_secret(PIN), services.clock(), "staff:test",
                                        verification=VERIFIED, worker_id=worker_id)
    await services.fulfillment.coverage.workers_changed()  # search offers plumbing here now


def officer(server: RunningServer) -> Any:
    return client(server.base_url, "/staff/api/login", {"username": "lko.officer", "password": PASSWORD})


async def eventually(probe: Callable[[], Awaitable[T | None]], what: str, buying: asyncio.Task[Any] | None = None,
                     timeout: float = 15.0) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if buying is not None and buying.done():
            buying.result()
            raise AssertionError(f"the buyer's journey ended before {what}")
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {what} within {timeout:.0f} s")


def of_transaction(buyer: BuyerApp, journey: Journey, action: str | None = None) -> list[Callback]:
    return [c for c in buyer.callbacks if c.context.get("transaction_id") == journey.transaction_id
            and (action is None or c.action == action)]


def stops(callback: Callback) -> dict[str, dict[str, Any]]:
    return {stop["type"]: stop for stop in callback.message["order"]["fulfillments"][0]["stops"]}


def assert_conformant(callbacks: list[Callback]) -> None:
    assert all(callback.signature_ok for callback in callbacks), "a callback's signature does not verify"
    problems = {f"{c.action} {error}" for c in callbacks for error in conformance_errors(c.action, c.body)}
    assert not problems, "\n".join(sorted(problems))


@pytest.fixture
async def office(server: RunningServer) -> AsyncIterator[RunningServer]:
    """The demo catalogue, two verified plumbers online (one near the customer, one farther), an officer."""
    services = server.services
    await seed_demo_catalog(services.db, services.catalog)
    await services.catalog.reload()
    await plumber(services, "W-RAMESH", "Ramesh Kumar", "9876500001")
    await plumber(services, "W-SALMA", "Salma Bano", "9876500002")
    async with services.db.begin() as conn:
        await create_staff_user(conn, "lko.officer", PASSWORD, "district_officer", "Anjali Verma", "std:0522")
    for phone, position in (("9876500001", NEAR), ("9876500002", FARTHER)):
        async with client(server.base_url, "/worker/api/login", {"phone": phone, "pin": PIN}) as worker:
            answer = await worker.post("/worker/api/online", json=position)
            assert answer.status_code == 200, answer.text
    yield server


async def taken_by_ramesh(server: RunningServer, buying: asyncio.Task[Any]) -> str:
    """Ramesh, the nearest, is offered the order and takes it; returns the order's id."""
    async with client(server.base_url, "/worker/api/login", {"phone": "9876500001", "pin": PIN}) as ramesh:
        async def offer() -> dict[str, Any] | None:
            offers = (await ramesh.get("/worker/api/offers")).json()
            return offers[0] if offers else None

        found = await eventually(offer, "offer to Ramesh", buying)
        answer = await ramesh.post(f"/worker/api/offers/{found['id']}/accept")
        assert answer.status_code == 200, answer.text
    return str(found["order_id"])


@pytest.mark.settings(offer_timeout_seconds=600)
async def test_an_officer_finds_a_stuck_order_by_phone_and_the_buyer_app_gets_the_new_worker(
    office: RunningServer, buyer: BuyerApp,
) -> None:
    server = office
    journey = Journey(buyer, server.ondc_url, category=PLUMBER, callback_timeout=10, completion_timeout=60)
    buying = asyncio.create_task(journey.run())
    try:
        order_id = await taken_by_ramesh(server, buying)
        # Ramesh never sets off; the customer phones the district office
        async with officer(server) as staff:
            found = (await staff.get("/staff/api/orders", params={"q": f"+91 {CUSTOMER_PHONE}"})).json()
            assert [(o["id"], o["status"], o["worker_id"]) for o in found] == [(order_id, "Accepted", "W-RAMESH")]
            workers = (await staff.get(f"/staff/api/orders/{order_id}/workers")).json()
            assert [(w["id"], w["free"]) for w in workers] == [("W-RAMESH", False), ("W-SALMA", True)]
            answer = await staff.post(f"/staff/api/orders/{order_id}/reassign", json={
                "worker_id": "W-SALMA", "reason": "Ramesh has not set off; his phone is off"})
            assert answer.status_code == 200, answer.text

            async def salma_sent() -> Callback | None:
                return next((c for c in of_transaction(buyer, journey, "on_status")
                             if stops(c).get("start", {}).get("person", {}).get("name") == "Salma Bano"), None)

            update = await eventually(salma_sent, "on_status naming Salma", buying)
            assert stops(update)["start"]["contact"]["phone"] == "9876500002"
            assert update.message["order"]["id"] == journey.order_id
            assert update.message["order"]["fulfillments"][0]["state"]["descriptor"]["code"] == "Pending"

            async with (client(server.base_url, "/worker/api/login", {"phone": "9876500001", "pin": PIN}) as ramesh,
                        client(server.base_url, "/worker/api/login", {"phone": "9876500002", "pin": PIN}) as salma):
                assert (await ramesh.get("/worker/api/jobs")).json() == []
                assert (await ramesh.post(f"/worker/api/jobs/{order_id}/travelling")).status_code == 404
                for step in ("travelling", "arrived"):
                    answer = await salma.post(f"/worker/api/jobs/{order_id}/{step}")
                    assert answer.status_code == 200, answer.text

                async def otp() -> str | None:
                    for callback in of_transaction(buyer, journey, "on_status"):
                        authorization = stops(callback).get("end", {}).get("authorization")
                        if authorization:
                            return str(authorization["token"])
                    return None

                answer = await salma.post(f"/worker/api/jobs/{order_id}/start",
                                          json={"otp": await eventually(otp, "the start OTP", buying)})
                assert answer.status_code == 200, answer.text
                fee = Decimal(found[0]["total"])
                answer = await salma.post(f"/worker/api/jobs/{order_id}/complete",
                                          json={"amount_collected": str(fee)})
                assert answer.status_code == 200, answer.text
            final = await asyncio.wait_for(buying, 30)

            story = (await staff.get(f"/staff/api/orders/{order_id}")).json()
    finally:
        buying.cancel()
    assert final["status"] == "Completed"
    assert_conformant(of_transaction(buyer, journey))
    audit = [e for e in story["events"] if e["by_staff"]]
    assert [(e["kind"], e["actor_name"], e["detail"]["reason"]) for e in audit] == [
        ("assigned", "Anjali Verma (lko.officer)", "Ramesh has not set off; his phone is off")]
    assert [e["kind"] for e in story["events"]][-1] == "completed"
    steps = {"travelling", "arrived", "started", "completed"}
    places = {e["kind"]: e["detail"].get("gps") for e in story["events"] if e["kind"] in steps}
    assert places == dict.fromkeys(steps, "26.864700,80.946200")  # where Salma went online
    assert {m["action"] for m in story["messages"]["inbound"]} >= {"select", "init", "confirm", "status"}
    assert any(c["action"] == "on_status" and "Salma Bano" in c["payload"] for c in story["messages"]["callbacks"])
    assert [entry["kind"] for entry in story["ledger"]] == ["completion"]
    assert story["otp"]["status"] == "used"
    report = await server.services.ledger.check()
    assert report.balanced, report.as_dict()


@pytest.mark.settings(offer_timeout_seconds=600)
async def test_moving_a_visit_refunding_a_fee_and_cancelling_for_the_provider_tell_the_buyer_app_in_srv_terms(
    office: RunningServer, buyer: BuyerApp,
) -> None:
    server = office
    services = server.services
    prepaid = Journey(buyer, server.ondc_url, category=PLUMBER, payment_type="PRE-FULFILLMENT",
                      callback_timeout=10, completion_timeout=60)
    buying = asyncio.create_task(prepaid.run())
    try:
        order_id = await taken_by_ramesh(server, buying)
        async with officer(server) as staff:
            page = (await staff.get(f"/staff/api/orders/{order_id}")).json()
            booked = datetime.fromisoformat(page["order"]["slot"]["start"])
            item = services.catalog.snapshot.items[page["order"]["item"]["id"]]
            later = next(start for start, _ in open_slots(item.availability, item.duration_minutes, now=booked)
                         if start > booked)
            answer = await staff.post(f"/staff/api/orders/{order_id}/reschedule",
                                      json={"start": later.isoformat(), "reason": "the customer asked by phone"})
            assert answer.status_code == 200, answer.text
            [moved] = await eventually(lambda: _some(of_transaction(buyer, prepaid, "on_update")), "on_update", buying)
            assert stops(moved)["end"]["time"]["range"]["start"].startswith(later.strftime("%Y-%m-%dT%H:%M"))

            async with client(server.base_url, "/worker/api/login", {"phone": "9876500001", "pin": PIN}) as ramesh:
                assert (await ramesh.post(f"/worker/api/jobs/{order_id}/travelling")).status_code == 200
            sent = await buyer.post(f"{server.ondc_url}/cancel", {
                "context": buyer.context("cancel", prepaid.transaction_id, prepaid.bpp_id, prepaid.bpp_uri,
                                         prepaid.domain),
                "message": {"order_id": prepaid.order_id, "cancellation_reason_id": "012"}})
            assert sent.acked
            on_cancel = await buyer.wait_for("on_cancel", buyer.replies_to(sent), 10)
            assert on_cancel.message["order"]["status"] == "Cancelled"
            with suppress(JourneyFailed):  # the journey stops at the cancellation, as a buyer app would
                await asyncio.wait_for(buying, 10)
            fee = (await staff.get(f"/staff/api/orders/{order_id}")).json()["order"]["cancellation_fee_due"]
            assert Decimal(fee) > 0  # 10% once the worker set off
            answer = await staff.post(f"/staff/api/orders/{order_id}/refund-fee",
                                      json={"reason": "the worker was two hours late"})
            assert answer.status_code == 200, answer.text
            refunded = await eventually(lambda: _some([c for c in of_transaction(buyer, prepaid, "on_status")
                                                       if c.message["order"]["status"] == "Cancelled"]),
                                        "on_status after the refund")
            assert refunded[0].message["order"]["quote"]["price"]["value"] == "0.00"

            # a second order, cancelled for the provider before anyone set off
            cash = Journey(buyer, server.ondc_url, category=PLUMBER, callback_timeout=10, completion_timeout=60)
            second = asyncio.create_task(cash.run())
            try:
                second_id = await taken_by_ramesh(server, second)
                answer = await staff.post(f"/staff/api/orders/{second_id}/cancel",
                                          json={"reason_id": "016", "reason": "flooded road to the colony"})
                assert answer.status_code == 200, answer.text
                with pytest.raises(JourneyFailed, match="cancelled the order"):
                    await asyncio.wait_for(second, 15)
            finally:
                second.cancel()
    finally:
        buying.cancel()
    [provider_cancel] = of_transaction(buyer, cash, "on_cancel")
    cancellation = provider_cancel.message["order"]["cancellation"]
    assert (cancellation["cancelled_by"], cancellation["reason"]["descriptor"]["code"]) == ("PROVIDER", "016")
    assert_conformant(of_transaction(buyer, prepaid) + of_transaction(buyer, cash))
    report = await services.ledger.check()
    assert report.balanced, report.as_dict()


async def _some(found: list[Callback]) -> list[Callback] | None:
    return found or None
