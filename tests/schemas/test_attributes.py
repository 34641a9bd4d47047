"""validate_attributes / optional_present: the SRV attribute tables on hand-made payloads and the official examples."""

import re
from typing import Any

import orjson
import pytest
from reference import EXAMPLES

from schemas.attributes import (
    CONDITIONAL_RULES,
    KNOWN_DEVIATIONS,
    OPTIONAL,
    REQUIRED,
    attribute_table,
    optional_present,
    table_actions,
    validate_attributes,
)

# SRV's on_select_nack example (both branches) is a NACK body, not a callback: every table line is missing.
ON_SELECT_NACK_MISSING: list[str] = [
    "message.order.fulfillments.id",
    "message.order.fulfillments.state.descriptor.code",
    "message.order.fulfillments.stops.time.days",
    "message.order.fulfillments.stops.time.label",
    "message.order.fulfillments.stops.time.range.end",
    "message.order.fulfillments.stops.time.range.start",
    "message.order.fulfillments.stops.type",
    "message.order.fulfillments.type",
    "message.order.items.category_ids",
    "message.order.items.fulfillment_ids",
    "message.order.items.id",
    "message.order.items.location_ids",
    "message.order.items.quantity.selected.count",
    "message.order.payments.collected_by",
    "message.order.payments.type",
    "message.order.provider.id",
    "message.order.quote.breakup.item.id",
    "message.order.quote.breakup.item.quantity",
    "message.order.quote.breakup.price.currency",
    "message.order.quote.breakup.price.value",
    "message.order.quote.breakup.tags.title.type",
    "message.order.quote.breakup.title",
    "message.order.quote.price",
    "message.order.quote.ttl",
]

# What an example lacks by the tables, where the draft and release branches carry the same example alike.
ON_BOTH_BRANCHES: dict[str, list[str]] = {
    "on_cancel/on_cancel_ack.json": [],
    "on_cancel/on_cancel_merchant.json": [],
    "on_confirm/on_confirm_consultation.json": [
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_confirm/on_confirm_service_customization.json": [
        "message.order.fulfillments[].stops[].contact.phone",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.descriptor.name",
        "message.order.fulfillments[].stops[].location.gps",
        "message.order.fulfillments[].stops[].location.id",
        "message.order.fulfillments[].stops[].person.name",
        "message.order.fulfillments[].stops[].time.range.end",
        "message.order.fulfillments[].stops[].time.range.start",
        "message.order.items[].category_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_init/on_init_consultation.json": [
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_init/on_init_service_customization.json": [
        "message.order.fulfillments[].stops[].contact.phone",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.gps",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.fulfillments[].stops[].time.days",
        "message.order.fulfillments[].stops[].time.label",
        "message.order.fulfillments[].stops[].time.range.end",
        "message.order.fulfillments[].stops[].time.range.start",
        "message.order.items[].category_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_search/on_search.json": [
        "message.catalog.providers[].items[].quantity.unitized.measure.unit",
    ],
    "on_search/on_search_customized.json": [
        "message.catalog.providers[].items[].cancellation_terms",
        "message.catalog.providers[].items[].fulfillment_ids",
        "message.catalog.providers[].items[].location_ids",
        "message.catalog.providers[].items[].quantity.unitized.measure.unit",
        "message.catalog.providers[].items[].time.range.end",
        "message.catalog.providers[].items[].time.range.start",
        "message.catalog.providers[].items[].time.schedule.frequency",
        "message.catalog.providers[].items[].time.schedule.holidays",
    ],
    "on_search/on_search_customized1.json": [
        "message.catalog.providers[].items[].cancellation_terms",
        "message.catalog.providers[].items[].fulfillment_ids",
        "message.catalog.providers[].items[].location_ids",
        "message.catalog.providers[].items[].quantity.unitized.measure.unit",
        "message.catalog.providers[].items[].time.range.end",
        "message.catalog.providers[].items[].time.range.start",
        "message.catalog.providers[].items[].time.schedule.frequency",
        "message.catalog.providers[].items[].time.schedule.holidays",
    ],
    "on_search/on_search_customized_cusines.json": [
        "message.catalog.providers[].items[].cancellation_terms",
        "message.catalog.providers[].items[].fulfillment_ids",
        "message.catalog.providers[].items[].location_ids",
        "message.catalog.providers[].items[].quantity.unitized.measure.unit",
        "message.catalog.providers[].items[].time.range.end",
        "message.catalog.providers[].items[].time.range.start",
        "message.catalog.providers[].items[].time.schedule.frequency",
        "message.catalog.providers[].items[].time.schedule.holidays",
    ],
    "on_select/on_select_consultation_confirmed.json": [
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_select/on_select_consultation_rejected.json": [
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_select/on_select_nack.json": ON_SELECT_NACK_MISSING,
    "on_select/on_select_service_customization_confirmed.json": [
        "message.order.items[].category_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_status/on_status_Service_Started_customization.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "on_update/on_update_requote.json": [],
    "on_update/on_update_reschedule.json": [],
}

# The same, for examples that differ between the branches (or exist on one), and the TRV10 examples.
ON_ONE_BRANCH: dict[str, list[str]] = {
    "srv-draft-services/on_confirm/on_confirm_service.json": [
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_confirm/on_confirm_service.json": [
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
    ],
    "srv-draft-services/on_init/on_init_service.json": [
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_init/on_init_service.json": [
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
    ],
    "srv-release-services/on_search/on_search_broomies.json": [
        "message.catalog.providers[].items[].cancellation_terms",
        "message.catalog.providers[].items[].category_ids",
        "message.catalog.providers[].items[].fulfillment_ids",
        "message.catalog.providers[].items[].location_ids",
        "message.catalog.providers[].items[].quantity.unitized.measure.unit",
        "message.catalog.providers[].items[].tags",
        "message.catalog.providers[].items[].time.range.end",
        "message.catalog.providers[].items[].time.range.start",
        "message.catalog.providers[].items[].time.schedule.frequency",
        "message.catalog.providers[].items[].time.schedule.holidays",
    ],
    "srv-draft-services/on_search/on_search_cleaning.json": [
        "message.catalog.providers[].items[].cancellation_terms",
        "message.catalog.providers[].items[].category_ids",
        "message.catalog.providers[].items[].fulfillment_ids",
        "message.catalog.providers[].items[].location_ids",
        "message.catalog.providers[].items[].quantity.unitized.measure.unit",
        "message.catalog.providers[].items[].tags",
        "message.catalog.providers[].items[].time.range.end",
        "message.catalog.providers[].items[].time.range.start",
        "message.catalog.providers[].items[].time.schedule.frequency",
        "message.catalog.providers[].items[].time.schedule.holidays",
    ],
    "srv-draft-services/on_select/on_select_service_confirmed.json": [
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_select/on_select_service_confirmed.json": [
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
    ],
    "srv-draft-services/on_select/on_select_service_rejected.json": [
        "message.order.items[].category_ids",
        "message.order.items[].quantity.selected.count",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_select/on_select_service_rejected.json": [
        "message.order.fulfillments[].stops[].time.days",
        "message.order.items[].category_ids",
    ],
    "srv-draft-services/on_status/on_status_Completed.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_status/on_status_Completed.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
    ],
    "srv-draft-services/on_status/on_status_In_Transit.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_status/on_status_In_Transit.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
    ],
    "srv-draft-services/on_status/on_status_Reached.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].authorization.status",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_status/on_status_Reached.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
    ],
    "srv-draft-services/on_status/on_status_Reached_re-otp.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_status/on_status_Reached_re-otp.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
    ],
    "srv-draft-services/on_status/on_status_Service_Started.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
        "message.order.quote.breakup[].item.quantity",
    ],
    "srv-release-services/on_status/on_status_Service_Started.json": [
        "message.order.billing.tax_id",
        "message.order.fulfillments[].rateable",
        "message.order.fulfillments[].stops[].location.address",
        "message.order.fulfillments[].stops[].location.area_code",
        "message.order.fulfillments[].stops[].location.city.name",
        "message.order.fulfillments[].stops[].location.country.name",
        "message.order.fulfillments[].stops[].location.state.name",
        "message.order.items[].category_ids",
        "message.order.items[].location_ids",
    ],
}

ATTRIBUTE_OUTCOME: dict[str, list[str]] = {
    **{f"{branch}/{example}": missing for branch in ("srv-draft-services", "srv-release-services")
       for example, missing in ON_BOTH_BRANCHES.items()},
    **ON_ONE_BRANCH,
}


def _paths(action: str, payload: dict[str, Any]) -> set[str]:
    return {error.split(":")[0] for error in validate_attributes(action, payload)}


def _order(action: str, **order: Any) -> tuple[str, dict[str, Any]]:
    return action, {"context": {}, "message": {"order": order}}


def _tag(group: str, **entries: str) -> dict[str, Any]:
    entry_list = [{"descriptor": {"code": code}, "value": value} for code, value in entries.items()]
    return {"descriptor": {"code": group}, "list": entry_list}


# --- generic required leaves ------------------------------------------------------------------------------
def test_a_missing_required_leaf_is_reported_with_its_path_and_a_present_one_is_not() -> None:
    missing = validate_attributes(*_order("on_confirm", status="Accepted"))
    assert "message.order.id: missing; required by the SRV on_confirm attribute table" in missing
    assert "message.order.status" not in {error.split(":")[0] for error in missing}


def test_a_list_element_missing_a_leaf_is_reported_with_its_index() -> None:
    items = [{"id": "I1", "category_ids": ["SRV11-1047"]}, {"category_ids": ["SRV11-1047"]}]
    paths = _paths(*_order("on_select", items=items))
    assert "message.order.items[1].id" in paths
    assert "message.order.items[0].id" not in paths
    assert {"message.order.items[0].fulfillment_ids", "message.order.items[1].fulfillment_ids"} <= paths


def test_a_missing_container_reports_the_required_leaves_beneath_it() -> None:
    paths = _paths(*_order("on_select", items=[{"id": "I1"}]))
    assert "message.order.items[0].quantity.selected.count" in paths


def test_an_absent_optional_object_requires_nothing_but_a_present_one_its_required_parts() -> None:
    stop: dict[str, Any] = {"type": "end"}
    assert not any(".authorization" in path for path in _paths(*_order("on_confirm", fulfillments=[{"stops": [stop]}])))
    stop["authorization"] = {"type": "OTP", "valid_from": "x", "valid_to": "y", "status": "valid"}
    paths = _paths(*_order("on_confirm", fulfillments=[{"stops": [stop]}]))
    assert "message.order.fulfillments[0].stops[0].authorization.token" in paths
    assert "message.order.fulfillments[0].stops[0].authorization.type" not in paths


def test_an_empty_list_is_present_and_null_is_missing() -> None:
    item = {"time": {"schedule": {"holidays": [], "frequency": None}}}
    paths = _paths("on_search", {"message": {"catalog": {"providers": [{"items": [item]}]}}})
    assert "message.catalog.providers[0].items[0].time.schedule.holidays" not in paths
    assert "message.catalog.providers[0].items[0].time.schedule.frequency" in paths


def test_context_city_and_country_are_read_under_context_location() -> None:
    located = {"location": {"city": {"code": "std:0522"}, "country": {"code": "IND"}}}
    assert not {"context.location.city.code", "context.location.country.code"} & _paths(
        "on_search", {"context": located}
    )
    assert "context.location.city.code" in _paths("on_search", {"context": {}})


def test_tag_groups_and_their_entries() -> None:
    breakup = [{"tags": [_tag("title", type="item")]}, {"tags": [_tag("title")]}, {"tags": []}]
    errors = validate_attributes(*_order("on_select", quote={"breakup": breakup}))
    tag_errors = sorted(error for error in errors if ".tags" in error)
    why = "required by the SRV on_select attribute table"
    assert tag_errors == [
        f"message.order.quote.breakup[1].tags: tag group 'title' has no entry 'type'; {why}",
        f"message.order.quote.breakup[2].tags: tag group 'title' is missing; {why}",
    ]


# --- the conditional rules, each both ways ----------------------------------------------------------------
def _stops(action: str, *stops: dict[str, Any], state: str = "Pending") -> set[str]:
    fulfillment = {"state": {"descriptor": {"code": state}}, "stops": list(stops)}
    return _paths(*_order(action, fulfillments=[fulfillment]))


def test_start_stop_rule() -> None:
    """"required for 'start' stop": location.id and location.descriptor.name (on_confirm)."""
    paths = _stops("on_confirm", {"type": "start", "location": {}}, {"type": "end", "location": {}})
    assert "message.order.fulfillments[0].stops[0].location.id" in paths
    assert "message.order.fulfillments[0].stops[0].location.descriptor.name" in paths
    assert "message.order.fulfillments[0].stops[1].location.id" not in paths


def test_end_stop_rule() -> None:
    """"required for 'end' stop": address, city, state, country, area code, time.label (on_confirm)."""
    paths = _stops("on_confirm", {"type": "start", "location": {}}, {"type": "end", "location": {}})
    assert "message.order.fulfillments[0].stops[1].location.address" in paths
    assert "message.order.fulfillments[0].stops[1].time.label" in paths
    assert "message.order.fulfillments[0].stops[0].location.address" not in paths
    errors = validate_attributes(*_order("on_confirm", fulfillments=[{"stops": [{"type": "end"}]}]))
    assert (
        "message.order.fulfillments[0].stops[0].location.area_code: missing; "
        "the SRV on_confirm attribute table says \"required for 'end' stop\""
    ) in errors


def test_paid_payment_rule() -> None:
    """"required when payment status is PAID": params.transaction_id."""
    payments = [{"status": "PAID", "params": {}}, {"status": "NOT-PAID", "params": {}}]
    paths = _paths(*_order("on_status", payments=payments))
    assert "message.order.payments[0].params.transaction_id" in paths
    assert "message.order.payments[1].params.transaction_id" not in paths


def test_completed_order_rule() -> None:
    """"required once the order is complete": documents (on_status)."""
    assert "message.order.documents" in _paths(*_order("on_status", status="Completed"))
    assert "message.order.documents" not in _paths(*_order("on_status", status="In-progress"))


def test_customization_rule() -> None:
    """"required for customizations": parent_item_id of an item tagged as a customization."""
    customization = {"id": "IC1", "tags": [_tag("attribute", type="customization")]}
    paths = _paths(*_order("on_select", items=[customization, {"id": "I1"}]))
    assert "message.order.items[0].parent_item_id" in paths
    assert "message.order.items[1].parent_item_id" not in paths


def test_otp_before_the_service_starts_rule() -> None:
    """"required before starting the service": the end stop's authorization once At-Location (on_status)."""
    end = "message.order.fulfillments[0].stops[1].authorization"
    start = "message.order.fulfillments[0].stops[0].authorization"
    at_door = _stops("on_status", {"type": "start"}, {"type": "end"}, state="At-Location")
    assert end in at_door and start not in at_door
    assert end not in _stops("on_status", {"type": "start"}, {"type": "end"}, state="In-Transit")


def test_reschedule_terms_rule() -> None:
    """on_search items.tags.code, "code = 'reschedule_terms'": on a service item, not on a customization."""
    service = {"id": "I1", "tags": [_tag("attribute", type="service")]}
    customization = {"id": "IC1", "tags": [_tag("attribute", type="customization")]}
    rescheduled = {"id": "I2", "tags": [_tag("reschedule_terms", fee="0")]}
    catalog = {"providers": [{"items": [service, customization, rescheduled]}]}
    paths = _paths("on_search", {"message": {"catalog": catalog}})
    items = "message.catalog.providers[0].items"
    assert f"{items}[0].tags" in paths
    assert f"{items}[1].tags" not in paths and f"{items}[2].tags" not in paths


def test_conditions_on_other_messages_never_require_but_a_sent_object_is_checked() -> None:
    """"required if 'xinput/required' = true in /on_init": one message cannot tell; a sent xinput is checked."""
    assert not any("xinput" in path for path in _paths(*_order("on_confirm")))
    paths = _paths(*_order("on_confirm", xinput={"form": {"mimetype": "text/html"}}))
    assert "message.order.xinput.form.url" in paths and "message.order.xinput.form.mimetype" not in paths


# --- known deviations -------------------------------------------------------------------------------------
def _stop_timestamps_missing(state: str) -> set[str]:
    """Which stops' `time.timestamp` an on_status in fulfillment `state` is told it lacks (neither stop has one)."""
    slot = {"range": {"start": "2026-01-05T10:00:00.000Z", "end": "2026-01-05T11:00:00.000Z"}}
    stops = [{"type": "start", "time": slot}, {"type": "end", "time": {"label": "confirmed", **slot}}]
    fulfillment = {"state": {"descriptor": {"code": state}}, "stops": stops}
    paths = _paths(*_order("on_status", fulfillments=[fulfillment]))
    return {stop["type"] for index, stop in enumerate(stops)
            if f"message.order.fulfillments[0].stops[{index}].time.timestamp" in paths}


def test_a_stop_time_not_yet_reached_is_waived_and_one_that_has_passed_is_still_required() -> None:
    assert _stop_timestamps_missing("Pending") == set()  # she has not set off, the service has not ended
    assert _stop_timestamps_missing("In-Transit") == {"start"}  # she has set off: her time is due
    assert _stop_timestamps_missing("At-Location") == {"start"}
    assert _stop_timestamps_missing("Completed") == {"start", "end"}
    assert _stop_timestamps_missing("Cancelled") == set()


def test_a_deviation_waives_only_its_own_action_and_path() -> None:
    """The same stop without a timestamp in a table that does not require it, and another missing leaf of the
    same stop, are not touched by the waiver."""
    assert {(d.action, d.path) for d in KNOWN_DEVIATIONS} == {
        ("on_status", "message.order.fulfillments.stops.time.timestamp")}
    stop = {"type": "end", "time": {"range": {"start": "2026-01-05T10:00:00.000Z"}}}
    fulfillment = {"state": {"descriptor": {"code": "Pending"}}, "stops": [stop]}
    paths = _paths(*_order("on_status", fulfillments=[fulfillment]))
    assert "message.order.fulfillments[0].stops[0].time.range.end" in paths
    assert "message.order.fulfillments[0].stops[0].time.label" in paths
    assert all(deviation.table_line and deviation.reason for deviation in KNOWN_DEVIATIONS)


# --- optional_present -------------------------------------------------------------------------------------
def test_optional_present_names_the_optional_attributes_sent() -> None:
    order = {
        "billing": {"name": "Ram", "email": "ram@example.in"},
        "fulfillments": [{"stops": [{"type": "end", "contact": {"phone": "9415000001", "email": "r@example.in"}}]}],
        "payments": [{"tags": [_tag("Settlement_Details", Mode="UPI"), _tag("Buyer_Finder_Fee", Amount="3")]}],
    }
    assert optional_present(*_order("on_confirm", **order)) == {
        "message.order.billing.email",
        "message.order.fulfillments.stops.contact.email",
        "message.order.payments.tags.Settlement_Details",
    }
    assert optional_present("on_cancel", {"message": {}}) == set()

OFFICIAL = sorted(ATTRIBUTE_OUTCOME)


def _fields(errors: list[str]) -> list[str]:
    return sorted({re.sub(r"\[\d+\]", "[]", error.split(":")[0]) for error in errors})


def test_every_official_srv_callback_example_is_listed() -> None:
    assert {str(p.relative_to(EXAMPLES)) for p in EXAMPLES.glob("srv-*/on_*/*.json")} == set(OFFICIAL)


@pytest.mark.parametrize("relative", OFFICIAL)
def test_official_example_attribute_outcome(relative: str) -> None:
    """The examples are shapes, not truth: what they lack by the tables is pinned, so a change shows."""
    path = EXAMPLES / relative
    assert _fields(validate_attributes(path.parent.name, orjson.loads(path.read_bytes()))) == ATTRIBUTE_OUTCOME[
        relative
    ]


# --- the tables -------------------------------------------------------------------------------------------
def _requirements(node: Any) -> set[str]:
    found = {node.requirement} if node.requirement else set()
    for child in node.children.values():
        found |= _requirements(child)
    return found


def test_every_prose_condition_of_the_tables_has_a_rule_and_no_rule_is_stale() -> None:
    prose: set[str] = set()
    for action in table_actions():
        prose |= _requirements(attribute_table(action)) - {REQUIRED, OPTIONAL}
    assert prose - set(CONDITIONAL_RULES) == {"code = 'reschedule_terms' on a service item"}  # on_search's tags.code
    assert set(CONDITIONAL_RULES) <= prose


def test_table_conventions_are_read() -> None:
    on_init = attribute_table("on_init").children["message"].children["order"]
    assert on_init.children["billing"].requirement == REQUIRED  # `billing: billing:` is billing itself
    xinput = on_init.children["xinput"]
    assert xinput.requirement == OPTIONAL and xinput.children["required"].requirement == REQUIRED  # xinput.required
    stops = attribute_table("on_confirm").children["message"].children["order"].children["fulfillments"]
    authorization = stops.children["stops"].children["authorization"]  # `authorization.type` nests
    assert authorization.requirement == OPTIONAL and authorization.children["token"].requirement == REQUIRED
    providers = attribute_table("on_search").children["message"].children["catalog"].children["providers"]
    assert providers.children["categories"].children["id"].requirement == REQUIRED  # `categories.id`
    assert attribute_table("select").children["message"].children["order"].children["fulfillments"].requirement == (
        REQUIRED  # spelt `fulfillemnts` in select.yaml
    )
    assert attribute_table("search").children["context"].children["domain"].requirement == REQUIRED  # mandatory


def test_actions_without_a_table_have_no_errors_and_unknown_names_are_refused() -> None:
    for action in ("on_cancel", "on_track", "on_rating", "on_support"):
        assert action not in table_actions()
        assert validate_attributes(action, {}) == []
    with pytest.raises(ValueError, match="on_serch"):
        validate_attributes("on_serch", {})
