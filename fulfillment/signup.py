"""Worker sign-up (issue 16): the phone OTP, the application's details and steps, what the applicant is shown (pure).

An applicant proves her phone with a one-time code sent by SMS, fills in her details, uploads her ID proof and a
photo and sends the application. District staff approve it (she becomes a worker whose documents are checked)
or reject it with a reason she reads. An approved worker still goes through police verification, with the
police's reference number and date, before she is `verified` and may go online (`fulfillment.workers`).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final

from fulfillment.documents import JPEG, PNG, FileType
from fulfillment.workers import (
    DOCUMENT_NAMES,
    DOCUMENTS_CHECKED,
    ID_PROOF,
    PHOTO,
    POLICE_PENDING,
    REJECTED,
    VERIFIED,
)
from schemas.errors import BUSINESS_ERROR, INVALID_OTP
from schemas.refusal import Refusal
from schemas.spreadsheet import formula_refusal, looks_like_formula

# ---- the phone OTP ------------------------------------------------------------------------------

OTP_DIGITS: Final = 6
OTP_VALIDITY: Final = timedelta(minutes=10)
MAX_WRONG_OTPS: Final = 3  # then the phone is locked: guessing six digits three at a time is hopeless
OTP_LOCK: Final = timedelta(minutes=30)
RESEND_GAP: Final = timedelta(seconds=30)  # a second SMS within this is refused: the first is usually on its way
OTP_LOCKED: Final = "otp_locked"


def _minutes(span: timedelta) -> int:
    """A wait as whole minutes, rounded up (people are told "1 minute", never "0 minutes")."""
    return max(1, math.ceil(span.total_seconds() / 60))


def otp_just_sent(wait: timedelta = RESEND_GAP) -> Refusal:
    """A second OTP asked for `wait` before it may be."""
    seconds = math.ceil(wait.total_seconds())
    return Refusal(
        BUSINESS_ERROR.code,
        f"An OTP was just sent. Wait {seconds} seconds for the SMS before asking for another.",
        "phone",
        f"OTP अभी भेजा गया है। दूसरा मँगाने से पहले {seconds} सेकंड SMS की प्रतीक्षा करें।",
    )


@dataclass(frozen=True, slots=True)
class PhoneOtp:
    """The OTP last sent to a phone: its hash (None once used or spent), when it was sent, wrong tries, lock."""

    code_hash: str | None
    issued_at: datetime
    wrong_tries: int = 0
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def _locked(self, now: datetime, field: str) -> Refusal:
        assert self.locked_until is not None
        minutes = _minutes(self.locked_until - now)
        return Refusal(
            OTP_LOCKED,
            f"The OTP was entered wrong {MAX_WRONG_OTPS} times, so this number is locked for {minutes} more "
            "minutes. Then ask for a new OTP.",
            field,
            f"OTP {MAX_WRONG_OTPS} बार गलत डाला गया, इसलिए यह नंबर अभी {minutes} मिनट के लिए बंद है। उसके बाद नया "
            "OTP मँगाएँ।",
        )

    def check_can_issue(self, now: datetime) -> None:
        """A new OTP is refused while the phone is locked, and within RESEND_GAP of the last one."""
        if self.is_locked(now):
            raise self._locked(now, "phone")
        wait = self.issued_at + RESEND_GAP - now
        if wait > timedelta(0):
            raise otp_just_sent(wait)

    def check_can_try(self, now: datetime) -> None:
        """An entered code is checked only while the OTP is unused, unexpired and the phone unlocked."""
        if self.is_locked(now):
            raise self._locked(now, "otp")
        if self.code_hash is None or now > self.issued_at + OTP_VALIDITY:
            raise Refusal(
                INVALID_OTP.code,
                f"This OTP has expired (it lasts {_minutes(OTP_VALIDITY)} minutes). Ask for a new OTP.",
                "otp",
                f"यह OTP पुराना हो गया है ({_minutes(OTP_VALIDITY)} मिनट तक चलता है)। नया OTP मँगाएँ।",
            )

    def after_wrong_try(self, now: datetime) -> PhoneOtp:
        """One more wrong try; the last allowed one locks the phone and spends the OTP."""
        tries = self.wrong_tries + 1
        if tries >= MAX_WRONG_OTPS:
            return replace(self, code_hash=None, wrong_tries=tries, locked_until=now + OTP_LOCK)
        return replace(self, wrong_tries=tries)

    def wrong_try_refusal(self, now: datetime) -> Refusal:
        """What the applicant is told after a wrong try that this OTP state records."""
        if self.is_locked(now):
            return self._locked(now, "otp")
        left = MAX_WRONG_OTPS - self.wrong_tries
        return Refusal(
            INVALID_OTP.code,
            f"Wrong OTP. Check the SMS and type the {OTP_DIGITS} digits again; {left} tries left.",
            "otp",
            f"OTP गलत है। SMS देखकर {OTP_DIGITS} अंक फिर से लिखें; {left} प्रयास बाकी हैं।",
        )


# ---- the application ----------------------------------------------------------------------------

DRAFT = "draft"  # details saved; documents and sending may follow
SUBMITTED = "submitted"  # waiting for district staff
APPROVED = "approved"  # she is a worker now; police verification follows on her worker record
DECLINED = "rejected"  # with the reason she reads; she may correct and send again
EDITABLE: Final = frozenset({DRAFT, DECLINED})

QUALIFICATIONS: Final[Mapping[str, tuple[str, str]]] = {  # code: (English, Hindi)
    "iti": ("ITI certificate", "आईटीआई प्रमाणपत्र"),
    "diploma": ("Diploma", "डिप्लोमा"),
    "degree": ("Degree", "डिग्री"),
    "experience": ("Work experience only", "केवल काम का अनुभव"),
}


def _refused(en: str, hi: str, field: str) -> Refusal:
    return Refusal(BUSINESS_ERROR.code, en, field, hi)


def qualification_problem(code: str) -> Refusal | None:
    if code in QUALIFICATIONS:
        return None
    return _refused("Choose your qualification: ITI, diploma, degree or work experience.",
                    "अपनी योग्यता चुनें: आईटीआई, डिप्लोमा, डिग्री या काम का अनुभव।", "qualification")


def check_editable(status: str) -> None:
    """Details and documents change only before the application is sent, or after it was turned down."""
    if status not in EDITABLE:
        raise _refused(
            "Your application has been sent to the district office; it cannot be changed now. Call 155330 "
            "if something in it is wrong.",
            "आपका आवेदन ज़िला कार्यालय भेजा जा चुका है; अब बदला नहीं जा सकता। कुछ गलत हो तो 155330 पर कॉल करें।",
            "application",
        )


# What she uploads herself (kind: (English, Hindi)); the police certificate comes later, through staff.
APPLICATION_DOCUMENTS: Final[Mapping[str, tuple[str, str]]] = {kind: DOCUMENT_NAMES[kind] for kind in (ID_PROOF, PHOTO)}


def check_photo(kind: str, file_type: FileType) -> None:
    """Her photo is a picture (the ID proof may be a PDF scan)."""
    if kind == PHOTO and file_type not in (JPEG, PNG):
        raise _refused("Your photo must be a picture (JPEG or PNG), not a PDF. Take it with the phone's camera.",
                       "आपकी फ़ोटो तस्वीर (JPEG या PNG) होनी चाहिए, PDF नहीं। फ़ोन के कैमरे से फ़ोटो लें।", kind)


def check_submittable(status: str, needed: Mapping[str, tuple[str, str]], on_file: Collection[str]) -> None:
    """Sent only when editable and with every `needed` document kind (kind: (English, Hindi)) uploaded."""
    check_editable(status)
    missing = [kind for kind in needed if kind not in on_file]
    if missing:
        kind = missing[0]
        en, hi = needed[kind]
        raise _refused(f"Upload your {en} before sending the application.",
                       f"आवेदन भेजने से पहले अपना {hi} अपलोड करें।", kind)


def decide(status: str, action: str) -> str:
    """Staff decide a sent application: `approve` or `reject`."""
    if status != SUBMITTED:
        raise _refused(
            f"Only a sent application can be decided; this one is {status}. Refresh the queue.",
            f"केवल भेजे गए आवेदन पर निर्णय हो सकता है; यह {status} है। सूची ताज़ा करें।",
            "step",
        )
    if action == "approve":
        return APPROVED
    if action == "reject":
        return DECLINED
    raise _refused(f"Unknown decision {action}; use approve or reject.",
                   f"अज्ञात निर्णय {action}; approve या reject चुनें।", "step")


def reason_problem(reason: str | None) -> Refusal | None:
    """A rejection or an adverse report carries the reason the applicant reads."""
    if reason and reason.strip():
        return None
    return _refused("Write the reason; the applicant reads it.", "कारण लिखें; आवेदक इसे पढ़ेगी।", "reason")


# ---- police verification ------------------------------------------------------------------------

class PoliceStep(StrEnum):
    """What the police told the district office, and the worker verification step each one is."""

    REQUESTED = "requested"
    CLEARED = "cleared"
    ADVERSE = "adverse"  # found in a criminal case: she is struck off

    @property
    def verification_action(self) -> str:
        return {"requested": "request_police_verification", "cleared": "police_cleared", "adverse": "reject"}[self]


REFERENCE_LENGTH: Final = 64


def police_record_problems(reference: str, on: date | None, *, today: date, applied: date) -> list[Refusal]:
    """The police's reference number and the date of the request or report, as staff typed them."""
    problems: list[Refusal] = []
    text = reference.strip()
    if not 3 <= len(text) <= REFERENCE_LENGTH:
        problems.append(_refused(f"Give the police reference number (3 to {REFERENCE_LENGTH} characters).",
                                 f"पुलिस संदर्भ संख्या लिखें (3 से {REFERENCE_LENGTH} अक्षर)।", "reference"))
    elif looks_like_formula(text):
        problems.append(_refused(*formula_refusal("reference"), "reference"))
    if on is None:
        problems.append(_refused("Give the date of the police's request or report.",
                                 "पुलिस के अनुरोध या रिपोर्ट की तारीख दें।", "date"))
    elif on > today:
        problems.append(_refused("The date cannot be in the future.", "तारीख आगे की नहीं हो सकती।", "date"))
    elif on < applied:
        problems.append(_refused("The date cannot be before the application was made.",
                                 "तारीख आवेदन से पहले की नहीं हो सकती।", "date"))
    return problems


# ---- what the applicant sees --------------------------------------------------------------------

class Stage(StrEnum):
    """Where an application stands, as the applicant is shown it."""

    DRAFT = "draft"  # not sent yet
    SUBMITTED = "submitted"  # with the district office
    REJECTED = "rejected"  # turned down with a reason; she may correct and send again
    POLICE_CHECK = "police_check"  # approved: police verification is to be requested
    POLICE_PENDING = "police_pending"  # the police are verifying
    VERIFIED = "verified"  # she may log in to the worker app and go online
    STRUCK_OFF = "struck_off"  # an adverse police report (or staff rejected the worker)


def stage_of(status: str, verification: str | None) -> Stage:
    """The stage from the application's status and, once approved, her worker record's verification."""
    if status != APPROVED:
        return {DRAFT: Stage.DRAFT, SUBMITTED: Stage.SUBMITTED}.get(status, Stage.REJECTED)
    return {
        DOCUMENTS_CHECKED: Stage.POLICE_CHECK,
        POLICE_PENDING: Stage.POLICE_PENDING,
        VERIFIED: Stage.VERIFIED,
        REJECTED: Stage.STRUCK_OFF,
    }.get(verification or DOCUMENTS_CHECKED, Stage.POLICE_CHECK)
