"""Request bodies and views of the agency API."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from bpp.notify import Language
from bpp.signup.schemas import application_view
from bpp.storage.db import Row
from catalog.formats import money


class AgencyForm(BaseModel):
    name: str = Field(max_length=200)
    registration_number: str = Field(max_length=100, description="the firm's registration or licence number")
    gstin: str = Field(max_length=30, description="15 characters; its check character is verified")
    pan: str = Field(max_length=20, description="the firm's PAN, the one inside its GSTIN")
    address: str = Field(max_length=600)
    district: str = Field(max_length=16, description="a Seva Mitra unit's city code (GET /agency/api/form)")
    contact_name: str = Field(max_length=200)
    password: str = Field(max_length=200, description="the agency's login password, at least 10 characters")
    language: Language = "hi"


class AgencyWorkerForm(BaseModel):
    phone: str = Field(max_length=20, description="the worker's own mobile: she logs in to the worker app with it")
    name: str = Field(max_length=128)
    trades: list[str] = Field(max_length=30, description="catalogue category codes (GET /signup/api/form)")
    qualification: str = Field(max_length=16, description="iti, diploma, degree or experience")
    pincode: str = Field(max_length=12)
    home_lat: float | None = None
    home_lng: float | None = None
    pin: str = Field(max_length=12, description="4 to 6 digits: her PIN for the worker app")
    language: Language = "hi"


def agency_view(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"], "phone": row["phone"], "status": row["status"], "name": row["name"],
        "registration_number": row["registration_number"], "gstin": row["gstin"], "pan": row["pan"],
        "address": row["address"], "district": row["district"], "contact_name": row["contact_name"],
        "language": row["language"], "reason": row["reason"], "has_login": row["staff_user_id"] is not None,
        "submitted_at": row["submitted_at"].isoformat(),
        "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None,
    }


def agency_worker_view(row: Row) -> dict[str, Any]:
    count = row["rating_count"] or 0
    average = (Decimal(row["rating_sum"]) / count).quantize(Decimal("0.1")) if count else None
    return {**application_view(row, []), "rating_count": count,
            "rating": str(average) if average is not None else None}


def job_view(row: Row) -> dict[str, Any]:
    return {"order_id": row["id"], "category_id": row["category_id"], "status": row["status"],
            "fulfillment_state": row["fulfillment_state"], "worker_id": row["worker_id"],
            "worker_name": row["worker_name"], "total": money(row["total"]),
            "slot_start": row["slot_start"].isoformat() if row["slot_start"] else None,
            "created_at": row["created_at"].isoformat()}


def payout_view(row: Row) -> dict[str, Any]:
    return {"batch_id": row["batch_id"], "worker_id": row["worker_id"], "worker_name": row["worker_name"],
            "amount": money(row["amount"]), "status": row["status"], "bank_reference": row["bank_reference"],
            "created_at": row["created_at"].isoformat()}
