"""The inbound pipeline and durable callbacks, over real loopback HTTP with a buyer-app simulator."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select

from bpp.simulator.buyer import BuyerApp, SentRequest
from bpp.storage.gateway_tables import delivery_attempts, messages, outbox
from signing import build_authorization_header, generate_signing_keypair

pytestmark = pytest.mark.asyncio


def support_body(buyer: BuyerApp, server: Any, **context_changes: Any) -> dict[str, Any]:
    context = buyer.context("support", str(uuid.uuid4()), server.services.settings.subscriber_id,
                            server.ondc_url)
    context.update(context_changes)
    return {"context": context, "message": {"support": {"ref_id": str(uuid.uuid4())}}}


async def post_raw(buyer: BuyerApp, url: str, raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any],
                                                                                         dict[str, str]]:
    assert buyer._http is not None
    answer = await buyer._http.post(url, content=raw, headers={"Content-Type": "application/json", **headers})
    return answer.status_code, answer.json(), dict(answer.headers)


def assert_nack(status: int, body: dict[str, Any], expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert body["message"]["ack"]["status"] == "NACK"
    assert body["error"]["code"] == code, body
    assert body["error"]["message"]


async def test_signed_request_is_acked_and_answered(server: Any, buyer: BuyerApp) -> None:
    sent = await buyer.post(f"{server.ondc_url}/support", support_body(buyer, server))
    assert sent.acked, sent.answer
    callback = await buyer.wait_for("on_support", buyer.replies_to(sent))
    assert callback.signature_ok
    assert callback.context["transaction_id"] == sent.body["context"]["transaction_id"]
    assert callback.context["message_id"] == sent.message_id
    assert callback.context["bpp_id"] == server.services.settings.subscriber_id


async def test_tampered_body_is_refused_with_401(server: Any, buyer: BuyerApp) -> None:
    raw = orjson.dumps(support_body(buyer, server))
    header = buyer.sign(raw)
    tampered = raw.replace(b'"support"', b'"support" ', 1)
    status, body, headers = await post_raw(buyer, f"{server.ondc_url}/support", tampered, {"Authorization": header})
    assert_nack(status, body, 401, "30016")
    assert headers["www-authenticate"].startswith("Signature")
    assert "signature" in body["error"]["message"]


async def test_unknown_signer_is_refused(server: Any, buyer: BuyerApp) -> None:
    raw = orjson.dumps(support_body(buyer, server))
    stranger_key, _ = generate_signing_keypair()
    header = build_authorization_header(raw, stranger_key, "stranger.example", "k1")
    status, body, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw, {"Authorization": header})
    assert_nack(status, body, 401, "30016")
    assert "unknown" in body["error"]["message"]


async def test_expired_and_missing_headers_are_refused(server: Any, buyer: BuyerApp) -> None:
    raw = orjson.dumps(support_body(buyer, server))
    now = int(time.time())
    expired = build_authorization_header(raw, buyer._signing_private, buyer.subscriber_id, buyer.unique_key_id,
                                         created=now - 600, expires=now - 300)
    status, body, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw, {"Authorization": expired})
    assert_nack(status, body, 401, "30016")
    assert "window" in body["error"]["message"]
    status, body, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw, {})
    assert_nack(status, body, 401, "30016")


async def test_bad_gateway_signature_is_10001(server: Any, buyer: BuyerApp) -> None:
    raw = orjson.dumps({**support_body(buyer, server)})
    other_key, _ = generate_signing_keypair()
    gateway = build_authorization_header(raw, other_key, buyer.subscriber_id, buyer.unique_key_id)
    status, body, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw,
                                     {"Authorization": buyer.sign(raw), "X-Gateway-Authorization": gateway})
    assert_nack(status, body, 401, "10001")


async def test_malformed_json_and_missing_context_are_400(server: Any, buyer: BuyerApp) -> None:
    raw = b'{"context": {'
    status, body, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw, {"Authorization": buyer.sign(raw)})
    assert_nack(status, body, 400, "30000")
    raw = orjson.dumps({"message": {"support": {"ref_id": "x"}}})
    status, body, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw, {"Authorization": buyer.sign(raw)})
    assert_nack(status, body, 400, "30000")
    assert body["error"]["path"] == "context"


async def test_context_rules(server: Any, buyer: BuyerApp) -> None:
    url = f"{server.ondc_url}/support"
    cases = [
        ({"bpp_id": "another-bpp.example"}, 400, "30000", "context.bpp_id"),
        ({"domain": "ONDC:RET10"}, 400, "30000", "context.domain"),
        ({"location": {"city": {"code": "std:080"}, "country": {"code": "IND"}}}, 400, "10002",
         "context.location.city.code"),
        ({"timestamp": "2020-01-01T00:00:00.000Z"}, 400, "30022", "context.timestamp"),
        ({"action": "status"}, 400, "30000", "context.action"),
    ]
    for change, status_code, code, path in cases:
        sent = await buyer.post(url, support_body(buyer, server, **change))
        assert_nack(sent.status, sent.answer, status_code, code)
        assert sent.answer["error"]["path"] == path


async def test_oversized_body_is_413(server: Any, buyer: BuyerApp) -> None:
    body = support_body(buyer, server)
    body["message"]["padding"] = "x" * (server.services.settings.max_body_bytes + 1)
    sent = await buyer.post(f"{server.ondc_url}/support", body)
    assert_nack(sent.status, sent.answer, 413, "30000")


async def test_repeated_message_gets_one_callback(server: Any, buyer: BuyerApp) -> None:
    body = support_body(buyer, server)
    first = await buyer.post(f"{server.ondc_url}/support", body)
    second = await buyer.post(f"{server.ondc_url}/support", body)
    assert first.acked and second.acked
    await buyer.wait_for("on_support", buyer.replies_to(first))
    # the second copy was judged a duplicate before its ACK; the log shows it and no second callback exists
    await server.services.txlog.flush()
    async with server.services.db.connect() as conn:
        logged = (await conn.execute(select(messages.c.processed_at, messages.c.error_message)
                                     .where(messages.c.message_id == first.message_id))).all()
        callbacks = (await conn.execute(select(outbox.c.id).where(outbox.c.message_id == first.message_id))).all()
    assert len(logged) == 2 and len(callbacks) == 1
    assert sorted(bool(note and "duplicate" in note) for _, note in logged) == [False, True]


async def test_callback_reaches_a_buyer_app_that_was_down_for_10_seconds(server: Any, buyer: BuyerApp) -> None:
    await buyer.stop()
    body = support_body(buyer, server)
    raw = orjson.dumps(body)
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{server.ondc_url}/support", content=raw,
                                 headers={"Authorization": buyer.sign(raw), "Content-Type": "application/json"})
    assert answer.json()["message"]["ack"]["status"] == "ACK"
    await asyncio.sleep(10)
    await server.services.txlog.flush()
    async with server.services.db.connect() as conn:
        failed = (await conn.execute(select(delivery_attempts.c.outcome).where(
            delivery_attempts.c.message_id == body["context"]["message_id"]))).scalars().all()
    assert len(failed) >= 2 and set(failed) == {"network_error"}, failed  # it kept trying while the BAP was down
    await buyer.start()
    sent = SentRequest("support", body, 200, {}, time.monotonic())
    callback = await buyer.wait_for("on_support", buyer.replies_to(sent), timeout=15)
    assert callback.signature_ok


async def test_transaction_log_is_staff_only_and_complete(server: Any, buyer: BuyerApp) -> None:
    sent = await buyer.post(f"{server.ondc_url}/support", support_body(buyer, server))
    await buyer.wait_for("on_support", buyer.replies_to(sent))
    transaction_id = sent.body["context"]["transaction_id"]
    assert buyer._http is not None
    url = f"{server.base_url}/staff/api/transactions/{transaction_id}"
    assert (await buyer._http.get(url)).status_code == 401
    from bpp.staff.users import create_staff_user

    async with server.services.db.begin() as conn:
        await create_staff_user(conn, "admin", "correct horse battery", "admin", "Admin")
    login = await buyer._http.post(f"{server.base_url}/staff/api/login",
                                   json={"username": "admin", "password": "correct horse battery"})
    token = login.json()["token"]
    for _ in range(50):
        log = (await buyer._http.get(url, headers={"Authorization": f"Bearer {token}"})).json()
        if log["delivery_attempts"] and log["callbacks"][0]["status"] == "delivered":
            break
        await asyncio.sleep(0.1)
    assert [m["action"] for m in log["inbound"]] == ["support"]
    assert log["inbound"][0]["ack"] == "ACK"
    assert log["callbacks"][0]["action"] == "on_support"
    assert log["delivery_attempts"][0]["outcome"] == "ACK"
