"""The worker app's engagement visits over HTTP on each backend: her week, a day off covered by a substitute, the
customer's OTP at the door, the start with it, the completion, and her wallet's earnings per engagement."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import ModuleType

from engagement_factory import ist, requested
from harness import RunningServer
from worker_client import KM, logged_in

from bpp.engagements.repo import EngagementRepo
from catalog.engagement_terms import Month
from fulfillment.engagement import Engagement
from fulfillment.engagement_visits import Visit

START = date(2027, 3, 17)
COOK = "SM-1000"  # the factory's category
LAT, LNG = 26.8467, 80.9462  # the factory's HOME


async def test_a_worker_sees_her_week_takes_a_day_off_and_does_a_visit_with_the_customers_otp(
    server: RunningServer, fx: ModuleType
) -> None:
    services = server.services
    clock = [ist(START - timedelta(days=1), 10)]
    services.clock = lambda: clock[0]
    await fx.add_worker(services, "W1", LAT + 0.2 * KM, LNG, skills=(COOK,))
    await fx.add_worker(services, "W2", LAT + 1.5 * KM, LNG, skills=(COOK,))
    async with services.db.begin() as conn:
        await EngagementRepo(conn).add(requested(START))
    otps: list[str] = []

    def customer_gets(engagement: Engagement, visit: Visit, otp: str) -> None:
        otps.append(otp)

    services.engagement_visits.otp_listeners.append(customer_gets)
    assert await services.engagement_visits.staff("EN-1") == "W1"  # March billed in advance with it
    assert not await services.engagement_visits.bill_month("EN-1", Month(2027, 3))

    async with await logged_in(server, "W1", fx.PIN) as w1, await logged_in(server, "W2", fx.PIN) as w2:
        week = await w1.get("/worker/api/engagements/visits")
        assert week.status_code == 200, week.text
        assert [visit["day"] for visit in week.json()] == [(START + timedelta(days=n)).isoformat() for n in range(6)]
        assert {visit["state"] for visit in week.json()} == {"planned"}

        off = await w1.post(f"/worker/api/engagements/EN-1/visits/{START + timedelta(days=2)}/day-off")
        assert off.status_code == 200, off.text
        assert off.json()["substitute"] is True
        assert len((await w1.get("/worker/api/engagements/visits")).json()) == 5
        assert [visit["day"] for visit in (await w2.get("/worker/api/engagements/visits")).json()] == [
            (START + timedelta(days=2)).isoformat()]

        clock[0] = ist(START, 7, 3)
        visit = f"/worker/api/engagements/EN-1/visits/{START}"
        assert (await w1.post(f"{visit}/day-off")).status_code == 422  # today's: too late for a substitute
        assert (await w2.post(f"{visit}/otp")).status_code == 403  # not hers
        early = await w1.post(f"{visit}/start", json={"otp": "1234"})
        assert early.status_code == 409 and "OTP" in early.text  # none asked for yet
        asked = await w1.post(f"{visit}/otp")
        assert asked.status_code == 200 and asked.json() == {"otp_sent": True} and len(otps) == 1
        assert (await w1.post(f"{visit}/complete")).status_code == 409  # not started
        started = await w1.post(f"{visit}/start", json={"otp": otps[0]})
        assert started.status_code == 200, started.text
        assert started.json()["started_at"] == datetime.isoformat(clock[0])
        clock[0] = ist(START, 9)
        done = await w1.post(f"{visit}/complete")
        assert done.status_code == 200 and done.json()["state"] == "done", done.text

        wallet = await w1.get("/worker/api/wallet")
        assert wallet.status_code == 200
        assert wallet.json()["engagements"] == [{"engagement_id": "EN-1", "visits": 1, "earned": "225.00"}]
        assert (await w2.get("/worker/api/wallet")).json()["engagements"] == []
    assert (await services.ledger.check()).balanced
