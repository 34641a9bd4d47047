"""The worker app API over real HTTP: PIN login and lock-out, presence, offers, the job steps, own jobs only, and
steps sent with an Idempotency-Key (the app's offline queue): taken once, a repeat gets the first answer, a stale one
is refused with a code the app explains; and the offer stream (server-sent events), fed through Redis from whichever
process made the offer."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from harness import Backend, RunningServer, make_settings, start_server
from sqlalchemy import func, select
from worker_client import KM, logged_in, offer_for, phone_of

from bpp.platform.auth import Principal
from bpp.simulator.buyer import free_port
from bpp.storage.order_tables import order_events
from bpp.storage.worker_tables import worker_step_receipts
from schemas.outgoing import validate_outgoing

Job = tuple[str, httpx.AsyncClient, httpx.AsyncClient]
KeyedJob = tuple[str, str, httpx.AsyncClient]  # order id, worker id, her app


def capture_otps(server: RunningServer) -> dict[str, str]:
    """The start OTPs the customer receives, by order id (the in-process OTP listener)."""
    sent: dict[str, str] = {}
    server.services.fulfillment.job_steps.otp_listeners.append(lambda order_id, otp: sent.__setitem__(order_id, otp))
    return sent


def problem_text(answer: httpx.Response) -> dict[str, Any]:
    detail = answer.json()["detail"]
    assert detail["en"] and detail["hi"], detail
    return dict(detail)


async def test_wrong_pin_is_401_in_both_languages_and_five_lock_the_phone(server: RunningServer,
                                                                          fx: ModuleType) -> None:
    worker_id = await fx.add_worker(server.services, "W-pin", *fx.HAZRATGANJ, online=False)
    phone = await phone_of(server, worker_id)
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        wrong = await client.post("/worker/api/login", json={"phone": phone, "pin": "9999"})
        assert wrong.status_code == 401
        assert "PIN" in problem_text(wrong)["en"] and "पिन" in problem_text(wrong)["hi"]
        assert (await client.post("/worker/api/login", json={"phone": phone, "pin": fx.PIN})).status_code == 200
        for _ in range(5):
            assert (await client.post("/worker/api/login", json={"phone": phone, "pin": "0000"})).status_code == 401
        locked = await client.post("/worker/api/login", json={"phone": phone, "pin": fx.PIN})
    assert locked.status_code == 429
    assert "155330" in problem_text(locked)["en"]


async def test_login_form_errors_name_the_field(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as client:
        answer = await client.post("/worker/api/login", json={"phone": "12345", "pin": "1234"})
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["phone"]


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_a_whole_job_from_offer_to_earnings(server: RunningServer, fx: ModuleType) -> None:
    services = server.services
    otps = capture_otps(server)
    worker_id = await fx.add_worker(services, "W-job", *fx.HAZRATGANJ, online=False)
    async with await logged_in(server, worker_id, fx.PIN) as app:
        went = await app.post("/worker/api/online", json={"lat": fx.HAZRATGANJ[0] + 0.5 * KM,
                                                          "lng": fx.HAZRATGANJ[1]})
        assert went.status_code == 200 and went.json() == {"online": True}
        me = (await app.get("/worker/api/me")).json()
        assert me["online"] is True and me["verification"] == "verified" and "pin_hash" not in me

        order_id = await fx.add_order(services, *fx.HAZRATGANJ)
        offer = await offer_for(app, order_id)
        assert offer["category_id"] == fx.CATEGORY and offer["distance_km"] == pytest.approx(0.5, abs=0.05)
        accepted = await app.post(f"/worker/api/offers/{offer['id']}/accept")
        assert accepted.json() == {"order_id": order_id, "status": "Accepted", "fulfillment_state": "Pending"}
        assert [job["id"] for job in (await app.get("/worker/api/jobs")).json()] == [order_id]

        steps = [("travelling", "In-progress", "In-Transit"), ("arrived", "In-progress", "At-Location")]
        for step, status, state in steps:
            answer = await app.post(f"/worker/api/jobs/{order_id}/{step}")
            assert answer.status_code == 200, answer.text
            assert (answer.json()["status"], answer.json()["fulfillment_state"]) == (status, state)

        otp = otps[order_id]
        wrong_otp = f"{(int(otp) + 1) % 10_000:04d}"
        refused = await app.post(f"/worker/api/jobs/{order_id}/start", json={"otp": wrong_otp})
        assert refused.status_code == 422 and problem_text(refused)["code"] == "90002"
        assert "4 tries left" in problem_text(refused)["en"]
        started = await app.post(f"/worker/api/jobs/{order_id}/start", json={"otp": otp})
        assert started.json()["fulfillment_state"] == "Service-Started"

        overcharged = await app.post(f"/worker/api/jobs/{order_id}/complete", json={"amount_collected": "350.00"})
        assert overcharged.status_code == 409 and problem_text(overcharged)["code"] == "overcharge"
        done = await app.post(f"/worker/api/jobs/{order_id}/complete", json={"amount_collected": "299.00"})
        assert done.json()["status"] == "Completed"
        assert (await app.get("/worker/api/earnings")).json() == {"completed_jobs": 1, "fees_total": "299.00"}
        assert (await app.get("/worker/api/me")).json()["current_order_id"] is None

    pushed = await fx.callbacks(services, order_id, "on_status")
    states = [p["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"] for p in pushed]
    assert states == ["Pending", "In-Transit", "At-Location", "At-Location", "Completed"]
    for payload in pushed:  # fx orders carry "T-<order id>" as transaction id; the network wants a uuid
        payload["context"]["transaction_id"] = str(uuid.uuid4())
        assert validate_outgoing("on_status", payload) == []


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_decline_sends_the_order_to_the_next_worker_and_offline_gets_nothing(server: RunningServer,
                                                                                  fx: ModuleType) -> None:
    services = server.services
    lat, lng = fx.HAZRATGANJ
    near = await fx.add_worker(services, "W-near", lat + 0.3 * KM, lng, online=False)
    farther = await fx.add_worker(services, "W-farther", lat + 1.0 * KM, lng, online=False)
    resting = await fx.add_worker(services, "W-resting", lat + 0.1 * KM, lng, online=False)
    async with (await logged_in(server, near, fx.PIN) as near_app,
                await logged_in(server, farther, fx.PIN) as farther_app,
                await logged_in(server, resting, fx.PIN) as resting_app):
        for app, km in ((near_app, 0.3), (farther_app, 1.0), (resting_app, 0.1)):
            assert (await app.post("/worker/api/online", json={"lat": lat + km * KM, "lng": lng})).status_code == 200
        assert (await resting_app.post("/worker/api/offline")).json() == {"online": False}

        order_id = await fx.add_order(services, lat, lng)
        first = await offer_for(near_app, order_id)
        declined = await near_app.post(f"/worker/api/offers/{first['id']}/decline")
        assert declined.json() == {"declined": True}
        second = await offer_for(farther_app, order_id)
        again = await near_app.post(f"/worker/api/offers/{first['id']}/accept")
        assert again.status_code == 409 and problem_text(again)["code"] == "offer_gone"
        assert (await resting_app.get("/worker/api/offers")).json() == []
        assert (await farther_app.post(f"/worker/api/offers/{second['id']}/accept")).status_code == 200


@pytest.fixture
async def accepted_job(server: RunningServer, fx: ModuleType) -> AsyncIterator[Job]:
    """An order accepted by worker W-owner, and the logged-in apps of W-owner and of W-other (20 km away)."""
    services = server.services
    lat, lng = fx.HAZRATGANJ
    owner = await fx.add_worker(services, "W-owner", lat, lng, online=False)
    other = await fx.add_worker(services, "W-other", lat + 20 * KM, lng, online=False)
    owner_app, other_app = await logged_in(server, owner, fx.PIN), await logged_in(server, other, fx.PIN)
    async with owner_app, other_app:
        await owner_app.post("/worker/api/online", json={"lat": lat, "lng": lng})
        order_id = await fx.add_order(services, lat, lng)
        offer = await offer_for(owner_app, order_id)
        taken = await other_app.post(f"/worker/api/offers/{offer['id']}/accept")
        assert taken.status_code == 409 and problem_text(taken)["code"] == "offer_gone"
        assert (await owner_app.post(f"/worker/api/offers/{offer['id']}/accept")).status_code == 200
        yield order_id, owner_app, other_app


async def others_steps(other_app: httpx.AsyncClient, order_id: str) -> list[httpx.Response]:
    """Every job step, tried by a worker who does not hold the job."""
    steps = [await other_app.post(f"/worker/api/jobs/{order_id}/{step}") for step in ("travelling", "arrived", "otp")]
    steps.append(await other_app.post(f"/worker/api/jobs/{order_id}/start", json={"otp": "1234"}))
    steps.append(await other_app.post(f"/worker/api/jobs/{order_id}/complete", json={"amount_collected": "299.00"}))
    return steps


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_a_worker_cannot_see_or_move_another_workers_job(server: RunningServer, fx: ModuleType,
                                                               accepted_job: Job) -> None:
    order_id, owner_app, other_app = accepted_job
    assert (await other_app.get("/worker/api/jobs")).json() == []
    for refused in await others_steps(other_app, order_id):
        assert 400 <= refused.status_code < 500 and problem_text(refused)["code"] == "not_your_job"
    job = (await owner_app.get("/worker/api/jobs")).json()[0]
    assert job["id"] == order_id and (job["status"], job["fulfillment_state"]) == ("Accepted", "Pending")
    assert job["total"] == "299.00"
    assert await fx.pending_offer(server.services, order_id) is None


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_another_workers_job_answers_403_or_404(accepted_job: Job) -> None:
    order_id, _, other_app = accepted_job
    codes = [refused.status_code for refused in await others_steps(other_app, order_id)]
    assert all(code in (403, 404) for code in codes), codes


async def test_staff_and_worker_tokens_stay_on_their_own_side(server: RunningServer, fx: ModuleType) -> None:
    worker_id = await fx.add_worker(server.services, "W-side", *fx.HAZRATGANJ, online=False)
    staff_token = server.services.tokens.issue(Principal(kind="staff", id="admin-1", role="admin"))
    async with httpx.AsyncClient(base_url=server.base_url,
                                 headers={"Authorization": f"Bearer {staff_token}"}) as staff:
        refused = await staff.get("/worker/api/offers")
        assert refused.status_code == 403 and problem_text(refused)
        assert (await staff.get("/staff/api/workers")).status_code == 200
    async with await logged_in(server, worker_id, fx.PIN) as worker:
        assert (await worker.get("/staff/api/workers")).status_code == 403
        assert (await worker.get("/staff/api/complaints")).status_code == 403
    async with httpx.AsyncClient(base_url=server.base_url,
                                 headers={"Authorization": "Bearer forged.token"}) as stranger:
        unknown = await stranger.get("/worker/api/jobs")
    assert unknown.status_code == 401 and problem_text(unknown)


async def test_an_unverified_worker_cannot_go_online(server: RunningServer, fx: ModuleType) -> None:
    worker_id = await fx.add_worker(server.services, "W-new", *fx.HAZRATGANJ, verification="registered",
                                    online=False)
    async with await logged_in(server, worker_id, fx.PIN) as app:
        refused = await app.post("/worker/api/online", json={"lat": fx.HAZRATGANJ[0], "lng": fx.HAZRATGANJ[1]})
        assert refused.status_code == 403 and "155330" in problem_text(refused)["en"]
        bad_gps = await app.post("/worker/api/location", json={"lat": 126.0, "lng": 80.0})
        assert bad_gps.status_code == 422 and bad_gps.json()["errors"][0]["field"] == "lat"
        assert (await app.get("/worker/api/me")).json()["online"] is False


@pytest.mark.parametrize("offer_id", ["99999999999999999999", str(2**63), "0", "-1"])
async def test_an_offer_id_no_row_can_have_is_refused_with_a_4xx(server: RunningServer, offer_id: str) -> None:
    """Ids beyond the 64-bit column made the database driver raise (500); they name no offer."""
    token = server.services.tokens.issue(Principal(kind="worker", id="W-none", role="worker"))
    async with httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}) as http:
        for action in ("accept", "decline"):
            answer = await http.post(f"/worker/api/offers/{offer_id}/{action}")
            assert 400 <= answer.status_code < 500, (action, answer.status_code, answer.text)


# ---- steps with an Idempotency-Key -------------------------------------------------------------------------
def new_key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


@pytest.fixture
async def job(server: RunningServer, fx: ModuleType) -> AsyncIterator[KeyedJob]:
    """An order accepted by worker W-keys, and her logged-in app."""
    lat, lng = fx.HAZRATGANJ
    worker_id = await fx.add_worker(server.services, "W-keys", lat, lng, online=False)
    async with await logged_in(server, worker_id, fx.PIN) as app:
        assert (await app.post("/worker/api/online", json={"lat": lat, "lng": lng})).status_code == 200
        order_id = await fx.add_order(server.services, lat, lng)
        offer = await offer_for(app, order_id)
        assert (await app.post(f"/worker/api/offers/{offer['id']}/accept")).status_code == 200
        yield order_id, worker_id, app


async def events_of(server: RunningServer, order_id: str, event: str) -> int:
    async with server.services.db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(order_events).where(
            order_events.c.order_id == order_id, order_events.c.kind == event))).scalar_one())


def states(pushed: list[dict[str, object]]) -> list[str]:
    return [p["message"]["order"]["fulfillments"][0]["state"]["descriptor"]["code"]  # type: ignore[index]
            for p in pushed]


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_a_step_sent_twice_with_its_key_is_taken_once(server: RunningServer, fx: ModuleType,
                                                            job: KeyedJob) -> None:
    order_id, _, app = job
    otps = capture_otps(server)
    key = new_key()
    first = await app.post(f"/worker/api/jobs/{order_id}/travelling", headers=key)
    again = await app.post(f"/worker/api/jobs/{order_id}/travelling", headers=key)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {"order_id": order_id, "status": "In-progress",
                                            "fulfillment_state": "In-Transit"}
    assert "idempotent-replayed" not in first.headers and again.headers["idempotent-replayed"] == "true"

    key = new_key()  # arriving issues the customer's OTP: a repeat must not send her a second one
    arrivals = [await app.post(f"/worker/api/jobs/{order_id}/arrived", headers=key) for _ in range(3)]
    assert {answer.json()["fulfillment_state"] for answer in arrivals} == {"At-Location"}
    assert len(otps) == 1 and await events_of(server, order_id, "arrived") == 1

    key = new_key()
    starts = [await app.post(f"/worker/api/jobs/{order_id}/start", json={"otp": otps[order_id]}, headers=key)
              for _ in range(2)]
    assert [answer.json()["fulfillment_state"] for answer in starts] == ["Service-Started"] * 2

    key = new_key()
    for _ in range(2):
        done = await app.post(f"/worker/api/jobs/{order_id}/complete", json={"amount_collected": "299.00"},
                              headers=key)
        assert done.status_code == 200 and done.json()["status"] == "Completed"
    assert await events_of(server, order_id, "completed") == 1
    assert (await app.get("/worker/api/earnings")).json() == {"completed_jobs": 1, "fees_total": "299.00"}
    pushed = await fx.callbacks(server.services, order_id, "on_status")
    assert states(pushed) == ["Pending", "In-Transit", "At-Location", "At-Location", "Completed"]


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_two_tries_of_one_key_at_once_take_the_step_once(server: RunningServer, fx: ModuleType,
                                                               job: KeyedJob) -> None:
    """The phone's retry can overtake its first try: both wait on the key, and both get the one answer."""
    order_id, _, app = job
    key = new_key()
    answers = await asyncio.gather(*(app.post(f"/worker/api/jobs/{order_id}/travelling", headers=key)
                                     for _ in range(4)))
    assert [answer.status_code for answer in answers] == [200] * 4
    assert {answer.json()["fulfillment_state"] for answer in answers} == {"In-Transit"}
    assert sum(answer.headers.get("idempotent-replayed") == "true" for answer in answers) == 3
    assert await events_of(server, order_id, "travelling") == 1
    assert states(await fx.callbacks(server.services, order_id, "on_status")) == ["Pending", "In-Transit"]


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_a_stale_step_is_refused_with_a_code_the_app_explains(server: RunningServer, fx: ModuleType,
                                                                    job: KeyedJob) -> None:
    order_id, worker_id, app = job
    assert (await app.post(f"/worker/api/jobs/{order_id}/travelling", headers=new_key())).status_code == 200
    # a second tap queued offline under a new key: the order is past that step
    past = await app.post(f"/worker/api/jobs/{order_id}/travelling", headers=new_key())
    assert past.status_code == 409 and problem_text(past)["code"] == "20007"

    async with server.services.unit_of_work() as uow:  # staff cancel the order while her phone is offline
        order = await uow.orders.get(order_id)
        assert order is not None
        order.cancel_by_provider("011", at=server.services.clock(), actor="staff:test", reason="customer not home")
        await uow.orders.save(order)
        await uow.commit()
    gone = await app.post(f"/worker/api/jobs/{order_id}/arrived", headers=new_key())
    assert gone.status_code == 409 and problem_text(gone)["code"] == "50008"

    lat, lng = fx.HAZRATGANJ
    other = await fx.add_order(server.services, lat + 20 * KM, lng)
    not_hers = await app.post(f"/worker/api/jobs/{other}/travelling", headers=new_key())
    assert not_hers.status_code == 404 and problem_text(not_hers)["code"] == "not_your_job"

    async with server.services.db.connect() as conn:  # refused steps keep no receipt: their keys stay free
        kept = (await conn.execute(select(worker_step_receipts.c.action).where(
            worker_step_receipts.c.worker_id == worker_id))).scalars().all()
    assert kept == ["travelling"]


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_a_key_belongs_to_one_step(server: RunningServer, job: KeyedJob) -> None:
    order_id, _, app = job
    key = new_key()
    assert (await app.post(f"/worker/api/jobs/{order_id}/travelling", headers=key)).status_code == 200
    reused = await app.post(f"/worker/api/jobs/{order_id}/arrived", headers=key)
    assert reused.status_code == 422
    assert problem_text(reused)["code"] == "idempotency_key_reused"
    assert problem_text(reused)["field"] == "Idempotency-Key"
    malformed = await app.post(f"/worker/api/jobs/{order_id}/arrived", headers={"Idempotency-Key": "x y"})
    assert malformed.status_code == 422 and malformed.json()["errors"][0]["field"] == "header.Idempotency-Key"


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_a_wrong_otp_leaves_its_key_free_for_the_right_one(server: RunningServer, job: KeyedJob) -> None:
    """The wrong try is counted (and committed); the same key with the right OTP then starts the job."""
    order_id, _, app = job
    otps = capture_otps(server)
    for step in ("travelling", "arrived"):
        assert (await app.post(f"/worker/api/jobs/{order_id}/{step}")).status_code == 200
    otp, key = otps[order_id], new_key()
    wrong = await app.post(f"/worker/api/jobs/{order_id}/start", json={"otp": f"{(int(otp) + 1) % 10_000:04d}"},
                           headers=key)
    assert wrong.status_code == 422 and "4 tries left" in problem_text(wrong)["en"]
    right = await app.post(f"/worker/api/jobs/{order_id}/start", json={"otp": otp}, headers=key)
    assert right.status_code == 200 and right.json()["fulfillment_state"] == "Service-Started"
    assert "idempotent-replayed" not in right.headers


# ---- the offer stream ----------------------------------------------------------------------------------------
STREAM_WAIT = 5.0  # seconds: far below the app's 3 s polling plus an offer's round trip, were the stream not working


async def next_offers(lines: AsyncIterator[str]) -> list[dict[str, Any]]:
    """The data of the next `offers` event of a server-sent event stream (heartbeat comments skipped)."""
    event, data = None, []
    async for line in lines:
        if line.startswith("event:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("data:"):
            data.append(line.partition(":")[2].strip())
        elif not line and data:
            assert event == "offers"
            return list(json.loads("\n".join(data)))
    raise AssertionError("the offer stream ended")


async def offers_streamed_to(app: httpx.AsyncClient, add_order: Any) -> tuple[str, list[dict[str, Any]]]:
    """Open her offer stream, see it start empty, then make an order near her: the offers event that follows."""
    async with app.stream("GET", "/worker/api/offers/stream") as stream:
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        assert await asyncio.wait_for(next_offers(lines), STREAM_WAIT) == []
        order_id = await add_order()
        return order_id, await asyncio.wait_for(next_offers(lines), STREAM_WAIT)


@pytest.mark.settings(offer_timeout_seconds=30)
async def test_an_offer_comes_down_the_stream_at_once(server: RunningServer, fx: ModuleType) -> None:
    lat, lng = fx.HAZRATGANJ
    worker_id = await fx.add_worker(server.services, "W-stream", lat, lng, online=False)
    async with await logged_in(server, worker_id, fx.PIN) as app:
        assert (await app.post("/worker/api/online", json={"lat": lat, "lng": lng})).status_code == 200
        order_id, offers = await offers_streamed_to(app, lambda: fx.add_order(server.services, lat, lng))
        assert [(offer["order_id"], offer["total"]) for offer in offers] == [(order_id, "299.00")]
        assert offers == (await app.get("/worker/api/offers")).json()  # the same list GET /offers answers
    async with httpx.AsyncClient(base_url=server.base_url) as stranger:
        assert (await stranger.get("/worker/api/offers/stream")).status_code == 401


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.settings(offer_timeout_seconds=30, session_secret="one secret for both processes")
async def test_an_offer_made_in_another_process_reaches_her_stream(server: RunningServer, backend: Backend,
                                                                   fx: ModuleType) -> None:
    """Her stream is open on one serve process, and the other one's matcher makes the offer."""
    port = free_port()
    other = await start_server(make_settings(backend, port, offer_timeout_seconds=30,
                                             session_secret="one secret for both processes"), port)
    try:
        await server.services.fulfillment.matching.stop()  # this process makes no offers: the other one does
        lat, lng = fx.HAZRATGANJ
        worker_id = await fx.add_worker(server.services, "W-far-stream", lat, lng, online=False)
        async with await logged_in(server, worker_id, fx.PIN) as app:
            assert (await app.post("/worker/api/online", json={"lat": lat, "lng": lng})).status_code == 200
            order_id, offers = await offers_streamed_to(app, lambda: fx.add_order(server.services, lat, lng))
        assert [offer["order_id"] for offer in offers] == [order_id]
        assert (await fx.pending_offer(server.services, order_id))["worker_id"] == worker_id
    finally:
        await other.stop()
