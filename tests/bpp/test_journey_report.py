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


def test_attribute_table_errors_fail_the_step_like_schema_errors() -> None:
    journey = _journey()
    missing = [f"message.order.items[0].field_{n}: missing" for n in range(4)]

    with pytest.raises(JourneyFailed, match=r"SRV attribute table, 4 missing: message\.order\.items\[0\]\.field_0"):
        journey._check(_callback([], missing), 0.0)

    step = journey.steps[-1]
    assert not step.ok
    assert "field_3" not in step.detail  # the first three, as for schema errors


def test_a_clean_callback_passes_and_mentions_no_attribute_table() -> None:
    journey = _journey()
    journey._check(_callback([], []), 0.0)
    assert journey.steps[-1].ok and "₹499.00" in journey.steps[-1].detail
    assert "attribute" not in journey.steps[-1].detail


def test_schema_and_attribute_errors_are_both_reported() -> None:
    journey = _journey()
    with pytest.raises(JourneyFailed, match=r"schema: message\.order\.id: bad; SRV attribute table, 1 missing"):
        journey._check(_callback(["message.order.id: bad"], ["message.order.status: missing"]), 0.0)
    assert not journey.steps[-1].ok
