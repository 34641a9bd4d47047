"""The Order aggregate without a database: a confirm goes through the state machine and raises its events."""

from decimal import Decimal

import pytest
from order_factory import CONFIRMED_AT as NOW
from order_factory import QUOTE, confirmed_order

from fulfillment.order import Quote, QuoteLine
from fulfillment.states import Event, FulfillmentState, OrderStatus
from schemas.refusal import Refusal


def test_a_confirmed_order_is_accepted_through_the_state_machine_and_logs_created_then_accepted() -> None:
    order = confirmed_order()
    assert (order.status, order.fulfillment_state, order.version) == (OrderStatus.ACCEPTED, FulfillmentState.PENDING, 1)
    assert [(event.kind, event.actor, dict(event.detail)) for event in order.pending_events] == [
        ("Created", "bap.example", {}),
        ("Accepted", "system", {"item_version": 3, "total": "590.00"}),
    ]
    assert order.progress.updated_at == order.created_at == NOW


def test_the_quote_keeps_its_amounts_as_decimal_and_its_wire_snapshot() -> None:
    quote = Quote.from_snapshot(QUOTE)
    assert (quote.total, quote.currency) == (Decimal("590.00"), "INR")
    assert quote.lines == (QuoteLine("Tap repair", Decimal("500.00")), QuoteLine("tax", Decimal("90.00")))
    assert quote.snapshot is QUOTE
    assert Quote.from_snapshot(QUOTE, total=Decimal("590.00")).total == Decimal("590.00")


def test_payment_terms_read_the_agreed_payment() -> None:
    terms = confirmed_order().progress.payment
    assert (terms.type, terms.collected_by, terms.status) == ("ON-FULFILLMENT", "BPP", "NOT-PAID")


def test_storing_clears_the_pending_events_and_sets_the_version() -> None:
    order = confirmed_order()
    order.stored(2)
    assert (order.pending_events, order.version) == ((), 2)



def test_a_step_moves_the_order_and_is_logged_as_the_event() -> None:
    order = confirmed_order()
    order.stored(1)
    later = NOW.replace(hour=10)
    order.advance(Event.TRAVELLING, actor="worker:W1", at=later)
    assert (order.status, order.fulfillment_state) == (OrderStatus.IN_PROGRESS, FulfillmentState.IN_TRANSIT)
    assert order.progress.updated_at == later
    assert [(event.kind, event.actor) for event in order.pending_events] == [("travelling", "worker:W1")]


def test_a_step_the_state_machine_forbids_changes_nothing() -> None:
    order = confirmed_order()
    order.stored(1)
    with pytest.raises(Refusal) as refused:
        order.advance(Event.COMPLETED, actor="worker:W1", at=NOW)
    assert refused.value.code == "20007"
    assert (order.status, order.pending_events) == (OrderStatus.ACCEPTED, ())
