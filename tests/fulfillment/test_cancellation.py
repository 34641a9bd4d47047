"""Buyer cancellation fees by fulfillment state and reason, and refusals with their ONDC codes."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from catalog.model import DEFAULT_CANCELLATION_TERMS
from fulfillment.cancellation import buyer_cancellation, cancellation_terms_from_wire
from schemas.refusal import Refusal

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SLOT = NOW + timedelta(hours=3)
TOTAL = Decimal("590.00")


def wire_term(state: str, fee: dict, **extra: object) -> dict:
    return {"fulfillment_state": {"descriptor": {"code": state}}, "cancellation_fee": fee, **extra}


WIRE_TERMS = [
    wire_term("Pending", {"amount": {"value": "0"}}),
    wire_term("In-Transit", {"percentage": "10"}, reason_required=True),
    wire_term("At-Location", {"amount": {"value": "150"}}),
]


def cancel(state: str, reason: str = "012", *, now: datetime = NOW, terms=DEFAULT_CANCELLATION_TERMS):
    return buyer_cancellation(state, reason, terms, TOTAL, now=now, slot_start=SLOT)


def test_free_while_pending() -> None:
    assert cancel("Pending").fee == Decimal("0.00")


def test_percentage_fee_in_transit_and_at_location() -> None:
    assert cancel("In-Transit").fee == Decimal("59.00")
    assert cancel("At-Location").fee == Decimal("147.50")


def test_wire_terms_are_applied() -> None:
    terms = cancellation_terms_from_wire(WIRE_TERMS)
    assert cancel("In-Transit", terms=terms).fee == Decimal("59.00")
    assert cancel("At-Location", terms=terms).fee == Decimal("150.00")
    assert terms[1].reason_required is True


def test_missing_terms_fall_back_to_catalogue_defaults() -> None:
    assert cancellation_terms_from_wire(None) == DEFAULT_CANCELLATION_TERMS


def test_fee_never_exceeds_the_order_total() -> None:
    terms = cancellation_terms_from_wire([wire_term("Pending", {"amount": {"value": "999"}})])
    assert cancel("Pending", terms=terms).fee == TOTAL


@pytest.mark.parametrize("state", ["Service-Started", "Completed", "Cancelled"])
def test_not_cancellable_once_started_or_final(state: str) -> None:
    with pytest.raises(Refusal) as refused:
        cancel(state)
    assert refused.value.code == "50001"


def test_unknown_reason_is_30012() -> None:
    with pytest.raises(Refusal) as refused:
        cancel("Pending", "999")
    assert refused.value.code == "30012"


def test_seller_fault_reason_is_free_after_a_missed_slot() -> None:
    charge = cancel("In-Transit", "004", now=SLOT + timedelta(minutes=40))
    assert charge.fee == Decimal("0.00")
    assert charge.reason.seller_at_fault


def test_seller_fault_reason_refused_before_the_slot_or_after_arrival() -> None:
    with pytest.raises(Refusal) as early:
        cancel("In-Transit", "004")
    assert early.value.code == "30012"
    with pytest.raises(Refusal) as arrived:
        cancel("At-Location", "006", now=SLOT + timedelta(hours=1))
    assert arrived.value.code == "30012"
