"""Order status and fulfillment state machines of a home-service order (pure, no I/O).

Spellings are the SRV 2.0.0 enums (`srv-components/enums/order.yaml`, `fulfillments.yaml`).

Service started: the SRV enum has no fulfillment state for it. The official examples
(`on_status_Service_Started.json`) keep the fulfillment at `At-Location` and mark the start by the
end stop's OTP `authorization.status` moving from `valid` (OTP issued, not yet used) to
`confirmed` (the customer's OTP was accepted; release-services branch). We store the internal
state `Service-Started` in `orders.fulfillment_state` so the machine can tell "arrived" from
"started"; on the wire use `wire_fulfillment_code()` (→ `At-Location`) with the start OTP's status
`OTP_CONFIRMED` (kept with the OTP when it is accepted). Never send `Service-Started` itself.

Flow: Created/Pending →accepted (on_confirm) or assigned→ Accepted/Pending →travelling→ In-progress/In-Transit
→arrived→ In-progress/At-Location →started→ In-progress/Service-Started →completed→
Completed/Completed; `cancelled` from any non-final pair → Cancelled/Cancelled; `rescheduled`
only before the worker sets off (fulfillment Pending), keeping the order status.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from schemas.enums import OrderStatus
from schemas.errors import CANCELLATION_NOT_POSSIBLE, FULFILLMENT_TERMINAL, INVALID_ORDER_STATE
from schemas.refusal import Refusal


class FulfillmentState(StrEnum):
    PENDING = "Pending"
    IN_TRANSIT = "In-Transit"
    AT_LOCATION = "At-Location"
    SERVICE_STARTED = "Service-Started"  # internal; sent as At-Location + OTP status "confirmed"
    COMPLETED = "Completed"
    CANCELLED = "Cancelled"


class Event(StrEnum):
    ACCEPTED = "accepted"  # we took the buyer app's confirm: the order exists and awaits its worker
    ASSIGNED = "assigned"
    TRAVELLING = "travelling"
    ARRIVED = "arrived"
    STARTED = "started"  # the customer's OTP was verified
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"


S, F = OrderStatus, FulfillmentState

# (order status, fulfillment state, event) -> (new order status, new fulfillment state)
Pair = tuple[OrderStatus, FulfillmentState]
_TRANSITIONS: Final[dict[tuple[OrderStatus, FulfillmentState, Event], Pair]] = {
    (S.CREATED, F.PENDING, Event.ACCEPTED): (S.ACCEPTED, F.PENDING),
    (S.CREATED, F.PENDING, Event.ASSIGNED): (S.ACCEPTED, F.PENDING),
    (S.ACCEPTED, F.PENDING, Event.ASSIGNED): (S.ACCEPTED, F.PENDING),  # re-assignment
    (S.ACCEPTED, F.PENDING, Event.TRAVELLING): (S.IN_PROGRESS, F.IN_TRANSIT),
    (S.IN_PROGRESS, F.IN_TRANSIT, Event.ARRIVED): (S.IN_PROGRESS, F.AT_LOCATION),
    (S.IN_PROGRESS, F.AT_LOCATION, Event.STARTED): (S.IN_PROGRESS, F.SERVICE_STARTED),
    (S.IN_PROGRESS, F.SERVICE_STARTED, Event.COMPLETED): (S.COMPLETED, F.COMPLETED),
    (S.CREATED, F.PENDING, Event.RESCHEDULED): (S.CREATED, F.PENDING),
    (S.ACCEPTED, F.PENDING, Event.RESCHEDULED): (S.ACCEPTED, F.PENDING),
}

# Every reachable (status, state) pair; only these are valid stored combinations.
VALID_PAIRS: Final[frozenset[tuple[OrderStatus, FulfillmentState]]] = frozenset(
    {
        (S.CREATED, F.PENDING),
        (S.ACCEPTED, F.PENDING),
        (S.IN_PROGRESS, F.IN_TRANSIT),
        (S.IN_PROGRESS, F.AT_LOCATION),
        (S.IN_PROGRESS, F.SERVICE_STARTED),
        (S.COMPLETED, F.COMPLETED),
        (S.CANCELLED, F.CANCELLED),
    }
)
FINAL_STATES: Final[frozenset[FulfillmentState]] = frozenset({F.COMPLETED, F.CANCELLED})


def transition(order_status: str, fulfillment_state: str, event: str) -> tuple[OrderStatus, FulfillmentState]:
    """The (order status, fulfillment state) after `event`, or a Refusal with its ONDC code."""
    status, state, happened = OrderStatus(order_status), FulfillmentState(fulfillment_state), Event(event)
    if (status, state) not in VALID_PAIRS:
        raise Refusal(INVALID_ORDER_STATE.code, f"order is in an impossible state {status}/{state}")
    if state in FINAL_STATES:
        code = CANCELLATION_NOT_POSSIBLE.code if happened is Event.CANCELLED else FULFILLMENT_TERMINAL.code
        raise Refusal(code, f"order is already {status}; it cannot be {happened} any more")
    if happened is Event.CANCELLED:
        return S.CANCELLED, F.CANCELLED
    try:
        return _TRANSITIONS[(status, state, happened)]
    except KeyError:
        raise Refusal(
            INVALID_ORDER_STATE.code,
            f"order is {status} with fulfillment {state}; '{happened}' is not possible now",
        ) from None


def wire_fulfillment_code(fulfillment_state: str) -> str:
    """The SRV `fulfillment.state.descriptor.code` to send for a stored state."""
    state = FulfillmentState(fulfillment_state)
    return F.AT_LOCATION.value if state is F.SERVICE_STARTED else state.value


OTP_VALID: Final = "valid"  # issued at the door, not yet read out
OTP_CONFIRMED: Final = "confirmed"  # the customer's OTP was accepted: the service started

