"""Worker rules: registration checks, the verification lifecycle, standing, rating, calendar (pure)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final

from fulfillment.geo import MAX_INDEXABLE_LATITUDE
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import NOT_ALLOWED, Refusal
from schemas.spreadsheet import formula_refusal, looks_like_formula


def _refused(en: str, hi: str, field: str) -> Refusal:
    """A worker rule said no: staff read why in the console, in English and Hindi; `field` is the input at fault."""
    return Refusal(BUSINESS_ERROR.code, en, field, hi)


# verification lifecycle: each staff step moves one place along; rejection ends it.
REGISTERED = "registered"
DOCUMENTS_CHECKED = "documents_checked"
POLICE_PENDING = "police_verification_pending"
VERIFIED = "verified"
REJECTED = "rejected"

# standing, independent of verification: suspension can be lifted, a ban is permanent.
ACTIVE = "active"
SUSPENDED = "suspended"
BANNED = "banned"

VERIFICATION_STEPS: Final[dict[str, tuple[str, str]]] = {
    # action: (required current status, new status)
    "check_documents": (REGISTERED, DOCUMENTS_CHECKED),
    "request_police_verification": (DOCUMENTS_CHECKED, POLICE_PENDING),
    "police_cleared": (POLICE_PENDING, VERIFIED),
}
_REJECTABLE: Final = frozenset({REGISTERED, DOCUMENTS_CHECKED, POLICE_PENDING})

# The documents a worker must have on file (uploaded scans, not only their numbers) before she is verified.
ID_PROOF = "id_proof"
POLICE_CERTIFICATE = "police_certificate"
PHOTO = "photo"  # her face, for the customer to know her at the door: asked at sign-up (fulfillment.signup)
REQUIRED_DOCUMENTS: Final = (ID_PROOF, POLICE_CERTIFICATE)
DOCUMENT_NAMES: Final[dict[str, tuple[str, str]]] = {  # kind: (English, Hindi)
    ID_PROOF: ("ID proof", "पहचान पत्र"),
    POLICE_CERTIFICATE: ("police verification certificate", "पुलिस सत्यापन प्रमाणपत्र"),
    PHOTO: ("photo", "फ़ोटो"),
}

_PHONE = re.compile(r"^[6-9]\d{9}$")
_PIN = re.compile(r"^\d{4,6}$")
_CITY = re.compile(r"^std:\d{3,5}$")


@dataclass(frozen=True, slots=True)
class Registration:
    """What staff enter to register a worker (the PIN is hashed before storage)."""

    name: str
    phone: str
    pin: str
    skills: tuple[str, ...]
    home_lat: float
    home_lng: float
    district: str
    languages: tuple[str, ...] = ("hi",)
    documents: tuple[dict[str, str], ...] = ()


def registration_problems(reg: Registration, known_categories: Iterable[str] | None = None) -> list[Refusal]:
    """Every wrong field of a registration, each with its field name (empty when it is fine)."""
    problems: list[Refusal] = []
    if not reg.name.strip():
        problems.append(_refused("Enter the worker's name.", "कर्मी का नाम दर्ज करें।", "name"))
    elif looks_like_formula(reg.name):  # the name reaches the payout bank file when no holder name is given
        problems.append(_refused(*formula_refusal("name"), "name"))
    if not _PHONE.match(reg.phone):
        problems.append(_refused(
            "Enter a 10-digit mobile number starting with 6-9.",
            "6-9 से शुरू होने वाला 10 अंकों का मोबाइल नंबर दर्ज करें।",
            "phone",
        ))
    if not _PIN.match(reg.pin):
        problems.append(_refused("The PIN must be 4 to 6 digits.", "पिन 4 से 6 अंकों का होना चाहिए।", "pin"))
    unknown = sorted(set(reg.skills) - set(known_categories)) if known_categories is not None else []
    if not reg.skills:
        problems.append(_refused("Choose at least one skill.", "कम से कम एक कौशल चुनें।", "skills"))
    elif unknown:
        problems.append(_refused(
            f"Unknown skills {unknown}; choose catalogue categories.",
            f"अज्ञात कौशल {unknown}; सूची की श्रेणियाँ चुनें।",
            "skills",
        ))
    if not (abs(reg.home_lat) <= MAX_INDEXABLE_LATITUDE and -180 <= reg.home_lng <= 180):
        problems.append(_refused(
            "The home location is not a valid GPS point.", "घर का स्थान सही GPS नहीं है।", "home_gps"
        ))
    if not _CITY.match(reg.district):
        problems.append(_refused(
            "The district must be a city code such as std:0522.", "ज़िला std:0522 जैसे शहर कोड में दें।", "district"
        ))
    return problems


def verification_step(current: str, action: str, documents_on_file: Collection[str]) -> str:
    """The verification status after a staff `action` (see VERIFICATION_STEPS, or `reject`).

    `documents_on_file` are the kinds of document uploaded for her: she is verified only with every one of
    REQUIRED_DOCUMENTS on file.
    """
    if action == "reject":
        if current not in _REJECTABLE:
            raise _refused(
                f"A worker who is {current} cannot be rejected; suspend or ban instead.",
                f"{current} स्थिति वाले कर्मी को अस्वीकार नहीं किया जा सकता; निलंबित या प्रतिबंधित करें।",
                "step",
            )
        return REJECTED
    if action not in VERIFICATION_STEPS:
        raise _refused(f"Unknown verification step {action}.", f"अज्ञात सत्यापन चरण {action}।", "step")
    required, after = VERIFICATION_STEPS[action]
    if current != required:
        raise _refused(
            f"This step needs status {required}; the worker is {current}. Do the earlier step first.",
            f"इस चरण के लिए स्थिति {required} चाहिए; कर्मी {current} है। पहले पिछला चरण पूरा करें।",
            "step",
        )
    missing = [kind for kind in REQUIRED_DOCUMENTS if kind not in documents_on_file]
    if after == VERIFIED and missing:
        raise _refused(
            "Upload the worker's " + " and ".join(DOCUMENT_NAMES[kind][0] for kind in missing)
            + " before marking her verified.",
            "सत्यापित करने से पहले कर्मी का " + " और ".join(DOCUMENT_NAMES[kind][1] for kind in missing)
            + " अपलोड करें।",
            "documents",
        )
    return after


def standing_change(current: str, action: str, reason: str | None) -> str:
    """The standing after `suspend`, `reinstate` or `ban`; suspension and ban need a reason."""
    if current == BANNED:
        raise _refused(
            "This worker is banned permanently; nothing can change that.",
            "यह कर्मी स्थायी रूप से प्रतिबंधित है; इसे बदला नहीं जा सकता।",
            "action",
        )
    if action in ("suspend", "ban") and not (reason and reason.strip()):
        raise _refused("Give the reason.", "कारण लिखें।", "reason")
    if action == "suspend" and current == ACTIVE:
        return SUSPENDED
    if action == "reinstate" and current == SUSPENDED:
        return ACTIVE
    if action == "ban":
        return BANNED
    raise _refused(
        f"Cannot {action} a worker who is {current}.",
        f"{current} स्थिति वाले कर्मी पर '{action}' नहीं किया जा सकता।",
        "action",
    )


def already_sanctioned(current: str, action: str) -> bool:
    """True when a `suspend` or `ban` would change nothing more: she is banned, or suspended and this suspends."""
    return current == BANNED or (action == "suspend" and current == SUSPENDED)


def is_matchable(verification: str, standing: str, online: bool) -> bool:
    """Only verified, active (not suspended or banned), online workers receive offers."""
    return verification == VERIFIED and standing == ACTIVE and online


def is_listed(verification: str, standing: str) -> bool:
    """Verified and in good standing: counts for search coverage."""
    return verification == VERIFIED and standing == ACTIVE


def check_may_go_online(verification: str | None, standing: str | None) -> None:
    """Only a listed worker goes online: an unverified or suspended one (or none on record) gets no offers."""
    if verification is None or standing is None or not is_listed(verification, standing):
        raise Refusal(
            NOT_ALLOWED,
            "You can go online once you are verified and not suspended. Call 155330 for help.",
            message_hi="सत्यापन के बाद और निलंबन न होने पर ही आप ऑनलाइन हो सकते हैं। सहायता के लिए 155330 पर कॉल करें।",
        )


def rating_average(rating_sum: Decimal, rating_count: int) -> Decimal | None:
    """The mean rating to one decimal place, or None before the first rating."""
    if rating_count == 0:
        return None
    return (Decimal(rating_sum) / rating_count).quantize(Decimal("0.1"))


def check_rating(value: Decimal) -> Decimal:
    """A rating is 1 to 5."""
    if not Decimal(1) <= value <= Decimal(5):
        raise _refused("A rating must be between 1 and 5.", "रेटिंग 1 से 5 के बीच होनी चाहिए।", "rating")
    return value


def slot_is_free(booked: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    """True when [start, end) overlaps none of the worker's booked slots."""
    return all(end <= booked_start or start >= booked_end for booked_start, booked_end in booked)
