"""Worker sign-up rules without I/O: the phone OTP's expiry and lock, the application's steps, what she is shown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from fulfillment.documents import JPEG, PDF, PNG
from fulfillment.signup import (
    APPLICATION_DOCUMENTS,
    APPROVED,
    DECLINED,
    DRAFT,
    MAX_WRONG_OTPS,
    OTP_LOCK,
    OTP_LOCKED,
    OTP_VALIDITY,
    RESEND_GAP,
    SUBMITTED,
    PhoneOtp,
    PoliceStep,
    Stage,
    check_editable,
    check_photo,
    check_submittable,
    decide,
    police_record_problems,
    qualification_problem,
    reason_problem,
    stage_of,
)
from fulfillment.workers import DOCUMENTS_CHECKED, POLICE_PENDING, REJECTED, VERIFICATION_STEPS, VERIFIED
from schemas.errors import INVALID_OTP
from schemas.refusal import Refusal

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def test_three_wrong_tries_lock_the_phone_and_spend_the_otp() -> None:
    otp = PhoneOtp("hash", issued_at=NOW)
    for tries_left in range(MAX_WRONG_OTPS - 1, 0, -1):
        otp.check_can_try(NOW)
        otp = otp.after_wrong_try(NOW)
        refusal = otp.wrong_try_refusal(NOW)
        assert (refusal.code, refusal.field) == (INVALID_OTP.code, "otp")
        assert f"{tries_left} tries left" in refusal.message and f"{tries_left} प्रयास बाकी" in str(refusal.message_hi)
    otp = otp.after_wrong_try(NOW)
    assert otp.code_hash is None and otp.locked_until == NOW + OTP_LOCK
    locked = otp.wrong_try_refusal(NOW)
    assert (locked.code, locked.field) == (OTP_LOCKED, "otp")
    assert "30 more minutes" in locked.message and "30 मिनट" in str(locked.message_hi)

    with pytest.raises(Refusal) as trying:
        otp.check_can_try(NOW + timedelta(minutes=29, seconds=1))
    assert trying.value.code == OTP_LOCKED and "1 more minutes" in trying.value.message
    with pytest.raises(Refusal) as asking:  # a new OTP does not lift the lock ...
        otp.check_can_issue(NOW + timedelta(minutes=5))
    assert (asking.value.code, asking.value.field) == (OTP_LOCKED, "phone")
    otp.check_can_issue(NOW + OTP_LOCK)  # ... its end does


def test_an_otp_lasts_ten_minutes_and_a_second_sms_waits_for_the_first() -> None:
    otp = PhoneOtp("hash", issued_at=NOW)
    otp.check_can_try(NOW + OTP_VALIDITY)
    with pytest.raises(Refusal, match="expired") as late:
        otp.check_can_try(NOW + OTP_VALIDITY + timedelta(seconds=1))
    assert late.value.field == "otp" and "नया OTP" in str(late.value.message_hi)
    with pytest.raises(Refusal, match="expired"):  # a used OTP keeps no hash
        PhoneOtp(None, issued_at=NOW).check_can_try(NOW)

    with pytest.raises(Refusal, match="Wait 30 seconds") as soon:
        otp.check_can_issue(NOW)
    assert soon.value.field == "phone"
    with pytest.raises(Refusal, match="Wait 1 seconds"):
        otp.check_can_issue(NOW + RESEND_GAP - timedelta(milliseconds=500))
    otp.check_can_issue(NOW + RESEND_GAP)


def test_an_application_changes_only_before_it_is_sent_or_after_it_was_turned_down() -> None:
    check_editable(DRAFT)
    check_editable(DECLINED)
    for status in (SUBMITTED, APPROVED):
        with pytest.raises(Refusal, match="cannot be changed now") as refused:
            check_editable(status)
        assert refused.value.field == "application"


def test_sending_needs_every_document_and_names_the_first_missing_one() -> None:
    with pytest.raises(Refusal, match="Upload your ID proof") as no_id:
        check_submittable(DRAFT, APPLICATION_DOCUMENTS, set())
    assert no_id.value.field == "id_proof" and "पहचान पत्र अपलोड करें" in str(no_id.value.message_hi)
    with pytest.raises(Refusal) as no_photo:
        check_submittable(DRAFT, APPLICATION_DOCUMENTS, {"id_proof"})
    assert no_photo.value.field == "photo"
    check_submittable(DECLINED, APPLICATION_DOCUMENTS, {"id_proof", "photo", "police_certificate"})
    with pytest.raises(Refusal, match="cannot be changed"):
        check_submittable(SUBMITTED, APPLICATION_DOCUMENTS, {"id_proof", "photo"})


def test_she_uploads_her_id_proof_and_a_photo_which_is_a_picture() -> None:
    assert list(APPLICATION_DOCUMENTS) == ["id_proof", "photo"]
    for file_type in (JPEG, PNG):
        check_photo("photo", file_type)
    check_photo("id_proof", PDF)
    with pytest.raises(Refusal, match="not a PDF") as refused:
        check_photo("photo", PDF)
    assert refused.value.field == "photo" and "कैमरे" in str(refused.value.message_hi)


def test_staff_decide_only_a_sent_application() -> None:
    assert decide(SUBMITTED, "approve") == APPROVED
    assert decide(SUBMITTED, "reject") == DECLINED
    with pytest.raises(Refusal, match="Unknown decision"):
        decide(SUBMITTED, "maybe")
    for status in (DRAFT, APPROVED, DECLINED):
        with pytest.raises(Refusal, match="Only a sent application") as refused:
            decide(status, "approve")
        assert refused.value.field == "step"
    assert reason_problem("Photo is blurred; upload a clear one.") is None
    for empty in (None, "", "   "):
        problem = reason_problem(empty)
        assert problem is not None and problem.field == "reason"


def test_qualifications_are_iti_diploma_degree_or_experience() -> None:
    for code in ("iti", "diploma", "degree", "experience"):
        assert qualification_problem(code) is None
    problem = qualification_problem("phd")
    assert problem is not None and problem.field == "qualification" and "आईटीआई" in str(problem.message_hi)


def test_police_steps_are_the_worker_verification_steps() -> None:
    assert PoliceStep.REQUESTED.verification_action in VERIFICATION_STEPS
    assert PoliceStep.CLEARED.verification_action in VERIFICATION_STEPS
    assert PoliceStep.ADVERSE.verification_action == "reject"


@pytest.mark.parametrize(("reference", "on", "fields"), [
    ("LKO/CV/2026/001234", date(2026, 12, 5), []),
    ("  ", date(2026, 12, 5), ["reference"]),
    ("x" * 65, date(2026, 12, 5), ["reference"]),
    ("=HYPERLINK(1)", date(2026, 12, 5), ["reference"]),
    ("LKO/CV/2026/001234", date(2026, 12, 7), ["date"]),
    ("LKO/CV/2026/001234", date(2026, 11, 30), ["date"]),
    ("", date(2027, 1, 1), ["reference", "date"]),
    ("LKO/CV/2026/001234", None, ["date"]),
])
def test_a_police_record_has_a_reference_and_a_date_between_the_application_and_today(
    reference: str, on: date | None, fields: list[str]
) -> None:
    problems = police_record_problems(reference, on, today=date(2026, 12, 6), applied=date(2026, 12, 1))
    assert [problem.field for problem in problems] == fields
    assert all(problem.message_hi for problem in problems)


@pytest.mark.parametrize(("status", "verification", "stage"), [
    (DRAFT, None, Stage.DRAFT),
    (SUBMITTED, None, Stage.SUBMITTED),
    (DECLINED, None, Stage.REJECTED),
    (APPROVED, DOCUMENTS_CHECKED, Stage.POLICE_CHECK),
    (APPROVED, POLICE_PENDING, Stage.POLICE_PENDING),
    (APPROVED, VERIFIED, Stage.VERIFIED),
    (APPROVED, REJECTED, Stage.STRUCK_OFF),
])
def test_the_applicant_sees_her_stage(status: str, verification: str | None, stage: Stage) -> None:
    assert stage_of(status, verification) is stage
