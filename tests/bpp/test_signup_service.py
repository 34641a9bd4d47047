"""Worker sign-up on both backends: the phone OTP (hashed, locked, limited), the application answered field by field,
documents checked by content and size, and the district office's queue through to a verified worker."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from harness import SCANNED_PDF, SCANNED_PNG, seed_demo
from sqlalchemy import select

from bpp.notify import SmsTemplate
from bpp.platform.auth import Principal, verify_secret
from bpp.platform.http_errors import FieldErrors
from bpp.signup.service import ALREADY_REGISTERED, Details, SignupDesk
from bpp.storage.notify_tables import sms_messages
from bpp.storage.signup_tables import signup_otps, worker_applications
from bpp.wiring.services import Services
from bpp.workforce import repo as worker_repo
from fulfillment.signup import OTP_LOCKED, PoliceStep, Stage, stage_of
from fulfillment.workers import Registration
from schemas.refusal import NOT_ALLOWED, Refusal

PLUMBER = "SRV11-1047"  # tap and mixer repair, in the demo catalogue
PHONE = "9876501234"
HERE = "10.0.0.7"
HAZRATGANJ = (26.8467, 80.9462)
START = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)
LUCKNOW_OFFICER = Principal("staff", "U-lko", "district_officer", "std:0522")
MEERUT_OFFICER = Principal("staff", "U-meerut", "district_officer", "std:0121")


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **span: float) -> None:
        self.now += timedelta(**span)


@pytest.fixture
async def clock(services: Services) -> AsyncIterator[Clock]:
    ticking = Clock()
    services.clock = ticking
    await seed_demo(services)
    yield ticking


def details(**changes: Any) -> Details:
    values: dict[str, Any] = {
        "name": "सुनीता देवी", "trades": (PLUMBER,), "qualification": "iti", "pincode": "226001",
        "home_lat": HAZRATGANJ[0], "home_lng": HAZRATGANJ[1], "pin": "2468", "language": "hi",
    }
    return Details(**{**values, **changes})


async def otp_sent_to(services: Services, phone: str) -> str:
    """The code of the latest sign-up SMS to `phone`, read from the SMS queue as the log backend sends it."""
    async with services.db.connect() as conn:
        query = (select(sms_messages.c.text, sms_messages.c.template).where(sms_messages.c.phone == phone)
                 .order_by(sms_messages.c.id.desc()).limit(1))
        row = (await conn.execute(query)).one()
    assert row.template == SmsTemplate.SIGNUP_OTP.value
    found = re.search(r"\b(\d{6})\b", row.text)
    assert found is not None, row.text
    return found.group(1)


async def proven(services: Services, phone: str = PHONE) -> str:
    await services.signup.send_otp(phone, "hi", HERE)
    return await services.signup.check_otp(phone, await otp_sent_to(services, phone), HERE)


async def sent_application(services: Services, phone: str = PHONE) -> str:
    desk: SignupDesk = services.signup
    await proven(services, phone)
    saved = await desk.save(phone, details())
    await desk.upload(phone, "id_proof", SCANNED_PDF, "aadhaar.pdf")
    await desk.upload(phone, "photo", SCANNED_PNG, "me.png")
    assert (await desk.submit(phone))["status"] == "submitted"
    return str(saved["id"])


def fields_of(caught: pytest.ExceptionInfo[FieldErrors]) -> dict[str, tuple[str, str | None]]:
    return {problem.field: (problem.en, problem.hi) for problem in caught.value.problems}


async def test_an_otp_is_kept_hashed_and_proves_the_phone_once(services: Services, clock: Clock) -> None:
    sent = await services.signup.send_otp("+91 98765-01234", "en", HERE)
    assert sent.phone == "******1234" and sent.valid_until == START + timedelta(minutes=10)
    code = await otp_sent_to(services, PHONE)
    async with services.db.connect() as conn:
        kept = (await conn.execute(select(signup_otps))).mappings().one()
    assert kept["phone"] == PHONE and code not in kept["code_hash"] and verify_secret(kept["code_hash"], code)

    assert await services.signup.check_otp("98765 01234", f" {code} ", HERE) == PHONE
    with pytest.raises(Refusal, match="expired") as used:
        await services.signup.check_otp(PHONE, code, HERE)
    assert used.value.field == "otp"

    with pytest.raises(Refusal, match="10-digit mobile number") as unreadable:
        await services.signup.send_otp("12345", "hi", HERE)
    assert unreadable.value.field == "phone" and unreadable.value.message_hi


async def test_three_wrong_otps_lock_the_number_for_half_an_hour(services: Services, clock: Clock) -> None:
    await services.signup.send_otp(PHONE, "hi", HERE)
    code = await otp_sent_to(services, PHONE)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for left in (2, 1):
        with pytest.raises(Refusal, match=f"{left} tries left"):
            await services.signup.check_otp(PHONE, wrong, HERE)
    with pytest.raises(Refusal) as third:
        await services.signup.check_otp(PHONE, wrong, HERE)
    assert (third.value.code, third.value.field) == (OTP_LOCKED, "otp") and "30 मिनट" in str(third.value.message_hi)
    with pytest.raises(Refusal) as right_too_late:  # the lock holds even for the right code
        await services.signup.check_otp(PHONE, code, HERE)
    assert right_too_late.value.code == OTP_LOCKED
    clock.advance(minutes=10)
    with pytest.raises(Refusal) as new_one:
        await services.signup.send_otp(PHONE, "hi", HERE)
    assert (new_one.value.code, new_one.value.field) == (OTP_LOCKED, "phone")

    clock.advance(minutes=20)
    await services.signup.send_otp(PHONE, "hi", HERE)
    assert await services.signup.check_otp(PHONE, await otp_sent_to(services, PHONE), HERE) == PHONE


async def test_sms_are_limited_per_number_and_per_address(services: Services, clock: Clock) -> None:
    for _ in range(5):
        await services.signup.send_otp(PHONE, "hi", "10.0.0.1")
        with pytest.raises(Refusal, match="Wait 30 seconds"):
            await services.signup.send_otp(PHONE, "hi", "10.0.0.1")
        clock.advance(seconds=31)
    with pytest.raises(Refusal) as sixth:  # a sixth SMS within the hour, even from elsewhere
        await services.signup.send_otp(PHONE, "hi", "10.0.0.2")
    assert (sixth.value.code, sixth.value.field) == ("rate_limited", "phone")

    for number in range(10):  # the address counts every request: the ten above and these
        await services.signup.send_otp(f"98000000{number:02d}", "hi", "10.0.0.1")
    with pytest.raises(Refusal, match="Too many tries"):
        await services.signup.send_otp("9800000099", "hi", "10.0.0.1")
    await services.signup.send_otp("9800000099", "hi", "10.0.0.3")


async def test_a_workers_number_cannot_sign_up_again(services: Services, clock: Clock) -> None:
    async with services.db.begin() as conn:
        await worker_repo.insert_worker(conn, Registration("Ramesh", PHONE, "1234", (PLUMBER,), *HAZRATGANJ,
                                                           "std:0522"), "hash", START, "test")
    with pytest.raises(Refusal, match="already registered") as refused:
        await services.signup.send_otp(PHONE, "hi", HERE)
    assert (refused.value.code, refused.value.field) == (ALREADY_REGISTERED, "phone")
    assert "पहले से पंजीकृत" in str(refused.value.message_hi)


async def test_the_application_is_answered_field_by_field(services: Services, clock: Clock) -> None:
    desk: SignupDesk = services.signup
    await proven(services)
    with pytest.raises(FieldErrors) as everything:
        await desk.save(PHONE, details(name=" ", trades=(), qualification="phd", pincode="110001", home_lat=None,
                                       home_lng=None, pin="12"))
    wrong = fields_of(everything)
    assert sorted(wrong) == ["home_gps", "name", "pin", "pincode", "qualification", "trades"]
    assert "Pincode 110001 is in Delhi" in wrong["pincode"][0] and "उत्तर प्रदेश" in str(wrong["pincode"][1])
    assert "मेरा स्थान लें" in str(wrong["home_gps"][1])

    for pincode, en in (("012345", "6 digits"), ("999999", "not in India Post's list"),
                        ("208001", "no office in Kanpur Nagar district")):
        with pytest.raises(FieldErrors) as bad_pincode:
            await desk.save(PHONE, details(pincode=pincode))
        assert list(fields_of(bad_pincode)) == ["pincode"] and en in fields_of(bad_pincode)["pincode"][0]
    with pytest.raises(FieldErrors) as far:  # Meerut's point with Lucknow's pincode
        await desk.save(PHONE, details(home_lat=28.98, home_lng=77.70))
    assert "km from pincode 226001" in fields_of(far)["home_gps"][0]
    with pytest.raises(FieldErrors) as unknown_trade:
        await desk.save(PHONE, details(trades=("SRV99-0000",)))
    assert list(fields_of(unknown_trade)) == ["trades"]

    saved = await desk.save(PHONE, details(trades=(PLUMBER, PLUMBER)))
    assert (saved["status"], saved["district"], saved["place_district"]) == ("draft", "std:0522", "LUCKNOW")
    assert saved["trades"] == [PLUMBER] and "pin_hash" not in saved


async def test_documents_are_checked_by_content_and_size(services: Services, clock: Clock) -> None:
    desk: SignupDesk = services.signup
    await proven(services)
    with pytest.raises(Refusal, match="Fill in and save"):
        await desk.upload(PHONE, "id_proof", SCANNED_PDF, "aadhaar.pdf")
    await desk.save(PHONE, details())
    with pytest.raises(Refusal, match="not a PDF, JPEG or PNG") as not_a_scan:
        await desk.upload(PHONE, "id_proof", b"MZ\x90\x00 an .exe named aadhaar.pdf", "aadhaar.pdf")
    assert not_a_scan.value.field == "id_proof"
    with pytest.raises(Refusal, match="not a PDF") as pdf_photo:
        await desk.upload(PHONE, "photo", SCANNED_PDF, "me.pdf")
    assert pdf_photo.value.field == "photo"
    with pytest.raises(Refusal, match="larger than") as huge:
        await desk.upload(PHONE, "photo", SCANNED_PNG + bytes(services.documents.max_bytes), "me.png")
    assert huge.value.field == "photo" and "फ़ाइल" in str(huge.value.message_hi)
    with pytest.raises(Refusal):
        await desk.upload(PHONE, "police_certificate", SCANNED_PDF, "police.pdf")  # staff upload that one

    await desk.upload(PHONE, "id_proof", SCANNED_PDF, "aadhaar.pdf")
    with pytest.raises(Refusal, match="Upload your photo") as no_photo:
        await desk.submit(PHONE)
    assert no_photo.value.field == "photo"


async def test_an_application_becomes_a_verified_worker(services: Services, clock: Clock) -> None:
    desk, queue = services.signup, services.signup_queue
    application_id = await sent_application(services)
    with pytest.raises(Refusal, match="cannot be changed now"):
        await desk.save(PHONE, details(name="Sunita"))
    assert [row["id"] for row in await queue.listing(LUCKNOW_OFFICER, open_only=True)] == [application_id]
    assert await queue.listing(MEERUT_OFFICER, open_only=False) == []
    with pytest.raises(Refusal) as elsewhere:
        await queue.decide(application_id, MEERUT_OFFICER, "approve", None)
    assert elsewhere.value.code == NOT_ALLOWED
    _, documents, _ = await queue.detail(application_id, LUCKNOW_OFFICER)
    photo = next(document for document in documents if document["kind"] == "photo")
    assert (await queue.document(application_id, photo["id"], LUCKNOW_OFFICER)).content == SCANNED_PNG

    approved = await queue.decide(application_id, LUCKNOW_OFFICER, "approve", None)
    assert stage_of(approved["status"], approved["verification"]) is Stage.POLICE_CHECK
    async with services.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, application_id)
    assert worker is not None and (worker["phone"], worker["verification"]) == (PHONE, "documents_checked")
    assert verify_secret(worker["pin_hash"], "2468") and worker["skills"] == [PLUMBER]

    today = START.date()
    with pytest.raises(FieldErrors) as undated:
        await queue.police(application_id, LUCKNOW_OFFICER, PoliceStep.REQUESTED, "", today + timedelta(days=1),
                           None)
    assert sorted(fields_of(undated)) == ["date", "reference"]
    pending = await queue.police(application_id, LUCKNOW_OFFICER, PoliceStep.REQUESTED, "LKO/CV/2026/0042", today,
                                 None)
    assert (pending["verification"], pending["police_reference"], pending["police_requested_on"]) == (
        "police_verification_pending", "LKO/CV/2026/0042", today)
    with pytest.raises(Refusal, match="police verification certificate"):
        await queue.police(application_id, LUCKNOW_OFFICER, PoliceStep.CLEARED, "LKO/PV/0042", today, None)
    await services.documents.upload(application_id, "police_certificate", SCANNED_PDF, "pv.pdf", "staff:U-lko")
    cleared = await queue.police(application_id, LUCKNOW_OFFICER, PoliceStep.CLEARED, "LKO/PV/0042", today, None)
    assert stage_of(cleared["status"], cleared["verification"]) is Stage.VERIFIED
    assert (cleared["police_result"], cleared["police_result_reference"]) == ("cleared", "LKO/PV/0042")
    assert await queue.listing(LUCKNOW_OFFICER, open_only=True) == []

    _, _, trail = await queue.detail(application_id, LUCKNOW_OFFICER)
    assert [(entry["action"], entry["actor"].split(":")[0]) for entry in trail] == [
        ("apply", "applicant"), ("upload_document", "applicant"), ("upload_document", "applicant"),
        ("submit", "applicant"), ("register", "staff"), ("approve", "staff"), ("police_requested", "staff"),
        ("upload_document", "staff"), ("police_cleared", "staff"),
    ]
    assert trail[-1]["reason"] == f"LKO/PV/0042 ({today.isoformat()})" and trail[-1]["after"] == "verified"
    await services.fulfillment.presence.go_online(application_id, *HAZRATGANJ)  # as every verified worker may


async def test_a_rejected_applicant_reads_why_and_sends_again(services: Services, clock: Clock) -> None:
    desk, queue = services.signup, services.signup_queue
    application_id = await sent_application(services)
    with pytest.raises(Refusal, match="Write the reason"):
        await queue.decide(application_id, LUCKNOW_OFFICER, "reject", "  ")
    rejected = await queue.decide(application_id, LUCKNOW_OFFICER, "reject", "Photo is blurred; take a clear one.")
    assert (rejected["status"], rejected["reason"]) == ("rejected", "Photo is blurred; take a clear one.")
    with pytest.raises(Refusal, match="Only a sent application"):
        await queue.decide(application_id, LUCKNOW_OFFICER, "approve", None)

    assert (await desk.save(PHONE, details()))["status"] == "draft"
    await desk.upload(PHONE, "photo", SCANNED_PNG, "clear.png")
    again = await desk.submit(PHONE)
    assert (again["status"], again["reason"]) == ("submitted", None)


async def test_an_adverse_police_report_strikes_her_off(services: Services, clock: Clock) -> None:
    queue = services.signup_queue
    application_id = await sent_application(services)
    await queue.decide(application_id, LUCKNOW_OFFICER, "approve", None)
    with pytest.raises(Refusal, match="Approve"):
        await queue.police(await sent_application(services, "9876509999"), LUCKNOW_OFFICER, PoliceStep.REQUESTED,
                           "LKO/CV/1", date(2026, 12, 9), None)
    await queue.police(application_id, LUCKNOW_OFFICER, PoliceStep.REQUESTED, "LKO/CV/2026/7", START.date(), None)
    with pytest.raises(FieldErrors) as no_reason:
        await queue.police(application_id, LUCKNOW_OFFICER, PoliceStep.ADVERSE, "LKO/PV/7", START.date(), None)
    assert list(fields_of(no_reason)) == ["reason"]
    struck = await queue.police(application_id, LUCKNOW_OFFICER, PoliceStep.ADVERSE, "LKO/PV/7", START.date(),
                                "Named in FIR 123/2025 at Hazratganj police station.")
    assert stage_of(struck["status"], struck["verification"]) is Stage.STRUCK_OFF
    assert struck["reason"] == "Named in FIR 123/2025 at Hazratganj police station."
    with pytest.raises(Refusal):
        await services.fulfillment.presence.go_online(application_id, *HAZRATGANJ)


async def test_a_first_save_sent_twice_at_once_makes_one_application(services: Services, clock: Clock) -> None:
    await proven(services)
    answers = await asyncio.gather(services.signup.save(PHONE, details()), services.signup.save(PHONE, details()),
                                   return_exceptions=True)
    saved = [answer for answer in answers if not isinstance(answer, BaseException)]
    # SQLite serialises the two (the second updates the first's draft); on PostgreSQL one may find the other's row
    # taken by the unique phone and is asked to save again
    refused = [answer for answer in answers if isinstance(answer, Refusal) and answer.field == "application"]
    assert len(saved) + len(refused) == 2 and saved
    async with services.db.connect() as conn:
        assert len((await conn.execute(select(worker_applications))).all()) == 1
