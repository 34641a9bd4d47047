"""The departments' APIs over real HTTP on both backends: who may do what (officers of one department, staff of one
district), each wrong field named in Hindi and English (a GSTIN's check character, a work order without approval, a
month not over), and the invoice's print view behind its link."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from harness import RunningServer

from bpp.demo.catalog_seed import seed_demo_catalog
from bpp.demo.department_seed import DEMO_DEPARTMENT_ID, seed_demo_department
from bpp.staff.users import create_staff_user
from bpp.workforce import repo as worker_repo
from fulfillment.departments import gstin_check_character
from fulfillment.workers import VERIFIED, Registration

PASSWORD = "departments-api-1"
NOW = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)  # 11:00 IST, Wednesday
GSTIN = "09AAACH7409R1Z" + gstin_check_character("09AAACH7409R1Z")
WORK_ORDER = {
    "item_id": "SM-LKO-HOME-CLEANING", "workers": 2, "days": ["2026-12-09", "2026-12-10"], "start": "12:00",
    "address": "Vikas Bhawan, Janpath, Hazratganj", "pincode": "226001", "contact_name": "Anil Kumar",
    "contact_phone": "9876543210", "purpose": "Cleaning",
}


async def prepared(server: RunningServer) -> None:
    services = server.services
    services.clock = lambda: NOW
    await seed_demo_catalog(services.db, services.catalog)
    await services.catalog.reload()
    async with services.db.begin() as conn:
        await seed_demo_department(conn, PASSWORD, NOW)
        await create_staff_user(conn, "admin", PASSWORD, "admin", "Admin")
        await create_staff_user(conn, "lko.officer", PASSWORD, "district_officer", "Anjali", "std:0522")
        await create_staff_user(conn, "meerut.officer", PASSWORD, "district_officer", "Ravi", "std:0121")
        for n in range(2):
            reg = Registration(f"Cleaner {n}", f"97000000{n:02d}", "1234", ("SRV11-1010",), 26.85 + n / 1000, 80.95,
                               "std:0522")
            await worker_repo.insert_worker(conn, reg, "x", NOW, "test", verification=VERIFIED, worker_id=f"C{n}")
    await services.fulfillment.coverage.workers_changed()


async def login(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    answer = await http.post("/staff/api/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['token']}"}


def fields(answer: httpx.Response) -> dict[str, dict[str, Any]]:
    body = answer.json()
    listed = {error["field"]: error for error in body.get("errors", [])}
    detail = body.get("detail")
    if isinstance(detail, dict) and detail.get("field"):
        listed[detail["field"]] = detail
    return listed


async def test_officers_ask_approve_and_book_each_in_their_role_and_language(server: RunningServer) -> None:
    await prepared(server)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=20) as http:
        requester, approver = await login(http, "dept.requester"), await login(http, "dept.approver")
        admin = await login(http, "admin")

        me = (await http.get("/department/api/me", headers=requester)).json()
        assert (me["account"]["id"], me["officer"]["role"], me["account"]["receivable"]) == (
            DEMO_DEPARTMENT_ID, "department_requester", "0.00")
        assert (await http.get("/department/api/me", headers=admin)).status_code == 403  # staff are no officers
        assert (await http.get("/staff/api/departments", headers=requester)).status_code == 403
        assert (await http.get("/staff/api/workers", headers=requester)).status_code == 403  # nor Seva Mitra staff
        services = (await http.get("/department/api/services", headers=requester)).json()
        assert {"id": "SM-LKO-HOME-CLEANING", "visit_total": "2948.82"}.items() <= next(
            s for s in services if s["id"] == "SM-LKO-HOME-CLEANING").items()

        wrong = await http.post("/department/api/work-orders", headers=requester, json={
            **WORK_ORDER, "days": ["2026-12-08"], "pincode": "999999", "contact_phone": "12345"})
        assert wrong.status_code == 422
        problems = fields(wrong)
        assert set(problems) == {"days", "pincode", "contact_phone"} and all(p["hi"] for p in problems.values())
        assert (await http.post("/department/api/work-orders", headers=approver, json=WORK_ORDER)).status_code == 403

        asked = await http.post("/department/api/work-orders", headers=requester, json=WORK_ORDER)
        assert asked.status_code == 201, asked.text
        number = asked.json()["number"]
        assert (asked.json()["status"], asked.json()["estimate"]) == ("awaiting_approval", "11795.28")

        unapproved = await http.post(f"/department/api/work-orders/{number}/book", headers=requester)
        assert unapproved.status_code == 422
        assert fields(unapproved)["approval"]["en"].startswith(f"Work order {number} has not been approved")
        assert "स्वीकृत नहीं" in fields(unapproved)["approval"]["hi"]
        assert (await http.post(f"/department/api/work-orders/{number}/approve", headers=requester)).status_code == 403
        no_reason = await http.post(f"/department/api/work-orders/{number}/reject", headers=approver,
                                    json={"reason": " "})
        assert "reason" in fields(no_reason)
        approved = await http.post(f"/department/api/work-orders/{number}/approve", headers=approver)
        assert approved.json()["approval"]["name"].startswith("Arun Mishra")
        again = await http.post(f"/department/api/work-orders/{number}/approve", headers=approver)
        assert (again.status_code, fields(again)["status"]["en"]) == (
            422, f"Work order {number} is approved; it cannot be approved now.")

        booked = await http.post(f"/department/api/work-orders/{number}/book", headers=requester,
                                 json={"language": "en"})
        assert booked.status_code == 200, booked.text
        visits = booked.json()["visits"]
        assert [(v["day"], v["place"]) for v in visits] == [
            ("2026-12-09", 1), ("2026-12-09", 2), ("2026-12-10", 1), ("2026-12-10", 2)]
        listed = (await http.get("/department/api/work-orders?status=booked", headers=approver)).json()
        assert [order["number"] for order in listed] == [number]
        channel = (await http.get("/staff/api/orders?channel=department", headers=admin)).json()
        assert len(channel) == 4
        assert (await http.get("/department/api/work-orders/WO-NOSUCH", headers=requester)).status_code == 404


async def test_staff_open_accounts_and_bill_by_district(server: RunningServer) -> None:
    await prepared(server)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=20) as http:
        admin, lucknow, meerut = await login(http, "admin"), await login(http, "lko.officer"), await login(
            http, "meerut.officer")
        account = {"department": "Health Department", "office": "Chief Medical Officer, Lucknow",
                   "district": "std:0522", "ddo_code": "LKO-CMO-7", "gstin": GSTIN[:-1] + "0",
                   "billing_address": "Swasthya Bhawan, Lucknow 226001"}
        wrong = await http.post("/staff/api/departments", headers=lucknow, json=account)
        assert wrong.status_code == 422
        assert "last character" in fields(wrong)["gstin"]["en"] and fields(wrong)["gstin"]["hi"]
        assert (await http.post("/staff/api/departments", headers=meerut,
                                json={**account, "gstin": GSTIN})).status_code == 403
        opened = await http.post("/staff/api/departments", headers=lucknow, json={**account, "gstin": GSTIN})
        assert opened.status_code == 201, opened.text
        account_id = opened.json()["id"]
        officer = await http.post(f"/staff/api/departments/{account_id}/officers", headers=lucknow, json={
            "username": "cmo.approver", "display_name": "Dr Kiran", "role": "department_approver",
            "password": PASSWORD})
        assert officer.status_code == 201 and officer.json()["account_id"] == account_id
        assert (await http.get(f"/staff/api/departments/{account_id}", headers=meerut)).status_code == 403
        shown = (await http.get(f"/staff/api/departments/{account_id}", headers=admin)).json()
        assert [o["username"] for o in shown["officers"]] == ["cmo.approver"] and shown["receivable"] == "0.00"
        assert [a["id"] for a in (await http.get("/staff/api/departments", headers=meerut)).json()] == []

        early = await http.post("/staff/api/department-invoices", headers=admin, json={"month": "2026-12"})
        assert early.status_code == 422 and "not over yet" in fields(early)["month"]["en"]
        nothing = await http.post("/staff/api/department-invoices", headers=admin, json={"month": "2026-11"})
        assert nothing.json() == {"month": "2026-11", "issued": [], "already_issued": []}
        assert (await http.get("/staff/api/department-invoices/DI-2026-27-00009", headers=admin)).status_code == 404
        assert (await http.get("/departments/invoices/DI-2026-27-00009?t=forged")).status_code == 403
