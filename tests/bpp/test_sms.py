"""The SMS notifier on both storage backends, its HTTP adapter against a stub gateway on loopback (the exact
request), retries and failure, idempotency, the log backend, and the sender as Services starts it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import pytest
import uvicorn
from harness import Backend, make_settings
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bpp.notify import (
    Language,
    SmsNotifier,
    SmsTemplate,
    check_sms_settings,
    dlt_key,
    dlt_text,
    mask_phone,
    new_notifier,
    normalise_phone,
    render,
)
from bpp.notify.notifier import CLAIM, OTP_TEXT_KEPT
from bpp.notify.templates import LANGUAGES, TEXTS
from bpp.platform.settings import ConfigError, Settings, load_settings
from bpp.simulator.buyer import free_port
from bpp.storage.db import Database
from bpp.storage.notify_tables import sms_messages
from bpp.wiring.services import build_services

API_KEY = "test-key-do-not-log-7f3a"
ENTITY_ID = "1101000000000000001"
TEMPLATE_IDS = {dlt_key(template, language): f"1107{index:015d}"
                for index, (template, language) in enumerate((t, lang) for t in SmsTemplate for lang in LANGUAGES)}
PHONE = "9876543210"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def form(self) -> dict[str, str]:
        return {name: values[0] for name, values in parse_qs(self.body.decode(), strict_parsing=True).items()}


@dataclass
class StubGateway:
    """A bulk-SMS gateway on loopback: records every request; answers `status` with `answer`, after `delay`."""

    port: int
    status: int = 200
    answer: bytes = b'{"status": "success", "id": "gw-1"}'
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2/sms/send"

    async def _receive(self, request: Request) -> Response:
        self.received.append(Received(request.method, request.url.path, dict(request.headers), await request.body()))
        await asyncio.sleep(self.delay)
        return Response(self.answer, status_code=self.status, media_type="application/json")

    async def start(self) -> None:
        app = Starlette(routes=[Route("/{path:path}", self._receive, methods=["GET", "POST"])])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                     access_log=False, lifespan="off"))
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


@pytest.fixture
async def gateway() -> AsyncIterator[StubGateway]:
    stub = StubGateway(free_port())
    await stub.start()
    yield stub
    await stub.stop()


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def http_settings(backend: Backend, stub: StubGateway, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "sms_backend": "http", "sms_gateway_url": stub.url, "sms_api_key": API_KEY, "sms_sender_id": "SVMITR",
        "sms_dlt_entity_id": ENTITY_ID, "sms_dlt_template_ids": TEMPLATE_IDS, "sms_timeout_seconds": 0.5,
        "sms_max_attempts": 3, "sms_retry_base_seconds": 10, "sms_retry_max_seconds": 15,
    }
    return make_settings(backend, **(values | overrides))


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    database = Database(backend.database_url)
    yield database
    await database.dispose()


@contextlib.asynccontextmanager
async def notifier_of(settings: Settings, db: Database, clock: Clock) -> AsyncIterator[SmsNotifier]:
    """A notifier whose sender the test drives with `send_due` (it is never started)."""
    notifier = new_notifier(settings, db, clock)
    try:
        yield notifier
    finally:
        await notifier.stop()


async def queue_booked(notifier: SmsNotifier, db: Database, key: str = "order_booked:SM-0000000000aa",
                       language: Language = "hi", phone: str = "+91 98765 43210") -> bool:
    async with db.begin() as conn:
        return await notifier.queue(conn, phone, SmsTemplate.ORDER_BOOKED,
                                    {"order_number": "SM-0000000000AA", "fee": Decimal("499")}, key=key,
                                    language=language)


async def rows(db: Database) -> list[dict[str, Any]]:
    async with db.connect() as conn:
        return [dict(row) for row in (await conn.execute(select(sms_messages).order_by(sms_messages.c.id))).mappings()]


# ---- texts, phones, settings (no storage) ----------------------------------------------------------------------


def test_every_template_has_a_hindi_and_an_english_text_naming_the_helpline() -> None:
    for template in SmsTemplate:
        assert set(TEXTS[template]) == set(LANGUAGES)
        for language in LANGUAGES:
            assert "{helpline}" in TEXTS[template][language]


def test_render_fills_the_values_and_writes_a_fee_with_paise() -> None:
    text = render(SmsTemplate.WORKER_ASSIGNED, "hi", {"order_number": "SM-1", "worker_name": "Ramesh Kumar",
                                                      "otp": "4821"}, helpline="155330")
    assert text == ("सेवा मित्र: बुकिंग SM-1 का काम Ramesh Kumar करेंगे। काम शुरू होने पर ही उन्हें OTP 4821 "
                    "बताएं। हेल्पलाइन 155330")
    booked = render(SmsTemplate.ORDER_BOOKED, "en", {"order_number": "SM-1", "fee": Decimal("499")}, "155330")
    assert "Fee Rs 499.00." in booked


def test_a_value_longer_than_a_dlt_variable_is_cut_to_thirty_characters() -> None:
    text = render(SmsTemplate.ORDER_CANCELLED, "en", {"order_number": "X" * 40}, "155330")
    assert "X" * 30 + " has been" in text


@pytest.mark.parametrize("values", [{"order_number": "SM-1"}, {"order_number": "SM-1", "fee": 1, "otp": "1"}])
def test_values_that_do_not_fit_the_template_are_a_programming_error(values: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="order_booked takes"):
        render(SmsTemplate.ORDER_BOOKED, "hi", values, "155330")


def test_the_dlt_registration_text_has_a_variable_for_each_value() -> None:
    assert dlt_text(SmsTemplate.ORDER_RESCHEDULED, "en", "155330") == (
        "Seva Mitra: your booking {#var#} is moved to {#var#}. Helpline 155330")


@pytest.mark.parametrize(("text", "phone"), [
    ("9876543210", PHONE), ("+91 98765 43210", PHONE), ("919876543210", PHONE), ("09876543210", PHONE),
    ("(+91) 98765-43210", PHONE), ("5876543210", None), ("987654321", None), ("98765432100", None), ("", None),
    ("+1 9876543210", None), ("98765abcde", None),
])
def test_phone_numbers_are_ten_digit_indian_mobiles(text: str, phone: str | None) -> None:
    assert normalise_phone(text) == phone


def test_a_masked_phone_shows_the_last_four_digits_only() -> None:
    assert mask_phone(PHONE) == "******3210"


def test_the_http_backend_refuses_to_start_without_its_gateway_settings() -> None:
    with pytest.raises(ConfigError, match=r"sms_backend .*sms_gateway_url, sms_api_key, sms_sender_id"):
        load_settings(None, sms_backend="http", sms_dlt_entity_id=ENTITY_ID)


def test_the_http_backend_needs_a_template_id_for_every_template_and_language() -> None:
    incomplete = {key: value for key, value in TEMPLATE_IDS.items() if key != "order_booked_hi"}
    settings = load_settings(None, sms_backend="http", sms_gateway_url="https://sms.example.in/send",
                             sms_api_key="k", sms_sender_id="SVMITR", sms_dlt_entity_id=ENTITY_ID,
                             sms_dlt_template_ids=incomplete)
    with pytest.raises(ConfigError, match=r"missing \['order_booked_hi'\]"):
        check_sms_settings(settings)
    with pytest.raises(ConfigError, match=r"unknown \['order_booked_xx'\]"):
        check_sms_settings(load_settings(None, sms_dlt_template_ids={"order_booked_xx": "1"}))
    check_sms_settings(load_settings(None))  # the log backend needs none


# ---- queue, send, retry, fail (both storage backends) ----------------------------------------------------------


async def test_the_http_adapter_sends_the_exact_request_and_records_the_sms_sent(
    backend: Backend, db: Database, gateway: StubGateway
) -> None:
    clock = Clock()
    async with notifier_of(http_settings(backend, gateway), db, clock) as notifier:
        assert await queue_booked(notifier, db, language="hi")
        assert await notifier.send_due() == 1
    [request] = gateway.received
    assert (request.method, request.path) == ("POST", "/api/v2/sms/send")
    assert request.headers["api-key"] == API_KEY
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form == {
        "to": "919876543210",
        "sender": "SVMITR",
        "body": "सेवा मित्र: आपकी बुकिंग SM-0000000000AA दर्ज हो गई है। शुल्क ₹499.00। कर्मी का नाम और OTP अलग "
                "SMS से भेजा जाएगा। हेल्पलाइन 155330",
        "unicode": "1",
        "entity_id": ENTITY_ID,
        "template_id": TEMPLATE_IDS["order_booked_hi"],
    }
    [row] = await rows(db)
    assert (row["status"], row["attempts"], row["gateway_ref"], row["last_error"]) == ("sent", 1, "gw-1", None)
    assert (row["phone"], row["template"], row["language"]) == (PHONE, "order_booked", "hi")
    assert row["sent_at"] == clock.now


async def test_an_english_text_goes_without_the_unicode_flag(
    backend: Backend, db: Database, gateway: StubGateway
) -> None:
    async with notifier_of(http_settings(backend, gateway), db, Clock()) as notifier:
        await queue_booked(notifier, db, language="en")
        await notifier.send_due()
    [request] = gateway.received
    assert request.form["unicode"] == "0"
    assert request.form["template_id"] == TEMPLATE_IDS["order_booked_en"]
    assert request.form["body"].startswith("Seva Mitra: your booking SM-0000000000AA is confirmed. Fee Rs 499.00.")


async def test_a_failing_gateway_is_retried_with_backoff_then_the_sms_is_marked_failed(
    backend: Backend, db: Database, gateway: StubGateway, caplog: pytest.LogCaptureFixture
) -> None:
    gateway.status, gateway.answer = 500, b'{"error": "internal"}'
    clock = Clock()
    async with notifier_of(http_settings(backend, gateway), db, clock) as notifier:
        assert await queue_booked(notifier, db)  # the caller's transaction knows nothing of the gateway
        assert await notifier.send_due() == 1
        [row] = await rows(db)
        assert (row["status"], row["attempts"]) == ("queued", 1)
        assert row["next_attempt_at"] == clock.now + timedelta(seconds=10)
        assert row["last_error"] == 'HTTP 500: {"error": "internal"}'
        assert await notifier.send_due() == 0  # not due yet
        clock.now += timedelta(seconds=10)
        assert await notifier.send_due() == 1
        [row] = await rows(db)
        assert row["next_attempt_at"] == clock.now + timedelta(seconds=15)  # doubled, capped at 15
        clock.now += timedelta(seconds=15)
        with caplog.at_level(logging.WARNING, logger="bpp.notify"):
            assert await notifier.send_due() == 1
        clock.now += timedelta(hours=1)
        assert await notifier.send_due() == 0  # failed rows are never tried again
    [row] = await rows(db)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert len(gateway.received) == 3
    assert any("failed after 3 attempts" in record.getMessage() and "******3210" in record.getMessage()
               for record in caplog.records)
    assert not any(PHONE in record.getMessage() or API_KEY in record.getMessage() for record in caplog.records)


async def test_a_gateway_that_does_not_answer_in_time_is_retried(
    backend: Backend, db: Database, gateway: StubGateway
) -> None:
    gateway.delay = 2.0  # beyond the 0.5 s timeout
    clock = Clock()
    async with notifier_of(http_settings(backend, gateway), db, clock) as notifier:
        await queue_booked(notifier, db)
        assert await notifier.send_due() == 1
        [row] = await rows(db)
        assert (row["status"], row["attempts"], row["last_error"]) == (
            "queued", 1, "the gateway did not answer in time")
        gateway.delay = 0.0
        clock.now += timedelta(seconds=10)
        assert await notifier.send_due() == 1
    [row] = await rows(db)
    assert (row["status"], row["attempts"]) == ("sent", 2)


async def test_a_2xx_whose_body_reports_an_error_is_a_failure(
    backend: Backend, db: Database, gateway: StubGateway
) -> None:
    gateway.answer = b'{"status": "error", "message": "template mismatch"}'
    async with notifier_of(http_settings(backend, gateway), db, Clock()) as notifier:
        await queue_booked(notifier, db)
        await notifier.send_due()
    [row] = await rows(db)
    assert row["status"] == "queued"
    assert row["last_error"] == 'refused: {"status": "error", "message": "template mismatch"}'


async def test_an_unreachable_gateway_is_an_attempt_like_any_other(backend: Backend, db: Database) -> None:
    down = StubGateway(free_port())  # never started: connection refused
    async with notifier_of(http_settings(backend, down), db, Clock()) as notifier:
        await queue_booked(notifier, db)
        await notifier.send_due()
    [row] = await rows(db)
    assert (row["status"], row["attempts"]) == ("queued", 1)
    assert row["last_error"] == "cannot reach the gateway: ConnectError"


async def test_the_same_key_queues_and_sends_once(backend: Backend, db: Database, gateway: StubGateway) -> None:
    async with notifier_of(http_settings(backend, gateway), db, Clock()) as notifier:
        assert await queue_booked(notifier, db, key="order_booked:SM-1")
        assert not await queue_booked(notifier, db, key="order_booked:SM-1")  # the event again: nothing new
        await notifier.send_due()
        assert not await queue_booked(notifier, db, key="order_booked:SM-1")  # also after it was sent
        assert await notifier.send_due() == 0
    assert len(gateway.received) == 1
    assert len(await rows(db)) == 1


async def test_an_sms_queued_in_a_transaction_that_rolls_back_is_never_sent(
    backend: Backend, db: Database, gateway: StubGateway
) -> None:
    async with notifier_of(http_settings(backend, gateway), db, Clock()) as notifier:
        with pytest.raises(RuntimeError, match="booking failed"):
            async with db.begin() as conn:
                await notifier.queue(conn, PHONE, SmsTemplate.ORDER_CANCELLED, {"order_number": "SM-1"},
                                     key="order_cancelled:SM-1")
                raise RuntimeError("booking failed")
        assert await notifier.send_due() == 0
    assert await rows(db) == []


async def test_a_phone_that_is_no_indian_mobile_is_refused_before_anything_is_stored(
    backend: Backend, db: Database
) -> None:
    async with notifier_of(make_settings(backend), db, Clock()) as notifier:
        with pytest.raises(ValueError, match=r"not an Indian mobile number: \*+4321"):
            await queue_booked(notifier, db, phone="12344321")
    assert await rows(db) == []


async def test_a_key_longer_than_its_column_is_refused_before_the_database_sees_it(
    backend: Backend, db: Database
) -> None:
    async with notifier_of(make_settings(backend), db, Clock()) as notifier:
        assert await queue_booked(notifier, db, key="k" * 200)
        with pytest.raises(ValueError, match="at most 200 characters"):
            await queue_booked(notifier, db, key="k" * 201)
    assert len(await rows(db)) == 1


async def test_an_attempt_cut_short_by_a_crash_is_retried_once_its_claim_lapses(
    backend: Backend, db: Database, gateway: StubGateway
) -> None:
    clock = Clock()
    async with notifier_of(http_settings(backend, gateway), db, clock) as crashed:
        await queue_booked(crashed, db)
        await crashed._claim()  # claimed, then the process died before sending
    async with notifier_of(http_settings(backend, gateway), db, clock) as successor:
        assert await successor.send_due() == 0  # the claim holds
        clock.now += CLAIM
        assert await successor.send_due() == 1
    [row] = await rows(db)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert len(gateway.received) == 1


async def test_the_log_backend_writes_one_line_per_sms_with_the_phone_masked(
    backend: Backend, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    async with notifier_of(make_settings(backend), db, Clock()) as notifier:
        await queue_booked(notifier, db, language="en")
        with caplog.at_level(logging.INFO, logger="bpp.notify.sms"):
            assert await notifier.send_due() == 1
    [record] = [record for record in caplog.records if record.name == "bpp.notify.sms"]
    message = record.getMessage()
    assert message.startswith("SMS to ******3210 (order_booked, en): Seva Mitra: your booking SM-0000000000AA")
    assert PHONE not in message
    assert (record.sms_to, record.sms_template, record.sms_language) == (  # type: ignore[attr-defined]
        "******3210", "order_booked", "en")
    [row] = await rows(db)
    assert row["status"] == "sent"
    assert row["dlt_template_id"] is None  # none configured


async def test_a_sent_otp_is_masked_in_the_table_once_it_cannot_be_used_and_other_texts_are_kept(
    backend: Backend, db: Database, gateway: StubGateway
) -> None:
    clock = Clock()
    async with notifier_of(http_settings(backend, gateway), db, clock) as notifier:
        async with db.begin() as conn:
            await notifier.queue(conn, PHONE, SmsTemplate.WORKER_ASSIGNED, {
                "order_number": "SM-0000000000AA", "worker_name": "Ramesh Kumar", "otp": "4821"},
                key="worker_assigned:SM-0000000000AA:W1", language="en")
        await queue_booked(notifier, db, language="en")
        assert await notifier.send_due() == 2
        assert await notifier.mask_spent_otps() == 0  # the OTP may still be in use
        clock.now += OTP_TEXT_KEPT + timedelta(seconds=1)
        assert await notifier.mask_spent_otps() == 1
        assert await notifier.mask_spent_otps() == 0  # masked once
    assert sorted("4821" in request.form["body"] for request in gateway.received) == [False, True]  # sent whole
    assigned, booked = await rows(db)
    assert "4821" not in assigned["text"] and "Ramesh Kumar will do your booking SM-0000000000AA" in assigned["text"]
    assert "Fee Rs 499.00" in booked["text"] and "155330" in booked["text"]


async def test_services_start_the_sender_which_delivers_after_a_wake(
    backend: Backend, gateway: StubGateway
) -> None:
    services = build_services(http_settings(backend, gateway, sms_poll_seconds=60),
                              registry_url="http://127.0.0.1:9")
    await services.start(run_dispatcher=False)
    try:
        async with services.db.begin() as conn:
            await services.sms.queue(conn, PHONE, SmsTemplate.COMPLAINT_REGISTERED, {"complaint_number": "CMP-7"},
                                     key="complaint_registered:CMP-7", language="en")
        services.sms.wake()
        for _ in range(500):
            if gateway.received:
                break
            await asyncio.sleep(0.01)
        assert [request.form["body"] for request in gateway.received] == [
            "Seva Mitra: your complaint CMP-7 is registered. We will contact you soon. Helpline 155330"]
        async with services.db.connect() as conn:
            for _ in range(500):
                status = (await conn.execute(select(sms_messages.c.status))).scalar_one()
                if status == "sent":
                    break
                await conn.rollback()
                await asyncio.sleep(0.01)
        assert status == "sent"
    finally:
        await services.stop()

