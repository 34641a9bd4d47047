"""What a buyer app searched for (read from the Beckn `intent` by `catalog.wire_in`); every part may be missing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalog.finder_fee import FinderFee


@dataclass(frozen=True, slots=True)
class SearchIntent:
    category_id: str | None = None
    item_name: str | None = None
    gps: tuple[float, float] | None = None
    slot: tuple[datetime, datetime] | None = None
    fulfillment_type: str | None = None
    finder_fee: FinderFee | None = None
