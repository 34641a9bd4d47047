"""SMS mode (issue 17.4) over real HTTP on both backends: the worker (or staff) switches it on, each offer comes by
SMS with its code, and the worker's replies through the gateway's signed inbound webhook take the offer and the job's
steps through the same code as the app; every reply is answered by SMS in her language. The outgoing SMS are read
from the notifier's queue, which the log backend sends."""

from __future__ import annotations

import asyncio
import json
import re
from types import ModuleType

import httpx
import pytest
from harness import RunningServer
from sqlalchemy import select, update

from bpp.platform.auth import Principal
from bpp.storage.notify_tables import sms_messages
from bpp.storage.worker_sms_tables import worker_sms_inbound
from bpp.storage.worker_tables import workers
from bpp.worker_sms.commands import Step, read_command
from bpp.worker_sms.router import signature
from bpp.workforce import repo as worker_repo

SECRET = "inbound-secret-for-tests-3c9e"
KM = 1 / 111.0


async def inbound(server: RunningServer, message_id: str, sender: str, text: str,
                  secret: str = SECRET) -> httpx.Response:
    """The gateway delivering one SMS to the webhook, signed with `secret`."""
    body = json.dumps({"message_id": message_id, "from": sender, "text": text}).encode()
    async with httpx.AsyncClient(base_url=server.base_url) as gateway:
        return await gateway.post("/sms/inbound", content=body, headers={
            "Content-Type": "application/json", "X-Sms-Signature": signature(secret, body)})


async def sent_to(server: RunningServer, phone: str) -> list[tuple[str, str]]:
    """(template, text) of every SMS queued for `phone`, oldest first."""
    async with server.services.db.connect() as conn:
        rows = await conn.execute(select(sms_messages.c.template, sms_messages.c.text)
                                  .where(sms_messages.c.phone == phone).order_by(sms_messages.c.id))
        return [(row.template, row.text) for row in rows]


async def next_sms(server: RunningServer, phone: str, seen: int, timeout: float = 8.0) -> tuple[str, str]:
    """The SMS after the first `seen` ones queued for `phone` (waits for it)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while len(messages := await sent_to(server, phone)) <= seen:
        assert asyncio.get_running_loop().time() < deadline, f"no SMS #{seen + 1} to {phone}: {messages}"
        await asyncio.sleep(0.05)
    return messages[seen]


async def sms_worker(server: RunningServer, fx: ModuleType, worker_id: str, language: str) -> str:
    """A worker online near Hazratganj who switched SMS mode on in the app; her phone."""
    await fx.add_worker(server.services, worker_id, fx.HAZRATGANJ[0] + 0.5 * KM, fx.HAZRATGANJ[1])
    async with server.services.db.begin() as conn:
        await conn.execute(update(workers).where(workers.c.id == worker_id).values(languages=[language]))
        worker = await worker_repo.get_worker(conn, worker_id)
    assert worker is not None
    phone = str(worker["phone"])
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        login = await anonymous.post("/worker/api/login", json={"phone": phone, "pin": fx.PIN})
    token = login.json()["token"]
    async with httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as app:
        switched = await app.put("/worker/api/sms-mode", json={"sms_mode": True})
    assert switched.json() == {"sms_mode": True}
    return phone


def code_of(offer_text: str) -> int:
    match = re.search(r"(?:YES|HAAN) ([0-9]+)", offer_text)
    assert match, offer_text
    return int(match[1])


def test_commands_read_in_hindi_and_english() -> None:
    assert read_command(" haan  12 ") == read_command("YES 12")
    assert read_command("Ho gaya 7.") is not None and read_command("DONE 7") is not None
    start = read_command("shuru 7 0042")
    assert start is not None and (start.step, start.code, start.otp) == (Step.START, 7, "0042")
    for text in ("START 7", "YES", "HAAN 7 0042", "OK 7", "GAYA 7", ""):
        assert read_command(text) is None, text


async def test_the_webhook_is_off_without_a_secret(server: RunningServer) -> None:
    assert (await inbound(server, "m-off", "9876543210", "YES 1")).status_code == 404


@pytest.mark.settings(sms_inbound_secret=SECRET, offer_timeout_seconds=30)
async def test_a_whole_job_by_sms(server: RunningServer, fx: ModuleType) -> None:
    services = server.services
    otps: dict[str, str] = {}
    services.fulfillment.job_steps.otp_listeners.append(lambda order_id, otp: otps.__setitem__(order_id, otp))
    phone = await sms_worker(server, fx, "W-sms", "en")

    order_id = await fx.add_order(services, *fx.HAZRATGANJ)
    template, offer = await next_sms(server, phone, 0)
    assert template == "job_offer"
    assert "0.5 km away, fee Rs 299.00" in offer and "within 1 min" in offer
    code = code_of(offer)

    # a bad signature is refused and takes nothing; so is an unsigned message
    forged = await inbound(server, "m-1", phone, f"YES {code}", secret="not-the-gateway-secret")
    assert forged.status_code == 401
    async with httpx.AsyncClient(base_url=server.base_url) as gateway:
        unsigned = await gateway.post("/sms/inbound", json={"message_id": "m-1", "from": phone, "text": "YES 1"})
    assert unsigned.status_code == 401
    assert (await fx.order_row(services, order_id))["worker_id"] is None

    # accepted once, however often the gateway delivers the message
    taken = await inbound(server, "m-1", f"+91 {phone}", f"yes {code}")
    assert taken.json() == {"status": "job_taken"}
    assert (await inbound(server, "m-1", phone, f"yes {code}")).json() == {"status": "duplicate"}
    assert (await fx.order_row(services, order_id))["worker_id"] == "W-sms"
    template, answer = await next_sms(server, phone, 1)
    assert (template, answer) == ("job_taken", f"Seva Mitra: job {code} is yours. Address: 12 Hazratganj. When you "
                                               f"reach, send ARRIVED {code}. Helpline 155330")

    steps = [
        ("m-2", f"ARRIVED {code}", "job_arrived"),
        ("m-3", f"START {code} {(int(otps.get(order_id, '0')) + 1) % 10_000:04d}", "job_wrong_otp"),
    ]
    for message_id, text, expected in steps:
        assert (await inbound(server, message_id, phone, text)).json() == {"status": expected}
    row = await fx.order_row(services, order_id)
    assert (row["fulfillment_state"], row["otp_attempts"]) == ("At-Location", 1)
    assert (await inbound(server, "m-4", phone, f"START {code} {otps[order_id]}")).json() == {"status": "job_started"}
    assert (await inbound(server, "m-4", phone, f"START {code} {otps[order_id]}")).json() == {"status": "duplicate"}
    assert (await inbound(server, "m-5", phone, f"DONE {code}")).json() == {"status": "job_done"}
    assert (await fx.order_row(services, order_id))["status"] == "Completed"

    answers = [template for template, _ in await sent_to(server, phone)]
    assert answers == ["job_offer", "job_taken", "job_arrived", "job_wrong_otp", "job_started", "job_done"]
    assert (await sent_to(server, phone))[-1][1] == (f"Seva Mitra: job {code} is complete. Cash collected: Rs 299.00. "
                                                     "Thank you! Helpline 155330")
    # the buyer app heard every step, as from the app
    pushed = await fx.callbacks(services, order_id, "on_status")
    states = [p["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"] for p in pushed]
    assert states == ["Pending", "In-Transit", "At-Location", "At-Location", "Completed"]

    # a step of a finished job, a code that is not hers, and words that are no command: each answered
    for message_id, text, expected in [("m-6", f"DONE {code}", "job_not_now"), ("m-7", "YES 99999", "job_unknown_code"),
                                       ("m-8", "hello", "job_help")]:
        assert (await inbound(server, message_id, phone, text)).json() == {"status": expected}


@pytest.mark.settings(sms_inbound_secret=SECRET, offer_timeout_seconds=30)
async def test_decline_stale_offer_and_strangers_in_hindi(server: RunningServer, fx: ModuleType,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    services = server.services
    phone = await sms_worker(server, fx, "W-na", "hi")
    order_id = await fx.add_order(services, *fx.HAZRATGANJ)
    template, offer = await next_sms(server, phone, 0)
    assert template == "job_offer" and "0.5 किमी दूर, शुल्क ₹299.00" in offer
    code = code_of(offer)

    assert (await inbound(server, "n-1", phone, f"NA {code}")).json() == {"status": "job_declined"}
    assert (await next_sms(server, phone, 1))[1] == (f"सेवा मित्र: आपने काम {code} मना कर दिया। अगले काम का SMS आएगा। "
                                                     "हेल्पलाइन 155330")
    # the declined offer is stale: taking it now is too late, and changes nothing
    assert (await inbound(server, "n-2", phone, f"HAAN {code}")).json() == {"status": "job_too_late"}
    assert (await next_sms(server, phone, 2))[0] == "job_too_late"
    assert (await fx.order_row(services, order_id))["worker_id"] is None

    # a number that is no worker's is refused and logged, and not answered
    stranger = "9000000001"
    assert (await inbound(server, "n-3", stranger, f"HAAN {code}")).json() == {"status": "unknown_sender"}
    assert await sent_to(server, stranger) == []
    assert "no worker" in caplog.text
    async with services.db.connect() as conn:
        kept = (await conn.execute(select(worker_sms_inbound).order_by(worker_sms_inbound.c.message_id))).all()
    assert [(row.message_id, row.worker_id, row.outcome) for row in kept] == [
        ("n-1", "W-na", "job_declined"), ("n-2", "W-na", "job_too_late"), ("n-3", None, "unknown_sender")]


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_staff_switch_sms_mode_and_it_is_audited(server: RunningServer, fx: ModuleType) -> None:
    services = server.services
    await fx.add_worker(services, "W-staff", *fx.HAZRATGANJ)

    def staff(role: str, district: str | None) -> httpx.AsyncClient:
        token = services.tokens.issue(Principal(kind="staff", id=f"{role}-1", role=role, district=district))
        return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"})

    async with staff("district_officer", "std:0121") as meerut:
        assert (await meerut.put("/staff/api/workers/W-staff/sms-mode", json={"sms_mode": True})).status_code == 403
    async with staff("helpline_operator", None) as helpline:
        assert (await helpline.put("/staff/api/workers/W-staff/sms-mode", json={"sms_mode": True})).status_code == 403
    async with staff("district_officer", "std:0522") as lucknow:
        answer = await lucknow.put("/staff/api/workers/W-staff/sms-mode", json={"sms_mode": True})
        assert answer.json() == {"worker_id": "W-staff", "sms_mode": True}
        assert (await lucknow.put("/staff/api/workers/W-none/sms-mode", json={"sms_mode": True})).status_code == 404
    async with services.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, "W-staff")
        trail = await worker_repo.audit_trail(conn, "W-staff")
    assert worker is not None and worker["sms_mode"] is True
    assert [(row["actor"], row["action"], row["after"]) for row in trail if row["action"] == "sms_mode"] == [
        ("staff:district_officer-1", "sms_mode", "true")]
