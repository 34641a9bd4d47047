"""Catalogue entities as JSON-safe dicts (for storage, the audit trail and the staff API) and back."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from catalog.engagement_terms import BillingMode, EmploymentBasis, EngagementTerms, VisitSchedule
from catalog.model import Availability, CancellationTerm, Provider, RescheduleTerms, ServiceItem
from catalog.schedule import format_days, parse_clock, parse_days


def _opt_decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def availability_to_json(availability: Availability) -> dict[str, Any]:
    return {
        "days": format_days(availability.days),
        "opens": availability.opens.strftime("%H:%M"),
        "closes": availability.closes.strftime("%H:%M"),
        "holidays": [day.isoformat() for day in sorted(availability.holidays)],
        "slot_minutes": availability.slot_minutes,
    }


def availability_from_json(data: Mapping[str, Any]) -> Availability:
    return Availability(
        days=parse_days(str(data["days"])),
        opens=parse_clock(str(data["opens"])),
        closes=parse_clock(str(data["closes"])),
        holidays=frozenset(date.fromisoformat(str(day)) for day in data.get("holidays") or ()),
        slot_minutes=int(data["slot_minutes"]),
    )


def cancellation_to_json(term: CancellationTerm) -> dict[str, Any]:
    return {
        "state": term.state,
        "fee_percent": None if term.fee_percent is None else str(term.fee_percent),
        "fee_amount": None if term.fee_amount is None else str(term.fee_amount),
        "reason_required": term.reason_required,
    }


def cancellation_from_json(data: Mapping[str, Any]) -> CancellationTerm:
    return CancellationTerm(
        state=str(data["state"]),
        fee_percent=_opt_decimal(data.get("fee_percent")),
        fee_amount=_opt_decimal(data.get("fee_amount")),
        reason_required=bool(data.get("reason_required", False)),
    )


def reschedule_to_json(terms: RescheduleTerms) -> dict[str, Any]:
    return {"eligible": terms.eligible, "fee": str(terms.fee), "within": terms.within, "state": terms.state}


def reschedule_from_json(data: Mapping[str, Any]) -> RescheduleTerms:
    return RescheduleTerms(
        eligible=bool(data["eligible"]),
        fee=Decimal(str(data["fee"])),
        within=str(data["within"]),
        state=str(data.get("state", "Pending")),
    )


def engagement_to_json(terms: EngagementTerms) -> dict[str, Any]:
    """An engagement item's terms; the visit length is the item's `duration_minutes`."""
    return {
        "days": format_days(terms.schedule.weekdays),
        "time": terms.schedule.start.strftime("%H:%M"),
        "min_months": terms.min_months,
        "max_months": terms.max_months,
        "notice_days": terms.notice_days,
        "basis": terms.basis.value,
        "billing": terms.billing.value,
    }


def engagement_from_json(data: Mapping[str, Any], visit_minutes: int) -> EngagementTerms:
    return EngagementTerms(
        schedule=VisitSchedule(parse_days(str(data["days"])), parse_clock(str(data["time"])), visit_minutes),
        min_months=int(data["min_months"]),
        max_months=int(data["max_months"]),
        notice_days=int(data["notice_days"]),
        basis=EmploymentBasis(data["basis"]),
        billing=BillingMode(data["billing"]),
    )


def item_to_json(item: ServiceItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "id": item.id,
        "provider_id": item.provider_id,
        "category_id": item.category_id,
        "name_en": item.name_en,
        "name_hi": item.name_hi,
        "description_en": item.description_en,
        "description_hi": item.description_hi,
        "images": list(item.images),
        "fee": str(item.fee),
        "duration_minutes": item.duration_minutes,
        "tax_percent": str(item.tax_percent),
        "availability": availability_to_json(item.availability),
        "cancellation_terms": [cancellation_to_json(term) for term in item.cancellation_terms],
        "reschedule_terms": reschedule_to_json(item.reschedule_terms),
        "published": item.published,
        "version": item.version,
        "engagement": None if item.engagement is None else engagement_to_json(item.engagement),
    }


def item_from_json(data: Mapping[str, Any]) -> ServiceItem:
    return ServiceItem(
        id=str(data["id"]),
        provider_id=str(data["provider_id"]),
        category_id=str(data["category_id"]),
        name_en=str(data["name_en"]),
        name_hi=str(data["name_hi"]),
        description_en=str(data.get("description_en") or ""),
        description_hi=str(data.get("description_hi") or ""),
        images=tuple(data.get("images") or ()),
        fee=Decimal(str(data["fee"])),
        duration_minutes=int(data["duration_minutes"]),
        tax_percent=Decimal(str(data["tax_percent"])),
        availability=availability_from_json(data["availability"]),
        cancellation_terms=tuple(cancellation_from_json(term) for term in data["cancellation_terms"]),
        reschedule_terms=reschedule_from_json(data["reschedule_terms"]),
        published=bool(data.get("published", False)),
        version=int(data.get("version", 1)),
        engagement=engagement_from_json(data["engagement"], int(data["duration_minutes"]))
        if data.get("engagement")
        else None,
    )


def provider_to_json(provider: Provider) -> dict[str, Any]:
    return {
        "id": provider.id,
        "city": provider.city,
        "name_en": provider.name_en,
        "name_hi": provider.name_hi,
        "gps": provider.gps,
        "address": provider.address,
        "area_code": provider.area_code,
        "state_code": provider.state_code,
        "serviceability_km": str(provider.serviceability_km),
        "images": list(provider.images),
        "version": provider.version,
        "city_name": provider.city_name,
    }


def provider_from_json(data: Mapping[str, Any]) -> Provider:
    return Provider(
        id=str(data["id"]),
        city=str(data["city"]),
        name_en=str(data["name_en"]),
        name_hi=str(data["name_hi"]),
        gps=str(data["gps"]),
        address=str(data["address"]),
        area_code=str(data["area_code"]),
        state_code=str(data.get("state_code") or "UP"),
        serviceability_km=Decimal(str(data.get("serviceability_km") or "3")),
        images=tuple(data.get("images") or ()),
        version=int(data.get("version", 1)),
        city_name=str(data.get("city_name") or ""),
    )
