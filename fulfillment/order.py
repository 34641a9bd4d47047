"""The Order aggregate: one confirmed home-service booking and the only ways it may change (pure, no I/O).

Every change of status goes through the state machine (`fulfillment.states.transition`) and raises a
domain event; a repository stores the order and its pending events in one transaction and bumps
`version` (the optimistic lock). The wire fragments the buyer app agreed to (quote, payment, billing,
place, terms) are kept as snapshots, byte for byte, beside the typed values read from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from catalog.formats import price_value
from fulfillment.states import Event, FulfillmentState, transition
from schemas.enums import OrderStatus


@dataclass(frozen=True, slots=True)
class Channel:
    """The buyer app an order came through, and where its callbacks go."""

    bap_id: str
    bap_uri: str
    domain: str
    city: str


@dataclass(frozen=True, slots=True)
class BookedService:
    """What was booked: one catalogue item of a provider at the catalogue version that was quoted."""

    provider_id: str
    item_id: str
    item_version: int
    category_id: str


@dataclass(frozen=True, slots=True)
class Slot:
    """The booked visit window (aware UTC)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class QuoteLine:
    title: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Quote:
    """The locked price: its total and lines as Decimal, and the Beckn `quote` exactly as sent."""

    total: Decimal
    currency: str
    lines: tuple[QuoteLine, ...]
    snapshot: Mapping[str, Any]

    @classmethod
    def from_snapshot(cls, quote: Mapping[str, Any], total: Decimal | None = None) -> Quote:
        """The quote of a Beckn `quote` object; `total` is the stored amount when there is one."""
        price = quote["price"]
        lines = tuple(QuoteLine(str(line["title"]), price_value(line["price"]))
                      for line in quote.get("breakup") or ())
        amount = total if total is not None else price_value(price)
        return cls(amount, str(price.get("currency", "INR")), lines, quote)


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """How the order is paid: the Beckn payment object as agreed (`type`, `collected_by`, `status`, ...)."""

    snapshot: Mapping[str, Any]

    @property
    def type(self) -> str:
        return str(self.snapshot.get("type", ""))

    @property
    def collected_by(self) -> str:
        return str(self.snapshot.get("collected_by", ""))

    @property
    def status(self) -> str:
        return str(self.snapshot.get("status", ""))


@dataclass(frozen=True, slots=True)
class CustomerDetails:
    """Who is served and where, as confirm (or init) gave them: Beckn fragments kept as sent."""

    customer: Mapping[str, Any]  # name, phone, email
    end_location: Mapping[str, Any]  # gps, address, area_code
    billing: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class OrderEvent:
    """Something that happened to an order, for its event log."""

    kind: str
    actor: str  # buyer-app id, worker:<id>, staff:<id>, system
    at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Progress:
    """The part of an order that changes as it is fulfilled."""

    status: OrderStatus
    fulfillment_state: FulfillmentState
    slot: Slot | None
    payment: PaymentTerms
    updated_at: datetime
    worker_id: str | None = None
    worker_assigned_gps: str | None = None
    otp_hash: str | None = None
    otp_attempts: int = 0
    cancellation: Mapping[str, Any] | None = None


class Order:
    """A confirmed order. Read it through its properties; change it only through its methods."""

    def __init__(
        self,
        *,
        id: str,
        buyer_order_id: str,
        buyer_created_at: str,
        transaction_id: str,
        channel: Channel,
        service: BookedService,
        quote: Quote,
        details: CustomerDetails,
        terms: Mapping[str, Any] | None,
        created_at: datetime,
        progress: Progress,
        version: int,
    ) -> None:
        self.id = id
        self.buyer_order_id = buyer_order_id  # the buyer app's own order id: what every callback carries
        self.buyer_created_at = buyer_created_at  # as confirm sent it, so it goes back byte for byte
        self.transaction_id = transaction_id
        self.channel = channel
        self.service = service
        self.quote = quote
        self.details = details
        self.terms = terms  # cancellation_terms and reschedule_terms exactly as confirmed
        self.created_at = created_at
        self._progress = progress
        self._version = version
        self._events: list[OrderEvent] = []

    @classmethod
    def confirm(
        cls,
        *,
        id: str,
        buyer_order_id: str,
        buyer_created_at: str,
        transaction_id: str,
        channel: Channel,
        service: BookedService,
        quote: Quote,
        details: CustomerDetails,
        payment: PaymentTerms,
        terms: Mapping[str, Any],
        slot: Slot | None,
        at: datetime,
    ) -> Order:
        """A new order from the buyer app's confirm at the agreed quote: created, then accepted by us."""
        progress = Progress(OrderStatus.CREATED, FulfillmentState.PENDING, slot, payment, at)
        order = cls(
            id=id, buyer_order_id=buyer_order_id, buyer_created_at=buyer_created_at, transaction_id=transaction_id,
            channel=channel, service=service, quote=quote, details=details, terms=terms, created_at=at,
            progress=progress, version=1,
        )
        order._events.append(OrderEvent(OrderStatus.CREATED.value, channel.bap_id, at))
        order._move(Event.ACCEPTED, at)
        order._events.append(OrderEvent(
            OrderStatus.ACCEPTED.value, "system", at,
            {"item_version": service.item_version, "total": str(quote.total)},
        ))
        return order

    # ---- reading ---------------------------------------------------------------------------
    @property
    def progress(self) -> Progress:
        return self._progress

    @property
    def status(self) -> OrderStatus:
        return self._progress.status

    @property
    def fulfillment_state(self) -> FulfillmentState:
        return self._progress.fulfillment_state

    @property
    def version(self) -> int:
        """The version it was read (or first stored) at; a save succeeds only if the stored one still matches."""
        return self._version

    @property
    def pending_events(self) -> tuple[OrderEvent, ...]:
        """What happened since the order was read, not yet stored."""
        return tuple(self._events)

    # ---- changing --------------------------------------------------------------------------
    def advance(self, event: Event, *, actor: str, at: datetime, detail: Mapping[str, Any] | None = None) -> None:
        """A fulfillment step (`travelling`, `arrived`, ...): a Refusal when it cannot happen now."""
        self._move(event, at)
        self._events.append(OrderEvent(event.value, actor, at, detail or {}))

    def _move(self, event: Event, at: datetime) -> None:
        """Apply `event` through the state machine (a Refusal when it cannot happen now)."""
        status, state = transition(self.status, self.fulfillment_state, event)
        self._progress = replace(self._progress, status=status, fulfillment_state=state, updated_at=at)

    def stored(self, version: int) -> None:
        """The repository stored the order and its events at `version`: the next save must find it there."""
        self._version = version
        self._events.clear()
