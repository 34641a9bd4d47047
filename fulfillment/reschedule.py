"""Buyer reschedule rules: may this booking move to that slot, and for what fee (pure, no I/O).

The terms are the item's `reschedule_terms` tag groups agreed in on_confirm and stored with the
order (`orders.terms["reschedule_terms"]`, SRV on_search shape: fulfillment_state,
reschedule_eligible, reschedule_fee, reschedule_within). `reschedule_within` is how long before the
booked slot a change is still accepted. Whether the worker is free is checked by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from catalog.formats import money, price_value, to_paise
from catalog.model import Availability, RescheduleTerms
from catalog.schedule import bookable_at
from fulfillment.states import FINAL_STATES, FulfillmentState
from schemas.errors import FULFILLMENT_TERMINAL, SLOT_NOT_AVAILABLE, UPDATION_NOT_POSSIBLE
from schemas.fields import parse_iso_duration
from schemas.refusal import Refusal

RESCHEDULE_TAG = "reschedule_terms"


@dataclass(frozen=True, slots=True)
class Slot:
    """A booked arrival window, aware UTC datetimes."""

    start: datetime
    end: datetime


def reschedule_terms_from_wire(groups: Sequence[Mapping[str, Any]] | Mapping[str, Any] | None) -> tuple[
    RescheduleTerms, ...
]:
    """The stored `reschedule_terms` tag group(s) as domain terms; the catalogue default when absent."""
    if not groups:
        return (RescheduleTerms(),)
    if isinstance(groups, Mapping):
        groups = [groups]
    parsed: list[RescheduleTerms] = []
    for group in groups:
        if (group.get("descriptor") or {}).get("code") != RESCHEDULE_TAG:
            continue
        values = {
            str((entry.get("descriptor") or {}).get("code")): str(entry.get("value", ""))
            for entry in group.get("list") or []
        }
        parsed.append(
            RescheduleTerms(
                eligible=values.get("reschedule_eligible", "false").lower() == "true",
                fee=Decimal(values.get("reschedule_fee") or "0"),
                within=values.get("reschedule_within") or "PT0S",
                state=values.get("fulfillment_state", FulfillmentState.PENDING.value),
            )
        )
    return tuple(parsed) or (RescheduleTerms(),)


def check_reschedule(
    fulfillment_state: str,
    terms: Sequence[RescheduleTerms],
    booked: Slot,
    wanted: Slot,
    *,
    now: datetime,
    availability: Availability | None = None,
    duration_minutes: int | None = None,
) -> Decimal:
    """The reschedule fee when `booked` may move to `wanted` now; a Refusal otherwise."""
    state = FulfillmentState(fulfillment_state)
    if state in FINAL_STATES:
        message = f"the order is {state.value}; it cannot be rescheduled"
        raise Refusal(FULFILLMENT_TERMINAL.code, message)
    term = next((t for t in terms if t.state == state.value and t.eligible), None)
    if term is None:
        raise Refusal(
            UPDATION_NOT_POSSIBLE.code,
            f"the booking cannot be rescheduled while the fulfillment is {state.value}; "
            "cancel it under the cancellation terms instead",
        )
    deadline = booked.start - parse_iso_duration(term.within)
    if now > deadline:
        raise Refusal(
            UPDATION_NOT_POSSIBLE.code,
            f"reschedule requests close {term.within} before the booked slot ({_iso(booked.start)}); "
            "it is too late to move this booking",
        )
    check_new_slot(booked, wanted, now=now, availability=availability, duration_minutes=duration_minutes)
    return to_paise(term.fee)


def check_new_slot(
    booked: Slot,
    wanted: Slot,
    *,
    now: datetime,
    availability: Availability | None = None,
    duration_minutes: int | None = None,
) -> None:
    """Whether a visit booked for `booked` may move to `wanted` at all: a window ahead, another than the booked one,
    in the service's opening hours; a Refusal otherwise. Whoever asks checks their own terms besides (the buyer's
    reschedule terms; none when staff move it for the provider)."""
    if wanted.end <= wanted.start:
        raise Refusal(SLOT_NOT_AVAILABLE.code, "the new slot must end after it starts",
                      message_hi="नया समय शुरू होने के बाद ही खत्म होना चाहिए।")
    if wanted == booked:
        raise Refusal(UPDATION_NOT_POSSIBLE.code, "the new slot is the one already booked",
                      message_hi="यही समय पहले से बुक है; कोई दूसरा समय चुनें।")
    if wanted.start <= now:
        raise Refusal(SLOT_NOT_AVAILABLE.code, f"the new slot {_iso(wanted.start)} is in the past",
                      message_hi="नया समय बीत चुका है; आगे का कोई समय चुनें।")
    if availability is not None and duration_minutes is not None and not bookable_at(
        availability, duration_minutes, wanted.start, now=now
    ):
        raise Refusal(
            SLOT_NOT_AVAILABLE.code,
            f"the service is not offered at {_iso(wanted.start)}; pick a slot in the service's opening hours",
            message_hi="इस समय यह सेवा नहीं मिलती; सेवा के समय में से कोई समय चुनें।",
        )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def rescheduled_quote(quote: Mapping[str, Any], fee: Decimal) -> dict[str, Any]:
    """The quote with a reschedule fee line added (unchanged when the fee is zero)."""
    if fee <= 0:
        return dict(quote)
    price = quote.get("price") or {}
    currency = price.get("currency", "INR")
    # typed `convenience_fee`, the SRV title enum's fulfillment-level charge: its examples' `misc` is not in the enum
    line = {
        "title": "reschedule_fee",
        "price": {"currency": currency, "value": money(fee)},
        "tags": [{"descriptor": {"code": "title"},
                  "list": [{"descriptor": {"code": "type"}, "value": "convenience_fee"}]}],
    }
    total = price_value(price) + fee
    return {**quote, "price": {**price, "currency": currency, "value": money(total)},
            "breakup": [*(quote.get("breakup") or []), line]}
