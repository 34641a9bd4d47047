"""Service-provider agencies over real HTTP on both backends: the firm's contact person proves her phone with the
sign-up OTP and applies (every wrong field answered in Hindi and English), the district officer rejects with a
reason she reads and, corrected, approves; the agency logs in with role `agency`, adds a worker whose application
enters the district's verification queue like any other, and reads its workers, jobs and payouts."""

from __future__ import annotations

import httpx
from applicants import applicant, staff, wrong_fields
from harness import SCANNED_PDF, SCANNED_PNG, RunningServer, seed_demo

from fulfillment.departments import gstin_check_character

LUCKNOW = "std:0522"
CONTACT = "9876508888"
PAN = "AAAFS1234K"
GSTIN = "09AAAFS1234K1Z" + gstin_check_character("09AAAFS1234K1Z")
PASSWORD = "shakti-lucknow-2026"
FIRM = {"name": "Shakti Manpower Services", "registration_number": "UP/LKO/2019/0042", "gstin": GSTIN, "pan": PAN,
        "address": "12 Hazratganj, Lucknow 226001", "district": LUCKNOW, "contact_name": "Ramesh Kumar",
        "password": PASSWORD, "language": "en"}
WORKER = {"phone": "9876509999", "name": "Meena Kumari", "trades": ["SRV11-1047"], "qualification": "iti",
          "pincode": "226001", "home_lat": 26.8467, "home_lng": 80.9462, "pin": "1357", "language": "en"}


async def test_an_agency_applies_is_approved_and_adds_a_worker_who_enters_the_queue(server: RunningServer) -> None:
    await seed_demo(server.services)
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        form = (await http.get("/agency/api/form")).json()
        assert LUCKNOW in [district["city"] for district in form["districts"]]
        assert (await http.put("/agency/api/application", json=FIRM)).status_code == 401
        await applicant(http, server, CONTACT)
        assert (await http.get("/agency/api/application")).json()["application"] is None

        mistyped = GSTIN[:-1] + ("0" if GSTIN[-1] != "0" else "1")
        wrong = wrong_fields(await http.put("/agency/api/application", json={
            **FIRM, "gstin": mistyped, "pan": "AAAF", "password": "short", "district": "std:9999"}))
        assert sorted(wrong) == ["district", "gstin", "pan", "password"]
        assert all(error["en"] and error["hi"] for error in wrong.values())
        sent = await http.put("/agency/api/application", json={**FIRM, "gstin": GSTIN.lower()})
        assert sent.status_code == 200, sent.text
        agency = sent.json()
        assert (agency["status"], agency["gstin"], agency["has_login"]) == ("submitted", GSTIN, False)
        assert "password_hash" not in agency
        again = await http.put("/agency/api/application", json=FIRM)
        assert wrong_fields(again)["phone"]["hi"]  # sent already: not changed while the office decides

        async with staff(server, "district_officer", LUCKNOW) as officer, \
                staff(server, "district_officer", "std:0121") as meerut:
            assert [a["id"] for a in (await officer.get("/staff/api/agencies")).json()["agencies"]] == [agency["id"]]
            assert (await meerut.get("/staff/api/agencies")).json()["agencies"] == []
            assert (await meerut.post(f"/staff/api/agencies/{agency['id']}/approve")).status_code == 403
            assert wrong_fields(await officer.post(f"/staff/api/agencies/{agency['id']}/reject",
                                                   json={"reason": " "}))["reason"]["hi"]
            rejected = await officer.post(f"/staff/api/agencies/{agency['id']}/reject",
                                          json={"reason": "Attach the labour licence number"})
            assert rejected.json()["status"] == "rejected"
            mine = (await http.get("/agency/api/application")).json()["application"]
            assert mine["reason"] == "Attach the labour licence number"
            corrected = await http.put("/agency/api/application", json={**FIRM, "registration_number": "LL/UP/77"})
            assert corrected.json()["status"] == "submitted" and corrected.json()["reason"] is None
            approved = await officer.post(f"/staff/api/agencies/{agency['id']}/approve")
            assert approved.json()["status"] == "approved" and approved.json()["has_login"]
            everything = (await officer.get("/staff/api/agencies", params={"everything": True})).json()
            assert [a["status"] for a in everything["agencies"]] == ["approved"]
            assert (await officer.get("/staff/api/agencies")).json()["agencies"] == []

        logged = await http.post("/staff/api/login", json={"username": CONTACT, "password": PASSWORD})
        assert logged.status_code == 200 and logged.json()["role"] == "agency"
        desk = {"Authorization": f"Bearer {logged.json()['token']}"}
        assert (await http.get("/staff/api/agencies", headers=desk)).status_code == 403  # no office routes
        assert (await http.get("/staff/api/signup/applications", headers=desk)).status_code == 403
        assert (await http.get("/agency/api/me", headers=desk)).json()["name"] == "Shakti Manpower Services"

        wrong = wrong_fields(await http.post("/agency/api/workers", headers=desk,
                                             json={**WORKER, "pincode": "110001", "pin": "1"}))
        assert sorted(wrong) == ["pin", "pincode"]
        added = await http.post("/agency/api/workers", headers=desk, json=WORKER)
        assert added.status_code == 201, added.text
        worker_id = added.json()["id"]
        assert (added.json()["stage"], added.json()["rating"]) == ("draft", None)
        assert wrong_fields(await http.post("/agency/api/workers", headers=desk, json=WORKER))["phone"]["hi"]
        documents = f"/agency/api/workers/{worker_id}/documents"
        assert wrong_fields(await http.post(f"/agency/api/workers/{worker_id}/submit", headers=desk))["id_proof"]
        assert wrong_fields(await http.post(f"{documents}/photo", headers=desk, content=SCANNED_PDF))["photo"]["hi"]
        for kind, content in (("id_proof", SCANNED_PDF), ("photo", SCANNED_PNG)):
            uploaded = await http.post(f"{documents}/{kind}", headers=desk, content=content)
            assert uploaded.status_code == 201, uploaded.text
        assert (await http.post("/agency/api/workers/W-nobody/submit", headers=desk)).status_code == 404
        sent = await http.post(f"/agency/api/workers/{worker_id}/submit", headers=desk)
        assert sent.status_code == 200 and sent.json()["stage"] == "submitted"

        async with staff(server, "district_officer", LUCKNOW) as officer:
            queue = (await officer.get("/staff/api/signup/applications")).json()["applications"]
            assert [row["id"] for row in queue] == [worker_id]  # the same queue as every worker's
            detail = (await officer.get(f"/staff/api/signup/applications/{worker_id}")).json()
            assert sorted(doc["kind"] for doc in detail["documents"]) == ["id_proof", "photo"]
            assert detail["audit"][0]["actor"].startswith("agency:AG-")
            assert (await officer.post(f"/staff/api/signup/applications/{worker_id}/approve")).status_code == 200
        workers = (await http.get("/agency/api/workers", headers=desk)).json()["workers"]
        assert [(w["id"], w["stage"]) for w in workers] == [(worker_id, "police_check")]
        assert (await http.get("/agency/api/jobs", headers=desk)).json() == {"jobs": []}
        assert (await http.get("/agency/api/payouts", headers=desk)).json() == {"payouts": []}
        unauthorised = await http.get("/agency/api/workers", headers=http.headers)  # the applicant token
        assert unauthorised.status_code == 403
