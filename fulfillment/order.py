"""The Order aggregate: one confirmed home-service booking and the only ways it may change (pure, no I/O).

Every change of status goes through the state machine (`fulfillment.states.transition`) and raises a
domain event; a repository stores the order and its pending events in one transaction and bumps
`version` (the optimistic lock). The wire fragments the buyer app agreed to (quote, payment, billing,
place, terms) are kept as snapshots, byte for byte, beside the typed values read from them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from catalog.formats import price_value
from fulfillment.cancellation import (
    CancellationCharge,
    buyer_cancellation,
    cancellation_terms_from_wire,
    provider_reason,
)
from fulfillment.cash import cash_due, check_collected, invoiced_account, paid_in_cash
from fulfillment.ledger import completion_key
from fulfillment.reschedule import Slot as Slot  # the booked visit window (aware UTC), one type for both
from fulfillment.reschedule import rescheduled_quote
from fulfillment.start_otp import MAX_OTP_ATTEMPTS, OtpState, otp_expired, otp_state
from fulfillment.states import FINAL_STATES, Event, FulfillmentState, transition, wire_fulfillment_code
from schemas.enums import OrderStatus
from schemas.errors import BUSINESS_ERROR, INVALID_ORDER_STATE, INVALID_OTP
from schemas.refusal import Refusal

OTP_ISSUED: Final = "otp-issued"  # an order event; the latest one dates the OTP in force
FEE_REFUNDED: Final = "fee-refunded"  # an order event: staff gave back the fee a cancellation charged
PROVIDER_CANCEL_REASON: Final = "022"  # the seller-side code of the SRV on_cancel_merchant example
SYSTEM: Final = "system"
ASAP_WINDOW: Final = timedelta(hours=1)  # when an order booked for as soon as possible is due at the door


ONDC: Final = "ondc"  # the channel kinds: ondc:<bap_id>, helpline, kiosk:<kiosk id>, department:<account id>
HELPLINE: Final = "helpline"
KIOSK: Final = "kiosk"
DEPARTMENT: Final = "department"
CHANNEL_KINDS: Final = (ONDC, HELPLINE, KIOSK, DEPARTMENT)
_KINDS_WITH_ID: Final = (ONDC, KIOSK, DEPARTMENT)


def channel_kind(name: str) -> str:
    """The kind of a channel name (`ondc` of `ondc:buyer.example`); ValueError for a name no channel has."""
    kind, colon, account = name.partition(":")
    if kind not in CHANNEL_KINDS or (kind in _KINDS_WITH_ID) != bool(colon and account):
        raise ValueError(
            f"channel {name!r} is not ondc:<bap_id>, helpline, kiosk:<kiosk id> or department:<account id>"
        )
    return kind


@dataclass(frozen=True, slots=True)
class BuyerApp:
    """The ONDC buyer app an order came through: its callbacks go to `bap_uri`."""

    bap_id: str
    bap_uri: str


@dataclass(frozen=True, slots=True)
class Channel:
    """Where an order came from (`name`), its ONDC domain and city, and the buyer app of an ONDC order.

    Orders of the assisted channels (helpline, kiosk, department) have no buyer app: nothing is sent to one, and
    the citizen is told by SMS instead. The worker's side of an order is the same whatever its channel."""

    name: str
    domain: str
    city: str
    buyer_app: BuyerApp | None = None

    def __post_init__(self) -> None:
        named_app = f"{ONDC}:{self.buyer_app.bap_id}" if self.buyer_app is not None else None
        if (channel_kind(self.name) == ONDC or named_app is not None) and self.name != named_app:
            raise ValueError(f"channel {self.name!r}: an ONDC channel, and only one, is ondc:<its buyer app's id>")

    @classmethod
    def ondc(cls, bap_id: str, bap_uri: str, domain: str, city: str) -> Channel:
        return cls(f"{ONDC}:{bap_id}", domain, city, BuyerApp(bap_id, bap_uri))

    @property
    def kind(self) -> str:
        return self.name.partition(":")[0]

    @property
    def bap_id(self) -> str | None:
        return self.buyer_app.bap_id if self.buyer_app is not None else None

    @property
    def actor(self) -> str:
        """Who acts for the customer in the order's events: the buyer app's id, or the assisted channel's name."""
        return self.bap_id or self.name


@dataclass(frozen=True, slots=True)
class BookedService:
    """What was booked: one catalogue item of a provider at the catalogue version that was quoted."""

    provider_id: str
    item_id: str
    item_version: int
    category_id: str


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
        self._stored_progress = progress
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
        actor: str | None = None,
    ) -> Order:
        """A new order from the buyer app's confirm at the agreed quote: created, then accepted by us. `actor` is who
        booked it, when not the channel itself (a helpline operator)."""
        progress = Progress(OrderStatus.CREATED, FulfillmentState.PENDING, slot, payment, at)
        order = cls(
            id=id, buyer_order_id=buyer_order_id, buyer_created_at=buyer_created_at, transaction_id=transaction_id,
            channel=channel, service=service, quote=quote, details=details, terms=terms, created_at=at,
            progress=progress, version=1,
        )
        order._events.append(OrderEvent(OrderStatus.CREATED.value, actor or channel.actor, at))
        order._move(Event.ACCEPTED, at)
        order._events.append(OrderEvent(
            OrderStatus.ACCEPTED.value, SYSTEM, at,
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
    def worker_id(self) -> str | None:
        return self._progress.worker_id

    @property
    def slot(self) -> Slot | None:
        return self._progress.slot

    @property
    def payment(self) -> PaymentTerms:
        return self._progress.payment

    @property
    def needs_worker(self) -> bool:
        """Matching goes on only while the order is open, nobody has set off, and no worker holds it."""
        return (
            self.status in (OrderStatus.CREATED, OrderStatus.ACCEPTED)
            and self.fulfillment_state is FulfillmentState.PENDING
            and self.worker_id is None
        )

    @property
    def cash_due(self) -> Decimal | None:
        """The fee the worker collects in cash at the door, or None when it is paid another way."""
        return cash_due(self.payment.snapshot, self.quote.total)

    @property
    def billed_to(self) -> str | None:
        """The account whose monthly invoice bills this order (a department's), or None."""
        return invoiced_account(self.payment.snapshot)

    @property
    def cancellation_fee_due(self) -> Decimal | None:
        """What the cancellation charges now: its fee, or nothing once staff refunded it (None: not cancelled so)."""
        cancellation = self._progress.cancellation or {}
        if cancellation.get("fee") is None:
            return None
        return Decimal("0.00") if cancellation.get("fee_refunded") else Decimal(str(cancellation["fee"]))

    def is_late(self, now: datetime) -> bool:
        """Open, and its worker is not at the door although the booked window (for an order for as soon as possible,
        the hour after it was booked) has passed: an order for staff to look at."""
        due = self.slot.end if self.slot else self.created_at + ASAP_WINDOW
        waiting = self.fulfillment_state in (FulfillmentState.PENDING, FulfillmentState.IN_TRANSIT)
        return waiting and now > due

    def start_otp_state(self, issued_at: datetime | None, now: datetime) -> OtpState:
        """Where its start OTP stands (`issued_at`: the latest OTP_ISSUED event), without the OTP."""
        started = self.fulfillment_state in (FulfillmentState.SERVICE_STARTED, FulfillmentState.COMPLETED)
        return otp_state(held=bool(self._progress.otp_hash), wrong_tries=self._progress.otp_attempts,
                         issued_at=issued_at, started=started, ended=self.fulfillment_state in FINAL_STATES, now=now)

    @property
    def version(self) -> int:
        """The version it was read (or first stored) at; a save succeeds only if the stored one still matches."""
        return self._version

    @property
    def pending_events(self) -> tuple[OrderEvent, ...]:
        """What happened since the order was read, not yet stored."""
        return tuple(self._events)

    @property
    def has_changes(self) -> bool:
        """Whether anything changed since the order was read (a counted wrong OTP changes it without an event)."""
        return bool(self._events) or self._progress != self._stored_progress

    # ---- changing --------------------------------------------------------------------------
    def advance(
        self, event: Event, *, actor: str, at: datetime, detail: Mapping[str, Any] | None = None,
        place: str | None = None,
    ) -> None:
        """A fulfillment step (`travelling`, `arrived`, ...) taken at `place` ("lat,lng", when known): a Refusal when
        it cannot happen now."""
        self._move(event, at)
        self._events.append(OrderEvent(event.value, actor, at, {**(detail or {}), **_at_place(place)}))

    def assign_worker(self, worker_id: str, *, gps: str, at: datetime) -> None:
        """The worker took the offer: she holds the order, accepted at `gps` (where the buyer sees her)."""
        self._move(Event.ASSIGNED, at)
        self._progress = replace(self._progress, worker_id=worker_id, worker_assigned_gps=gps)
        self._events.append(OrderEvent(Event.ASSIGNED.value, _worker(worker_id), at, {"gps": gps}))

    def reassign_worker(self, worker_id: str, *, gps: str, at: datetime, actor: str, reason: str) -> str | None:
        """Staff give the order to another worker (standing at `gps`) before anyone has set off; returns the worker
        who held it, if one did. `actor` is the officer (`staff:<id>`), and `reason` why, for the audit."""
        why = _staff_reason(reason)
        if self.fulfillment_state is not FulfillmentState.PENDING:
            raise Refusal(
                INVALID_ORDER_STATE.code,
                "Only an order whose worker has not set off yet can go to another worker; cancel it instead.",
                message_hi="केवल उसी ऑर्डर का कर्मी बदला जा सकता है जिसका कर्मी अभी निकला नहीं है; इसे रद्द करें।",
            )
        if worker_id == self.worker_id:
            raise Refusal(
                BUSINESS_ERROR.code, "This worker already holds the order; choose another.", "worker_id",
                "यह ऑर्डर पहले से इसी कर्मी के पास है; कोई दूसरा कर्मी चुनें।",
            )
        previous = self.worker_id
        self._move(Event.ASSIGNED, at)
        self._progress = replace(self._progress, worker_id=worker_id, worker_assigned_gps=gps)
        detail = {"worker_id": worker_id, "previous_worker_id": previous, "gps": gps, "reason": why}
        self._events.append(OrderEvent(Event.ASSIGNED.value, actor, at, detail))
        return previous

    def issue_start_otp(self, otp_hash: str, *, at: datetime) -> None:
        """A new start OTP (kept only as its hash) replaces any earlier one and its count of wrong tries.

        Its issue is an event, which dates its validity; the order itself shows no change to the buyer."""
        if self.fulfillment_state is not FulfillmentState.AT_LOCATION:
            raise Refusal(
                INVALID_ORDER_STATE.code,
                "A new OTP can be sent only after you mark yourself arrived.",
                message_hi="नया OTP केवल 'पहुँच गए' दर्ज करने के बाद भेजा जा सकता है।",
            )
        self._progress = replace(self._progress, otp_hash=otp_hash, otp_attempts=0)
        self._events.append(OrderEvent(OTP_ISSUED, self._actor, at))

    def start_with_otp(
        self, otp: str, *, matches: Callable[[str, str], bool], issued_at: datetime | None, at: datetime,
        place: str | None = None,
    ) -> None:
        """Start the service with the customer's OTP (`matches(otp_hash, otp)` checks it) where the worker stands
        (`place`, "lat,lng", when known).

        A wrong OTP is refused (90002) and counts toward MAX_OTP_ATTEMPTS, after which even the right one
        is refused until a new OTP is issued; the count is a change to store although the start failed."""
        if self.fulfillment_state is not FulfillmentState.AT_LOCATION or not self._progress.otp_hash:
            raise Refusal(
                INVALID_ORDER_STATE.code,
                "Mark yourself arrived first; the customer then gets the OTP.",
                message_hi="पहले 'पहुँच गए' दर्ज करें; तब ग्राहक को OTP मिलेगा।",
            )
        attempts_left = MAX_OTP_ATTEMPTS - self._progress.otp_attempts
        if attempts_left > 0 and matches(self._progress.otp_hash, otp):
            if issued_at is None or otp_expired(issued_at, at):
                raise Refusal(
                    "otp_expired",
                    "This OTP has expired. Request a new OTP; the customer gets it at once.",
                    message_hi="यह OTP समाप्त हो गया है। नया OTP मँगाएँ; ग्राहक को तुरंत मिल जाएगा।",
                )
            self._move(Event.STARTED, at)
            self._progress = replace(self._progress, otp_hash=None, otp_attempts=0)
            self._events.append(OrderEvent(Event.STARTED.value, self._actor, at, _at_place(place)))
            return
        if attempts_left > 0:
            self._progress = replace(self._progress, otp_attempts=self._progress.otp_attempts + 1)
        raise Refusal(
            INVALID_OTP.code,
            "Wrong OTP. Ask the customer to read it again"
            + (f" ({attempts_left - 1} tries left)." if attempts_left > 1 else ", then request a new OTP."),
            message_hi="गलत OTP। ग्राहक से फिर से पढ़ने को कहें"
            + (f" ({attempts_left - 1} प्रयास बाकी)।" if attempts_left > 1 else ", फिर नया OTP मँगाएँ।"),
        )

    def complete(self, amount_collected: Decimal | None, *, at: datetime, place: str | None = None) -> None:
        """The worker finished (at `place`, "lat,lng", when known); cash collected must be exactly the locked fee, and
        marks the order PAID."""
        fee = self.cash_due
        check_collected(amount_collected, fee)
        self._move(Event.COMPLETED, at)
        if fee is not None:
            payment = PaymentTerms(paid_in_cash(self.payment.snapshot, completion_key(self.id)))
            self._progress = replace(self._progress, payment=payment)
        collected = str(amount_collected) if amount_collected is not None else None
        detail = {"amount_collected": collected, **_at_place(place)}
        self._events.append(OrderEvent(Event.COMPLETED.value, self._actor, at, detail))

    def cancel_by_buyer(self, reason_id: str, *, at: datetime, actor: str | None = None) -> CancellationCharge:
        """The buyer cancels under the confirmed cancellation terms; returns what it costs (a Refusal if it may not).

        `actor` is who asked for her, when not the channel itself (a helpline operator with her consent)."""
        charge = buyer_cancellation(
            self.fulfillment_state,
            reason_id,
            cancellation_terms_from_wire((self.terms or {}).get("cancellation_terms")),
            self.quote.total,
            now=at,
            slot_start=self.slot.start if self.slot else None,
        )
        if self.channel.buyer_app is None and (self.cash_due is not None or self.billed_to is not None):
            # she pays only at the visit, and no buyer app holds her money: nobody could collect a fee from her; a
            # department's invoice bills the visits done, not those called off
            charge = replace(charge, fee=Decimal("0.00"))
        record = {
            "who": "buyer",
            "reason_id": charge.reason.code,
            "fee": str(charge.fee),
            "state_when_cancelled": charge.fulfillment_state,
            "at": at.isoformat(),
        }
        detail = {"reason_id": charge.reason.code, "fee": str(charge.fee)}
        self._cancel(record, actor or self.channel.actor, at, detail)
        return charge

    def cancel_for_no_worker(self, reason: str, *, at: datetime) -> None:
        """Nobody can take the order: we cancel it as the provider, free of charge."""
        record = {"who": "provider", "reason_id": PROVIDER_CANCEL_REASON, "note": reason, "at": at.isoformat()}
        self._cancel(record, SYSTEM, at, {"reason": reason})

    def cancel_by_provider(self, reason_id: str, *, at: datetime, actor: str, reason: str) -> None:
        """Staff cancel the order on the provider's behalf with one of its cancellation codes; the customer pays
        nothing. `actor` is the officer (`staff:<id>`), and `reason` her note, for the audit."""
        code = provider_reason(reason_id).code
        why = _staff_reason(reason)
        record = {"who": "provider", "reason_id": code, "note": why, "fee": "0.00", "by": actor, "at": at.isoformat()}
        self._cancel(record, actor, at, {"reason_id": code, "fee": "0.00", "reason": why})

    def refund_cancellation_fee(self, *, at: datetime, actor: str, reason: str) -> Decimal:
        """Staff give back the fee the order's cancellation charged; returns it. Refused when the order was not
        cancelled with a fee, or its fee was given back already (a fee is refunded once)."""
        why = _staff_reason(reason)
        cancellation = self._progress.cancellation or {}
        fee = self.cancellation_fee_due
        if cancellation.get("fee_refunded"):
            raise Refusal(
                INVALID_ORDER_STATE.code, "This cancellation fee has already been refunded.",
                message_hi="यह रद्दीकरण शुल्क पहले ही लौटाया जा चुका है।",
            )
        if self.status is not OrderStatus.CANCELLED or fee is None or fee <= 0:
            raise Refusal(
                INVALID_ORDER_STATE.code, "There is no cancellation fee to refund on this order.",
                message_hi="इस ऑर्डर पर लौटाने के लिए कोई रद्दीकरण शुल्क नहीं है।",
            )
        refunded = {"amount": str(fee), "by": actor, "at": at.isoformat()}
        self._progress = replace(self._progress, cancellation={**cancellation, "fee_refunded": refunded}, updated_at=at)
        self._events.append(OrderEvent(FEE_REFUNDED, actor, at, {"amount": str(fee), "reason": why}))
        return fee

    def reschedule(
        self, slot: Slot, fee: Decimal, *, at: datetime, actor: str | None = None, reason: str | None = None
    ) -> None:
        """The visit moves to `slot` (checked against the terms, hours and calendar); any fee is added to the quote
        and its total. `actor` as for `cancel_by_buyer`; staff moving it give `reason` too, for the audit."""
        why = _staff_reason(reason) if reason is not None else None
        before = self.slot
        self._move(Event.RESCHEDULED, at)
        self.quote = Quote.from_snapshot(rescheduled_quote(self.quote.snapshot, fee), total=self.quote.total + fee)
        self._progress = replace(self._progress, slot=slot)
        detail = {
            "from": [before.start.isoformat(), before.end.isoformat()] if before else None,
            "to": [slot.start.isoformat(), slot.end.isoformat()],
            "fee": str(fee),
        }
        if why is not None:
            detail["reason"] = why
        self._events.append(OrderEvent(Event.RESCHEDULED.value, actor or self.channel.actor, at, detail))

    def _cancel(self, record: Mapping[str, Any], actor: str, at: datetime, detail: Mapping[str, Any]) -> None:
        self._move(Event.CANCELLED, at)
        self._progress = replace(self._progress, cancellation=record)
        self._events.append(OrderEvent(Event.CANCELLED.value, actor, at, detail))

    @property
    def _actor(self) -> str:
        return _worker(self.worker_id) if self.worker_id else SYSTEM

    def _move(self, event: Event, at: datetime) -> None:
        """Apply `event` through the state machine: a Refusal (in Hindi too, for the worker) when it cannot now."""
        try:
            status, state = transition(self.status, self.fulfillment_state, event)
        except Refusal as refused:
            hindi = f"ऑर्डर अभी '{wire_fulfillment_code(self.fulfillment_state)}' स्थिति में है; यह कदम अभी संभव नहीं है।"
            raise Refusal(refused.code, refused.message, refused.field, hindi) from None
        self._progress = replace(self._progress, status=status, fulfillment_state=state, updated_at=at)

    def stored(self, version: int) -> None:
        """The repository stored the order and its events at `version`: the next save must find it there."""
        self._version = version
        self._stored_progress = self._progress
        self._events.clear()


def _worker(worker_id: str) -> str:
    return f"worker:{worker_id}"


def _at_place(place: str | None) -> dict[str, str]:
    """An event's place: where the worker was ("lat,lng") when she took the step, if known."""
    return {"gps": place} if place else {}


def _staff_reason(reason: str) -> str:
    """An officer's reason for a change she makes: required, since it is the audit's answer to "why"."""
    why = reason.strip()
    if not why:
        raise Refusal(BUSINESS_ERROR.code, "Give the reason for this change; it is kept in the order's audit.",
                      "reason", "इस बदलाव का कारण लिखें; यह ऑर्डर के ऑडिट में दर्ज होता है।")
    return why
