"""Complaints over real HTTP: IGM 1.0.0 issue / issue_status from a buyer app, the staff console, sanctions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from types import ModuleType
from typing import Any

import httpx
import pytest
from harness import RunningServer
from sqlalchemy import update

from bpp.platform.auth import Principal
from bpp.simulator.buyer import BuyerApp, Callback, timestamp
from bpp.storage.complaint_tables import complaints
from bpp.storage.order_tables import orders
from bpp.workforce import repo as worker_repo
from fulfillment.geo import format_gps

IGM_CONTEXT_KEYS = {"domain", "country", "city", "action", "core_version", "bap_id", "bap_uri", "bpp_id", "bpp_uri",
                    "transaction_id", "message_id", "timestamp", "ttl"}
StaffClient = Callable[..., httpx.AsyncClient]


@pytest.fixture
def staff(server: RunningServer) -> StaffClient:
    def client(role: str = "admin", district: str | None = None) -> httpx.AsyncClient:
        token = server.services.tokens.issue(Principal(kind="staff", id=f"{role}-1", role=role, district=district))
        return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})

    return client


def wire_id(order_id: str) -> str:
    """The id the buyer app gave our order `order_id` in confirm (as `served_order` stores it)."""
    return "BAP-" + order_id


async def served_order(server: RunningServer, buyer: BuyerApp, worker_id: str | None) -> tuple[str, str]:
    """A Completed order of `buyer` that `worker_id` served (straight in the database): our id, its transaction."""
    services = server.services
    order_id, transaction_id = "O-" + uuid.uuid4().hex[:10], str(uuid.uuid4())
    now = services.clock()
    async with services.db.begin() as conn:
        await conn.execute(orders.insert().values(
            id=order_id, channel=f"ondc:{buyer.subscriber_id}", bap_id=buyer.subscriber_id, bap_uri=buyer.bap_uri,
            transaction_id=transaction_id,
            buyer_order_id=wire_id(order_id), buyer_created_at=timestamp(),
            domain="ONDC:SRV11", city="std:0522", provider_id="P1", item_id="I1", item_version=1,
            category_id="SRV11-1011", quote={"price": {"currency": "INR", "value": "299.00"}, "breakup": []},
            total=Decimal("299.00"), currency="INR", customer={"name": "Asha", "phone": "9123456789"},
            end_location={"gps": format_gps(26.8467, 80.9462), "address": "12 Hazratganj", "area_code": "226001"},
            billing={"name": "Asha", "phone": "9123456789"},
            payment={"type": "ON-FULFILLMENT", "collected_by": "BPP", "status": "PAID"}, worker_id=worker_id,
            status="Completed", fulfillment_state="Completed", otp_attempts=0, created_at=now, updated_at=now,
            version=1,
        ))
    return order_id, transaction_id


def igm_context(server: RunningServer, buyer: BuyerApp, action: str, transaction_id: str) -> dict[str, Any]:
    """An IGM 1.0.0 context: Beckn 1.0 shape with city, country and core_version at the top."""
    settings = server.services.settings
    return {"domain": "ONDC:SRV11", "country": "IND", "city": "std:0522", "action": action, "core_version": "1.0.0",
            "bap_id": buyer.subscriber_id, "bap_uri": buyer.bap_uri, "bpp_id": settings.subscriber_id,
            "bpp_uri": settings.subscriber_url, "transaction_id": transaction_id, "message_id": str(uuid.uuid4()),
            "timestamp": timestamp(), "ttl": "PT30S"}


def issue(order_id: str, category: str = "PAYMENT", sub_category: str = "PMT03") -> dict[str, Any]:
    """A buyer app's new IGM 1.0.0 issue about `order_id` (PAYMENT/PMT03: paid more than due)."""
    now = timestamp()
    return {
        "id": "ISS-" + uuid.uuid4().hex[:8], "category": category, "sub_category": sub_category,
        "complainant_info": {"person": {"name": "Asha"}, "contact": {"phone": "9123456789"}},
        "order_details": {"id": order_id, "provider_id": "P1", "items": [{"id": "I1"}]},
        "description": {"short_desc": "Plumber took ₹500 for a ₹299 job", "long_desc": "He asked for cash extra."},
        "source": {"network_participant_id": "buyer", "type": "CONSUMER"},
        "status": "OPEN", "issue_type": "ISSUE",
        "issue_actions": {"complainant_actions": [
            {"complainant_action": "OPEN", "short_desc": "Complaint created", "updated_at": now,
             "updated_by": {"org": {"name": "buyer::ONDC:SRV11"}, "contact": {"phone": "9123456789"}}},
        ]},
        "created_at": now, "updated_at": now,
    }


async def igm_call(server: RunningServer, buyer: BuyerApp, action: str, transaction_id: str,
                   message: dict[str, Any]) -> Callback:
    """POST an IGM request, expect the ACK, return the signed on_<action> answering it."""
    body = {"context": igm_context(server, buyer, action, transaction_id), "message": message}
    sent = await buyer.post(f"{server.ondc_url}/{action}", body)
    assert sent.acked, sent.answer
    callback = await buyer.wait_for("on_" + action, buyer.replies_to(sent))
    assert callback.signature_ok and set(callback.context) == IGM_CONTEXT_KEYS
    assert callback.context["core_version"] == "1.0.0" and callback.context["city"] == "std:0522"
    return callback


def respondent_actions(callback: Callback) -> list[str]:
    return [a["respondent_action"] for a in callback.message["issue"]["issue_actions"]["respondent_actions"]]


async def raised(server: RunningServer, buyer: BuyerApp, order_id: str, transaction_id: str) -> tuple[str, str]:
    """The staff console id and the IGM issue id of the complaint a buyer app raises about our order `order_id`."""
    filed = issue(wire_id(order_id))
    on_issue = await igm_call(server, buyer, "issue", transaction_id, {"issue": filed})
    assert on_issue.error is None and respondent_actions(on_issue) == ["PROCESSING"]
    assert on_issue.message["issue"]["id"] == filed["id"]
    async with server.services.db.connect() as conn:
        row = (await conn.execute(complaints.select().where(complaints.c.issue_id == filed["id"]))).mappings().one()
    assert row["order_id"] == order_id  # staff work with our id
    return str(row["id"]), filed["id"]


async def pushed_status(buyer: BuyerApp, transaction_id: str, actions: int) -> Callback:
    """The unsolicited on_issue_status that reports `actions` respondent actions."""
    return await buyer.wait_for("on_issue_status", lambda c: c.context.get("transaction_id") == transaction_id
                                and len(respondent_actions(c)) == actions)


UPHELD = {"upheld": True, "short_desc": "Extra ₹201 refunded to the customer", "action_triggered": "REFUND",
          "refund_amount": "201.00"}


async def standing(server: RunningServer, worker_id: str) -> str:
    async with server.services.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
    assert worker is not None
    return str(worker["standing"])


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_an_upheld_overcharging_issue_suspends_and_a_second_bans(
    server: RunningServer, buyer: BuyerApp, staff: StaffClient, fx: ModuleType
) -> None:
    services = server.services
    worker_id = await fx.add_worker(services, "W-greedy", *fx.HAZRATGANJ)
    order_id, txn = await served_order(server, buyer, worker_id)
    complaint_id, issue_id = await raised(server, buyer, order_id, txn)

    status = await igm_call(server, buyer, "issue_status", txn, {"issue_id": issue_id})
    support = status.message["issue"]["resolution_provider"]["respondent_info"]["resolution_support"]
    assert support["contact"]["phone"] == "155330" and "resolution" not in status.message["issue"]

    async with staff("district_officer", "std:0522") as officer:
        listed = (await officer.get("/staff/api/complaints")).json()
        assert [(c["id"], c["kind"], c["status"], c["overdue"]) for c in listed] == [
            (complaint_id, "overcharging", "PROCESSING", [])]
        answered = await officer.post(f"/staff/api/complaints/{complaint_id}/respond",
                                      json={"action": "PROCESSING", "note": "Calling the worker"})
        assert answered.status_code == 200 and answered.json()["responded_at"]
        assert respondent_actions(await pushed_status(buyer, txn, 2)) == ["PROCESSING", "PROCESSING"]
        resolved = await officer.post(f"/staff/api/complaints/{complaint_id}/resolve", json=UPHELD)
        assert resolved.status_code == 200, resolved.text
        assert (resolved.json()["status"], resolved.json()["sanction"]) == ("RESOLVED", "suspend")
        final = await pushed_status(buyer, txn, 3)
        assert final.message["issue"]["resolution"] == {"short_desc": UPHELD["short_desc"],
                                                        "action_triggered": "REFUND", "refund_amount": "201.00"}
        again = await officer.post(f"/staff/api/complaints/{complaint_id}/resolve", json=UPHELD)
        assert again.status_code == 409 and again.json()["detail"]["hi"]
    assert await standing(server, worker_id) == "suspended"

    passed_over = await fx.add_order(services, *fx.HAZRATGANJ)
    await fx.settle(services, [passed_over])
    assert await fx.pending_offer(services, passed_over) is None
    assert (await fx.order_row(services, passed_over))["status"] == "Cancelled"

    second_order, second_txn = await served_order(server, buyer, worker_id)
    second, _ = await raised(server, buyer, second_order, second_txn)
    async with staff() as admin:
        banned = await admin.post(f"/staff/api/complaints/{second}/resolve", json=UPHELD)
    assert banned.json()["sanction"] == "ban"
    assert await standing(server, worker_id) == "banned"


async def test_a_rejected_complaint_leaves_the_worker_alone(
    server: RunningServer, buyer: BuyerApp, staff: StaffClient, fx: ModuleType
) -> None:
    worker_id = await fx.add_worker(server.services, "W-honest", *fx.HAZRATGANJ)
    order_id, txn = await served_order(server, buyer, worker_id)
    complaint_id, _ = await raised(server, buyer, order_id, txn)
    async with staff() as admin:
        decided = await admin.post(f"/staff/api/complaints/{complaint_id}/resolve", json={
            "upheld": False, "short_desc": "The customer paid exactly ₹299", "action_triggered": "NO-ACTION"})
    assert (decided.json()["upheld"], decided.json()["sanction"]) == (False, "none")
    assert await standing(server, worker_id) == "active"


async def test_overdue_flags_once_the_response_deadline_has_passed(
    server: RunningServer, buyer: BuyerApp, staff: StaffClient
) -> None:
    late_order, late_txn = await served_order(server, buyer, None)
    late, _ = await raised(server, buyer, late_order, late_txn)
    fresh_order, fresh_txn = await served_order(server, buyer, None)
    fresh, _ = await raised(server, buyer, fresh_order, fresh_txn)
    filed_at = server.services.clock() - timedelta(hours=2)
    async with server.services.db.begin() as conn:
        await conn.execute(update(complaints).where(complaints.c.id == late).values(
            created_at=filed_at, respond_by=filed_at + timedelta(hours=1), resolve_by=filed_at + timedelta(days=1)))
    async with staff() as admin:
        flags = {c["id"]: c["overdue"] for c in (await admin.get("/staff/api/complaints")).json()}
        assert flags == {late: ["response"], fresh: []}
        only = (await admin.get("/staff/api/complaints", params={"overdue_only": "true"})).json()
        assert [c["id"] for c in only] == [late]
        await admin.post(f"/staff/api/complaints/{late}/respond", json={"action": "NEED-MORE-INFO",
                                                                       "note": "Send a photo of the bill"})
        answered = (await admin.get("/staff/api/complaints", params={"overdue_only": "true"})).json()
    assert [(c["id"], c["overdue"]) for c in answered] == [(late, ["response"])] and answered[0]["responded_at"]


async def test_issues_the_desk_cannot_file_are_answered_with_an_error(server: RunningServer,
                                                                      buyer: BuyerApp) -> None:
    order_id, txn = await served_order(server, buyer, None)
    # buyer apps name orders by their own ids; ours means nothing to them
    unknown_order = await igm_call(server, buyer, "issue", txn, {"issue": issue(order_id)})
    assert unknown_order.error["code"] == "30018" and "order_details.id" in unknown_order.error["message"]
    bad_category = await igm_call(server, buyer, "issue", txn, {"issue": issue(wire_id(order_id), category="WEATHER")})
    assert bad_category.error["code"] == "30000"
    unknown_issue = await igm_call(server, buyer, "issue_status", txn, {"issue_id": "ISS-never"})
    assert unknown_issue.error["code"] == "40000"
    wrong_version = {"context": {**igm_context(server, buyer, "issue", txn), "core_version": "2.0.0"},
                     "message": {"issue": issue(wire_id(order_id))}}
    refused = await buyer.post(f"{server.ondc_url}/issue", wrong_version)
    assert not refused.acked and refused.answer["error"]["path"] == "context.core_version"


async def test_the_complainant_closes_her_issue(server: RunningServer, buyer: BuyerApp, staff: StaffClient) -> None:
    order_id, txn = await served_order(server, buyer, None)
    filed = issue(wire_id(order_id))
    await igm_call(server, buyer, "issue", txn, {"issue": filed})
    closing = {**filed, "status": "CLOSED", "updated_at": timestamp()}
    on_issue = await igm_call(server, buyer, "issue", txn, {"issue": closing})
    assert on_issue.error is None and respondent_actions(on_issue) == ["PROCESSING"]
    async with staff() as admin:
        (listed,) = (await admin.get("/staff/api/complaints")).json()
        assert listed["status"] == "CLOSED"
        late = await admin.post(f"/staff/api/complaints/{listed['id']}/respond",
                                json={"action": "PROCESSING", "note": "Looking into it"})
    assert late.status_code == 409


async def test_deciding_is_for_officers_of_the_district(server: RunningServer, buyer: BuyerApp,
                                                        staff: StaffClient) -> None:
    order_id, txn = await served_order(server, buyer, None)
    complaint_id, _ = await raised(server, buyer, order_id, txn)
    async with staff("helpline_operator") as operator:
        assert [c["id"] for c in (await operator.get("/staff/api/complaints")).json()] == [complaint_id]
        refused = await operator.post(f"/staff/api/complaints/{complaint_id}/resolve", json=UPHELD)
        assert refused.status_code == 403 and refused.json()["detail"]["hi"]
        filed = await operator.post("/staff/api/complaints", json={
            "order_id": order_id, "kind": "no_show", "short_desc": "Caller says nobody came", "caller_name": "Asha"})
        assert filed.status_code == 201 and filed.json()["status"] == "PROCESSING"
    async with staff("district_officer", "std:0121") as outsider:
        assert (await outsider.get(f"/staff/api/complaints/{complaint_id}")).status_code == 403
        refused = await outsider.post(f"/staff/api/complaints/{complaint_id}/respond",
                                      json={"action": "PROCESSING", "note": "Looking into it"})
        assert refused.status_code == 403 and refused.json()["detail"]["en"]
        assert (await outsider.get("/staff/api/complaints")).json() == []


async def test_the_detail_shows_the_action_trail(server: RunningServer, buyer: BuyerApp, staff: StaffClient) -> None:
    order_id, txn = await served_order(server, buyer, None)
    complaint_id, _ = await raised(server, buyer, order_id, txn)
    async with staff() as admin:
        await admin.post(f"/staff/api/complaints/{complaint_id}/respond",
                         json={"action": "PROCESSING", "note": "Calling the worker"})
        detail = await admin.get(f"/staff/api/complaints/{complaint_id}")
    assert detail.status_code == 200
    assert [(a["side"], a["action"]) for a in detail.json()["actions"]] == [
        ("complainant", "OPEN"), ("respondent", "PROCESSING"), ("respondent", "PROCESSING")]


@pytest.mark.parametrize("already", ["suspended", "banned"])
async def test_an_upheld_complaint_against_a_sanctioned_worker_is_still_resolved(
    server: RunningServer, buyer: BuyerApp, staff: StaffClient, fx: ModuleType, already: str
) -> None:
    worker_id = await fx.add_worker(server.services, "W-gone", *fx.HAZRATGANJ, standing=already)
    order_id, txn = await served_order(server, buyer, worker_id)
    complaint_id, _ = await raised(server, buyer, order_id, txn)
    async with staff() as admin:
        resolved = await admin.post(f"/staff/api/complaints/{complaint_id}/resolve", json=UPHELD)
    assert resolved.status_code == 200 and resolved.json()["status"] == "RESOLVED"
    assert await standing(server, worker_id) in (already, "banned")
