"""The staff transaction log keeps to districts: it holds customers' names, phones and addresses."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import orjson
from harness import RunningServer

from bpp.platform.auth import Principal
from bpp.storage.gateway_tables import messages
from bpp.storage.types import utcnow

LUCKNOW, KANPUR = "std:0522", "std:0512"


async def log_request(server: RunningServer, transaction_id: str, city: str, ack: str) -> None:
    """An init from a buyer app, as the gateway stores it, naming `city` in its context."""
    body = {"context": {"action": "init", "location": {"city": {"code": city}, "country": {"code": "IND"}},
                        "transaction_id": transaction_id, "message_id": str(uuid.uuid4())},
            "message": {"order": {"billing": {"name": "Asha Verma", "phone": "9123456789",
                                              "address": "12 Hazratganj, Lucknow"}}}}
    async with server.services.db.begin() as conn:
        await conn.execute(messages.insert().values(
            direction="in", action="init", bap_id="buyer.test", transaction_id=transaction_id,
            message_id=body["context"]["message_id"], received_at=utcnow(), headers={}, body=orjson.dumps(body),
            ack_status=ack))


async def read_log(server: RunningServer, transaction_id: str, role: str, district: str | None) -> httpx.Response:
    token = server.services.tokens.issue(Principal(kind="staff", id=f"{role}-1", role=role, district=district))
    async with httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        return await http.get(f"/staff/api/transactions/{transaction_id}")


async def test_an_officer_reads_only_her_own_districts_transactions(server: RunningServer) -> None:
    transaction_id = str(uuid.uuid4())
    await log_request(server, transaction_id, LUCKNOW, "ACK")
    refused = await read_log(server, transaction_id, "district_officer", KANPUR)
    assert refused.status_code == 403
    assert "Asha" not in refused.text and refused.json()["detail"]["hi"]
    for role, district in (("district_officer", LUCKNOW), ("admin", None)):
        answer: dict[str, Any] = (await read_log(server, transaction_id, role, district)).json()
        assert "Asha Verma" in answer["inbound"][0]["body"]


async def test_an_unverified_request_cannot_move_a_transaction_into_another_district(server: RunningServer) -> None:
    transaction_id = str(uuid.uuid4())
    await log_request(server, transaction_id, LUCKNOW, "ACK")
    await log_request(server, transaction_id, KANPUR, "NACK")  # anyone may send this; its city proves nothing
    assert (await read_log(server, transaction_id, "district_officer", KANPUR)).status_code == 403
    assert (await read_log(server, transaction_id, "district_officer", LUCKNOW)).status_code == 200


async def test_an_id_with_no_record_reads_as_empty_for_an_officer_too(server: RunningServer) -> None:
    answer = await read_log(server, "txn-unknown", "district_officer", KANPUR)
    assert answer.status_code == 200 and answer.json()["inbound"] == []
