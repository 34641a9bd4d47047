"""Staff workers API over real HTTP: registration, verification in order, standing, roles and districts."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import httpx
import pytest
from harness import RunningServer, upload_worker_documents

from bpp.platform.auth import Principal

LUCKNOW = "std:0522"
MEERUT = "std:0121"
StaffClient = Callable[..., httpx.AsyncClient]


@pytest.fixture
def staff(server: RunningServer) -> StaffClient:
    """A client logged in as staff of `role` (and district)."""

    def client(role: str, district: str | None = None) -> httpx.AsyncClient:
        token = server.services.tokens.issue(Principal(kind="staff", id=f"{role}-1", role=role, district=district))
        return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})

    return client


def new_worker(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Sunita Devi", "phone": "9876501234", "pin": "4321", "skills": ["SRV11-1011"],
        "home_lat": 26.8467, "home_lng": 80.9462, "district": LUCKNOW,
        "documents": [{"kind": "aadhaar", "number": "XXXX-XXXX-1234"}],
    }
    return {**body, **changes}


async def registered(client: httpx.AsyncClient, **changes: Any) -> str:
    answer = await client.post("/staff/api/workers", json=new_worker(**changes))
    assert answer.status_code == 201, answer.text
    assert answer.json()["verification"] == "registered"
    return str(answer.json()["id"])


async def verified(client: httpx.AsyncClient, **changes: Any) -> str:
    worker_id = await registered(client, **changes)
    await upload_worker_documents(client, worker_id)
    for step in ("check_documents", "request_police_verification", "police_cleared"):
        answer = await client.post(f"/staff/api/workers/{worker_id}/verification/{step}", json={})
        assert answer.status_code == 200, answer.text
    return worker_id


async def worker_app(server: RunningServer, phone: str, pin: str) -> httpx.AsyncClient:
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        login = await anonymous.post("/worker/api/login", json={"phone": phone, "pin": pin})
    assert login.status_code == 200, login.text
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {login.json()['token']}"})


def bilingual(answer: httpx.Response) -> dict[str, Any]:
    detail = answer.json()["detail"]
    assert detail["en"] and detail["hi"], detail
    return dict(detail)


async def test_registration_refuses_a_malformed_field_naming_it(staff: StaffClient) -> None:
    async with staff("admin") as admin:
        answer = await admin.post("/staff/api/workers", json=new_worker(home_lat="north", skills=[]))
        assert answer.status_code == 422
        assert {error["field"] for error in answer.json()["errors"]} == {"home_lat", "skills"}
        bilingual(answer)
        bad_phone = await admin.post("/staff/api/workers", json=new_worker(phone="12345"))
        assert bad_phone.status_code == 422
        [phone] = bad_phone.json()["errors"]
        assert phone["field"] == "phone" and "mobile number" in phone["en"] and phone["hi"]
        await registered(admin)
        twin = await admin.post("/staff/api/workers", json=new_worker())
        assert twin.status_code == 409 and bilingual(twin)
        assert len((await admin.get("/staff/api/workers")).json()) == 1


async def test_a_rule_error_names_its_field(staff: StaffClient) -> None:
    async with staff("admin") as admin:
        answer = await admin.post("/staff/api/workers", json=new_worker(phone="12345", pin="12"))
    assert answer.status_code == 422
    assert {error["field"] for error in answer.json()["errors"]} == {"phone", "pin"}


async def test_verification_goes_step_by_step_then_she_can_work(server: RunningServer, staff: StaffClient) -> None:
    async with staff("district_officer", LUCKNOW) as officer:
        worker_id = await registered(officer)
        skipped = await officer.post(f"/staff/api/workers/{worker_id}/verification/police_cleared", json={})
        assert skipped.status_code == 422 and "earlier step" in bilingual(skipped)["en"]
        unknown = await officer.post(f"/staff/api/workers/{worker_id}/verification/wave_through", json={})
        assert unknown.status_code == 404
        async with await worker_app(server, "9876501234", "4321") as app:
            early = await app.post("/worker/api/online", json={"lat": 26.8467, "lng": 80.9462})
            assert early.status_code == 403
            for step, after in (("check_documents", "documents_checked"),
                                ("request_police_verification", "police_verification_pending")):
                answer = await officer.post(f"/staff/api/workers/{worker_id}/verification/{step}",
                                            json={"reason": "documents seen"})
                assert answer.json() == {"id": worker_id, "verification": after}
            unfiled = await officer.post(f"/staff/api/workers/{worker_id}/verification/police_cleared", json={})
            assert unfiled.status_code == 422 and bilingual(unfiled)["field"] == "documents"
            assert "ID proof and police verification certificate" in bilingual(unfiled)["en"]
            await upload_worker_documents(officer, worker_id)
            cleared = await officer.post(f"/staff/api/workers/{worker_id}/verification/police_cleared", json={})
            assert cleared.json() == {"id": worker_id, "verification": "verified"}
            rejected = await officer.post(f"/staff/api/workers/{worker_id}/verification/reject",
                                          json={"reason": "too late"})
            assert rejected.status_code == 422
            assert (await app.post("/worker/api/online", json={"lat": 26.8467, "lng": 80.9462})).status_code == 200
        detail = (await officer.get(f"/staff/api/workers/{worker_id}")).json()
    assert "pin_hash" not in detail
    assert [(row["action"], row["after"]) for row in detail["audit"]] == [
        ("register", "registered"), ("check_documents", "documents_checked"),
        ("request_police_verification", "police_verification_pending"), ("upload_document", "id_proof"),
        ("upload_document", "police_certificate"), ("police_cleared", "verified"),
    ]
    assert detail["audit"][1]["actor"] == "staff:district_officer-1"
    assert "SRV11-1011" in server.services.fulfillment.coverage.categories_near(26.8467, 80.9462, 3.0)


async def test_suspend_reinstate_and_a_permanent_ban(server: RunningServer, staff: StaffClient) -> None:
    async with staff("admin") as admin:
        worker_id = await verified(admin)
        silent = await admin.post(f"/staff/api/workers/{worker_id}/suspend", json={})
        assert silent.status_code == 422 and bilingual(silent)["en"] == "Give the reason."
        suspended = await admin.post(f"/staff/api/workers/{worker_id}/suspend", json={"reason": "late twice"})
        assert suspended.json() == {"id": worker_id, "standing": "suspended"}
        async with await worker_app(server, "9876501234", "4321") as app:
            refused = await app.post("/worker/api/online", json={"lat": 26.8467, "lng": 80.9462})
            assert refused.status_code == 403
            assert (await app.get("/worker/api/me")).json()["standing_reason"] == "late twice"
        assert (await admin.post(f"/staff/api/workers/{worker_id}/reinstate", json={})).json()["standing"] == "active"
        banned = await admin.post(f"/staff/api/workers/{worker_id}/ban", json={"reason": "overcharged a customer"})
        assert banned.json()["standing"] == "banned"
        for action in ("reinstate", "suspend"):
            again = await admin.post(f"/staff/api/workers/{worker_id}/{action}", json={"reason": "appeal"})
            assert again.status_code == 422 and "permanently" in bilingual(again)["en"]
        trail = [row["action"] for row in (await admin.get(f"/staff/api/workers/{worker_id}")).json()["audit"]]
    assert trail[-3:] == ["suspend", "reinstate", "ban"]
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        login = await anonymous.post("/worker/api/login", json={"phone": "9876501234", "pin": "4321"})
    assert login.status_code == 403 and "155330" in bilingual(login)["en"]
    assert server.services.fulfillment.coverage.categories_near(26.8467, 80.9462, 3.0) == set()


async def test_a_district_officer_manages_only_her_district(staff: StaffClient) -> None:
    async with staff("admin") as admin:
        worker_id = await registered(admin)
    async with staff("district_officer", MEERUT) as outsider:
        assert (await outsider.post("/staff/api/workers", json=new_worker(phone="9876509999"))).status_code == 403
        for path in ("verification/check_documents", "suspend"):
            refused = await outsider.post(f"/staff/api/workers/{worker_id}/{path}", json={"reason": "x"})
            assert refused.status_code == 403 and "another district" in bilingual(refused)["en"]
        assert (await outsider.get(f"/staff/api/workers/{worker_id}")).status_code == 403
        assert (await outsider.get("/staff/api/workers")).json() == []
    async with staff("district_officer", LUCKNOW) as own:
        assert [row["id"] for row in (await own.get("/staff/api/workers")).json()] == [worker_id]
        step = await own.post(f"/staff/api/workers/{worker_id}/verification/check_documents", json={})
    assert step.status_code == 200


async def test_a_helpline_operator_reads_but_cannot_change(staff: StaffClient) -> None:
    async with staff("admin") as admin:
        worker_id = await registered(admin)
    async with staff("helpline_operator") as operator:
        assert (await operator.get("/staff/api/workers")).status_code == 200
        assert (await operator.get(f"/staff/api/workers/{worker_id}")).json()["id"] == worker_id
        attempts = [
            await operator.post("/staff/api/workers", json=new_worker(phone="9876509999")),
            await operator.post(f"/staff/api/workers/{worker_id}/verification/check_documents", json={}),
            await operator.post(f"/staff/api/workers/{worker_id}/suspend", json={"reason": "caller angry"}),
            await operator.put("/staff/api/workers/matching-radius/SRV11-1011", json={"radius_km": 5}),
        ]
    assert [answer.status_code for answer in attempts] == [403, 403, 403, 403]
    assert all(bilingual(answer) for answer in attempts)


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_a_suspended_worker_gets_no_offer(server: RunningServer, staff: StaffClient, fx: ModuleType) -> None:
    services = server.services
    worker_id = await fx.add_worker(services, "W-susp", *fx.HAZRATGANJ)
    async with staff("admin") as admin:
        await admin.post(f"/staff/api/workers/{worker_id}/suspend", json={"reason": "no-show complaint"})
        passed_over = await fx.add_order(services, *fx.HAZRATGANJ)
        await fx.settle(services, [passed_over])
        assert (await fx.order_row(services, passed_over))["status"] == "Cancelled"
        assert await fx.pending_offer(services, passed_over) is None

        await admin.post(f"/staff/api/workers/{worker_id}/reinstate", json={})
        offered = await fx.add_order(services, *fx.HAZRATGANJ)
        await fx.settle(services, [offered])
    offer = await fx.pending_offer(services, offered)
    assert offer is not None and offer["worker_id"] == worker_id


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_suspension_withdraws_the_open_offer(server: RunningServer, staff: StaffClient, fx: ModuleType) -> None:
    services = server.services
    worker_id = await fx.add_worker(services, "W-open", *fx.HAZRATGANJ)
    order_id = await fx.add_order(services, *fx.HAZRATGANJ)
    await fx.settle(services, [order_id])
    offer = await fx.pending_offer(services, order_id)
    assert offer is not None and offer["worker_id"] == worker_id
    async with staff("admin") as admin:
        phone = (await admin.get(f"/staff/api/workers/{worker_id}")).json()["phone"]
        async with await worker_app(server, phone, fx.PIN) as app:
            await admin.post(f"/staff/api/workers/{worker_id}/suspend", json={"reason": "overcharging reported"})
            taken = await app.post(f"/worker/api/offers/{offer['id']}/accept")
    assert taken.status_code in (403, 409)
    assert (await fx.order_row(services, order_id))["worker_id"] is None
