"""The staff console's orders over real HTTP on each backend: the list and its filters, an order's story, and the
actions a district office takes (reassign, cancel for the provider, reschedule, refund the fee), each audited with
the officer and her reason, within the district rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx
import orjson
import pytest
from harness import RunningServer, seed_demo
from order_factory import CONFIRMED_AT, confirmed_order
from sqlalchemy import select, update

from bpp.assisted.service import BookingRequest
from bpp.platform.auth import Principal
from bpp.staff.users import create_staff_user
from bpp.storage.gateway_tables import outbox
from bpp.storage.ledger_tables import journal_entries
from bpp.storage.notify_tables import sms_messages
from bpp.storage.worker_tables import matching_jobs, worker_bookings, workers
from bpp.wiring.services import Services
from fulfillment.order import Channel, CustomerDetails, Order, PaymentTerms

LUCKNOW, MEERUT = "std:0522", "std:0121"
SKILL = "SRV11-1001"  # the service of order_factory's orders
PREPAID = PaymentTerms({"type": "PRE-FULFILLMENT", "collected_by": "BAP", "status": "PAID"})
FEE_TERMS = {"cancellation_terms": [{
    "fulfillment_state": {"descriptor": {"code": "Pending"}},
    "cancellation_fee": {"amount": {"currency": "INR", "value": "59.00"}},
}]}


@dataclass
class Office:
    server: RunningServer
    officer_id: str  # the Lucknow officer's staff id: events name her `staff:<id>`

    @property
    def services(self) -> Services:
        return self.server.services

    def client(self, role: str, district: str | None = None, staff_id: str | None = None) -> httpx.AsyncClient:
        principal = Principal(kind="staff", id=staff_id or f"{role}-1", role=role, district=district)
        token = self.services.tokens.issue(principal)
        return httpx.AsyncClient(base_url=self.server.base_url, headers={"Authorization": f"Bearer {token}"})

    def officer(self) -> httpx.AsyncClient:
        return self.client("district_officer", LUCKNOW, self.officer_id)


@pytest.fixture
async def office(server: RunningServer) -> AsyncIterator[Office]:
    async with server.services.db.begin() as conn:
        officer_id = await create_staff_user(conn, "lko.officer", "a long password", "district_officer",
                                             "Anjali Verma", LUCKNOW)
    yield Office(server, officer_id)


async def store(services: Services, order: Order, *, phone: str = "9876543210") -> Order:
    """Keep a confirmed order, for the customer with `phone`, as the confirm handler would."""
    order.details = CustomerDetails({"name": "Asha", "phone": phone}, {"gps": "26.8467,80.9462",
                                                                       "address": "12 Hazratganj"}, {"name": "Asha"})
    async with services.unit_of_work() as uow:
        await uow.orders.add(order)
        await uow.commit()
    return order


async def held(services: Services, fx: ModuleType, order: Order, worker_id: str) -> Order:
    """The order assigned to `worker_id`, as her taking the offer leaves it (claimed, booked)."""
    async with services.unit_of_work() as uow:
        stored = await uow.orders.get(order.id)
        assert stored is not None
        stored.assign_worker(worker_id, gps="26.8500,80.9480", at=services.clock())
        await uow.orders.save(stored)
        await uow.conn.execute(update(workers).where(workers.c.id == worker_id).values(current_order_id=order.id))
        await uow.conn.execute(worker_bookings.insert().values(
            order_id=order.id, worker_id=worker_id, slot_start=stored.slot.start if stored.slot else CONFIRMED_AT,
            slot_end=stored.slot.end if stored.slot else CONFIRMED_AT, active=True))
        await uow.commit()
    return stored


async def unsolicited(services: Services, order: Order, action: str) -> list[dict[str, Any]]:
    async with services.db.connect() as conn:
        rows = await conn.execute(select(outbox.c.payload).where(
            outbox.c.transaction_id == order.transaction_id, outbox.c.action == action).order_by(outbox.c.id))
        return [orjson.loads(row.payload) for row in rows]


async def worker_row(services: Services, worker_id: str) -> dict[str, Any]:
    async with services.db.connect() as conn:
        return dict((await conn.execute(select(workers).where(workers.c.id == worker_id))).mappings().one())


def refused(answer: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body = answer.json()
    detail = body["detail"]
    if field is not None:
        fields = [detail.get("field")] + [error["field"] for error in body.get("errors") or []]
        assert field in fields, body
    assert detail["en"] and detail["hi"], detail
    return dict(detail)


async def test_the_list_filters_by_phone_id_service_status_day_and_keeps_to_the_officers_district(
    office: Office, fx: ModuleType,
) -> None:
    services = office.services
    mine = await store(services, confirmed_order("SM-A", "T-A", "BAP-A"), phone="9415000001")
    other = await store(services, confirmed_order("SM-B", "T-B", "BAP-B"), phone="9415000002")
    in_meerut = Channel.ondc("bap.example", "https://bap.example/beckn", "ONDC:SRV11", MEERUT)
    far = await store(services, confirmed_order("SM-C", "T-C", "BAP-C", channel=in_meerut), phone="9415000001")
    async with office.officer() as officer, office.client("admin") as admin:
        listed = (await officer.get("/staff/api/orders")).json()
        assert {row["id"] for row in listed} == {mine.id, other.id}  # never Meerut's
        by_phone = (await officer.get("/staff/api/orders", params={"q": "+91 94150 00001"})).json()
        assert [row["id"] for row in by_phone] == [mine.id]
        assert by_phone[0]["customer_phone"] == "9415000001" and by_phone[0]["late"] is True  # its slot is past
        for reference in (mine.id, mine.buyer_order_id, mine.transaction_id):
            found = (await officer.get("/staff/api/orders", params={"q": reference})).json()
            assert [row["id"] for row in found] == [mine.id]
        assert (await officer.get("/staff/api/orders", params={"q": far.id})).json() == []
        accepted = (await officer.get("/staff/api/orders", params={"service": SKILL, "status": "Accepted"})).json()
        assert len(accepted) == 2
        assert (await officer.get("/staff/api/orders", params={"status": "Cancelled"})).json() == []
        day = CONFIRMED_AT.date().isoformat()  # 09:30 UTC is 15:00 in India, the same day
        assert len((await officer.get("/staff/api/orders", params={"date_from": day, "date_to": day})).json()) == 2
        assert (await officer.get("/staff/api/orders", params={"date_from": "2026-11-21"})).json() == []
        refused(await officer.get("/staff/api/orders", params={"date_from": day, "date_to": "2026-11-19"}), 422,
                "date_to")
        refused(await officer.get("/staff/api/orders", params={"service": "SRV99-0000"}), 422, "service")
        refused(await officer.get("/staff/api/orders", params={"district": MEERUT}), 403)

        everywhere = (await admin.get("/staff/api/orders", params={"q": "9415000001"})).json()
        assert {row["id"] for row in everywhere} == {mine.id, far.id}
        assert [row["id"] for row in (await admin.get("/staff/api/orders", params={"district": MEERUT})).json()] == [
            far.id]
    async with office.client("helpline_operator") as helpline:
        refused(await helpline.get("/staff/api/orders"), 403)


async def test_an_orders_page_tells_its_story_and_only_to_its_district(office: Office, fx: ModuleType) -> None:
    services = office.services
    await fx.add_worker(services, "W1", *fx.HAZRATGANJ, skills=(SKILL,))
    order = await held(services, fx, await store(services, confirmed_order("SM-S", "T-S", "BAP-S")), "W1")
    async with office.officer() as officer:
        page = (await officer.get(f"/staff/api/orders/{order.id}")).json()
    assert page["order"]["id"] == order.id and page["order"]["worker"]["id"] == "W1"
    assert page["order"]["customer"]["phone"] == "9876543210" and page["order"]["late"] is True
    assert [event["kind"] for event in page["events"]] == ["Created", "Accepted", "assigned"]
    assert page["events"][2]["actor_name"] == "W1"  # the worker, by name
    assert page["otp"] == {"status": "not_issued", "issued_at": None, "valid_to": None, "wrong_tries": 0,
                           "tries_left": 5}
    assert page["actions"] == {"reassign": True, "cancel": True, "reschedule": True, "refund_fee": False}
    assert {reason["code"] for reason in page["cancel_reasons"]} >= {"011", "022"}
    assert all(reason["hi"] for reason in page["cancel_reasons"])
    assert page["messages"] == {"inbound": [], "callbacks": [], "delivery_attempts": []}
    assert page["ledger"] == [] and page["ratings"] == [] and page["complaints"] == []
    async with office.client("district_officer", MEERUT) as meerut, office.client("helpline_operator") as helpline:
        refused(await meerut.get(f"/staff/api/orders/{order.id}"), 403)
        refused(await meerut.post(f"/staff/api/orders/{order.id}/cancel", json={"reason_id": "011", "reason": "x"}),
                403)
        refused(await helpline.get(f"/staff/api/orders/{order.id}"), 403)
    async with office.officer() as officer:
        refused(await officer.get("/staff/api/orders/SM-nothing"), 404)


async def test_reassigning_moves_the_order_to_a_free_verified_worker_and_tells_the_buyer_app(
    office: Office, fx: ModuleType,
) -> None:
    services = office.services
    for worker_id, north_km in (("W1", 0.2), ("W2", 0.5), ("W3", 0.8), ("W-UNVERIFIED", 0.1)):
        await fx.add_worker(services, worker_id, fx.HAZRATGANJ[0] + north_km / 111, fx.HAZRATGANJ[1], skills=(SKILL,),
                            verification="verified" if worker_id != "W-UNVERIFIED" else "documents_checked")
    await fx.add_worker(services, "W-MEERUT", *fx.HAZRATGANJ, skills=(SKILL,))
    async with services.db.begin() as conn:
        await conn.execute(update(workers).where(workers.c.id == "W-MEERUT").values(district=MEERUT))
    order = await held(services, fx, await store(services, confirmed_order("SM-R", "T-R", "BAP-R")), "W1")
    busy = await store(services, confirmed_order("SM-BUSY", "T-BUSY", "BAP-BUSY"))
    await held(services, fx, busy, "W3")

    async with office.officer() as officer:
        listed = (await officer.get(f"/staff/api/orders/{order.id}/workers")).json()
        assert [(w["id"], w["free"]) for w in listed] == [("W1", False), ("W2", True), ("W3", False)]
        assert listed[0]["holds_this_order"] and listed[2]["busy_with"] == busy.id

        path = f"/staff/api/orders/{order.id}/reassign"
        for worker_id in ("W3", "W-MEERUT", "W-UNVERIFIED", "W1"):
            refused(await officer.post(path, json={"worker_id": worker_id, "reason": "W1 is unwell"}), 422,
                    "worker_id")
        refused(await officer.post(path, json={"worker_id": "W2", "reason": "   "}), 422, "reason")
        refused(await officer.post(path, json={"worker_id": "W2"}), 422, "reason")
        answer = await officer.post(path, json={"worker_id": "W2", "reason": "W1 is unwell today"})
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["order"]["worker"]["id"] == "W2" and page["actions"]["reassign"] is True
    audit = page["events"][-1]
    assert (audit["kind"], audit["actor"], audit["actor_name"], audit["by_staff"]) == (
        "assigned", f"staff:{office.officer_id}", "Anjali Verma (lko.officer)", True)
    assert (audit["detail"]["previous_worker_id"], audit["detail"]["reason"]) == ("W1", "W1 is unwell today")
    assert page["workers"] == {"W1": "W1", "W2": "W2"}  # the names the events mention (fx names workers by id)

    assert (await worker_row(services, "W1"))["current_order_id"] is None
    assert (await worker_row(services, "W2"))["current_order_id"] == order.id
    async with services.db.connect() as conn:
        booking = (await conn.execute(select(worker_bookings).where(
            worker_bookings.c.order_id == order.id))).mappings().one()
    assert booking["worker_id"] == "W2" and booking["active"]
    [on_status] = await unsolicited(services, order, "on_status")
    assert on_status["context"]["bap_id"] == "bap.example" and on_status["message"]["order"]["id"] == "BAP-R"
    start = next(stop for stop in on_status["message"]["order"]["fulfillments"][0]["stops"] if stop["type"] == "start")
    assert start["person"]["name"] == "W2"  # fx workers are named by their id


async def test_reassigning_an_order_matching_is_offering_withdraws_the_offer(office: Office, fx: ModuleType) -> None:
    services = office.services
    await fx.add_worker(services, "W-OFFERED", fx.HAZRATGANJ[0] + 0.1 / 111, fx.HAZRATGANJ[1])
    await fx.add_worker(services, "W-CALLED", fx.HAZRATGANJ[0] + 0.5 / 111, fx.HAZRATGANJ[1], online=False)
    order_id = await fx.add_order(services, *fx.HAZRATGANJ)
    await fx.settle(services, [order_id])
    offer = await fx.pending_offer(services, order_id)
    assert offer is not None and offer["worker_id"] == "W-OFFERED"

    async with office.officer() as officer:
        answer = await officer.post(f"/staff/api/orders/{order_id}/reassign",
                                    json={"worker_id": "W-CALLED", "reason": "she is next door and said yes"})
    assert answer.status_code == 200, answer.text
    assert [(o["worker_id"], o["outcome"]) for o in answer.json()["offers"]] == [("W-OFFERED", "withdrawn")]
    assert (await worker_row(services, "W-OFFERED"))["current_order_id"] is None
    assert (await worker_row(services, "W-CALLED"))["current_order_id"] == order_id  # offline, but she was phoned
    async with services.db.connect() as conn:
        job = (await conn.execute(select(matching_jobs.c.status).where(matching_jobs.c.order_id == order_id))).one()
    assert job.status == "assigned"
    with pytest.raises(Exception, match="expired or was withdrawn"):
        await services.fulfillment.offers.accept("W-OFFERED", offer["id"])
    assert (await fx.order_row(services, order_id))["worker_id"] == "W-CALLED"


async def test_while_a_matcher_holds_the_order_a_reassignment_waits(office: Office, fx: ModuleType) -> None:
    services = office.services
    await fx.add_worker(services, "W-CALLED", *fx.HAZRATGANJ, online=False)
    order_id = await fx.add_order(services, *fx.HAZRATGANJ)
    async with services.db.begin() as conn:  # a matcher in another process took the job's lease
        await conn.execute(update(matching_jobs).where(matching_jobs.c.order_id == order_id).values(
            claimed_until=services.clock() + timedelta(seconds=30), claimed_by="another process"))
    async with office.officer() as officer:
        detail = refused(await officer.post(f"/staff/api/orders/{order_id}/reassign",
                                            json={"worker_id": "W-CALLED", "reason": "called her"}), 409)
    assert detail["code"] == "matching_busy"
    assert (await fx.order_row(services, order_id))["worker_id"] is None


async def test_cancelling_for_the_provider_frees_the_worker_and_sends_on_cancel(office: Office, fx: ModuleType) -> None:
    services = office.services
    await fx.add_worker(services, "W1", *fx.HAZRATGANJ, skills=(SKILL,))
    order = await held(services, fx, await store(services, confirmed_order("SM-X", "T-X", "BAP-X")), "W1")
    async with office.officer() as officer:
        path = f"/staff/api/orders/{order.id}/cancel"
        refused(await officer.post(path, json={"reason_id": "012", "reason": "buyer's code"}), 422, "reason_id")
        answer = await officer.post(path, json={"reason_id": "011", "reason": "customer unreachable since 9"})
        assert answer.status_code == 200, answer.text
        refused(await officer.post(path, json={"reason_id": "011", "reason": "again"}), 409)
    page = answer.json()
    assert page["order"]["status"] == "Cancelled" and page["actions"] == {
        "reassign": False, "cancel": False, "reschedule": False, "refund_fee": False}
    assert page["order"]["cancellation"]["by"] == f"staff:{office.officer_id}"
    assert page["events"][-1]["detail"] == {"reason_id": "011", "fee": "0.00", "reason": "customer unreachable since 9"}
    assert (await worker_row(services, "W1"))["current_order_id"] is None
    [on_cancel] = await unsolicited(services, order, "on_cancel")
    cancellation = on_cancel["message"]["order"]["cancellation"]
    assert cancellation["cancelled_by"] == "PROVIDER" and cancellation["reason"]["descriptor"]["code"] == "011"
    assert on_cancel["message"]["order"]["quote"]["price"]["value"] == "0.00"  # nothing due


async def test_a_cancellation_fee_is_refunded_once_through_the_ledger(office: Office, fx: ModuleType) -> None:
    services = office.services
    await fx.add_worker(services, "W1", *fx.HAZRATGANJ, skills=(SKILL,))
    order = await held(services, fx, await store(
        services, confirmed_order("SM-F", "T-F", "BAP-F", payment=PREPAID, terms=FEE_TERMS)), "W1")
    async with services.unit_of_work() as uow:  # the buyer cancels and is charged the fee
        cancelled = await uow.orders.get(order.id)
        assert cancelled is not None
        charge = cancelled.cancel_by_buyer("012", at=services.clock())
        await uow.orders.save(cancelled)
        await services.ledger.order_cancelled(uow.conn, cancelled, charge.fee)
        await uow.commit()
    assert charge.fee == Decimal("59.00")

    async with office.officer() as officer:
        path = f"/staff/api/orders/{order.id}/refund-fee"
        before = (await officer.get(f"/staff/api/orders/{order.id}")).json()
        assert before["actions"]["refund_fee"] is True and before["order"]["cancellation_fee_due"] == "59.00"
        answer = await officer.post(path, json={"reason": "the worker never came"})
        assert answer.status_code == 200, answer.text
        again = refused(await officer.post(path, json={"reason": "double click"}), 409)
    assert "already been refunded" in again["en"]
    page = answer.json()
    assert page["order"]["cancellation_fee_due"] == "0.00" and page["actions"]["refund_fee"] is False
    assert [entry["kind"] for entry in page["ledger"]] == ["cancellation", "cancellation_fee_refund"]
    refund = page["ledger"][1]
    assert refund["event_key"] == f"order:{order.id}:fee-refunded"
    assert sum(Decimal(posting["amount"]) for posting in refund["postings"]) == 0
    assert page["events"][-1]["kind"] == "fee-refunded"
    assert page["events"][-1]["detail"] == {"amount": "59.00", "reason": "the worker never came"}
    async with services.db.connect() as conn:
        keys = (await conn.execute(select(journal_entries.c.event_key).where(
            journal_entries.c.order_id == order.id))).scalars().all()
    assert sorted(keys) == [f"order:{order.id}:cancelled", f"order:{order.id}:fee-refunded"]
    report = await services.ledger.check()
    assert report.balanced, report.as_dict()
    [on_status] = await unsolicited(services, order, "on_status")
    assert on_status["message"]["order"]["quote"]["price"]["value"] == "0.00"


async def test_staff_move_a_helpline_booking_free_and_its_citizen_gets_an_sms(office: Office) -> None:
    services = office.services
    now = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)  # 11:00 IST on a Wednesday
    services.clock = lambda: now
    await seed_demo(services)
    order = await services.assisted.book(BookingRequest(
        item_id="SM-LKO-PLUMBER-TAP", name="रमा देवी", phone="9812345678", address="12 हज़रतगंज, लखनऊ",
        pincode="226001", point=None, slot_start=None, language="hi"), actor="staff:op-1")
    assert order.slot is not None
    next_day = order.slot.start + timedelta(days=1)
    async with office.officer() as officer:
        path = f"/staff/api/orders/{order.id}/reschedule"
        refused(await officer.post(path, json={"start": (now - timedelta(hours=1)).isoformat(), "reason": "x"}), 409)
        refused(await officer.post(path, json={"start": "2026-12-10T12:00:00", "reason": "no zone"}), 422, "start")
        answer = await officer.post(path, json={"start": next_day.isoformat(), "reason": "the plumber's van broke"})
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["order"]["slot"]["start"] == next_day.isoformat()
    assert page["order"]["total"] == "234.82"  # no reschedule fee for a move the provider makes
    assert page["events"][-1]["detail"]["reason"] == "the plumber's van broke"
    async with services.db.connect() as conn:
        sms = (await conn.execute(select(sms_messages.c.template).where(
            sms_messages.c.phone == "9812345678"))).scalars().all()
    assert "order_rescheduled" in sms
