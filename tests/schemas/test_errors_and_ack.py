from pathlib import Path

import orjson
import pytest
import yaml

from schemas import errors
from schemas.ack import ack_body, nack_body
from schemas.errors import ERROR_CODES, ErrorCode
from schemas.spec import bundle, spec_dir

ERROR_TYPES = {"CONTEXT-ERROR", "CORE-ERROR", "DOMAIN-ERROR", "POLICY-ERROR", "JSON-SCHEMA-ERROR"}


def _spec_rows(entries: list[dict]) -> dict[str, tuple[str, str, str]]:
    return {
        str(e["Code"]): (e["Type"], e["Message"], " ".join(str(e["Description"]).split())) for e in entries
    }


def test_table_matches_error_codes_yaml() -> None:
    path = Path(spec_dir(), "srv-components", "error_codes", "ErrorCodes", "ErrorCodes.yaml")
    spec = _spec_rows(yaml.safe_load(path.read_text())["ErrorCodes"])
    ours = {c.code: (c.raised_by, c.message, c.description) for c in ERROR_CODES.values()}
    assert ours == spec


def test_table_matches_bundle_x_errorcodes() -> None:
    (entry,) = [e for e in bundle()["x-errorcodes"] if "ErrorCodes" in e]
    assert {c.code for c in ERROR_CODES.values()} == set(_spec_rows(entry["ErrorCodes"]))


def test_every_code_has_a_beckn_error_type() -> None:
    assert {c.type for c in ERROR_CODES.values()} <= ERROR_TYPES
    assert all(code == c.code and code.isdigit() for code, c in ERROR_CODES.items())


@pytest.mark.parametrize(
    ("constant", "code", "error_type", "message"),
    [
        (errors.GATEWAY_INVALID_SIGNATURE, "10001", "CONTEXT-ERROR", "Invalid Signature"),
        (errors.INVALID_CITY_CODE, "10002", "CONTEXT-ERROR", "Invalid City Code"),
        (errors.INVALID_ORDER_STATE, "20007", "DOMAIN-ERROR", "Invalid order state"),
        (errors.INVALID_REQUEST, "30000", "JSON-SCHEMA-ERROR", "Invalid request"),
        (errors.PROVIDER_NOT_FOUND, "30001", "DOMAIN-ERROR", "Provider not found"),
        (errors.ITEM_NOT_FOUND, "30004", "DOMAIN-ERROR", "Item not found"),
        (errors.LOCATION_NOT_SERVICEABLE, "30009", "DOMAIN-ERROR", "Location Serviceability error"),
        (errors.INVALID_SIGNATURE, "30016", "CONTEXT-ERROR", "Invalid Signature"),
        (errors.STALE_REQUEST, "30022", "CONTEXT-ERROR", "Stale Request"),
        (errors.INTERNAL_ERROR, "31001", "CORE-ERROR", "Internal Error"),
        (errors.BUSINESS_ERROR, "40000", "DOMAIN-ERROR", "Business Error"),
        (errors.CANCELLATION_NOT_POSSIBLE, "50001", "POLICY-ERROR", "Cancellation not possible"),
        (errors.FULFILLMENT_TERMINAL, "50008", "POLICY-ERROR", "Fulfillment cannot be updated"),
        (
            errors.SLOT_NOT_AVAILABLE,
            "90001",
            "DOMAIN-ERROR",
            "Schedule selected by the buyer is not available",
        ),
        (errors.INVALID_OTP, "90002", "DOMAIN-ERROR", "Incorrect OTP provided by buyer"),
        (errors.SCHEDULE_NOT_PROVIDED, "90003", "DOMAIN-ERROR", "Schedule is not provided by the buyer"),
    ],
)
def test_named_codes_keep_spec_meaning(constant: ErrorCode, code: str, error_type: str, message: str) -> None:
    assert (constant.code, constant.type, constant.message) == (code, error_type, message)


@pytest.mark.parametrize(
    ("constant", "code", "error_type"),
    [
        (errors.WRONG_BPP, "30000", "CONTEXT-ERROR"),
        (errors.DOMAIN_NOT_SERVED, "30000", "CONTEXT-ERROR"),
        (errors.CITY_NOT_SERVED, "10002", "CONTEXT-ERROR"),
        (errors.VERSION_NOT_SUPPORTED, "30000", "CONTEXT-ERROR"),
        (errors.DUPLICATE_REQUEST, "31003", "DOMAIN-ERROR"),
        (errors.RATE_LIMITED, "31001", "CORE-ERROR"),
        (errors.PAYLOAD_TOO_LARGE, "30000", "CORE-ERROR"),
    ],
)
def test_gap_cases_use_existing_spec_codes(constant: ErrorCode, code: str, error_type: str) -> None:
    assert constant.code == code and constant.type == error_type
    assert constant.message == ERROR_CODES[code].message


def test_ack_body_is_exact_and_constant() -> None:
    assert ack_body() == b'{"message":{"ack":{"status":"ACK"}}}'
    assert ack_body() is ack_body()


def test_nack_body_is_exact() -> None:
    body = nack_body("30016", "Invalid Signature", path="Authorization", type="CONTEXT-ERROR")
    assert body == (
        b'{"message":{"ack":{"status":"NACK"}},"error":{"type":"CONTEXT-ERROR","code":"30016",'
        b'"message":"Invalid Signature","path":"Authorization"}}'
    )


def test_nack_body_defaults_type_from_table_and_omits_missing_path() -> None:
    body = orjson.loads(nack_body("30000", "message.order.items[0].id: Field required"))
    assert body["error"] == {
        "type": "JSON-SCHEMA-ERROR",
        "code": "30000",
        "message": "message.order.items[0].id: Field required",
    }
    assert orjson.loads(nack_body("99999", "x"))["error"]["type"] == "CORE-ERROR"


def test_nack_body_escapes_message() -> None:
    body = orjson.loads(nack_body("40000", 'quote "changed"\n'))
    assert body["error"]["message"] == 'quote "changed"\n'
