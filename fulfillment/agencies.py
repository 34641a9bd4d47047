"""Service-provider agencies (issue 16.2): a firm that supplies workers applies, staff approve it (pure).

The firm's contact person proves her phone with the worker sign-up's OTP and fills in the firm's details; the
district office approves it (the agency gets a login with role `agency`) or turns it down with a reason she
reads, after which she may correct it and send it again. The GSTIN is checked as departments' are
(`fulfillment.departments.gstin_problem`); the PAN by its published format (python-stdnum), and the PAN inside the
GSTIN must be the firm's PAN. An approved agency adds its own workers: each is a worker application like one a
worker sends herself, so she goes through the same verification queue and police verification.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from stdnum.in_ import pan as stdnum_pan

from fulfillment.departments import gstin_problem, normalise_gstin
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import Refusal
from schemas.spreadsheet import formula_refusal, looks_like_formula

MIN_PASSWORD: Final = 10  # the agency's login guards its workers' data and payouts: longer than a worker's PIN
_LIMITS: Final = {  # field: (shortest, longest)
    "name": (3, 128),
    "registration_number": (3, 64),
    "address": (10, 500),
    "contact_name": (2, 128),
}
_NAMES: Final = {  # field: (English, Hindi), as the form names them
    "name": ("the firm's name", "फ़र्म का नाम"),
    "registration_number": ("the registration number", "पंजीकरण संख्या"),
    "address": ("the address", "पता"),
    "contact_name": ("the contact person's name", "संपर्क व्यक्ति का नाम"),
}


def _refused(field: str, en: str, hi: str) -> Refusal:
    return Refusal(BUSINESS_ERROR.code, en, field, hi)


def normalise_pan(value: str) -> str:
    return "".join(value.split()).upper()


def pan_problem(value: str) -> Refusal | None:
    """Why `value` is not a PAN (field `pan`): five letters, four digits, a letter; the fourth letter is the
    holder's type (P person, F firm, C company, ...)."""
    if stdnum_pan.is_valid(normalise_pan(value)):
        return None
    return _refused("pan", "A PAN has 10 characters: 5 letters, 4 digits and a letter, e.g. AAAFS1234K. Copy it "
                    "from the PAN card.", "PAN में 10 वर्ण होते हैं: 5 अक्षर, 4 अंक और एक अक्षर, जैसे AAAFS1234K। "
                    "इसे PAN कार्ड से देखकर लिखें।")


@dataclass(frozen=True, slots=True)
class AgencyDetails:
    """What the firm's contact person types on the form (`district` is a Seva Mitra unit's city code)."""

    name: str
    registration_number: str
    gstin: str
    pan: str
    address: str
    district: str
    contact_name: str

    def normalised(self) -> AgencyDetails:
        return AgencyDetails(
            " ".join(self.name.split()), self.registration_number.strip(), normalise_gstin(self.gstin),
            normalise_pan(self.pan), self.address.strip(), self.district.strip(), " ".join(self.contact_name.split()),
        )


def agency_problems(details: AgencyDetails, districts: Iterable[str], password: str | None) -> list[Refusal]:
    """Every wrong field at once (`password` None when it is kept as it was)."""
    problems: list[Refusal] = []
    for field, (shortest, longest) in _LIMITS.items():
        value: str = getattr(details, field).strip()
        en, hi = _NAMES[field]
        if not shortest <= len(value) <= longest:
            problems.append(_refused(field, f"Write {en} ({shortest} to {longest} characters).",
                                     f"{hi} लिखें ({shortest} से {longest} अक्षर)।"))
        elif looks_like_formula(value):
            problems.append(_refused(field, *formula_refusal(field)))
    if details.district not in set(districts):
        problems.append(_refused("district", "Choose the district where the firm works with Seva Mitra.",
                                 "वह ज़िला चुनें जहाँ फ़र्म सेवा मित्र के साथ काम करेगी।"))
    gstin = gstin_problem(details.gstin)
    pan = pan_problem(details.pan)
    problems.extend(problem for problem in (gstin, pan) if problem is not None)
    if gstin is None and pan is None and normalise_gstin(details.gstin)[2:12] != normalise_pan(details.pan):
        problems.append(_refused("gstin", "The GSTIN does not contain the firm's PAN (characters 3 to 12). Check "
                                 "both against the certificates.", "GSTIN में फ़र्म का PAN (वर्ण 3 से 12) नहीं है। "
                                 "दोनों को प्रमाणपत्रों से मिलाकर जाँचें।"))
    if password is not None and len(password) < MIN_PASSWORD:
        problems.append(_refused("password", f"Choose a password of at least {MIN_PASSWORD} characters.",
                                 f"कम से कम {MIN_PASSWORD} अक्षरों का पासवर्ड चुनें।"))
    return problems

