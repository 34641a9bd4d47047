"""Beckn JSON fragments of catalogue entities, built once per snapshot and reused by every reply.

Names and descriptions are bilingual: `descriptor.name` is "English / हिन्दी", `short_desc` the
English description and `long_desc` the Hindi one (Beckn descriptors have no language field).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Final

from catalog.formats import money, timestamp
from catalog.model import FULFILLMENT_ID, Availability, CancellationTerm, Provider, RescheduleTerms, ServiceItem
from catalog.quote import CURRENCY
from catalog.schedule import IST, MAX_SEARCH_DAYS, format_days

PAYMENT_PRE: Final = {"id": "PY1", "type": "PRE-FULFILLMENT", "collected_by": "BAP"}
PAYMENT_ON: Final = {"id": "PY2", "type": "ON-FULFILLMENT", "collected_by": "BPP"}
PAYMENT_IDS: Final = ("PY1", "PY2")
# A term holds while the fulfillment is in its state, with no clock deadline (docs/catalogue.md), so
# `cancel_by` names that limit instead of the `duration` the ONDC examples put there.
CANCEL_BY: Final = {"label": "until_fulfillment_state_changes"}
# Our items are stand-alone services without customizations: no parent, sent empty as the ONDC
# on_search examples send it for a base service (docs/catalogue.md).
NO_PARENT_ITEM: Final = ""
# What one booking buys: one visit. "unit" is the SRV on_search table's own usage for
# `items.quantity.unitized.measure.unit`.
ONE_VISIT: Final = {"unitized": {"measure": {"unit": "unit", "value": "1"}}}

CategoryImage = Callable[[str], str]  # category code -> absolute URL of its image


def descriptor(
    name_en: str, name_hi: str, desc_en: str, desc_hi: str, images: tuple[str, ...]
) -> dict[str, Any]:
    result: dict[str, Any] = {"name": f"{name_en} / {name_hi}" if name_hi else name_en}
    if desc_en:
        result["short_desc"] = desc_en
    if desc_hi:
        result["long_desc"] = desc_hi
    if images:
        result["images"] = [{"url": url} for url in images]
    return result


def cancellation_terms(terms: tuple[CancellationTerm, ...]) -> list[dict[str, Any]]:
    return [_cancellation_term(term) for term in terms]


def _cancellation_term(term: CancellationTerm) -> dict[str, Any]:
    if term.fee_amount is not None:
        fee: dict[str, Any] = {"amount": {"currency": CURRENCY, "value": money(term.fee_amount)}}
    else:
        fee = {"percentage": str(term.fee_percent or 0)}
    return {
        "fulfillment_state": {"descriptor": {"code": term.state}},
        "cancel_by": dict(CANCEL_BY),
        "reason_required": term.reason_required,
        "cancellation_fee": fee,
    }


def reschedule_tag(terms: RescheduleTerms) -> dict[str, Any]:
    values = (
        ("fulfillment_state", terms.state),
        ("reschedule_eligible", "true" if terms.eligible else "false"),
        ("reschedule_fee", money(terms.fee)),
        ("reschedule_within", terms.within),
    )
    return {
        "descriptor": {"code": "reschedule_terms"},
        "list": [{"descriptor": {"code": code}, "value": value} for code, value in values],
    }


def item_fragment(item: ServiceItem, provider: Provider, category_image: CategoryImage | None) -> dict[str, Any]:
    """The on_search item: fixed price, ids, terms, and when it can be booked.

    Without images of its own an item shows its category's image, served by the BPP itself.
    """
    availability = item.availability
    timing = (
        ("time_from", availability.opens.strftime("%H%M")),
        ("time_to", availability.closes.strftime("%H%M")),
    )
    schedule = {"frequency": f"PT{availability.slot_minutes}M", "holidays": holidays(availability.holidays)}
    images = item.images or ((category_image(item.category_id),) if category_image else ())
    return {
        "id": item.id,
        "parent_item_id": NO_PARENT_ITEM,
        "descriptor": descriptor(item.name_en, item.name_hi, item.description_en, item.description_hi, images),
        "price": {"currency": CURRENCY, "value": money(item.fee), "maximum_value": money(item.fee)},
        "quantity": ONE_VISIT,
        "category_ids": [item.category_id],
        "fulfillment_ids": [FULFILLMENT_ID],
        "location_ids": [provider.location_id],
        "payment_ids": list(PAYMENT_IDS),
        "cancellation_terms": cancellation_terms(item.cancellation_terms),
        "tags": [
            reschedule_tag(item.reschedule_terms),
            {
                "descriptor": {"code": "timing"},
                "list": [{"descriptor": {"code": code}, "value": value} for code, value in timing],
            },
        ],
        "time": {
            "label": "validity",
            "duration": f"PT{item.duration_minutes}M",
            "days": format_days(availability.days),
            "schedule": schedule,
        },
    }


def with_bookable_range(item: dict[str, Any], bookable: dict[str, str]) -> dict[str, Any]:
    """The item fragment of one answer with the `time.range` it can be booked in (the SRV on_search table
    requires it of every item; it moves with the day, while the fragment is built once per snapshot)."""
    return {**item, "time": {**item["time"], "range": bookable}}


def bookable_range(now: datetime) -> dict[str, str]:
    """From today (IST) for as many days as slot searches look ahead."""
    start = datetime.combine(now.astimezone(IST).date(), time(0), IST)
    return {"start": timestamp(start), "end": timestamp(start + timedelta(days=MAX_SEARCH_DAYS))}


def holidays(days: Iterable[date]) -> list[str]:
    """Holiday dates as the bundle's `date-time` strings (an empty list when there are none)."""
    return [f"{day.isoformat()}T00:00:00.000Z" for day in sorted(days)]


def provider_fragment(provider: Provider) -> dict[str, Any]:
    """The on_search provider without items: descriptor, location, hyperlocal serviceability."""
    return {
        "id": provider.id,
        "descriptor": descriptor(provider.name_en, provider.name_hi, "", "", provider.images),
        "locations": [
            {
                "id": provider.location_id,
                "gps": provider.gps,
                "address": provider.address,
                "city": {"code": provider.city},
                "state": {"code": provider.state_code},
                "country": {"code": "IND"},
                "area_code": provider.area_code,
            }
        ],
    }


def provider_time(availabilities: Sequence[Availability], now: datetime) -> dict[str, Any]:
    """The provider's `time` (SRV on_search table: required; an item's own `time` takes precedence).

    Bookable from today (IST) for as many days as slot searches look ahead, on every weekday one of
    the offered items is served, at the finest slot frequency among them, closed only on the
    holidays all of them share.
    """
    days = frozenset[int]().union(*(availability.days for availability in availabilities))
    shared_holidays = frozenset.intersection(*(availability.holidays for availability in availabilities))
    return {
        "label": "validity",
        "range": bookable_range(now),
        "days": format_days(days),
        "schedule": {
            "frequency": f"PT{min(availability.slot_minutes for availability in availabilities)}M",
            "holidays": holidays(shared_holidays),
        },
    }


def serviceability_tag(provider: Provider, category_ids: list[str]) -> list[dict[str, Any]]:
    """One serviceability tag group per category offered: type 10 (hyperlocal), radius in km."""
    return [
        {
            "descriptor": {"code": "serviceability"},
            "list": [
                {"descriptor": {"code": "location"}, "value": provider.location_id},
                {"descriptor": {"code": "category"}, "value": category_id},
                {"descriptor": {"code": "type"}, "value": "10"},
                {"descriptor": {"code": "val"}, "value": f"{provider.serviceability_km.normalize():f}"},
                {"descriptor": {"code": "unit"}, "value": "km"},
            ],
        }
        for category_id in category_ids
    ]
