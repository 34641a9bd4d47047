"""Whole orders over real loopback HTTP: a buyer app, the BPP, and workers (simulated or through the worker app)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any, TypeVar

import httpx
import pytest
from harness import RunningServer, conformance_errors, upload_worker_documents

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.simulator.buyer import BuyerApp, Callback
from bpp.simulator.journey import Journey
from bpp.staff.users import create_staff_user

T = TypeVar("T")
PLUMBER = "SRV11-1047"
NEAR_HAZRATGANJ = {"lat": 26.8500, "lng": 80.9480}  # about 400 m from the customer
TWO_KM_NORTH = {"lat": 26.8647, "lng": 80.9462}  # in range too, but farther: offers go to the nearest first
ADMIN_PASSWORD = "e2e-admin-password"


def callbacks_of(buyer: BuyerApp, transaction_id: str) -> list[Callback]:
    return [c for c in buyer.callbacks if c.context.get("transaction_id") == transaction_id]


def one_of(callbacks: list[Callback], action: str) -> Callback:
    found = [c for c in callbacks if c.action == action]
    assert len(found) == 1, f"expected one {action}, got {len(found)}"
    return found[0]


def unique_order_states(callbacks: list[Callback]) -> list[tuple[str, str]]:
    """(order status, fulfillment state) of each distinct on_status without error, in arrival order."""
    statuses = {c.context["message_id"]: c.message["order"] for c in callbacks
                if c.action == "on_status" and not c.error}
    return [(order["status"], order["fulfillments"][0]["state"]["descriptor"]["code"]) for order in statuses.values()]


def completion_of(callbacks: list[Callback]) -> dict[str, Any]:
    done = [c.message["order"] for c in callbacks
            if c.action == "on_status" and c.message.get("order", {}).get("status") == "Completed"]
    assert done, "no on_status reported the order Completed"
    return done[0]


def charged(order: dict[str, Any]) -> Decimal:
    return Decimal(order["quote"]["price"]["value"])


def assert_all_verified(callbacks: list[Callback]) -> None:
    """Every callback is signed and conforms: the SRV bundle schema and the SRV attribute tables."""
    assert all(callback.signature_ok for callback in callbacks), "a callback's signature does not verify"
    problems = {f"{callback.action} {error}" for callback in callbacks
                for error in conformance_errors(callback.action, callback.body)}
    assert not problems, "\n".join(sorted(problems))


def assert_fee_locked(callbacks: list[Callback]) -> Decimal:
    """The fee quoted in on_select is what on_init, on_confirm and the completion on_status charge."""
    fee = charged(one_of(callbacks, "on_select").message["order"])
    assert fee > 0
    assert charged(one_of(callbacks, "on_init").message["order"]) == fee
    assert charged(one_of(callbacks, "on_confirm").message["order"]) == fee
    assert charged(completion_of(callbacks)) == fee
    return fee


async def assert_invoice_served(completed: dict[str, Any]) -> None:
    invoices = [doc for doc in completed.get("documents") or [] if doc.get("label") == "INVOICE"]
    assert len(invoices) == 1, completed.get("documents")
    async with httpx.AsyncClient(timeout=10) as http:
        answer = await http.get(invoices[0]["url"])
    assert answer.status_code == 200, answer.text
    assert completed["id"] in answer.text


async def assert_srv_table_fields(callbacks: list[Callback]) -> None:
    """Fields of the SRV attribute tables (issue 9 §2.3-8) on the callbacks of one cash order."""
    provider = one_of(callbacks, "on_search").message["catalog"]["providers"][0]
    assert provider["time"]["label"] == "validity" and provider["time"]["range"]["start"]
    item = provider["items"][0]
    assert item["parent_item_id"] == "" and item["time"]["schedule"]["holidays"] == []
    assert all(term["cancel_by"] for term in item["cancellation_terms"])
    async with httpx.AsyncClient(timeout=10) as http:
        image = await http.get(item["descriptor"]["images"][0]["url"])
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/svg+xml")
    for action in ("on_select", "on_init", "on_confirm"):
        assert one_of(callbacks, action).message["order"]["items"][0]["category_ids"] == item["category_ids"]
    for action in ("on_init", "on_confirm"):
        params = one_of(callbacks, action).message["order"]["payments"][0]["params"]
        assert params["bank_account_number"] and params["bank_code"] and params["virtual_payment_address"]
    confirmed = one_of(callbacks, "on_confirm").message["order"]
    assert confirmed["fulfillments"][0]["rateable"] is True
    assert all(term["cancel_by"] for term in confirmed["cancellation_terms"])
    completed = completion_of(callbacks)
    payment = completed["payments"][0]
    assert payment["status"] == "PAID" and payment["params"]["transaction_id"]  # the worker's cash receipt
    stops = {stop["type"]: stop for stop in completed["fulfillments"][0]["stops"]}
    assert stops["start"]["time"]["range"] == stops["end"]["time"]["range"]  # the booked slot
    assert stops["start"]["time"]["timestamp"] <= stops["end"]["time"]["timestamp"]  # set off, then finished
    shown = [stop["authorization"] for c in callbacks if c.action == "on_status"
             for stop in c.message["order"]["fulfillments"][0]["stops"] if stop.get("authorization")]
    assert {"type", "token", "valid_from", "valid_to", "status"} <= set(shown[0])


async def assert_ledger_balanced(server: RunningServer) -> None:
    report = await server.services.ledger.check()
    assert report.entries >= 1
    assert report.balanced, report.as_dict()


@pytest.mark.settings(demo=True, demo_step_seconds=0.05)
async def test_whole_order_with_simulated_workers(server: RunningServer, buyer: BuyerApp) -> None:
    journey = Journey(buyer, server.ondc_url, callback_timeout=10, completion_timeout=20)

    final = await journey.run()

    assert final["status"] == "Completed"
    callbacks = callbacks_of(buyer, journey.transaction_id)
    assert_all_verified(callbacks)
    assert_fee_locked(callbacks)
    completed = completion_of(callbacks)
    assert completed["id"] == final["id"]
    await assert_invoice_served(completed)
    await assert_invoice_served(final)  # a later /status still carries the invoice
    await assert_ledger_balanced(server)


@asynccontextmanager
async def signed_in(base_url: str, login_path: str, credentials: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client carrying the bearer token that `login_path` gives for `credentials`."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        answer = await http.post(login_path, json=credentials)
        assert answer.status_code == 200, answer.text
        http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        yield http


async def register_verified_worker(staff: httpx.AsyncClient, name: str, phone: str, skill: str) -> str:
    """Register a worker through the staff API and take her through every verification step."""
    answer = await staff.post("/staff/api/workers", json={
        "name": name, "phone": phone, "pin": "4321", "skills": [skill], "home_lat": 26.8520, "home_lng": 80.9500,
        "district": "std:0522", "languages": ["hi", "en"],
        "documents": [{"kind": "police_certificate", "number": f"PV-{phone}"}],
    })
    assert answer.status_code == 201, answer.text
    worker_id = str(answer.json()["id"])
    await upload_worker_documents(staff, worker_id)
    for step in ("check_documents", "request_police_verification", "police_cleared"):
        answer = await staff.post(f"/staff/api/workers/{worker_id}/verification/{step}", json={})
        assert answer.status_code == 200, answer.text
    assert answer.json()["verification"] == "verified"
    return worker_id


async def eventually(probe: Callable[[], Awaitable[T | None]], buying: asyncio.Task[Any], what: str,
                     timeout: float = 10.0) -> T:
    """Poll `probe` until it returns something; fail early when the buyer's journey has already ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if buying.done():
            buying.result()
            raise AssertionError(f"the buyer's journey ended before {what}")
        found = await probe()
        if found:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"no {what} within {timeout:.0f} s")


def start_otp(callbacks: list[Callback]) -> str | None:
    """The start OTP a buyer app shows its customer: the end stop's authorization in an on_status."""
    for callback in callbacks:
        if callback.action != "on_status":
            continue
        for stop in callback.message.get("order", {}).get("fulfillments", [{}])[0].get("stops") or []:
            if stop.get("type") == "end" and stop.get("authorization"):
                assert stop["authorization"]["type"] == "OTP"
                return str(stop["authorization"]["token"])
    return None


def assert_refused(answer: httpx.Response, status: int, code: str) -> None:
    """The worker API said no, with its code and a reason in English and Hindi."""
    assert answer.status_code == status, answer.text
    detail = answer.json()["detail"]
    assert detail["code"] == code, detail
    assert detail["en"] and detail["hi"]


async def test_whole_order_with_the_worker_app_api(server: RunningServer, buyer: BuyerApp) -> None:
    services = server.services
    await seed_demo_catalog(services.db, services.catalog)
    await services.catalog.reload()
    async with services.db.begin() as conn:
        await create_staff_user(conn, "e2e.admin", ADMIN_PASSWORD, "admin", "E2E administrator")
    async with signed_in(server.base_url, "/staff/api/login",
                         {"username": "e2e.admin", "password": ADMIN_PASSWORD}) as staff:
        plumber_id = await register_verified_worker(staff, "Ramesh Kumar", "9876500001", PLUMBER)
        await register_verified_worker(staff, "Salma Bano", "9876500002", PLUMBER)

    async with (signed_in(server.base_url, "/worker/api/login", {"phone": "9876500001", "pin": "4321"}) as plumber,
                signed_in(server.base_url, "/worker/api/login", {"phone": "9876500002", "pin": "4321"}) as other):
        for worker, position in ((plumber, NEAR_HAZRATGANJ), (other, TWO_KM_NORTH)):
            answer = await worker.post("/worker/api/online", json=position)
            assert answer.status_code == 200, answer.text

        journey = Journey(buyer, server.ondc_url, category=PLUMBER, callback_timeout=10, completion_timeout=25)
        buying = asyncio.create_task(journey.run())
        try:
            async def open_offer() -> dict[str, Any] | None:
                offers = (await plumber.get("/worker/api/offers")).json()
                return offers[0] if offers else None

            offer = await eventually(open_offer, buying, "offer to the plumber")
            order_id = offer["order_id"]
            assert (await other.get("/worker/api/offers")).json() == []
            assert_refused(await other.post(f"/worker/api/offers/{offer['id']}/accept"), 409, "offer_gone")

            answer = await plumber.post(f"/worker/api/offers/{offer['id']}/accept")
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "Accepted"
            for step in ("travelling", "arrived"):
                answer = await plumber.post(f"/worker/api/jobs/{order_id}/{step}")
                assert answer.status_code == 200, answer.text

            async def otp_for_customer() -> str | None:
                return start_otp(callbacks_of(buyer, journey.transaction_id))

            otp = await eventually(otp_for_customer, buying, "on_status with the start OTP")
            wrong = f"{(int(otp) + 1) % 10_000:04d}"
            assert_refused(await plumber.post(f"/worker/api/jobs/{order_id}/start", json={"otp": wrong}),
                           422, "90002")  # ONDC: invalid OTP
            answer = await plumber.post(f"/worker/api/jobs/{order_id}/start", json={"otp": otp})
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "In-progress"

            fee = Decimal(offer["total"])
            overcharged = {"amount_collected": str(fee + 50)}
            assert_refused(await plumber.post(f"/worker/api/jobs/{order_id}/complete", json=overcharged),
                           409, "overcharge")
            assert_refused(await other.post(f"/worker/api/jobs/{order_id}/complete",
                                            json={"amount_collected": str(fee)}), 404, "not_your_job")
            answer = await plumber.post(f"/worker/api/jobs/{order_id}/complete", json={"amount_collected": str(fee)})
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "Completed"

            final = await asyncio.wait_for(buying, 30)
        finally:
            buying.cancel()

        assert final["id"] == journey.order_id and final["status"] == "Completed"  # the worker app shows ours
        callbacks = callbacks_of(buyer, journey.transaction_id)
        assert_all_verified(callbacks)
        assert {(c.error or {}).get("code") for c in callbacks} <= {None, "90002"}  # the wrong OTP, if reported
        assert assert_fee_locked(callbacks) == fee
        assert unique_order_states(callbacks) == [
            ("Accepted", "Pending"), ("In-progress", "In-Transit"), ("In-progress", "At-Location"),
            ("In-progress", "At-Location"), ("Completed", "Completed"), ("Completed", "Completed"),
        ]  # assigned, travelling, arrived, started, completed, then the answer to the buyer's /status
        await assert_invoice_served(completion_of(callbacks))
        await assert_srv_table_fields(callbacks)

        wallet = (await plumber.get("/worker/api/wallet")).json()
        assert wallet["worker_id"] == plumber_id
        assert Decimal(wallet["wallet"]) > 0
        assert Decimal(wallet["cash_held"]) == fee
        statement = (await plumber.get("/worker/api/wallet/statement")).json()
        assert {(line["event"], line["order_id"]) for line in statement["lines"]} == {("completion", order_id)}
        assert (await other.get("/worker/api/jobs")).json() == []
        assert [job["id"] for job in (await plumber.get("/worker/api/jobs")).json()] == [order_id]
    await assert_ledger_balanced(server)
