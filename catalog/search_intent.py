"""What a buyer app searched for, read from a Beckn `intent` (tolerant of missing parts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from catalog.formats import parse_timestamp
from schemas.fields import parse_gps


@dataclass(frozen=True, slots=True)
class FinderFee:
    """The buyer app's finder fee from its BAP_Terms: `percent` of the order or a flat `amount`."""

    type: str
    amount: Decimal

    def tags(self) -> dict[str, Any]:
        """The Buyer_Finder_Fee tag group of on_init/on_confirm payments, echoing the buyer's terms."""
        values = (("Buyer_Finder_Fee_Type", self.type), ("Buyer_Finder_Fee_Amount", f"{self.amount}"))
        return {
            "descriptor": {"code": "Buyer_Finder_Fee"},
            "list": [{"descriptor": {"code": code}, "value": value} for code, value in values],
        }

    def as_json(self) -> dict[str, str]:
        return {"type": self.type, "amount": str(self.amount)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> FinderFee | None:
        if not data:
            return None
        return cls(str(data["type"]), Decimal(str(data["amount"])))


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


def finder_fee_from_tags(
    tags: Any,
    group_code: str = "BAP_Terms",
    type_code: str = "finder_fee_type",
    amount_code: str = "finder_fee_amount",
) -> FinderFee | None:
    """A finder fee from a tag group (search's BAP_Terms by default), or None when absent or unreadable."""
    for group in tags or ():
        if (group.get("descriptor") or {}).get("code") != group_code:
            continue
        values = {
            (entry.get("descriptor") or {}).get("code"): entry.get("value")
            for entry in group.get("list") or ()
        }
        try:
            return FinderFee(str(values.get(type_code) or "percent"), Decimal(str(values[amount_code])))
        except (KeyError, InvalidOperation):
            return None
    return None


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
