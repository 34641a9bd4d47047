"""The order/fulfillment state machine, every (status, state, event) combination."""

from itertools import product

import pytest

from fulfillment.states import (
    VALID_PAIRS,
    Event,
    FulfillmentState,
    OrderStatus,
    transition,
    wire_fulfillment_code,
)
from schemas.refusal import Refusal

S, F, E = OrderStatus, FulfillmentState, Event

EXPECTED = {
    (S.CREATED, F.PENDING, E.ACCEPTED): (S.ACCEPTED, F.PENDING),
    (S.CREATED, F.PENDING, E.ASSIGNED): (S.ACCEPTED, F.PENDING),
    (S.ACCEPTED, F.PENDING, E.ASSIGNED): (S.ACCEPTED, F.PENDING),
    (S.ACCEPTED, F.PENDING, E.TRAVELLING): (S.IN_PROGRESS, F.IN_TRANSIT),
    (S.IN_PROGRESS, F.IN_TRANSIT, E.ARRIVED): (S.IN_PROGRESS, F.AT_LOCATION),
    (S.IN_PROGRESS, F.AT_LOCATION, E.STARTED): (S.IN_PROGRESS, F.SERVICE_STARTED),
    (S.IN_PROGRESS, F.SERVICE_STARTED, E.COMPLETED): (S.COMPLETED, F.COMPLETED),
    (S.CREATED, F.PENDING, E.RESCHEDULED): (S.CREATED, F.PENDING),
    (S.ACCEPTED, F.PENDING, E.RESCHEDULED): (S.ACCEPTED, F.PENDING),
}
NON_FINAL = [pair for pair in VALID_PAIRS if pair[1] not in (F.COMPLETED, F.CANCELLED)]
for _status, _state in NON_FINAL:
    EXPECTED[(_status, _state, E.CANCELLED)] = (S.CANCELLED, F.CANCELLED)


@pytest.mark.parametrize(("status", "state", "event"), list(product(S, F, E)))
def test_every_combination(status: OrderStatus, state: FulfillmentState, event: Event) -> None:
    key = (status, state, event)
    if key in EXPECTED:
        assert transition(status, state, event) == EXPECTED[key]
        return
    with pytest.raises(Refusal) as raised:
        transition(status, state, event)
    if (status, state) not in VALID_PAIRS:
        assert raised.value.code == "20007"
    elif state in (F.COMPLETED, F.CANCELLED):
        assert raised.value.code == ("50001" if event is E.CANCELLED else "50008")
    else:
        assert raised.value.code == "20007"
    assert raised.value.message


def test_happy_path_reaches_completed() -> None:
    status, state = S.CREATED, F.PENDING
    for event in (E.ASSIGNED, E.TRAVELLING, E.ARRIVED, E.STARTED, E.COMPLETED):
        status, state = transition(status, state, event)
    assert (status, state) == (S.COMPLETED, F.COMPLETED)


def test_service_started_goes_on_the_wire_as_at_location_confirmed() -> None:
    assert wire_fulfillment_code("Service-Started") == "At-Location"
    assert wire_fulfillment_code("In-Transit") == "In-Transit"
