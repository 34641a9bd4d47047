"""The catalogue's entities: a district provider and its fixed-fee service items."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # catalog.engagement_terms reads IST from catalog.schedule, which reads this module
    from catalog.engagement_terms import EngagementTerms

FULFILLMENT_STATES: Final = ("Pending", "In-Transit", "At-Location")
FULFILLMENT_ID: Final = "F1"  # one Home-Service fulfillment per order
FULFILLMENT_TYPE: Final = "Home-Service"
STATE_NAMES: Final = {"UP": "Uttar Pradesh"}  # state codes of the districts Seva Mitra serves


@dataclass(frozen=True, slots=True)
class Provider:
    """A Seva Mitra district unit, e.g. "Seva Mitra Lucknow" serving city `std:0522`."""

    id: str
    city: str  # std code, e.g. std:0522
    name_en: str
    name_hi: str
    gps: str  # "lat,lng" of the district office
    address: str
    area_code: str
    state_code: str = "UP"
    serviceability_km: Decimal = Decimal("3")
    images: tuple[str, ...] = ()
    version: int = 1
    city_name: str = ""  # the district's name, e.g. "Lucknow" (the worker's stop names it; docs/conformance.md)

    @property
    def location_id(self) -> str:
        return f"{self.id}-L1"

    @property
    def state_name(self) -> str | None:
        return STATE_NAMES.get(self.state_code)


@dataclass(frozen=True, slots=True)
class Availability:
    """When an item can be served: weekdays (ISO 1=Mon … 7=Sun), local opening hours, holidays."""

    days: frozenset[int] = frozenset(range(1, 8))
    opens: time = time(8, 0)
    closes: time = time(20, 0)
    holidays: frozenset[date] = frozenset()
    slot_minutes: int = 60


@dataclass(frozen=True, slots=True)
class CancellationTerm:
    """The fee for cancelling while the fulfillment is in `state`: a percent or an amount."""

    state: str
    fee_percent: Decimal | None = None
    fee_amount: Decimal | None = None
    reason_required: bool = False

    def fee_for(self, total: Decimal) -> Decimal:
        """The fee in rupees for an order of `total`."""
        if self.fee_amount is not None:
            return self.fee_amount
        return total * (self.fee_percent or Decimal(0)) / Decimal(100)


DEFAULT_CANCELLATION_TERMS: Final = (
    CancellationTerm("Pending", fee_amount=Decimal("0")),
    CancellationTerm("In-Transit", fee_percent=Decimal("10"), reason_required=True),
    CancellationTerm("At-Location", fee_percent=Decimal("25"), reason_required=True),
)


@dataclass(frozen=True, slots=True)
class RescheduleTerms:
    """Whether and until when a booked slot can be moved, and for what fee."""

    eligible: bool = True
    fee: Decimal = Decimal("0")
    within: str = "PT2H"  # ISO 8601 duration before the slot start
    state: str = "Pending"


VISIT: Final = "visit"  # the kinds of item: one visit at a fixed fee,
ENGAGEMENT: Final = "engagement"  # or many scheduled visits over months, `fee` being one visit's (docs/engagements.md)
ITEM_KINDS: Final = (VISIT, ENGAGEMENT)


@dataclass(frozen=True, slots=True)
class ServiceItem:
    """A fixed-fee service; `version` rises on every change and orders keep the one they priced.

    An engagement item (`engagement` set) is booked for months of scheduled visits of `duration_minutes` each, at
    `fee` a visit."""

    id: str
    provider_id: str
    category_id: str
    name_en: str
    name_hi: str
    fee: Decimal
    duration_minutes: int
    tax_percent: Decimal = Decimal("18")
    description_en: str = ""
    description_hi: str = ""
    images: tuple[str, ...] = ()
    availability: Availability = field(default_factory=Availability)
    cancellation_terms: tuple[CancellationTerm, ...] = DEFAULT_CANCELLATION_TERMS
    reschedule_terms: RescheduleTerms = field(default_factory=RescheduleTerms)
    published: bool = False
    version: int = 1
    engagement: EngagementTerms | None = None

    @property
    def kind(self) -> str:
        return VISIT if self.engagement is None else ENGAGEMENT

