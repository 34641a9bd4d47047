"""An engagement booked and changed over real HTTP on both backends (docs/engagements.md sections 5 and 6): the
simulated buyer app searches, selects, inits and confirms a daily cook for a month, asks its status, pauses, resumes
and ends it with notice; every callback passes the SRV bundle and the attribute tables. Bad input is answered with
its ONDC error code and changes nothing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from harness import conformance_errors, seed_demo

from bpp.demo.catalog_seed import LUCKNOW
from bpp.engagements.messages import send_status
from bpp.engagements.repo import EngagementRepo
from bpp.engagements.service import EngagementService
from bpp.simulator.buyer import BuyerApp
from bpp.simulator.engagement import EngagementJourney, tag_values
from bpp.simulator.journey import Journey, JourneyFailed
from catalog.engagement_terms import BillingMode, EmploymentBasis, EngagementTerms, VisitSchedule
from catalog.model import Availability, ServiceItem
from catalog.schedule import IST
from fulfillment.engagement import Engagement, EngagementState

COOK = ServiceItem(
    id="SM-LKO-COOK-MORNINGS", provider_id=LUCKNOW.id, category_id="SM-1000", name_en="Cook, every morning",
    name_hi="रसोइया, हर सुबह", fee=Decimal("250.00"), duration_minutes=120, tax_percent=Decimal("18"),
    availability=Availability(opens=time(6, 0), closes=time(21, 0)), published=True,
    engagement=EngagementTerms(VisitSchedule(frozenset(range(1, 8)), time(7, 0), 120), 1, 12, 7,
                               EmploymentBasis.PART_TIME, BillingMode.ADVANCE),
)


@pytest.fixture
async def seeded(server: Any) -> Any:
    await seed_demo(server.services)
    await server.services.catalog.save_item(COOK, actor="staff:test")
    await server.services.fulfillment.coverage.workers_changed()
    return server


def _journey(buyer: BuyerApp, server: Any, payment_type: str = "ON-FULFILLMENT") -> EngagementJourney:
    return EngagementJourney(buyer, server.ondc_url, payment_type=payment_type, callback_timeout=10.0)


async def _booked_and_taken(server: Any, buyer: BuyerApp, journey: EngagementJourney) -> date:
    """Book the engagement over ONDC, then let a steady worker take it as matching does (issue 15 item 3, the
    workforce's part): buyer changes need an active engagement."""
    start = await journey.book()
    engagements = EngagementService(server.services.clock)
    async with server.services.db.begin() as conn:
        found = await engagements.by_transaction(conn, buyer.subscriber_id, journey.transaction_id)
        assert found is not None
        if found[0].state is EngagementState.REQUESTED:  # matching's loop may have been first
            found[0].activate("W-STEADY", at=server.services.clock())
            await EngagementRepo(conn).save(found[0])
            assert await engagements.replan_visits(conn, found[0])
    return start


def _ours(buyer: BuyerApp, journey: Journey) -> list[Any]:
    return [callback for callback in buyer.callbacks
            if callback.context.get("transaction_id") == journey.transaction_id]


async def test_a_daily_cook_is_booked_paused_resumed_and_ended_with_every_callback_valid(
    seeded: Any, buyer: BuyerApp
) -> None:
    journey = _journey(buyer, seeded)
    ended = await journey.pause_resume_end(await _booked_and_taken(seeded, buyer, journey))
    callbacks = _ours(buyer, journey)
    assert [callback.action for callback in callbacks] == [
        "on_search", "on_select", "on_init", "on_confirm", "on_status", "on_update", "on_update", "on_update"]
    for callback in callbacks:
        assert conformance_errors(callback.action, callback.body) == [], (callback.action, callback.body)
        assert callback.error is None, callback.body
    on_search = callbacks[0].message["catalog"]["providers"][0]["items"]
    offered = next(item for item in on_search if item["id"] == COOK.id)
    assert offered["time"]["schedule"]["frequency"] == "P1D" and offered["time"]["duration"] == "PT120M"
    assert tag_values(offered["tags"], "engagement")["term_max_months"] == "12"

    start = datetime.now(IST).date() + timedelta(days=1)
    on_select = callbacks[1].message["order"]
    visits = sum(1 for day in range(32) if (start + timedelta(days=day)).month == start.month)  # daily, prorated
    visits_line, tax_line = on_select["quote"]["breakup"]
    assert visits_line["item"]["quantity"]["selected"]["count"] == visits
    assert Decimal(visits_line["price"]["value"]) == Decimal("250.00") * visits
    assert Decimal(tax_line["price"]["value"]) == (Decimal("250.00") * visits * Decimal("0.18")).quantize(
        Decimal("0.01"))
    assert Decimal(on_select["quote"]["price"]["value"]) == (Decimal(visits_line["price"]["value"])
                                                              + Decimal(tax_line["price"]["value"]))

    confirmed = callbacks[3].message["order"]
    assert confirmed["id"] == journey.order_id and confirmed["status"] == "Accepted"
    assert tag_values(confirmed["fulfillments"][0]["tags"], "engagement")["state"] == "requested"

    async with seeded.services.db.connect() as conn:
        found = await EngagementService(seeded.services.clock).by_transaction(conn, buyer.subscriber_id,
                                                                             journey.transaction_id)
    assert found is not None
    engagement, order = found
    assert engagement.state is EngagementState.ENDING and order.buyer_order_id == journey.order_id
    assert engagement.start == start and engagement.schedule_on(start).start == time(7, 0)
    assert not engagement.paused_on(start + timedelta(days=2)) and engagement.paused_on(start + timedelta(days=3))
    assert not engagement.paused_on(start + timedelta(days=5))
    assert tag_values(ended["fulfillments"][0]["tags"], "engagement")["last_day"] == engagement.last_day.isoformat()
    first_visit = f"F1-V{start:%Y%m%d}"  # tomorrow's visit is in play, in its own fulfillment
    assert [fulfillment["id"] for fulfillment in ended["fulfillments"]] == ["F1", first_visit]
    assert ended["items"][0]["fulfillment_ids"] == ["F1", first_visit]
    assert ended["fulfillments"][1]["state"]["descriptor"]["code"] == "Pending"
    holidays = ended["fulfillments"][0]["stops"][0]["time"]["schedule"]["holidays"]
    assert [day[:10] for day in holidays] == [(start + timedelta(days=n)).isoformat() for n in (3, 4)]


async def test_a_start_in_the_past_or_a_term_out_of_range_is_answered_with_its_error_code(
    seeded: Any, buyer: BuyerApp
) -> None:
    journey = _journey(buyer, seeded)
    on_search = await journey.search()
    assert on_search.message["catalog"]
    today = datetime.now(IST).date()
    for start, months, code in ((today - timedelta(days=2), "1", "40000"), (today + timedelta(days=2), "13", "40000"),
                                (today + timedelta(days=2), "twelve", "30000")):
        order = _select_order(start, months)
        sent = await journey.buyer.post(f"{seeded.ondc_url}/select", {"context": buyer.context(
            "select", journey.transaction_id, journey.bpp_id, journey.bpp_uri, journey.domain), "message": order})
        assert sent.acked, sent.answer
        answer = await buyer.wait_for("on_select", buyer.replies_to(sent), 10.0)
        assert answer.error is not None and answer.error["code"] == code, answer.body
        assert conformance_errors("on_select", answer.body) == []
    async with seeded.services.db.connect() as conn:
        assert await EngagementService(seeded.services.clock).by_transaction(
            conn, buyer.subscriber_id, journey.transaction_id) is None


def _select_order(start: date, months: str) -> dict[str, Any]:
    first = datetime.combine(start, time(7, 0), IST)
    return {"order": {
        "provider": {"id": LUCKNOW.id}, "items": [{"id": COOK.id}],
        "fulfillments": [{"type": "Home-Service",
                          "tags": [{"descriptor": {"code": "engagement"},
                                    "list": [{"descriptor": {"code": "months"}, "value": months}]}],
                          "stops": [{"type": "end", "location": {"gps": "26.8467,80.9462", "area_code": "226001"},
                                     "time": {"label": "schedule", "days": "1,2,3,4,5,6,7",
                                              "schedule": {"frequency": "P1D", "times": [first.isoformat()]}}}]}],
        "payments": [{"type": "ON-FULFILLMENT"}],
    }}


async def test_a_change_the_engagement_refuses_is_answered_with_its_code_and_the_engagement_as_it_was(
    seeded: Any, buyer: BuyerApp
) -> None:
    journey = _journey(buyer, seeded)
    ended = await journey.pause_resume_end(await _booked_and_taken(seeded, buyer, journey))
    assert tag_values(ended["fulfillments"][0]["tags"], "engagement")["state"] == "ending"
    with pytest.raises(JourneyFailed, match="error 50002"):  # ending: it cannot be resumed
        await journey.change("resume", datetime.now(IST).date() + timedelta(days=3))
    refused = _ours(buyer, journey)[-1]
    assert refused.action == "on_update" and conformance_errors("on_update", refused.body) == []
    with pytest.raises(JourneyFailed, match="error 30000"):
        await journey.change("holiday", None)
    with pytest.raises(JourneyFailed, match="error 50001"):  # ended with notice, never cancelled
        await journey._reply(await journey._send("cancel", {"order_id": journey.order_id,
                                                             "cancellation_reason_id": "001"}))
    assert conformance_errors("on_cancel", _ours(buyer, journey)[-1].body) == []
    async with seeded.services.db.connect() as conn:
        found = await EngagementService(seeded.services.clock).by_transaction(conn, buyer.subscriber_id,
                                                                             journey.transaction_id)
        assert found is not None
        events = await EngagementRepo(conn).events(found[0].id)
    assert found[0].state is EngagementState.ENDING
    assert [event.kind.value for event in events] == [
        "requested", "activated", "paused", "resumed", "notice-given"]


async def test_the_visit_time_moves_by_update_from_the_day_asked(seeded: Any, buyer: BuyerApp) -> None:
    journey = _journey(buyer, seeded, "PRE-FULFILLMENT")  # the first month paid through the buyer app
    start = await _booked_and_taken(seeded, buyer, journey)
    confirmed = next(callback for callback in _ours(buyer, journey) if callback.action == "on_confirm")
    payment = confirmed.message["order"]["payments"][0]
    assert (payment["type"], payment["status"]) == ("PRE-FULFILLMENT", "PAID")
    assert payment["params"]["amount"] == confirmed.message["order"]["quote"]["price"]["value"]
    moved = await journey.change("change_time", start + timedelta(days=2), "08:30")
    times = moved["fulfillments"][0]["stops"][0]["time"]["schedule"]["times"]
    local = [datetime.fromisoformat(moment).astimezone(IST) for moment in times]
    assert [(moment.date(), moment.time()) for moment in local[:3]] == [
        (start, time(7, 0)), (start + timedelta(days=1), time(7, 0)), (start + timedelta(days=2), time(8, 30))]
    assert conformance_errors("on_update", _ours(buyer, journey)[-1].body) == []


async def test_a_visit_time_the_steady_worker_is_not_free_at_is_refused_as_a_slot_not_available(
    seeded: Any, buyer: BuyerApp
) -> None:
    journey = _journey(buyer, seeded)
    start = await _booked_and_taken(seeded, buyer, journey)
    async with seeded.services.db.connect() as conn:
        found = await EngagementService(seeded.services.clock).by_transaction(conn, buyer.subscriber_id,
                                                                             journey.transaction_id)
    assert found is not None
    mine = found[0]
    # the same worker cooks next door every day at 09:00 (an engagement booked and taken elsewhere)
    engagements = EngagementService(seeded.services.clock)
    next_door = Engagement.request(
        id="EN-NEXT-DOOR", channel=mine.channel, service=mine.service, title=mine.title, terms=mine.terms,
        schedule=mine.schedule_on(start).at(time(9, 0)), rate=mine.rate, tax_percent=mine.tax_percent, start=start,
        months=1, place_gps=mine.place_gps, details=mine.details, at=seeded.services.clock())
    next_door.activate(mine.worker_id or "W-STEADY", at=seeded.services.clock())
    async with seeded.services.db.begin() as conn:
        await engagements.confirm(conn, next_door, None)
        await engagements.replan_visits(conn, next_door)
    with pytest.raises(JourneyFailed, match="error 90001"):
        await journey.change("change_time", start + timedelta(days=2), "08:30")
    async with seeded.services.db.connect() as conn:
        kept = await EngagementRepo(conn).get(mine.id)
    assert kept is not None and kept.schedule_on(start + timedelta(days=5)).start == time(7, 0)


async def test_a_visit_step_is_told_to_the_buyer_app_in_an_unsolicited_on_status(seeded: Any, buyer: BuyerApp) -> None:
    journey = _journey(buyer, seeded)
    start = await _booked_and_taken(seeded, buyer, journey)
    services = seeded.services
    async with services.db.begin() as conn:
        found = await EngagementService(services.clock).by_transaction(conn, buyer.subscriber_id,
                                                                      journey.transaction_id)
        assert found is not None
        message_id = await send_status(services.clock, conn, services.outbox, found[0])
    assert message_id is not None
    services.dispatcher.wake()
    told = await buyer.wait_for("on_status", lambda callback: callback.context.get("message_id") == message_id)
    assert conformance_errors("on_status", told.body) == []
    order = told.message["order"]
    assert order["id"] == journey.order_id and order["status"] == "In-progress"
    assert [fulfillment["id"] for fulfillment in order["fulfillments"]] == ["F1", f"F1-V{start:%Y%m%d}"]
