import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from reference import EXAMPLES

from schemas.beckn import REQUEST_MODELS, SchemaError, parse_request

INBOUND = ("search", "select", "init", "confirm", "status", "cancel", "update")
SRV_FILES = sorted(
    path.relative_to(EXAMPLES)
    for branch in ("srv-draft-services", "srv-release-services")
    for action in INBOUND
    for path in (EXAMPLES / branch / action).glob("*.json")
)
TRV_FILES = sorted(
    path.relative_to(EXAMPLES)
    for path in (EXAMPLES / "trv10-rating-support-track").glob("*.yaml")
    if not path.name.startswith("on_")
)


def _action(relative: Path) -> str:
    return relative.parent.name if relative.suffix == ".json" else relative.name.split("__")[0]


def _raw(relative: Path) -> bytes:
    path = EXAMPLES / relative
    if path.suffix == ".json":
        return path.read_bytes()
    return orjson.dumps(yaml.safe_load(path.read_text()))


def test_every_inbound_example_is_collected() -> None:
    assert len(SRV_FILES) == 2 * 21
    assert {_action(p) for p in TRV_FILES} == {"rating", "support", "track"}
    assert len(TRV_FILES) == 4


@pytest.mark.parametrize("relative", SRV_FILES + TRV_FILES, ids=str)
def test_official_inbound_example_parses(relative: Path) -> None:
    action = _action(relative)
    model, data = parse_request(action, _raw(relative))
    assert isinstance(model, REQUEST_MODELS[action])
    assert data["context"]["action"] == action
    assert model.context.expires_at > model.context.timestamp  # type: ignore[attr-defined]


# Defects in the official inbound examples that we tolerate on purpose (none is rejected).
def test_tolerated_defect_init_ttl_p30s() -> None:
    model, _ = parse_request("init", _raw(Path("srv-draft-services/init/init_service.json")))
    assert model.context.ttl == timedelta(seconds=30)  # type: ignore[attr-defined]


def test_tolerated_defect_string_count_in_quote_echo() -> None:
    relative = Path("srv-release-services/confirm/confirm_service.json")
    data = orjson.loads(_raw(relative))
    assert data["message"]["order"]["quote"]["breakup"][0]["item"]["quantity"]["selected"]["count"] == "1"
    parse_request("confirm", _raw(relative))


def test_tolerated_trv10_shapes() -> None:
    rating, _ = parse_request("rating", _raw(TRV_FILES[0]))
    assert [(r.id, r.value) for r in rating.message.all_ratings()] == [  # type: ignore[attr-defined]
        ("b0462745-f6c9-4100-bbe7-4fa3648b6b40", "4")
    ]
    support = next(p for p in TRV_FILES if _action(p) == "support")
    model, _ = parse_request("support", _raw(support))
    assert model.message.reference == "7751bd26-3fdc-47ca-9b64-e998dc5abe68"  # type: ignore[attr-defined]


def test_search_model_values() -> None:
    model, data = parse_request("search", _raw(Path("srv-draft-services/search/search_by_schedule.json")))
    ctx = model.context  # type: ignore[attr-defined]
    assert ctx.timestamp == datetime(2023, 11, 8, 22, 0, tzinfo=UTC)
    assert ctx.ttl == timedelta(seconds=30)
    assert ctx.location.city.code == "std:080"
    stop = model.message.intent.fulfillment.stops[0]  # type: ignore[attr-defined]
    assert stop.location.gps == "12.974002,77.613458"
    assert stop.location.lat_lng == (12.974002, 77.613458)
    assert stop.time.range.start == datetime(2023, 11, 16, 9, 30, tzinfo=UTC)
    tag = model.message.intent.tags[0]  # type: ignore[attr-defined]
    assert tag.descriptor.code == "BAP_Terms"
    assert tag.values() == {"finder_fee_type": "percent", "finder_fee_amount": "0"}
    assert data["message"]["intent"]["payment"] == {"type": "ON-FULFILLMENT", "collected_by": "BPP"}


def test_prices_become_decimals_and_extra_fields_are_kept() -> None:
    model, _ = parse_request("confirm", _raw(Path("srv-release-services/confirm/confirm_service.json")))
    order = model.message.order  # type: ignore[attr-defined]
    assert order.quote.price.value == Decimal("499")
    assert order.payments[0].params.amount == Decimal("499")
    assert order.model_extra["xinput"]["form"]["status"] == "SUCCESS"


# --- broken messages -------------------------------------------------------------------------
def _example(relative: str) -> dict[str, Any]:
    return orjson.loads(_raw(Path(relative)))


def _error(action: str, body: dict[str, Any] | bytes) -> SchemaError:
    raw = body if isinstance(body, bytes) else orjson.dumps(body)
    with pytest.raises(SchemaError) as caught:
        parse_request(action, raw)
    return caught.value


SELECT = "srv-release-services/select/select_service.json"
SEARCH = "srv-release-services/search/search_by_category.json"
CONFIRM = "srv-release-services/confirm/confirm_service.json"


@pytest.mark.parametrize(
    ("action", "example", "mutate", "path"),
    [
        (
            "select",
            SELECT,
            lambda d: d["message"]["order"]["items"][0].pop("id"),
            "message.order.items[0].id",
        ),
        (
            "select",
            SELECT,
            lambda d: d["message"]["order"]["items"][0].update(id=""),
            "message.order.items[0].id",
        ),
        (
            "select",
            SELECT,
            lambda d: d["message"]["order"]["items"][0].update(id=7),
            "message.order.items[0].id",
        ),
        ("select", SELECT, lambda d: d["message"]["order"].update(items=[]), "message.order.items"),
        (
            "select",
            SELECT,
            lambda d: d["message"]["order"]["provider"].pop("id"),
            "message.order.provider.id",
        ),
        (
            "select",
            SELECT,
            lambda d: d["message"]["order"]["fulfillments"][0]["stops"][0]["location"].update(gps="12.9"),
            "message.order.fulfillments[0].stops[0].location.gps",
        ),
        (
            "search",
            SEARCH,
            lambda d: d["message"]["intent"]["fulfillment"]["stops"][0]["location"].update(gps="95.1,77.6"),
            "message.intent.fulfillment.stops[0].location.gps",
        ),
        ("search", SEARCH, lambda d: d["message"].pop("intent"), "message.intent"),
        ("search", SEARCH, lambda d: d.pop("context"), "context"),
        ("search", SEARCH, lambda d: d["context"].pop("bap_uri"), "context.bap_uri"),
        ("search", SEARCH, lambda d: d["context"].update(bap_uri="ftp://x"), "context.bap_uri"),
        (
            "search",
            SEARCH,
            lambda d: d["context"]["location"]["city"].pop("code"),
            "context.location.city.code",
        ),
        ("search", SEARCH, lambda d: d["context"].update(ttl="30 seconds"), "context.ttl"),
        (
            "search",
            SEARCH,
            lambda d: d["context"].update(timestamp="2023-11-06T22:00:00"),
            "context.timestamp",
        ),
        ("search", SEARCH, lambda d: d["context"].update(timestamp=1699308000), "context.timestamp"),
        ("search", SEARCH, lambda d: d["context"].update(message_id="  "), "context.message_id"),
        (
            "confirm",
            CONFIRM,
            lambda d: d["message"]["order"]["quote"]["price"].update(value=499),
            "message.order.quote.price.value",
        ),
        (
            "confirm",
            CONFIRM,
            lambda d: d["message"]["order"]["quote"]["price"].update(value="4,99"),
            "message.order.quote.price.value",
        ),
        ("confirm", CONFIRM, lambda d: d["message"]["order"].pop("billing"), "message.order.billing"),
        ("confirm", CONFIRM, lambda d: d["message"]["order"].pop("id"), "message.order.id"),
        (
            "confirm",
            CONFIRM,
            lambda d: d["message"]["order"]["items"][0]["quantity"]["selected"].update(count="1"),
            "message.order.items[0].quantity.selected.count",
        ),
        (
            "confirm",
            CONFIRM,
            lambda d: d["message"]["order"]["items"][0]["quantity"]["selected"].update(count=-1),
            "message.order.items[0].quantity.selected.count",
        ),
        (
            "cancel",
            "srv-release-services/cancel/cancel.json",
            lambda d: d["message"].pop("cancellation_reason_id"),
            "message.cancellation_reason_id",
        ),
        (
            "update",
            "srv-release-services/update/update_reschedule.json",
            lambda d: d["message"].pop("update_target"),
            "message.update_target",
        ),
        (
            "status",
            "srv-release-services/status/status.json",
            lambda d: d["message"].update(order_id=None),
            "message.order_id",
        ),
    ],
)
def test_broken_message_reports_precise_path(action: str, example: str, mutate: Any, path: str) -> None:
    body = copy.deepcopy(_example(example))
    mutate(body)
    assert _error(action, body).path == path


def test_rating_needs_a_value() -> None:
    body = _example(str(TRV_FILES[0]))
    body["message"]["value"] = "five"
    assert _error("rating", body).path == "message.value"
    del body["message"]["value"]
    assert _error("rating", body).path == "message"


def test_support_needs_a_reference() -> None:
    body = _example(str(next(p for p in TRV_FILES if _action(p) == "support")))
    body["message"] = {}
    assert _error("support", body).path == "message"
    body["message"] = {"support": {"order_id": "O1"}}
    parse_request("support", orjson.dumps(body))


def test_not_json_and_not_an_object() -> None:
    error = _error("search", b"{not json")
    assert error.path == "" and "not valid JSON" in error.message
    assert _error("search", b"[]").message == "body must be a JSON object"


def test_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="no request model"):
        parse_request("on_search", b"{}")


# --- IGM ---------------------------------------------------------------------------------------
def _issue(context: dict[str, Any]) -> dict[str, Any]:
    return {
        "context": context,
        "message": {
            "issue": {
                "id": "I-1",
                "category": "ORDER",
                "sub_category": "ITM01",
                "order_details": {"id": "O1", "provider_id": "P1", "items": [{"id": "I1", "quantity": 1}]},
                "description": {"short_desc": "Worker did not come"},
                "status": "OPEN",
                "created_at": "2024-01-02T10:00:00.000Z",
            }
        },
    }


def test_issue_with_beckn_1_0_context_is_folded() -> None:
    context = {
        "domain": "ONDC:SRV11",
        "country": "IND",
        "city": "std:0522",
        "action": "issue",
        "core_version": "1.0.0",
        "bap_id": "buyer.example",
        "bap_uri": "https://buyer.example/igm",
        "bpp_id": "sevamitra.example",
        "bpp_uri": "https://sevamitra.example/ondc",
        "transaction_id": "t1",
        "message_id": "m1",
        "timestamp": "2024-01-02T10:00:00.000Z",
        "ttl": "PT30S",
    }
    model, _ = parse_request("issue", orjson.dumps(_issue(context)))
    assert model.context.location.city.code == "std:0522"  # type: ignore[attr-defined]
    assert model.context.version == "1.0.0"  # type: ignore[attr-defined]
    assert model.message.issue.order_details.id == "O1"  # type: ignore[attr-defined]


def test_issue_with_beckn_1_1_context_and_missing_order() -> None:
    context = _example(SEARCH)["context"] | {"action": "issue"}
    body = _issue(context)
    parse_request("issue", orjson.dumps(body))
    del body["message"]["issue"]["order_details"]["id"]
    assert _error("issue", body).path == "message.issue.order_details.id"


def test_issue_status() -> None:
    context = _example(SEARCH)["context"] | {"action": "issue_status"}
    model, _ = parse_request(
        "issue_status", orjson.dumps({"context": context, "message": {"issue_id": "I-1"}})
    )
    assert model.message.issue_id == "I-1"  # type: ignore[attr-defined]
    assert _error("issue_status", {"context": context, "message": {}}).path == "message.issue_id"
