"""Worker sign-up over real HTTP on both backends: the public API answers every wrong field in Hindi and English,
uploads stream against their own limit, the applicant's token opens only her routes, and district staff work the
queue (their district only) through to a worker who logs in to the worker app and goes online."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from applicants import PHONE, applicant, staff, wrong_fields
from harness import SCANNED_PDF, SCANNED_PNG, RunningServer, seed_demo

from catalog.schedule import IST

LUCKNOW = "std:0522"
PLUMBER = "SRV11-1047"
LIMIT = 20_000
FORM = {"name": "Sunita Devi", "trades": [PLUMBER], "qualification": "diploma", "pincode": "226001",
        "home_lat": 26.8467, "home_lng": 80.9462, "pin": "2468", "language": "en"}


@pytest.mark.settings(document_max_bytes=LIMIT, max_body_bytes=LIMIT // 2)
async def test_an_applicant_signs_up_and_staff_make_her_a_worker(server: RunningServer) -> None:
    await seed_demo(server.services)
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        form = (await http.get("/signup/api/form")).json()
        assert PLUMBER in [trade["code"] for trade in form["trades"]] and form["max_bytes"] == LIMIT
        assert [q["code"] for q in form["qualifications"]] == ["iti", "diploma", "degree", "experience"]
        district = await http.get("/signup/api/pincode/226001")
        assert district.json()["district"] == "Lucknow" and district.json()["unit"]["hi"] == "सेवा मित्र लखनऊ"
        assert wrong_fields(await http.get("/signup/api/pincode/110001"))["pincode"]["hi"]

        assert (await http.get("/signup/api/application")).status_code == 401
        signed = await applicant(http, server)
        assert (signed["phone"], signed["application"]) == (PHONE, None)

        wrong = wrong_fields(await http.put("/signup/api/application", json={
            **FORM, "pincode": "110001", "trades": [], "home_lat": None, "pin": "1"}))
        assert sorted(wrong) == ["home_gps", "pin", "pincode", "trades"]
        assert all(error["en"] and error["hi"] for error in wrong.values())
        saved = await http.put("/signup/api/application", json=FORM)
        assert saved.status_code == 200 and saved.json()["stage"] == "draft"

        # the upload route reads its own body against document_max_bytes, past the app-wide max_body_bytes
        photo = SCANNED_PNG + bytes(LIMIT // 2)
        uploaded = await http.post("/signup/api/application/documents/photo", content=photo,
                                   params={"filename": "me.png"}, headers={"Content-Type": "image/png"})
        assert uploaded.status_code == 201, uploaded.text
        assert wrong_fields(await http.post("/signup/api/application/documents/photo",
                                            content=SCANNED_PNG + bytes(LIMIT)))["photo"]["en"].startswith(
            "The file is larger than")
        assert "PDF, JPEG or PNG" in wrong_fields(await http.post(
            "/signup/api/application/documents/id_proof", content=b"GIF89a..."))["id_proof"]["en"]
        assert wrong_fields(await http.post("/signup/api/application/submit"))["id_proof"]["hi"]
        await http.post("/signup/api/application/documents/id_proof", content=SCANNED_PDF)
        sent = await http.post("/signup/api/application/submit")
        assert sent.status_code == 200 and sent.json()["stage"] == "submitted"
        application_id = sent.json()["id"]
        assert (await http.get("/worker/api/me")).status_code == 403  # an applicant is no worker yet

        async with staff(server, "district_officer", LUCKNOW) as officer, \
                staff(server, "district_officer", "std:0121") as meerut, staff(server, "helpline_operator") as desk:
            queue = (await officer.get("/staff/api/signup/applications")).json()
            assert [row["id"] for row in queue["applications"]] == [application_id]
            assert (await meerut.get("/staff/api/signup/applications")).json()["applications"] == []
            assert (await meerut.post(f"/staff/api/signup/applications/{application_id}/approve")).status_code == 403
            assert (await desk.get("/staff/api/signup/applications")).status_code == 403
            detail = (await officer.get(f"/staff/api/signup/applications/{application_id}")).json()
            photo_record = next(doc for doc in detail["documents"] if doc["kind"] == "photo")
            served = await officer.get(f"/staff/api/signup/applications/{application_id}/documents/"
                                       f"{photo_record['id']}")
            assert served.content == photo and served.headers["content-type"] == "image/png"

            assert (await officer.post(f"/staff/api/signup/applications/{application_id}/approve")).status_code == 200
            police = f"/staff/api/signup/applications/{application_id}/police"
            wrong = wrong_fields(await officer.post(f"{police}/requested",
                                                    json={"reference": "x", "date": "2099-01-01"}))
            assert sorted(wrong) == ["date", "reference"]
            today = datetime.now(IST).date().isoformat()  # the office's day
            requested = await officer.post(f"{police}/requested", json={"reference": "LKO/CV/2026/9", "date": today})
            assert requested.json()["stage"] == "police_pending"
            certificate = await officer.post(f"/staff/api/workers/{application_id}/documents/police_certificate",
                                             content=SCANNED_PDF, params={"filename": "pv.pdf"})
            assert certificate.status_code == 201, certificate.text
            cleared = await officer.post(f"{police}/cleared", json={"reference": "LKO/PV/9", "date": today})
            assert cleared.status_code == 200 and cleared.json()["stage"] == "verified"

        status = (await http.get("/signup/api/application")).json()["application"]
        assert (status["stage"], status["police"]["reference"], status["police"]["result"]) == (
            "verified", "LKO/CV/2026/9", "cleared")

    async with httpx.AsyncClient(base_url=server.base_url) as http:
        by_pin = await http.post("/signup/api/login", json={"phone": PHONE, "pin": "2468"})
        assert by_pin.json()["application"]["stage"] == "verified"
        assert (await http.post("/signup/api/login", json={"phone": PHONE, "pin": "0000"})).status_code == 401
        worker = await http.post("/worker/api/login", json={"phone": PHONE, "pin": "2468"})
        assert worker.status_code == 200, worker.text
        online = await http.post("/worker/api/online", json={"lat": 26.8467, "lng": 80.9462},
                                 headers={"Authorization": f"Bearer {worker.json()['token']}"})
        assert online.status_code == 200, online.text
        assert (await http.get("/signup/api/application",
                               headers={"Authorization": f"Bearer {worker.json()['token']}"})).status_code == 403


async def test_bad_input_is_answered_in_the_users_language(server: RunningServer) -> None:
    await seed_demo(server.services)
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        unreadable = wrong_fields(await http.post("/signup/api/otp", json={"phone": "12345"}))["phone"]
        assert "6, 7, 8 या 9" in unreadable["hi"]
        demo_worker = "9000000000"  # seeded by seed_demo, like `serve --demo`
        registered = await http.post("/signup/api/otp", json={"phone": demo_worker})
        assert wrong_fields(registered)["phone"]["code"] == "already_registered"

        await http.post("/signup/api/otp", json={"phone": PHONE})
        assert (await http.post("/signup/api/otp", json={"phone": PHONE})).status_code == 422  # wait 30 s
        for _ in range(3):
            wrong = await http.post("/signup/api/otp/check", json={"phone": PHONE, "otp": "000000"})
        locked = wrong_fields(wrong)["otp"]
        assert locked["code"] == "otp_locked" and "30 मिनट" in locked["hi"] and "30 more minutes" in locked["en"]

        for number in range(17):  # 20 requests from this address in the hour: the next one is refused
            await http.post("/signup/api/otp", json={"phone": f"98000000{number:02d}"})
        limited = await http.post("/signup/api/otp", json={"phone": "9800000099"})
        assert limited.status_code == 429 and limited.json()["detail"]["field"] == "phone"


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
async def test_the_page_is_plain_files_under_a_strict_policy(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        page = await http.get("/signup/")
        script = await http.get("/signup/static/signup.js")
        source = await http.get("/signup/static/pages.py")
        bare = await http.get("/signup")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["permissions-policy"] == "geolocation=(self)"  # her home's point comes from the phone
    assert script.headers["content-type"].startswith("text/javascript")
    assert source.status_code == 404 and bare.headers["location"] == "/signup/"
