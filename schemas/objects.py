"""Beckn 1.1.0 / ONDC SRV 2.0.0 objects shared by the inbound request models.

The models keep every field they do not know (`extra="allow"`) and only insist on what the
BPP relies on: ids are non-empty strings, GPS is `"lat,lng"`, prices are decimal strings,
timestamps carry an offset.  Business rules (served domain, city, bpp_id, expiry, enum values)
are checked after parsing, so they can answer with their own ONDC error codes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from schemas.fields import (
    MAX_URL_LENGTH,
    BecknModel,
    BoundedId,
    Count,
    DecimalStr,
    Gps,
    Id,
    SubscriberId,
    Timestamp,
    Ttl,
    parse_gps,
)


def _http_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be an http(s) URL")
    return value


HttpUrl = Annotated[str, StringConstraints(max_length=MAX_URL_LENGTH), AfterValidator(_http_url)]


# --- context ------------------------------------------------------------------------------
class Code(BecknModel):
    code: Id


class ContextLocation(BecknModel):
    city: Code
    country: Code


class Context(BecknModel):
    domain: Id
    location: ContextLocation
    action: Id
    version: Id
    bap_id: SubscriberId
    bap_uri: HttpUrl
    bpp_id: SubscriberId | None = None
    bpp_uri: HttpUrl | None = None
    transaction_id: BoundedId
    message_id: BoundedId
    timestamp: Timestamp
    ttl: Ttl

    @property
    def expires_at(self) -> datetime:
        return self.timestamp + self.ttl


# --- shared objects -----------------------------------------------------------------------
class Descriptor(BecknModel):
    name: str | None = None
    code: str | None = None
    short_desc: str | None = None
    long_desc: str | None = None


class TagItem(BecknModel):
    descriptor: Descriptor | None = None
    value: str | None = None


class TagGroup(BecknModel):
    descriptor: Descriptor | None = None
    list_: list[TagItem] | None = Field(default=None, alias="list")

    def values(self) -> dict[str, str | None]:
        """`{list code: value}`, e.g. `{"finder_fee_type": "percent", ...}` for BAP_Terms."""
        return {
            item.descriptor.code: item.value
            for item in self.list_ or ()
            if item.descriptor is not None and item.descriptor.code is not None
        }


class Price(BecknModel):
    currency: str | None = None
    value: DecimalStr
    offered_value: DecimalStr | None = None
    maximum_value: DecimalStr | None = None


class Named(BecknModel):
    name: str | None = None
    code: str | None = None


class Location(BecknModel):
    id: Id | None = None
    gps: Gps | None = None
    address: str | None = None
    area_code: str | None = None
    city: Named | None = None
    state: Named | None = None
    country: Named | None = None

    @property
    def lat_lng(self) -> tuple[float, float] | None:
        return parse_gps(self.gps) if self.gps is not None else None


class TimeRange(BecknModel):
    start: Timestamp | None = None
    end: Timestamp | None = None


class Schedule(BecknModel):
    """Recurring visits (an engagement, docs/engagements.md): every `frequency` (an ISO 8601 duration), first at
    `times`, except on `holidays`."""

    frequency: str | None = None
    times: list[Timestamp] | None = None
    holidays: list[str] | None = None  # kept as sent: SRV's own examples give dates where the bundle says date-time


class Time(BecknModel):
    label: str | None = None
    timestamp: Timestamp | None = None
    range: TimeRange | None = None
    days: str | None = None
    duration: str | None = None  # ISO 8601, e.g. PT2H: the length of each visit
    schedule: Schedule | None = None


class Contact(BecknModel):
    phone: str | None = None
    email: str | None = None


class Person(BecknModel):
    name: str | None = None


class Authorization(BecknModel):
    type: str | None = None
    token: str | None = None
    valid_from: Timestamp | None = None
    valid_to: Timestamp | None = None


class Stop(BecknModel):
    type: str | None = None
    location: Location | None = None
    time: Time | None = None
    contact: Contact | None = None
    person: Person | None = None
    authorization: Authorization | None = None


class State(BecknModel):
    descriptor: Descriptor


class Customer(BecknModel):
    person: Person | None = None
    contact: Contact | None = None


class Fulfillment(BecknModel):
    id: Id | None = None
    type: str | None = None
    state: State | None = None
    stops: list[Stop] | None = None
    customer: Customer | None = None
    tracking: bool | None = None
    tags: list[TagGroup] | None = None  # an engagement's terms (`engagement`), a buyer's change (`engagement_update`)


class PaymentParams(BecknModel):
    amount: DecimalStr | None = None
    currency: str | None = None
    transaction_id: str | None = None


class Payment(BecknModel):
    id: Id | None = None
    type: str | None = None
    collected_by: str | None = None
    status: str | None = None
    params: PaymentParams | None = None
    tags: list[TagGroup] | None = None


class Measure(BecknModel):
    unit: str | None = None
    value: str | None = None


class Quantity(BecknModel):
    count: Count | None = None
    measure: Measure | None = None


class ItemQuantity(BecknModel):
    selected: Quantity | None = None


class OrderItem(BecknModel):
    id: Id
    parent_item_id: Id | None = None
    quantity: ItemQuantity | None = None
    fulfillment_ids: list[Id] | None = None
    location_ids: list[Id] | None = None
    payment_ids: list[Id] | None = None
    category_ids: list[Id] | None = None
    tags: list[TagGroup] | None = None


class IdRef(BecknModel):
    id: Id


class OrderProvider(BecknModel):
    id: Id
    locations: list[IdRef] | None = None


class BreakupItem(BecknModel):
    """The buyer app's echo of our quote; its quantity is not used (often a string)."""

    id: Id | None = None
    price: Price | None = None


class Breakup(BecknModel):
    title: str | None = None
    price: Price | None = None
    item: BreakupItem | None = None
    tags: list[TagGroup] | None = None


class Quote(BecknModel):
    price: Price | None = None
    breakup: list[Breakup] | None = None
    ttl: str | None = None


class Billing(BecknModel):
    name: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None


class Order(BecknModel):
    """An order as the buyer app sends it; each action narrows what it must carry."""

    id: Id | None = None
    status: str | None = None
    provider: OrderProvider | None = None
    items: Annotated[list[OrderItem], Field(min_length=1)] | None = None
    billing: Billing | None = None
    fulfillments: list[Fulfillment] | None = None
    payments: list[Payment] | None = None
    quote: Quote | None = None
    tags: list[TagGroup] | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class SelectOrder(Order):
    provider: OrderProvider
    items: Annotated[list[OrderItem], Field(min_length=1)]


class InitOrder(SelectOrder):
    billing: Billing
    fulfillments: Annotated[list[Fulfillment], Field(min_length=1)]


class ConfirmOrder(InitOrder):
    id: BoundedId  # stored as the buyer app's order id (orders.buyer_order_id)
    payments: Annotated[list[Payment], Field(min_length=1)]


class UpdateOrder(Order):
    id: Id
