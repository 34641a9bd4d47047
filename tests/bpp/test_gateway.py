"""The inbound pipeline and durable callbacks, over real loopback HTTP with a buyer-app simulator."""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response
from harness import RunningServer, serve
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.delivery import MAX_ANSWER_BYTES
from bpp.network.gateway.admission import RedisAdmitter
from bpp.network.gateway.pipeline import lies_under
from bpp.network.gateway.txlog import REJECTED_BODY_PREFIX, TransactionLog
from bpp.simulator.buyer import BuyerApp, SentRequest, free_port
from bpp.storage.gateway_tables import delivery_attempts, messages, outbox
from bpp.storage.order_tables import orders
from bpp.wiring.services import Services
from schemas.ack import ack_body
from schemas.fields import MAX_ID_LENGTH, MAX_SUBSCRIBER_ID_LENGTH, MAX_URL_LENGTH
from signing import build_authorization_header, generate_signing_keypair


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


# --- issue 10: hostile peers -------------------------------------------------------------
async def staff_token(server: Any, buyer: BuyerApp) -> str:
    from bpp.staff.users import create_staff_user

    async with server.services.db.begin() as conn:
        await create_staff_user(conn, "admin", "correct horse battery", "admin", "Admin")
    assert buyer._http is not None
    login = await buyer._http.post(f"{server.base_url}/staff/api/login",
                                   json={"username": "admin", "password": "correct horse battery"})
    return str(login.json()["token"])


def test_bounded_context_values_fit_their_columns() -> None:
    """The schema's limits are what keeps an accepted request storable; a wider column is fine, a narrower not."""
    longest_callback = MAX_URL_LENGTH + len("/on_issue_status")
    for table in (messages, outbox, delivery_attempts):
        assert table.c.transaction_id.type.length >= MAX_ID_LENGTH
        assert table.c.message_id.type.length >= MAX_ID_LENGTH
    assert messages.c.bap_id.type.length >= MAX_SUBSCRIBER_ID_LENGTH
    assert outbox.c.target_url.type.length >= longest_callback
    assert orders.c.bap_uri.type.length >= MAX_URL_LENGTH


async def test_values_the_database_cannot_store_are_refused_with_their_path(server: Any, buyer: BuyerApp) -> None:
    url = f"{server.ondc_url}/support"
    long_bap_uri = buyer.bap_uri + "/" + "x" * 1100
    cases: list[tuple[dict[str, Any], str]] = [
        ({"message_id": "m" * 300}, "context.message_id"),
        ({"transaction_id": "t" * 200}, "context.transaction_id"),
        ({"message_id": "nul\x00here"}, "context.message_id"),
        ({"bap_uri": long_bap_uri}, "context.bap_uri"),
    ]
    for change, path in cases:
        sent = await buyer.post(url, support_body(buyer, server, **change))
        assert_nack(sent.status, sent.answer, 400, "30000")
        assert sent.answer["error"]["path"] == path
    body = support_body(buyer, server)
    body["message"]["support"]["ref_id"] = "a\x00b"
    sent = await buyer.post(url, body)
    assert_nack(sent.status, sent.answer, 400, "30000")
    assert sent.answer["error"]["path"] == "message.support.ref_id"
    for _ in range(50):  # the background writer may hold a batch while we flush: look again until it is written
        await server.services.txlog.flush()
        async with server.services.db.connect() as conn:
            stored = (await conn.execute(select(messages.c.ack_status))).scalars().all()
        if len(stored) >= 5:
            break
        await asyncio.sleep(0.1)
    assert stored == ["NACK"] * 5  # each refusal is logged and nothing was accepted


async def test_an_unsigned_hostile_request_neither_blocks_the_log_nor_fills_the_disk(
    server: Any, buyer: BuyerApp
) -> None:
    hostile = support_body(buyer, server, message_id="m\x00" * 200, transaction_id="t" * 300)
    hostile["message"]["padding"] = "p" * 200_000
    raw = orjson.dumps(hostile)
    status, answer, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw, {})
    assert_nack(status, answer, 401, "30016")
    sent = await buyer.post(f"{server.ondc_url}/support", support_body(buyer, server))
    assert sent.acked
    await buyer.wait_for("on_support", buyer.replies_to(sent))
    token = await staff_token(server, buyer)
    assert buyer._http is not None
    log = await buyer._http.get(f"{server.base_url}/staff/api/transactions/{sent.body['context']['transaction_id']}",
                                headers={"Authorization": f"Bearer {token}"})
    assert log.status_code == 200, log.text
    assert [m["ack"] for m in log.json()["inbound"]] == ["ACK"]  # the row after the hostile one was stored
    rejected = await logged_rejection(server.services)
    assert rejected.message_id == "m" * MAX_ID_LENGTH and rejected.transaction_id == "t" * MAX_ID_LENGTH
    assert rejected.body == raw[:REJECTED_BODY_PREFIX]  # a prefix as evidence, not 200 KB of padding
    health = await buyer._http.get(f"{server.base_url}/readyz")
    assert health.json()["transaction_log_dropped_rows"] == 0


async def logged_rejection(services: Services) -> Any:
    """The one NACKed request's log row. Rejections are written in batches off the answer's path (the background
    writer may hold the batch at this moment), so flush and look again until it is there, for at most 5 s."""
    query = select(messages.c.message_id, messages.c.transaction_id, messages.c.body).where(
        messages.c.ack_status == "NACK")
    for _ in range(50):
        await services.txlog.flush()
        async with services.db.connect() as conn:
            row = (await conn.execute(query)).one_or_none()
        if row is not None:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError("the rejected request was never logged")


def attempt_row(action: str | None) -> dict[str, Any]:
    return {"outbox_id": None, "action": action, "transaction_id": "t1", "message_id": str(uuid.uuid4()),
            "target_url": "http://127.0.0.1:9/ondc/on_support", "attempt": 1,
            "started_at": datetime.now(UTC), "duration_ms": 1.0, "request_headers": {}, "http_status": None,
            "response_body": None, "outcome": "network_error", "error": "refused"}


async def attempt_actions(conn: AsyncConnection) -> list[str]:
    return list((await conn.execute(select(delivery_attempts.c.action))).scalars().all())


async def test_log_writer_drops_only_the_row_the_database_refuses(services: Services) -> None:
    txlog = TransactionLog(services.db)
    for action in ("on_support", None, "on_status"):  # the middle row breaks a NOT NULL column on both backends
        txlog.record_attempt(attempt_row(action))
    await txlog.flush()
    await txlog.flush()  # nothing left over to retry
    async with services.db.connect() as conn:
        assert sorted(await attempt_actions(conn)) == ["on_status", "on_support"]
    assert txlog.dropped_rows == 1


async def test_log_writer_buffer_is_bounded_and_counts_what_it_drops(services: Services) -> None:
    txlog = TransactionLog(services.db, max_buffered=2)
    for action in ("on_support", "on_status", "on_track"):
        txlog.record_attempt(attempt_row(action))
    assert txlog.dropped_rows == 1
    await txlog.flush()
    async with services.db.connect() as conn:
        assert sorted(await attempt_actions(conn)) == ["on_status", "on_support"]


@pytest.mark.settings(max_ttl_seconds={"default": 3600, "support": 60})
async def test_ttl_and_timestamp_beyond_what_we_allow_are_refused(server: Any, buyer: BuyerApp) -> None:
    url = f"{server.ondc_url}/support"
    cases = [
        ({"ttl": "PT2M"}, "context.ttl"),  # over the 60 s configured for support
        ({"ttl": "P30D"}, "context.ttl"),
        ({"ttl": "P99999999999Y"}, "context.ttl"),  # overflowed into a 503 before
        ({"timestamp": "9999-12-31T23:59:59.000Z"}, "context.timestamp"),
    ]
    for change, path in cases:
        sent = await buyer.post(url, support_body(buyer, server, **change))
        assert_nack(sent.status, sent.answer, 400, "30000")
        assert sent.answer["error"]["path"] == path, sent.answer
    assert (await buyer.post(url, support_body(buyer, server, ttl="PT60S"))).acked


async def test_a_signature_that_lives_too_long_is_refused(server: Any, buyer: BuyerApp) -> None:
    raw = orjson.dumps(support_body(buyer, server))
    now = int(time.time())
    lifetime = server.services.settings.max_signature_lifetime_seconds
    header = build_authorization_header(raw, buyer._signing_private, buyer.subscriber_id, buyer.unique_key_id,
                                        created=now, expires=now + lifetime + 60)
    status, body, _ = await post_raw(buyer, f"{server.ondc_url}/support", raw, {"Authorization": header})
    assert_nack(status, body, 401, "30016")
    assert "at most" in body["error"]["message"]


@pytest.mark.settings(max_signature_lifetime_seconds=200_000)
async def test_deduplication_mark_outlives_every_signature_that_could_replay_it(
    server: Any, buyer: BuyerApp
) -> None:
    sent = await buyer.post(f"{server.ondc_url}/support", support_body(buyer, server))
    assert sent.acked
    admitter = server.services.admitter
    mark = f"{buyer.subscriber_id}|support|{sent.message_id}"
    if isinstance(admitter, RedisAdmitter):
        kept_for = await server.services.redis.ttl(f"sm:seen:{mark}")
    else:
        kept_for = admitter._seen[mark] - time.time()
    assert kept_for > 200_000


async def test_callbacks_go_only_under_the_registered_subscriber_url(server: Any, buyer: BuyerApp) -> None:
    url = f"{server.ondc_url}/support"
    for target in ("http://169.254.169.254/latest/meta-data", "http://127.0.0.1:6379/ondc",
                   buyer.bap_uri + "-evil", "http://[fd00::1]/ondc"):
        sent = await buyer.post(url, support_body(buyer, server, bap_uri=target))
        assert_nack(sent.status, sent.answer, 400, "30000")
        assert sent.answer["error"]["path"] == "context.bap_uri"
        assert "registered" in sent.answer["error"]["message"]
    assert (await buyer.post(url, support_body(buyer, server, bap_uri=buyer.bap_uri + "/v2"))).acked


def test_lies_under_compares_scheme_host_port_and_whole_path_segments() -> None:
    root = "https://bap.example/ondc"
    assert lies_under("https://bap.example/ondc", root)
    assert lies_under("https://BAP.example/ondc/", root)
    assert lies_under("https://bap.example/ondc/v2", root)
    for other in ("http://bap.example/ondc", "https://bap.example:8443/ondc", "https://bap.example/ondc2",
                  "https://bap.example@evil.example/ondc", "https://bap.example.evil.example/ondc",
                  "https://evil.example/ondc", "https://[::1/ondc"):
        assert not lies_under(other, root), other
    assert not lies_under(root, "")  # a record without subscriber_url vouches for nothing


async def test_callback_follows_no_redirect_and_keeps_little_of_an_answer(services: Services) -> None:
    reached: list[str] = []
    peer = FastAPI()

    @peer.post("/ondc/on_support")
    async def redirect() -> RedirectResponse:
        return RedirectResponse("/elsewhere", status_code=307)

    @peer.post("/elsewhere")
    async def elsewhere() -> Response:
        reached.append("elsewhere")
        return Response(ack_body(), media_type="application/json")

    @peer.post("/ondc/on_status")
    async def huge() -> Response:
        return Response(b"x" * 1_000_000, media_type="text/plain")

    port = free_port()
    running: RunningServer = await serve(peer, port)
    try:
        for action in ("on_support", "on_status"):
            result = await services.sender.send(f"http://127.0.0.1:{port}/ondc/{action}", b"{}", action=action,
                                                transaction_id="t-redirect", message_id=action, attempt=1)
            assert not result.delivered
    finally:
        await running.stop()
    assert reached == []
    await services.txlog.flush()
    async with services.db.connect() as conn:
        attempts = dict((await conn.execute(select(delivery_attempts.c.action, delivery_attempts.c.response_body)
                                            .where(delivery_attempts.c.transaction_id == "t-redirect"))).all())
    assert len(attempts["on_status"]) == MAX_ANSWER_BYTES


@pytest.mark.settings(source_rate_limit_per_minute=3)
async def test_one_source_is_rate_limited_before_any_signature_work(server: Any, buyer: BuyerApp) -> None:
    raw = orjson.dumps(support_body(buyer, server))
    statuses = [(await post_raw(buyer, f"{server.ondc_url}/support", raw, {}))[0] for _ in range(7)]
    # seven requests span at most two minute windows, so one window saw more than three
    assert statuses[:3] == [401, 401, 401] and 429 in statuses, statuses


async def test_every_route_limits_its_body(server: Any, buyer: BuyerApp) -> None:
    limit = server.services.settings.max_body_bytes
    oversized = orjson.dumps(["0000"] * (limit // 6))
    assert len(oversized) > limit

    async def chunks() -> Any:
        for start in range(0, len(oversized), 65536):
            yield oversized[start:start + 65536]

    assert buyer._http is not None
    for path in ("/worker/api/login", "/staff/api/login"):
        declared = await buyer._http.post(server.base_url + path, content=oversized,
                                          headers={"Content-Type": "application/json"})
        streamed = await buyer._http.post(server.base_url + path, content=chunks(),
                                          headers={"Content-Type": "application/json"})
        for answer in (declared, streamed):
            assert answer.status_code == 413, answer.text
            assert f"{limit}-byte limit" in answer.json()["detail"]
    assert (await buyer._http.post(server.base_url + "/worker/api/login", json={})).status_code == 422


async def test_a_request_the_inbox_could_not_store_is_processed_when_retried(
    server: Any, buyer: BuyerApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = server.app.state.gateway
    failures = [OSError("database connection lost")]

    async def store_once_failing(exchange: Any) -> None:
        if failures:
            raise failures.pop()
        await gateway.store_in_inbox(exchange)

    monkeypatch.setattr(server.app.state, "gateway", dataclasses.replace(gateway, store_in_inbox=store_once_failing))
    body = support_body(buyer, server)

    refused = await buyer.post(f"{server.ondc_url}/support", body)
    retried = await buyer.post(f"{server.ondc_url}/support", body)  # the same message, as its NACK asked

    assert_nack(refused.status, refused.answer, 503, "31001")
    assert retried.acked, retried.answer
    await buyer.wait_for("on_support", buyer.replies_to(retried))


async def test_a_rate_limited_request_is_processed_when_retried(server: Any, buyer: BuyerApp) -> None:
    gateway = server.app.state.gateway
    strict = dataclasses.replace(gateway, settings=gateway.settings.model_copy(update={"rate_limit_per_minute": 1}))
    first, second = support_body(buyer, server), support_body(buyer, server)
    server.app.state.gateway = strict
    try:
        assert (await buyer.post(f"{server.ondc_url}/support", first)).acked
        limited = await buyer.post(f"{server.ondc_url}/support", second)
    finally:
        server.app.state.gateway = gateway
    retried = await buyer.post(f"{server.ondc_url}/support", second)  # the next minute, as the NACK asked

    assert_nack(limited.status, limited.answer, 429, "31001")
    assert retried.acked, retried.answer
    await buyer.wait_for("on_support", buyer.replies_to(retried))
