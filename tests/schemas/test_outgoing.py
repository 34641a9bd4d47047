"""validate_outgoing / validate_enums: official on_* examples, our own messages, broken ones."""

import copy
import re
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
import yaml
from reference import EXAMPLES

from catalog.fragments import PAYMENT_ON, PAYMENT_PRE
from catalog.ordering import payment_terms
from schemas import outgoing, spec
from schemas.enums import FulfillmentStateCode, FulfillmentType, OrderStatus
from schemas.outgoing import OUTGOING_ACTIONS, schema_source, validate_enums, validate_outgoing

# Known outcome of every official on_* example: the fields (list indices dropped) that fail.
# Reasons: upper-case order status (draft), message_id "M1"/"1755..." and transaction_id "T1"
# are not UUIDs, xinput.form.submission_id "xxxx" is not a UUID, holidays are dates not
# date-times, month 17 in "2022-17-10...", images as strings instead of {url}, quantity counts
# as strings, measure.type in lower case, provider.ttl as a duration string (the schema wants an
# integer), cancelled_by "PRODUCER", and on_select_nack.json is a NACK body, not a callback.
SCHEMA_OUTCOME: dict[str, list[str]] = {
    "srv-draft-services/on_cancel/on_cancel_ack.json": ["context.message_id", "message.order.status"],
    "srv-draft-services/on_cancel/on_cancel_merchant.json": [
        "context.message_id",
        "message.order.cancellation.cancelled_by",
        "message.order.quote.breakup[].item.quantity.selected.count",
        "message.order.status",
    ],
    "srv-draft-services/on_confirm/on_confirm_consultation.json": [
        "message.order.status",
        "message.order.xinput.form.submission_id",
    ],
    "srv-draft-services/on_confirm/on_confirm_service.json": [
        "message.order.status",
        "message.order.xinput.form.submission_id",
    ],
    "srv-draft-services/on_confirm/on_confirm_service_customization.json": [
        "message.order.status",
        "message.order.xinput.form.submission_id",
    ],
    "srv-draft-services/on_init/on_init_consultation.json": [],
    "srv-draft-services/on_init/on_init_service.json": [],
    "srv-draft-services/on_init/on_init_service_customization.json": [],
    "srv-draft-services/on_search/on_search.json": [
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-draft-services/on_search/on_search_cleaning.json": [
        "context.message_id",
        "context.transaction_id",
        "message.catalog.providers[].items[].quantity.available.measure.type",
        "message.catalog.providers[].items[].quantity.unitized.measure.type",
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-draft-services/on_search/on_search_customized.json": [
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-draft-services/on_search/on_search_customized1.json": [
        "context.message_id",
        "context.transaction_id",
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-draft-services/on_search/on_search_customized_cusines.json": [
        "context.message_id",
        "context.transaction_id",
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-draft-services/on_select/on_select_consultation_confirmed.json": [
        "message.order.fulfillments[].stops[].time.range.start"
    ],
    "srv-draft-services/on_select/on_select_consultation_rejected.json": [
        "message.order.items[].time.range.start",
        "message.order.items[].time.schedule.holidays[]",
    ],
    "srv-draft-services/on_select/on_select_nack.json": ["$"],
    "srv-draft-services/on_select/on_select_service_confirmed.json": [
        "message.order.fulfillments[].stops[].time.range.start"
    ],
    "srv-draft-services/on_select/on_select_service_customization_confirmed.json": [],
    "srv-draft-services/on_select/on_select_service_rejected.json": [
        "message.order.items[].time.range.start",
        "message.order.items[].time.schedule.holidays[]",
    ],
    "srv-draft-services/on_status/on_status_Completed.json": ["message.order.status"],
    "srv-draft-services/on_status/on_status_In_Transit.json": ["message.order.status"],
    "srv-draft-services/on_status/on_status_Reached.json": [
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_Reached_re-otp.json": [
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_Service_Started.json": [
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_Service_Started_customization.json": ["message.order.status"],
    "srv-draft-services/on_update/on_update_requote.json": [
        "message.order.quote.breakup[].item.quantity.selected.measure.type",
        "message.order.quote.breakup[].item.quantity.unitized.count",
        "message.order.quote.breakup[].item.quantity.unitized.measure.type",
        "message.order.status",
    ],
    "srv-draft-services/on_update/on_update_reschedule.json": ["message.order.status"],
    "srv-release-services/on_cancel/on_cancel_ack.json": [
        "context.message_id",
        "message.order.quote.breakup[].item.quantity.allocated.count",
        "message.order.quote.breakup[].item.quantity.selected.count",
    ],
    "srv-release-services/on_cancel/on_cancel_merchant.json": [
        "context.message_id",
        "message.order.cancellation.cancelled_by",
        "message.order.quote.breakup[].item.quantity.allocated.count",
        "message.order.quote.breakup[].item.quantity.selected.count",
    ],
    "srv-release-services/on_confirm/on_confirm_consultation.json": [
        "message.order.xinput.form.submission_id"
    ],
    "srv-release-services/on_confirm/on_confirm_service.json": [
        "message.order.quote.breakup[].item.quantity.allocated.count",
        "message.order.xinput.form.submission_id",
    ],
    "srv-release-services/on_confirm/on_confirm_service_customization.json": [
        "message.order.xinput.form.submission_id"
    ],
    "srv-release-services/on_init/on_init_consultation.json": [],
    "srv-release-services/on_init/on_init_service.json": [],
    "srv-release-services/on_init/on_init_service_customization.json": [],
    "srv-release-services/on_search/on_search.json": [
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-release-services/on_search/on_search_broomies.json": [
        "context.message_id",
        "context.transaction_id",
        "message.catalog.providers[].items[].quantity.available.measure.type",
        "message.catalog.providers[].items[].quantity.unitized.measure.type",
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-release-services/on_search/on_search_customized.json": [
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-release-services/on_search/on_search_customized1.json": [
        "context.message_id",
        "context.transaction_id",
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-release-services/on_search/on_search_customized_cusines.json": [
        "context.message_id",
        "context.transaction_id",
        "message.catalog.providers[].items[].time.schedule.holidays[]",
        "message.catalog.providers[].time.schedule.holidays[]",
        "message.catalog.providers[].ttl",
    ],
    "srv-release-services/on_select/on_select_consultation_confirmed.json": [],
    "srv-release-services/on_select/on_select_consultation_rejected.json": [
        "message.order.items[].time.range.start",
        "message.order.items[].time.schedule.holidays[]",
    ],
    "srv-release-services/on_select/on_select_nack.json": ["$"],
    "srv-release-services/on_select/on_select_service_confirmed.json": [
        "message.order.quote.breakup[].item.quantity.allocated.count"
    ],
    "srv-release-services/on_select/on_select_service_customization_confirmed.json": [],
    "srv-release-services/on_select/on_select_service_rejected.json": [
        "message.order.items[].time.range.start",
        "message.order.items[].time.schedule.holidays[]",
        "message.order.quote.breakup[].item.quantity.allocated.count",
    ],
    "srv-release-services/on_status/on_status_Completed.json": [
        "context.message_id",
        "context.transaction_id",
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.quote.breakup[].item.quantity.allocated.count",
    ],
    "srv-release-services/on_status/on_status_In_Transit.json": [
        "context.message_id",
        "context.transaction_id",
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.quote.breakup[].item.quantity.allocated.count",
    ],
    "srv-release-services/on_status/on_status_Reached.json": [
        "context.message_id",
        "context.transaction_id",
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.quote.breakup[].item.quantity.allocated.count",
    ],
    "srv-release-services/on_status/on_status_Reached_re-otp.json": [
        "context.message_id",
        "context.transaction_id",
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.quote.breakup[].item.quantity.allocated.count",
    ],
    "srv-release-services/on_status/on_status_Service_Started.json": [
        "context.message_id",
        "context.transaction_id",
        "message.order.fulfillments[].stops[].location.descriptor.images[]",
        "message.order.quote.breakup[].item.quantity.allocated.count",
    ],
    "srv-release-services/on_status/on_status_Service_Started_customization.json": [],
    "srv-release-services/on_update/on_update_requote.json": [
        "context.message_id",
        "context.transaction_id",
        "message.order.quote.breakup[].item.quantity.selected.measure.type",
        "message.order.quote.breakup[].item.quantity.unitized.count",
        "message.order.quote.breakup[].item.quantity.unitized.measure.type",
        "message.order.status",
    ],
    "srv-release-services/on_update/on_update_reschedule.json": [
        "context.message_id",
        "context.transaction_id",
    ],
    "trv10-rating-support-track/on_rating__Return_acknowledgement_of_rating_and_feedback___X14.yaml": [],
    "trv10-rating-support-track/on_support__Return_support_information_related_to_an_order___X22.yaml": [],
    "trv10-rating-support-track/on_track__Return_tracking_information_for_an_order___X23.yaml": [],
}

ENUM_OUTCOME: dict[str, list[str]] = {
    "srv-draft-services/on_cancel/on_cancel_ack.json": ["message.order.status"],
    "srv-draft-services/on_cancel/on_cancel_merchant.json": ["message.order.status"],
    "srv-draft-services/on_confirm/on_confirm_consultation.json": ["message.order.status"],
    "srv-draft-services/on_confirm/on_confirm_service.json": ["message.order.status"],
    "srv-draft-services/on_confirm/on_confirm_service_customization.json": ["message.order.status"],
    "srv-draft-services/on_init/on_init_consultation.json": [],
    "srv-draft-services/on_init/on_init_service.json": ["message.order.quote.breakup[].tags[].list[].value"],
    "srv-draft-services/on_init/on_init_service_customization.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-draft-services/on_search/on_search.json": [
        "message.catalog.fulfillments[].type",
        "message.catalog.providers[].items[].cancellation_terms[].fulfillment_state.descriptor.code",
    ],
    "srv-draft-services/on_search/on_search_cleaning.json": ["message.catalog.fulfillments[].type"],
    "srv-draft-services/on_search/on_search_customized.json": ["message.catalog.fulfillments[].type"],
    "srv-draft-services/on_search/on_search_customized1.json": ["message.catalog.fulfillments[].type"],
    "srv-draft-services/on_search/on_search_customized_cusines.json": ["message.catalog.fulfillments[].type"],
    "srv-draft-services/on_select/on_select_consultation_confirmed.json": [],
    "srv-draft-services/on_select/on_select_consultation_rejected.json": [],
    "srv-draft-services/on_select/on_select_nack.json": [],
    "srv-draft-services/on_select/on_select_service_confirmed.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-draft-services/on_select/on_select_service_customization_confirmed.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-draft-services/on_select/on_select_service_rejected.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-draft-services/on_status/on_status_Completed.json": [
        "message.order.quote.breakup[].tags[].list[].value",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_In_Transit.json": [
        "message.order.quote.breakup[].tags[].list[].value",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_Reached.json": [
        "message.order.quote.breakup[].tags[].list[].value",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_Reached_re-otp.json": [
        "message.order.quote.breakup[].tags[].list[].value",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_Service_Started.json": [
        "message.order.quote.breakup[].tags[].list[].value",
        "message.order.status",
    ],
    "srv-draft-services/on_status/on_status_Service_Started_customization.json": [
        "message.order.quote.breakup[].tags[].list[].value",
        "message.order.status",
    ],
    "srv-draft-services/on_update/on_update_requote.json": [
        "message.order.quote.breakup[].tags[].list[].value",
        "message.order.status",
    ],
    "srv-draft-services/on_update/on_update_reschedule.json": [
        "message.order.status",
    ],
    "srv-release-services/on_cancel/on_cancel_ack.json": [],
    "srv-release-services/on_cancel/on_cancel_merchant.json": [],
    "srv-release-services/on_confirm/on_confirm_consultation.json": [],
    "srv-release-services/on_confirm/on_confirm_service.json": [],
    "srv-release-services/on_confirm/on_confirm_service_customization.json": [],
    "srv-release-services/on_init/on_init_consultation.json": [],
    "srv-release-services/on_init/on_init_service.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_init/on_init_service_customization.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_search/on_search.json": [
        "message.catalog.fulfillments[].type",
        "message.catalog.providers[].items[].cancellation_terms[].fulfillment_state.descriptor.code",
    ],
    "srv-release-services/on_search/on_search_broomies.json": ["message.catalog.fulfillments[].type"],
    "srv-release-services/on_search/on_search_customized.json": ["message.catalog.fulfillments[].type"],
    "srv-release-services/on_search/on_search_customized1.json": ["message.catalog.fulfillments[].type"],
    "srv-release-services/on_search/on_search_customized_cusines.json": [
        "message.catalog.fulfillments[].type"
    ],
    "srv-release-services/on_select/on_select_consultation_confirmed.json": [],
    "srv-release-services/on_select/on_select_consultation_rejected.json": [],
    "srv-release-services/on_select/on_select_nack.json": [],
    "srv-release-services/on_select/on_select_service_confirmed.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_select/on_select_service_customization_confirmed.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_select/on_select_service_rejected.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_status/on_status_Completed.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_status/on_status_In_Transit.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_status/on_status_Reached.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_status/on_status_Reached_re-otp.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_status/on_status_Service_Started.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_status/on_status_Service_Started_customization.json": [
        "message.order.quote.breakup[].tags[].list[].value"
    ],
    "srv-release-services/on_update/on_update_requote.json": [
        "message.order.quote.breakup[].tags",
        "message.order.status",
    ],
    "srv-release-services/on_update/on_update_reschedule.json": [],
    "trv10-rating-support-track/on_rating__Return_acknowledgement_of_rating_and_feedback___X14.yaml": [
        "context.domain"
    ],
    "trv10-rating-support-track/on_support__Return_support_information_related_to_an_order___X22.yaml": [
        "context.domain"
    ],
    "trv10-rating-support-track/on_track__Return_tracking_information_for_an_order___X23.yaml": [
        "context.domain"
    ],
}

OFFICIAL = sorted(SCHEMA_OUTCOME)


def _load(relative: str) -> tuple[str, dict[str, Any]]:
    path = EXAMPLES / relative
    if path.suffix == ".json":
        return path.parent.name, orjson.loads(path.read_bytes())
    return path.name.split("__")[0], yaml.safe_load(path.read_text())


def _fields(errors: list[str]) -> list[str]:
    return sorted({re.sub(r"\[\d+\]", "[]", error.split(":")[0]) for error in errors})


def test_every_official_callback_example_is_listed() -> None:
    found = {
        str(p.relative_to(EXAMPLES))
        for pattern in ("srv-*/on_*/*.json", "trv10-rating-support-track/on_*.yaml")
        for p in EXAMPLES.glob(pattern)
    }
    assert found == set(OFFICIAL)
    assert {_load(r)[0] for r in OFFICIAL} == OUTGOING_ACTIONS


@pytest.mark.parametrize("relative", OFFICIAL)
def test_official_example_schema_outcome(relative: str) -> None:
    action, payload = _load(relative)
    assert _fields(validate_outgoing(action, payload)) == SCHEMA_OUTCOME[relative]


@pytest.mark.parametrize("relative", OFFICIAL)
def test_official_example_enum_outcome(relative: str) -> None:
    action, payload = _load(relative)
    assert _fields(validate_enums(action, payload)) == ENUM_OUTCOME[relative]


def test_all_callbacks_come_from_the_srv_bundle() -> None:
    assert {schema_source(action) for action in OUTGOING_ACTIONS} == {"srv-bundle"}


# --- the validator is not vacuous ----------------------------------------------------------------
CONTEXT = {
    "domain": "ONDC:SRV11",
    "location": {"city": {"code": "std:0522"}, "country": {"code": "IND"}},
    "action": "on_search",
    "version": "2.0.0",
    "bap_id": "buyer.example",
    "bap_uri": "https://buyer.example/ondc",
    "bpp_id": "sevamitra.example",
    "bpp_uri": "https://sevamitra.example/ondc",
    "transaction_id": "65fe13c2-d306-4ef1-8c25-fa126c134b67",
    "message_id": "ea89883a-57ff-44de-87fa-66b07c8d25d9",
    "timestamp": "2024-01-02T10:00:00.000Z",
    "ttl": "PT30S",
}
PRICE = {"currency": "INR", "value": "499.00"}


def _tag(group: str, **values: str) -> dict[str, Any]:
    return {
        "descriptor": {"code": group},
        "list": [{"descriptor": {"code": k}, "value": v} for k, v in values.items()],
    }


ON_SEARCH = {
    "context": CONTEXT,
    "message": {
        "catalog": {
            "descriptor": {"name": "Seva Mitra"},
            "providers": [
                {
                    "id": "P-LKO",
                    "descriptor": {
                        "name": "Seva Mitra Lucknow",
                        "images": [{"url": "https://x.example/l.png"}],
                    },
                    "locations": [{"id": "L1", "gps": "26.8467,80.9462"}],
                    "tags": [
                        _tag(
                            "serviceability",
                            location="L1",
                            category="SRV11-1013",
                            type="10",
                            val="3",
                            unit="km",
                        )
                    ],
                    "items": [
                        {
                            "id": "I1",
                            "descriptor": {"name": "Tap repair"},
                            "price": PRICE,
                            "category_ids": ["SRV11-1013"],
                            "fulfillment_ids": ["F1"],
                            "time": {"schedule": {"holidays": ["2024-01-26T00:00:00.000Z"]}},
                            "cancellation_terms": [
                                {
                                    "fulfillment_state": {"descriptor": {"code": FulfillmentStateCode.PENDING}},
                                    "cancellation_fee": {"percentage": "0"},
                                }
                            ],
                        }
                    ],
                    "fulfillments": [{"id": "F1", "type": FulfillmentType.HOME_SERVICE}],
                }
            ],
            "payments": [{"id": "PY1", "type": "ON-FULFILLMENT", "collected_by": "BPP"}],
        }
    },
}

BREAKUP = [
    {"title": "Tap repair", "price": PRICE, "item": {"id": "I1"}, "tags": [_tag("title", type="item")]},
    {
        "title": "tax",
        "price": {"currency": "INR", "value": "0.00"},
        "item": {"id": "I1"},
        "tags": [_tag("title", type="tax")],
    },
]
ON_STATUS = {
    "context": CONTEXT | {"action": "on_status"},
    "message": {
        "order": {
            "id": "O1",
            "status": OrderStatus.IN_PROGRESS,
            "provider": {"id": "P-LKO"},
            "items": [{"id": "I1", "fulfillment_ids": ["F1"], "quantity": {"selected": {"count": 1}}}],
            "fulfillments": [
                {
                    "id": "F1",
                    "type": FulfillmentType.HOME_SERVICE,
                    "state": {"descriptor": {"code": FulfillmentStateCode.AT_LOCATION}},
                    "stops": [
                        {
                            "type": "end",
                            "location": {"gps": "26.85,80.95"},
                            "time": {"timestamp": "2024-01-02T10:00:00.000Z"},
                        }
                    ],
                }
            ],
            "quote": {"price": PRICE, "breakup": BREAKUP, "ttl": "P1D"},
            "payments": [
                {
                    "id": "PY1",
                    "type": "ON-FULFILLMENT",
                    "collected_by": "BPP",
                    "status": "NOT-PAID",
                    "params": {"amount": "499.00", "currency": "INR"},
                    "tags": [
                        _tag("Settlement_Details", Counterparty="BPP", Mode="UPI"),
                        _tag(
                            "Buyer_Finder_Fee", Buyer_Finder_Fee_Type="percent", Buyer_Finder_Fee_Amount="3"
                        ),
                    ],
                }
            ],
            "created_at": "2024-01-02T09:00:00.000Z",
            "updated_at": "2024-01-02T10:00:00.000Z",
        }
    },
}


@pytest.mark.parametrize(("action", "payload"), [("on_search", ON_SEARCH), ("on_status", ON_STATUS)])
def test_our_reference_messages_pass(action: str, payload: dict[str, Any]) -> None:
    assert validate_outgoing(action, payload) == []
    assert validate_enums(action, payload) == []


def _broken(payload: dict[str, Any], mutate: Any) -> dict[str, Any]:
    copied = copy.deepcopy(payload)
    mutate(copied)
    return copied


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("context"), "$: 'context' is a required property"),
        (
            lambda d: d["message"]["catalog"].update(providers="P-LKO"),
            "message.catalog.providers: 'P-LKO' is not of type 'array'",
        ),
        (lambda d: d["message"].pop("catalog"), "message: 'catalog' is a required property"),
        (
            lambda d: d["context"].update(action="on_select"),
            "context.action: 'on_select' is not one of ['on_search']",
        ),
        (lambda d: d["context"].update(message_id="m-1"), "context.message_id: 'm-1' is not a 'uuid'"),
        (
            lambda d: d["context"].update(timestamp="2024-01-02 10:00"),
            "context.timestamp: '2024-01-02 10:00' is not a 'date-time'",
        ),
        (
            lambda d: d["message"]["catalog"]["providers"][0]["locations"][0].update(gps="26.8467"),
            "message.catalog.providers[0].locations[0].gps: '26.8467' does not match",
        ),
        (
            lambda d: d["message"]["catalog"]["providers"][0]["items"][0]["descriptor"].update(
                images=["https://x"]
            ),
            "message.catalog.providers[0].items[0].descriptor.images[0]: 'https://x' is not of type 'object'",
        ),
        (
            lambda d: d["message"]["catalog"]["providers"][0].update(ttl="PT24H"),
            "message.catalog.providers[0].ttl: 'PT24H' is not of type 'integer'",
        ),
    ],
)
def test_broken_on_search_is_rejected_with_path(mutate: Any, expected: str) -> None:
    errors = validate_outgoing("on_search", _broken(ON_SEARCH, mutate))
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_empty_body_is_rejected() -> None:
    assert validate_outgoing("on_search", {}) == ["$: 'context' is a required property"]


def test_order_status_uses_srv_spelling() -> None:
    for wrong in ("ACTIVE", "ACCEPTED", "In-Progress"):
        payload = _broken(ON_STATUS, lambda d, w=wrong: d["message"]["order"].update(status=w))
        assert _fields(validate_outgoing("on_status", payload)) == ["message.order.status"]
        assert _fields(validate_enums("on_status", payload)) == ["message.order.status"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["message"]["order"]["fulfillments"][0]["state"]["descriptor"].update(code="Reached"),
            "message.order.fulfillments[0].state.descriptor.code: 'Reached' is not an SRV fulfillment state",
        ),
        (
            lambda d: d["message"]["order"]["fulfillments"][0]["state"]["descriptor"].update(
                code="Serviceable"
            ),
            "message.order.fulfillments[0].state.descriptor.code: 'Serviceable' is not an SRV",
        ),
        (
            lambda d: d["message"]["order"]["fulfillments"][0].update(type="Delivery"),
            "message.order.fulfillments[0].type: 'Delivery' is not an SRV fulfillment type",
        ),
        (
            lambda d: d["message"]["order"]["payments"][0].update(type="PRE-ORDER"),
            "message.order.payments[0].type: 'PRE-ORDER' is not an SRV payment type",
        ),
        (
            lambda d: d["message"]["order"]["payments"][0].update(collected_by="GATEWAY"),
            "message.order.payments[0].collected_by: 'GATEWAY' is not an SRV payment collected_by",
        ),
        (
            lambda d: d["message"]["order"]["payments"][0]["tags"].pop(1),
            "message.order.payments[0].tags: required tag group 'Buyer_Finder_Fee' is missing",
        ),
        (
            lambda d: d["message"]["order"]["payments"][0]["tags"][0]["list"][0]["descriptor"].update(
                code="Party"
            ),
            "message.order.payments[0].tags[0].list[0].descriptor.code: 'Party' is not in Settlement_Details",
        ),
        (
            lambda d: d["message"]["order"]["quote"]["breakup"][1]["tags"][0]["list"][0].update(value="misc"),
            "message.order.quote.breakup[1].tags[0].list[0].value: 'misc' is not allowed for title.type",
        ),
        (
            lambda d: d["message"]["order"]["quote"]["breakup"][1].pop("tags"),
            "message.order.quote.breakup[1].tags: required tag group 'title' is missing",
        ),
        (
            lambda d: d["context"].update(domain="ONDC:RET10"),
            "context.domain: 'ONDC:RET10' is not an SRV domain",
        ),
    ],
)
def test_enum_and_tag_errors(mutate: Any, expected: str) -> None:
    errors = validate_enums("on_status", _broken(ON_STATUS, mutate))
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_on_status_repeats_the_confirmed_payment_tags_as_the_spec_examples_do() -> None:
    """The bundle's on_status tag list is narrower than its own examples; the confirmed payment's tags pass."""
    def confirmed_tags(payload: dict[str, Any]) -> None:
        payload["message"]["order"]["payments"][0]["tags"] = [
            {"descriptor": {"code": "Settlement_Counterparty"},
             "list": [{"descriptor": {"code": "Counterparty"}, "value": "BAP"}]},
            {"descriptor": {"code": "Settlement_Details"},
             "list": [{"descriptor": {"code": "Window"}, "value": "P1D"}]},
            *payload["message"]["order"]["payments"][0]["tags"][1:],
        ]

    assert validate_enums("on_status", _broken(ON_STATUS, confirmed_tags)) == []
    assert validate_enums("on_init", _broken(ON_STATUS, confirmed_tags)) != []


def test_serviceable_only_in_on_select_and_serviceability_tag_required() -> None:
    select = _broken(ON_STATUS, lambda d: d["context"].update(action="on_select"))
    select["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"] = "Serviceable"
    assert validate_enums("on_select", select) == []
    no_tag = _broken(ON_SEARCH, lambda d: d["message"]["catalog"]["providers"][0].pop("tags"))
    assert validate_enums("on_search", no_tag) == [
        "message.catalog.providers[0].tags: required tag group 'serviceability' is missing"
    ]
    bad_unit = _broken(
        ON_SEARCH,
        lambda d: d["message"]["catalog"]["providers"][0]["tags"][0]["list"][4].update(value="mile"),
    )
    assert _fields(validate_enums("on_search", bad_unit)) == [
        "message.catalog.providers[].tags[].list[].value"
    ]


def test_enums_match_spec_files_and_examples() -> None:
    states = spec.enum_codes("fulfillments", "fulfillments", "state", "descriptor", "code")
    assert set(FulfillmentStateCode) - states == {"Serviceable", "Cancelled"}  # documented extras
    assert set(OrderStatus) == spec.enum_codes("order", "order", "status")
    assert set(FulfillmentType) == spec.enum_codes("fulfillments", "fulfillments", "type")
    # the payment terms we send: on_search's two, and what select/init/confirm agree for each requested type
    requested = ("PRE-FULFILLMENT", "POST-FULFILLMENT", None)
    sent = [PAYMENT_PRE, PAYMENT_ON, *(payment_terms(kind) for kind in requested)]
    assert {terms["type"] for terms in sent} == spec.enum_codes("payment", "payment", "type")
    assert spec.enum_codes("payment", "payment", "collected_by") - {terms["collected_by"] for terms in sent} == {"SOR"}
    used = {
        json_state
        for relative in OFFICIAL
        if relative.endswith(".json")
        for json_state in re.findall(
            r'"state":\s*\{\s*"descriptor":\s*\{\s*"code":\s*"([^"]+)"', (EXAMPLES / relative).read_text()
        )
    }
    assert {"Serviceable", "Cancelled"} <= used <= set(FulfillmentStateCode)


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not an outgoing callback"):
        validate_outgoing("search", {})


@pytest.fixture
def bundle_without_on_rating(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The SRV bundle as if it lacked `/on_rating` (validators are cached per action: start and end clean)."""
    trimmed = dict(spec.bundle())
    trimmed["paths"] = {k: v for k, v in trimmed["paths"].items() if k != "/on_rating"}
    monkeypatch.setattr(spec, "bundle", lambda: trimmed)
    outgoing._validator.cache_clear()
    yield
    outgoing._validator.cache_clear()


@pytest.mark.usefixtures("bundle_without_on_rating")
def test_missing_bundle_path_falls_back_to_beckn_core() -> None:
    assert schema_source("on_rating") == "beckn-core"
    assert schema_source("on_status") == "srv-bundle"
    payload = {"context": CONTEXT | {"action": "on_rating"}, "message": {"feedback_form": {"form": {}}}}
    assert validate_outgoing("on_rating", payload) == []
    payload["message"] = "thanks"
    assert validate_outgoing("on_rating", payload) == ["message: 'thanks' is not of type 'object'"]
