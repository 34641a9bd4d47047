"""A confirmed `Order` aggregate for tests of the domain, the repository and the unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from fulfillment.order import BookedService, Channel, CustomerDetails, Order, PaymentTerms, Quote, Slot

CONFIRMED_AT: Final = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
QUOTE: Final[dict[str, Any]] = {
    "price": {"currency": "INR", "value": "590.00"},
    "breakup": [
        {"title": "Tap repair", "price": {"currency": "INR", "value": "500.00"}},
        {"title": "tax", "price": {"currency": "INR", "value": "90.00"}},
    ],
    "ttl": "PT15M",
}


CASH_AT_THE_DOOR: Final = PaymentTerms({"type": "ON-FULFILLMENT", "collected_by": "BPP", "status": "NOT-PAID"})
BUYER_APP: Final = Channel.ondc("bap.example", "https://bap.example/beckn", "ONDC:SRV11", "std:0522")
HELPLINE: Final = Channel("helpline", "ONDC:SRV11", "std:0522")


def confirmed_order(
    order_id: str = "SM-1", transaction_id: str = "T1", buyer_order_id: str = "BAP-ORDER-1",
    payment: PaymentTerms = CASH_AT_THE_DOOR, channel: Channel = BUYER_APP, terms: Mapping[str, Any] | None = None,
) -> Order:
    """Order `order_id` as a confirm from bap.example creates it (or a booking of another `channel`), before it is
    stored."""
    return Order.confirm(
        id=order_id, buyer_order_id=buyer_order_id, buyer_created_at="2026-11-20T09:29:58.120Z",
        transaction_id=transaction_id,
        channel=channel,
        service=BookedService("P1", "I1", 3, "SRV11-1001"), quote=Quote.from_snapshot(QUOTE),
        details=CustomerDetails({"name": "Asha", "phone": "9876543210"}, {"gps": "26.85,80.95"}, {"name": "Asha"}),
        payment=payment,
        terms=terms or {"cancellation_terms": [{"fulfillment_state": {"descriptor": {"code": "Pending"}}}]},
        slot=Slot(CONFIRMED_AT, CONFIRMED_AT.replace(hour=11)), at=CONFIRMED_AT,
    )
