"""What a buyer app searched for, read from a Beckn `intent` (tolerant of missing parts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from catalog.finder_fee import FinderFee, finder_fee_from_tags
from catalog.formats import parse_timestamp
from schemas.fields import parse_gps


@dataclass(frozen=True, slots=True)
class SearchIntent:
    category_id: str | None = None
    item_name: str | None = None
    gps: tuple[float, float] | None = None
    slot: tuple[datetime, datetime] | None = None
    fulfillment_type: str | None = None
    finder_fee: FinderFee | None = None


def _end_stop(fulfillment: Mapping[str, Any]) -> Mapping[str, Any]:
    stops = fulfillment.get("stops") or []
    return next((stop for stop in stops if stop.get("type") == "end"), stops[0] if stops else {})


def parse_slot(time_block: Mapping[str, Any] | None) -> tuple[datetime, datetime] | None:
    """A stop's `time.range` as (start, end) in UTC, or None when absent or not a forward range."""
    time_range = (time_block or {}).get("range") or {}
    if not time_range.get("start") or not time_range.get("end"):
        return None
    start, end = parse_timestamp(time_range["start"]), parse_timestamp(time_range["end"])
    return (start, end) if end > start else None


def parse_intent(intent: Mapping[str, Any]) -> SearchIntent:
    """Read an intent; a malformed gps or time range raises ValueError (the caller answers nothing)."""
    fulfillment = intent.get("fulfillment") or {}
    stop = _end_stop(fulfillment)
    gps_text = (stop.get("location") or {}).get("gps")
    name = ((intent.get("item") or {}).get("descriptor") or {}).get("name")
    return SearchIntent(
        category_id=(intent.get("category") or {}).get("id"),
        item_name=name.strip() if isinstance(name, str) and name.strip() else None,
        gps=parse_gps(gps_text) if gps_text else None,
        slot=parse_slot(stop.get("time")),
        fulfillment_type=fulfillment.get("type"),
        finder_fee=finder_fee_from_tags(intent.get("tags")),
    )
