"""What the sign-up routes take and give: request bodies, and an application as the applicant and staff see it.

Request fields are plain bounded strings, not patterns: the rules (`fulfillment.signup`, `bpp.signup.service`)
answer each wrong field in Hindi and English, which a pattern's generic message would not.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from bpp.storage.db import Row
from catalog.taxonomy import CATEGORIES
from fulfillment.signup import QUALIFICATIONS, stage_of
from fulfillment.workers import DOCUMENT_NAMES

Language = Literal["hi", "en"]


class OtpRequest(BaseModel):
    phone: str = Field(max_length=20, description="her mobile number, e.g. 98765 43210 or +91 9876543210")
    language: Language = "hi"


class OtpCheck(BaseModel):
    phone: str = Field(max_length=20)
    otp: str = Field(max_length=12)


class PinLogin(BaseModel):
    phone: str = Field(max_length=20)
    pin: str = Field(max_length=12)


class ApplicationForm(BaseModel):
    name: str = Field(max_length=128)
    trades: list[str] = Field(max_length=30, description="catalogue category codes (GET /signup/api/form)")
    qualification: str = Field(max_length=16, description="iti, diploma, degree or experience")
    pincode: str = Field(max_length=12)
    home_lat: float | None = Field(None, description="the phone's GPS point at home; null if not taken yet")
    home_lng: float | None = None
    pin: str = Field(max_length=12, description="4 to 6 digits: her PIN for the worker app")
    language: Language = "hi"


class Decision(BaseModel):
    reason: str | None = Field(None, max_length=1000, description="required to reject: the applicant reads it")


class PoliceRecord(BaseModel):
    reference: str = Field(max_length=200, description="the police's reference number of the request or report")
    date: dt.date | None = Field(None, description="the day of the request or report (not in the future)")
    reason: str | None = Field(None, max_length=1000, description="required when the report is adverse")


def choices() -> dict[str, Any]:
    """The qualification codes and document kinds with their names, for the form and the console."""
    return {
        "qualifications": [{"code": code, "en": en, "hi": hi} for code, (en, hi) in QUALIFICATIONS.items()],
        "documents": [{"kind": kind, "en": en, "hi": hi} for kind, (en, hi) in DOCUMENT_NAMES.items()],
    }


def trade_names(codes: list[str]) -> list[dict[str, str]]:
    return [{"code": code, "en": CATEGORIES[code].name_en, "hi": CATEGORIES[code].name_hi or CATEGORIES[code].name_en}
            for code in codes if code in CATEGORIES]


def application_view(row: Row, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """An application as the applicant reads it (staff see the same, with more of each document)."""
    return {
        "id": row["id"],
        "phone": row["phone"],
        "status": row["status"],
        "stage": stage_of(row["status"], row["verification"]).value,
        "name": row["name"],
        "trades": row["trades"],
        "qualification": row["qualification"],
        "pincode": row["pincode"],
        "place_district": row["place_district"],
        "district": row["district"],
        "home_lat": row["home_lat"],
        "home_lng": row["home_lng"],
        "language": row["language"],
        "reason": row["reason"],
        "police": {
            "reference": row["police_reference"],
            "requested_on": _day(row["police_requested_on"]),
            "result": row["police_result"],
            "result_reference": row["police_result_reference"],
            "result_on": _day(row["police_result_on"]),
        },
        "verification": row["verification"],
        "documents": documents,
        "created_at": row["created_at"].isoformat(),
        "submitted_at": row["submitted_at"].isoformat() if row["submitted_at"] else None,
        "updated_at": row["updated_at"].isoformat(),
    }


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
