"""What the simulated buyer app's journey reports for one callback (no BPP needed)."""

from typing import Any

import pytest

from bpp.simulator.buyer import BuyerApp, Callback
from bpp.simulator.journey import Journey, JourneyFailed

ON_SELECT: dict[str, Any] = {"context": {}, "message": {"order": {"quote": {"price": {"value": "499.00"}}}}}


def _callback(schema_errors: list[str], attribute_errors: list[str]) -> Callback:
    return Callback("on_select", ON_SELECT, b"{}", 0.0, True, schema_errors, attribute_errors)


def _journey() -> Journey:
    return Journey(BuyerApp(registry_url="http://127.0.0.1:9"), "http://127.0.0.1:9/ondc")


def test_attribute_table_errors_are_shown_in_the_step_without_failing_it() -> None:
    journey = _journey()
    missing = [f"message.order.items[0].field_{n}: missing" for n in range(4)]

    journey._check(_callback([], missing), 0.0)

    step = journey.steps[-1]
    assert step.ok
    assert "₹499.00" in step.detail
    assert "SRV attribute table, 4 missing: message.order.items[0].field_0: missing;" in step.detail
    assert "field_3" not in step.detail  # the first three, as for schema errors


def test_a_clean_callback_mentions_no_attribute_table() -> None:
    journey = _journey()
    journey._check(_callback([], []), 0.0)
    assert journey.steps[-1].ok and "attribute" not in journey.steps[-1].detail


def test_schema_errors_still_fail_the_step() -> None:
    journey = _journey()
    with pytest.raises(JourneyFailed, match=r"schema: message\.order\.id: bad"):
        journey._check(_callback(["message.order.id: bad"], ["message.order.status: missing"]), 0.0)
    assert not journey.steps[-1].ok and "SRV attribute table, 1 missing" in journey.steps[-1].detail
