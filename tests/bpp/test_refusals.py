"""The one refusal model and its two edges: the Beckn `error` object and the staff/worker HTTP answer."""

from __future__ import annotations

import json

import pytest

from bpp.platform.http_errors import refusal_handler
from fulfillment.ledger import LedgerError
from schemas.errors import FULFILLMENT_NOT_FOUND, INVALID_OTP, INVALID_REQUEST
from schemas.refusal import NOT_ALLOWED, NOT_FOUND, Refusal


def test_the_beckn_error_takes_the_spec_type_of_the_code_and_the_field_as_its_path() -> None:
    assert Refusal(INVALID_REQUEST.code, "item id is missing", "message.order.items[0].id").as_error() == {
        "type": "JSON-SCHEMA-ERROR", "code": "30000", "message": "item id is missing",
        "path": "message.order.items[0].id",
    }
    assert Refusal(FULFILLMENT_NOT_FOUND.code, "no worker served this order").as_error() == {
        "type": "POLICY-ERROR", "code": "50007", "message": "no worker served this order",
    }


async def _answer(refusal: Refusal) -> tuple[int, dict[str, str]]:
    response = await refusal_handler(None, refusal)  # type: ignore[arg-type]  # the handler never reads the request
    return response.status_code, json.loads(response.body)["detail"]


@pytest.mark.parametrize(
    ("refusal", "status"),
    [
        (Refusal(NOT_FOUND, "Order not found."), 404),
        (Refusal("not_your_job", "This job is not assigned to you."), 404),
        (Refusal(NOT_ALLOWED, "You cannot take jobs now."), 403),
        (Refusal(INVALID_OTP.code, "Wrong OTP."), 422),
        (Refusal("40000", "Give the reason.", "reason"), 422),
        (Refusal("offer_gone", "This offer is no longer open."), 409),
    ],
)
async def test_the_http_status_follows_the_code_then_the_field(refusal: Refusal, status: int) -> None:
    assert (await _answer(refusal))[0] == status


async def test_the_http_body_is_the_localised_detail_with_the_code_and_field() -> None:
    status, detail = await _answer(Refusal("40000", "Give the reason.", "reason", "कारण लिखें।"))
    assert (status, detail) == (422, {"code": "40000", "en": "Give the reason.", "hi": "कारण लिखें।", "field": "reason"})


async def test_a_refusal_in_english_only_gets_the_hindi_of_its_status() -> None:
    status, detail = await _answer(LedgerError("payout line is already paid; it cannot become failed"))
    assert status == 409 and detail["hi"] == "यह बदलाव नहीं हो सकता; स्थिति दोबारा देखें।"
