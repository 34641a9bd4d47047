"""What an operator relies on: /healthz, /readyz (and why it is not ready), /metrics, and log lines that carry
the transaction of the message being worked on."""

from __future__ import annotations

import asyncio
import io
import logging
import uuid
from typing import Any

import orjson
import pytest
from harness import RunningServer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select, text

from bpp.ops.logs import configure_logging, log_context
from bpp.orders.repo import OrderRepo
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.journey import Journey
from bpp.storage.order_tables import orders


def support_body(buyer: BuyerApp, server: RunningServer) -> dict[str, Any]:
    context = buyer.context("support", str(uuid.uuid4()), server.services.settings.subscriber_id, server.ondc_url)
    return {"context": context, "message": {"support": {"ref_id": str(uuid.uuid4())}}}


def samples(metrics_text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples called `name`, by their labels."""
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(metrics_text)
        for sample in family.samples if sample.name == name
    }


async def test_liveness_and_readiness_answer_when_all_is_well(server: RunningServer, buyer: BuyerApp) -> None:
    assert buyer._http is not None
    live = await buyer._http.get(f"{server.base_url}/healthz")
    ready = await buyer._http.get(f"{server.base_url}/readyz")

    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200, ready.text
    assert ready.json() | {"database": "ok", "redis": "ok", "status": "ready"} == ready.json()


async def test_readiness_fails_naming_the_migration_when_the_schema_is_behind(
    server: RunningServer, buyer: BuyerApp
) -> None:
    async with server.services.db.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert buyer._http is not None

    ready = await buyer._http.get(f"{server.base_url}/readyz")
    live = await buyer._http.get(f"{server.base_url}/healthz")

    assert ready.status_code == 503
    assert "run `sevamitra-bpp migrate`" in ready.json()["database"] and ready.json()["redis"] == "ok"
    assert live.status_code == 200  # a process with an old schema is not restarted, it waits for the migration


async def test_metrics_count_acks_steps_handlers_and_callbacks(server: RunningServer, buyer: BuyerApp) -> None:
    assert buyer._http is not None
    before = (await buyer._http.get(f"{server.base_url}/metrics")).text
    sent = await buyer.post(f"{server.ondc_url}/support", support_body(buyer, server))
    assert sent.acked, sent.answer
    await buyer.wait_for("on_support", buyer.replies_to(sent))
    wrong_domain = support_body(buyer, server)
    wrong_domain["context"]["domain"] = "ONDC:RET10"
    refused = await buyer.post(f"{server.ondc_url}/support", wrong_domain)
    assert not refused.acked

    def grew(name: str, **labels: str) -> float:
        key = tuple(sorted(labels.items()))
        return samples(after, name).get(key, 0.0) - samples(before, name).get(key, 0.0)

    # the dispatcher counts a delivery once it has recorded it, just after the buyer app got the callback
    for _ in range(100):
        after = (await buyer._http.get(f"{server.base_url}/metrics")).text
        if grew("sevamitra_callbacks_total", action="on_support", outcome="delivered"):
            break
        await asyncio.sleep(0.05)

    assert grew("sevamitra_inbound_seconds_count", action="support", answer="ACK") == 1
    assert grew("sevamitra_inbound_seconds_count", action="support", answer="NACK") == 1
    assert grew("sevamitra_pipeline_step_seconds_count", step="verify_signatures") == 2
    assert grew("sevamitra_pipeline_step_seconds_count", step="record_and_hand_off") == 1
    assert grew("sevamitra_handler_seconds_count", action="support", outcome="processed") == 1
    assert grew("sevamitra_callbacks_total", action="on_support", outcome="delivered") == 1
    assert samples(after, "sevamitra_outbox_pending") == {(): 0.0}
    assert after.startswith("# HELP") and "text/plain" in (await buyer._http.get(f"{server.base_url}/metrics"))\
        .headers["content-type"]


@pytest.mark.settings(demo=True, demo_step_seconds=0.05)
async def test_a_whole_order_moves_the_offer_matching_and_settlement_metrics(
    server: RunningServer, buyer: BuyerApp
) -> None:
    assert buyer._http is not None
    before = (await buyer._http.get(f"{server.base_url}/metrics")).text
    journey = Journey(buyer, server.ondc_url, callback_timeout=10, completion_timeout=20)
    final = await journey.run()
    async with server.services.db.begin() as conn:  # settling the order again posts and counts nothing
        order_id = (await conn.execute(select(orders.c.id).where(orders.c.transaction_id == journey.transaction_id)))\
            .scalar_one()
        order = await OrderRepo(conn).get(order_id)
        assert order is not None
        await server.services.ledger.order_completed(conn, order)
    after = (await buyer._http.get(f"{server.base_url}/metrics")).text

    def grew(name: str, **labels: str) -> float:
        key = tuple(sorted(labels.items()))
        return samples(after, name).get(key, 0.0) - samples(before, name).get(key, 0.0)

    assert final["status"] == "Completed"
    assert grew("sevamitra_offers_total", outcome="sent") == 1
    assert grew("sevamitra_offers_total", outcome="accepted") == 1
    assert grew("sevamitra_offers_total", outcome="declined") == 0
    assert grew("sevamitra_offers_total", outcome="timed_out") == 0
    assert grew("sevamitra_matching_seconds_count") == 1
    assert 0 <= grew("sevamitra_matching_seconds_sum") < 20
    assert grew("sevamitra_settlements_total", kind="completion") == 1


@pytest.fixture
def captured_log() -> Any:
    """Our logging set up for JSON lines, written to a buffer instead of stderr."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging("json")
    buffer = io.StringIO()
    root.handlers[0].setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    root.handlers[:], level = saved
    root.setLevel(level)


def test_a_log_line_is_one_json_object_with_the_ids_of_its_context(captured_log: io.StringIO) -> None:
    with log_context(transaction_id="txn-1", message_id="msg-1", action="confirm"):
        with log_context(order_id="SM-1", step="handler"):
            logging.getLogger("bpp.test").warning("order %s waits for a worker", "SM-1")
        logging.getLogger("bpp.test").info("after the inner block")

    first, second = (orjson.loads(line) for line in captured_log.getvalue().splitlines())
    assert first | {"transaction_id": "txn-1", "message_id": "msg-1", "order_id": "SM-1", "step": "handler",
                    "action": "confirm", "level": "WARNING", "logger": "bpp.test",
                    "message": "order SM-1 waits for a worker"} == first
    assert second["transaction_id"] == "txn-1" and "order_id" not in second


async def test_a_handler_failure_is_logged_with_its_transaction(
    server: RunningServer, buyer: BuyerApp, captured_log: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(request: Any) -> None:
        raise RuntimeError("a bug in the handler")

    monkeypatch.setitem(server.services.inbox._handlers, "support", broken)  # type: ignore[attr-defined]
    body = support_body(buyer, server)
    sent = await buyer.post(f"{server.ondc_url}/support", body)
    await buyer.wait_for("on_support", buyer.replies_to(sent))

    lines = [orjson.loads(line) for line in captured_log.getvalue().splitlines()]
    [failure] = [line for line in lines if line["message"].startswith("handler support failed")]
    assert failure["transaction_id"] == body["context"]["transaction_id"]
    assert failure["message_id"] == body["context"]["message_id"] and failure["step"] == "handler"
    assert "a bug in the handler" in failure["exc_info"]
