"""Buyer cancellation rules: which reasons are accepted and what the cancellation costs (pure, no I/O).

The fee comes from the item's cancellation terms agreed in on_confirm and stored with the order
(`orders.terms["cancellation_terms"]`, SRV wire shape). A fulfillment state without a term is not
cancellable by the buyer: once the service has started or ended the answer is ONDC 50001.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from catalog.formats import money, to_paise
from catalog.model import DEFAULT_CANCELLATION_TERMS, CancellationTerm
from fulfillment.states import FulfillmentState
from schemas.errors import CANCELLATION_NOT_POSSIBLE, INVALID_CANCELLATION_REASON, INVALID_ORDER_STATE
from schemas.refusal import Refusal


@dataclass(frozen=True, slots=True)
class CancellationReason:
    """A cancellation reason code; `seller_at_fault` buyer reasons are free but need a missed slot."""

    code: str
    text: str
    seller_at_fault: bool = False
    text_hi: str = ""


# SRV 2.0.0 ships an empty cancellation-code list; the SRV examples use the ONDC network codes
# ("012" buyer, "022" seller). These are the network's buyer-side codes that fit a home service.
BUYER_REASONS: Final[Mapping[str, CancellationReason]] = {
    reason.code: reason
    for reason in (
        CancellationReason("004", "Service pending for too long (worker not assigned or not arriving)", True),
        CancellationReason("006", "Service not delivered within the promised time", True),
        CancellationReason("010", "Buyer wants to modify the booking details"),
        CancellationReason("012", "Buyer does not want the service any more"),
    )
}


# The seller-side codes of the same network list that fit a home service, for staff cancelling on the provider's
# behalf ("022" is the seller's code of the SRV on_cancel_merchant example). The customer pays nothing for them.
PROVIDER_REASONS: Final[Mapping[str, CancellationReason]] = {
    reason.code: reason
    for reason in (
        CancellationReason("005", "Seva Mitra cannot take this order", text_hi="सेवा मित्र यह ऑर्डर नहीं ले सकता"),
        CancellationReason("011", "The customer could not be reached", text_hi="ग्राहक से संपर्क नहीं हो सका"),
        CancellationReason("014", "The address could not be found", text_hi="पता नहीं मिला"),
        CancellationReason("015", "The customer was not at the address", text_hi="ग्राहक पते पर नहीं मिले"),
        CancellationReason("016", "Accident, rain, strike or vehicle trouble",
                           text_hi="दुर्घटना, बारिश, हड़ताल या वाहन की समस्या"),
        CancellationReason("022", "No worker can serve this order", text_hi="कोई कर्मी यह ऑर्डर नहीं कर सकता"),
    )
}


def provider_reason(reason_id: str) -> CancellationReason:
    """The provider's cancellation reason of this code, or a Refusal naming the codes staff may use."""
    reason = PROVIDER_REASONS.get(reason_id)
    if reason is None:
        known = ", ".join(sorted(PROVIDER_REASONS))
        raise Refusal(
            INVALID_CANCELLATION_REASON.code,
            f"Choose one of the provider's cancellation reasons ({known}).",
            "reason_id",
            f"प्रदाता के रद्द करने के कारणों में से एक चुनें ({known})।",
        )
    return reason


@dataclass(frozen=True, slots=True)
class CancellationCharge:
    """What a buyer cancellation costs and why."""

    reason: CancellationReason
    fee: Decimal
    fulfillment_state: str


def cancellation_terms_from_wire(terms: Sequence[Mapping[str, Any]] | None) -> tuple[CancellationTerm, ...]:
    """The SRV `cancellation_terms` list as domain terms; the catalogue defaults when none were stored."""
    if not terms:
        return DEFAULT_CANCELLATION_TERMS
    parsed: list[CancellationTerm] = []
    for term in terms:
        state = str(((term.get("fulfillment_state") or {}).get("descriptor") or {}).get("code", ""))
        fee = term.get("cancellation_fee") or {}
        amount = (fee.get("amount") or {}).get("value")
        percent = fee.get("percentage")
        parsed.append(
            CancellationTerm(
                state=state,
                fee_amount=_decimal(amount) if amount is not None else None,
                fee_percent=_decimal(percent) if percent is not None and amount is None else None,
                reason_required=bool(term.get("reason_required", False)),
            )
        )
    return tuple(parsed)


def _decimal(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"cancellation fee {value!r} is not a number") from None


def buyer_cancellation(
    fulfillment_state: str,
    reason_id: str,
    terms: Sequence[CancellationTerm],
    order_total: Decimal,
    *,
    now: datetime,
    slot_start: datetime | None,
) -> CancellationCharge:
    """The fee for a buyer cancellation now, or a Refusal with the ONDC code."""
    reason = BUYER_REASONS.get(reason_id)
    if reason is None:
        known = ", ".join(sorted(BUYER_REASONS))
        raise Refusal(
            INVALID_CANCELLATION_REASON.code,
            f"cancellation_reason_id {reason_id!r} is not a buyer reason we accept; use one of {known}",
        )
    try:
        state = FulfillmentState(fulfillment_state)
    except ValueError:
        message = f"unknown fulfillment state {fulfillment_state!r}"
        raise Refusal(INVALID_ORDER_STATE.code, message) from None
    if state in (FulfillmentState.COMPLETED, FulfillmentState.CANCELLED):
        raise Refusal(
            CANCELLATION_NOT_POSSIBLE.code, f"the order is already {state.value}; it cannot be cancelled"
        )
    term = next((t for t in terms if t.state == state.value), None)
    if term is None:
        raise Refusal(
            CANCELLATION_NOT_POSSIBLE.code,
            "the service has already started; it can no longer be cancelled — raise an issue instead"
            if state is FulfillmentState.SERVICE_STARTED
            else f"the cancellation terms do not allow cancelling in state {state.value}",
        )
    if reason.seller_at_fault:
        _check_seller_missed_slot(reason, state, now, slot_start)
        return CancellationCharge(reason=reason, fee=Decimal("0.00"), fulfillment_state=state.value)
    fee = to_paise(min(term.fee_for(order_total), order_total))
    return CancellationCharge(reason=reason, fee=fee, fulfillment_state=state.value)


def _check_seller_missed_slot(
    reason: CancellationReason, state: FulfillmentState, now: datetime, slot_start: datetime | None
) -> None:
    """A "seller at fault" reason holds only once the slot has begun and the worker is not there."""
    arrived = state not in (FulfillmentState.PENDING, FulfillmentState.IN_TRANSIT)
    if arrived or slot_start is None or now < slot_start:
        raise Refusal(
            INVALID_CANCELLATION_REASON.code,
            f"reason {reason.code} ({reason.text}) does not apply: the booked slot has not been missed; "
            "use 012 to cancel under the cancellation terms",
        )


def cancelled_quote(quote: Mapping[str, Any], fee: Decimal) -> dict[str, Any]:
    """The quote after cancellation: only the fee is due, charged on the service line, all else 0.00."""
    breakup: list[dict[str, Any]] = []
    for line in quote.get("breakup") or []:
        due = fee if _line_type(line) == "item" else Decimal(0)
        updated = {**line, "price": {**(line.get("price") or {}), "value": money(due)}}
        breakup.append(updated)
    currency = (quote.get("price") or {}).get("currency", "INR")
    return {**quote, "price": {"currency": currency, "value": money(fee)}, "breakup": breakup}


def _line_type(line: Mapping[str, Any]) -> str | None:
    for group in line.get("tags") or []:
        if (group.get("descriptor") or {}).get("code") == "title":
            for entry in group.get("list") or []:
                if (entry.get("descriptor") or {}).get("code") == "type":
                    return str(entry.get("value"))
    return None
