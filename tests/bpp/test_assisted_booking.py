"""Assisted booking on each backend: a helpline booking is the same Order, matching and ledger as an ONDC one, sends
no Beckn callback, and tells the citizen by SMS; wrong input is answered per field in Hindi and English."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from harness import seed_demo
from order_factory import confirmed_order
from sqlalchemy import func, select

from bpp.assisted.service import AssistedDesk, BookingRequest
from bpp.complaints.desk import CallerDetails
from bpp.platform.http_errors import FieldErrors
from bpp.storage.complaint_tables import complaints
from bpp.storage.gateway_tables import outbox
from bpp.storage.ledger_tables import journal_entries
from bpp.storage.notify_tables import sms_messages
from bpp.storage.order_tables import orders
from bpp.storage.worker_tables import offers
from bpp.wiring.services import Services
from bpp.workforce import repo as worker_repo
from fulfillment.complaints import Kind
from fulfillment.order import Order
from fulfillment.states import FulfillmentState, OrderStatus
from schemas.refusal import Refusal

TAP_REPAIR = "SM-LKO-PLUMBER-TAP"
CALLER = "9812345678"
# 11:00 IST on a Wednesday: the day's windows from 12:00 are open, 08:00 is gone
NOW = datetime(2026, 12, 9, 5, 30, tzinfo=UTC)


@pytest.fixture
async def desk(services: Services) -> AsyncIterator[AssistedDesk]:
    services.clock = lambda: NOW
    await seed_demo(services)
    yield services.assisted


def booking(**changes: Any) -> BookingRequest:
    values: dict[str, Any] = {
        "item_id": TAP_REPAIR, "name": "रमा देवी", "phone": CALLER, "address": "12 हज़रतगंज, लखनऊ",
        "pincode": "226001", "point": None, "slot_start": None, "language": "hi",
    }
    return BookingRequest(**{**values, **changes})


async def sms_of(services: Services, template: str) -> list[dict[str, Any]]:
    async with services.db.connect() as conn:
        query = select(sms_messages).where(sms_messages.c.template == template).order_by(sms_messages.c.id)
        return [dict(row) for row in (await conn.execute(query)).mappings()]


async def count(services: Services, table: Any) -> int:
    async with services.db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


def problems(error: pytest.ExceptionInfo[FieldErrors]) -> dict[str, tuple[str, str | None]]:
    return {problem.field: (problem.en, problem.hi) for problem in error.value.problems}


async def test_a_helpline_booking_is_an_order_of_its_channel_and_an_sms(services: Services, desk: AssistedDesk) -> None:
    order = await desk.book(booking(), actor="staff:op-1")

    assert (order.channel.name, order.channel.buyer_app, order.channel.city) == ("helpline", None, "std:0522")
    assert (order.status, order.quote.total, order.cash_due) == (OrderStatus.ACCEPTED, Decimal("234.82"),
                                                                 Decimal("234.82"))
    quote_lines = {line.title: line.amount for line in order.quote.lines}
    assert quote_lines["tax"] == Decimal("35.82")  # the catalogue's fixed fee 199 plus 18% GST, as on_select quotes
    # "now": the first hourly window from 08:00 that starts after the 30 minutes' lead time, 12:00 IST
    assert order.slot is not None and order.slot.start == datetime(2026, 12, 9, 6, 30, tzinfo=UTC)
    assert order.details.end_location["area_code"] == "226001"
    async with services.db.connect() as conn:
        stored = (await conn.execute(select(orders.c.channel, orders.c.bap_id, orders.c.customer_phone)
                                     .where(orders.c.id == order.id))).one()
    assert tuple(stored) == ("helpline", None, CALLER)
    [sms] = await sms_of(services, "order_booked")
    assert sms["phone"] == CALLER and order.id in sms["text"] and "₹234.82" in sms["text"]
    assert await count(services, outbox) == 0  # no buyer app to call back
    history = await desk.caller("+91 98123 45678")
    assert [found.id for found in history.orders] == [order.id]


async def test_wrong_input_is_answered_per_field_in_both_languages(desk: AssistedDesk) -> None:
    with pytest.raises(FieldErrors) as wrong:
        await desk.book(booking(phone="98123", pincode="999999", name="", address="x"), actor="staff:op-1")
    found = problems(wrong)
    assert set(found) == {"phone", "pincode", "name", "address"}
    assert found["phone"] == ("Enter the caller's 10-digit mobile number (it starts with 6, 7, 8 or 9).",
                              "कॉल करने वाले का 10 अंकों का मोबाइल नंबर लिखें (6, 7, 8 या 9 से शुरू)।")
    assert found["pincode"][0].startswith("Pincode '999999' is not in India Post's list")

    with pytest.raises(FieldErrors) as past:
        await desk.book(booking(slot_start=NOW - timedelta(hours=1)), actor="staff:op-1")
    assert problems(past) == {"slot": ("This time has already passed; choose one of the times shown.",
                                       "यह समय बीत चुका है; दिखाए गए समय में से कोई चुनें।")}

    with pytest.raises(FieldErrors) as closed:  # 22:00 IST: the plumber works 08:00-20:00
        await desk.book(booking(slot_start=datetime(2026, 12, 9, 16, 30, tzinfo=UTC)), actor="staff:op-1")
    assert set(problems(closed)) == {"slot"}

    for pincode, says in (("110001", "Seva Mitra serves Uttar Pradesh only"),
                          ("208001", "Seva Mitra does not serve Kanpur Nagar district yet")):
        with pytest.raises(FieldErrors) as outside:
            desk.area(pincode)
        assert says in problems(outside)["pincode"][0]

    with pytest.raises(FieldErrors) as far:  # a refined point 40 km away is a typing mistake
        await desk.book(booking(point=(27.2, 80.95)), actor="staff:op-1")
    assert set(problems(far)) == {"point"}


async def test_services_are_found_by_hindi_or_english_name_in_the_callers_district(desk: AssistedDesk) -> None:
    by_hindi = desk.services("नल", "226001")
    by_english = desk.services("tap repiar")
    assert by_hindi and by_hindi[0].id == TAP_REPAIR
    assert by_english and by_english[0].id == TAP_REPAIR
    quotation = desk.quotation(TAP_REPAIR, "226001", None)
    assert quotation.quote["price"]["value"] == "234.82" and len(quotation.slots) == 8
    assert quotation.slots[0].start > NOW


async def run_matching_until_offer_or_end(services: Services, order_id: str) -> dict[str, Any] | None:
    """Run matching until the order has an open offer (returned), or is cancelled for want of a worker (None)."""
    for _ in range(200):
        await services.fulfillment.matching.run_once()
        async with services.db.connect() as conn:
            offer = (await conn.execute(select(offers).where(offers.c.order_id == order_id,
                                                             offers.c.outcome == "pending"))).mappings().first()
            status = (await conn.execute(select(orders.c.status).where(orders.c.id == order_id))).scalar_one()
        if offer is not None:
            return dict(offer)
        if status == OrderStatus.CANCELLED.value:
            return None
        await asyncio.sleep(0.05)
    raise AssertionError(f"no offer for {order_id}")


async def test_the_visit_goes_through_matching_the_otp_sms_and_the_cash_ledger(
    services: Services, desk: AssistedDesk
) -> None:
    order = await desk.book(booking(), actor="staff:op-1")
    offer = await run_matching_until_offer_or_end(services, order.id)
    assert offer is not None
    worker_id = offer["worker_id"]
    steps = services.fulfillment.job_steps
    await services.fulfillment.offers.accept(worker_id, offer["id"])
    await steps.mark_travelling(worker_id, order.id)
    await steps.mark_arrived(worker_id, order.id)

    [sms] = await sms_of(services, "worker_assigned")
    assert sms["phone"] == CALLER and order.id in sms["text"] and await worker_name(services, worker_id) in sms["text"]
    otp = re.search(r"OTP (\d{4})", sms["text"])
    assert otp is not None
    await steps.start_service(worker_id, order.id, otp.group(1))
    done = await steps.complete(worker_id, order.id, Decimal("234.82"))

    assert done.status is OrderStatus.COMPLETED and done.payment.status == "PAID"
    async with services.db.connect() as conn:
        entry = (await conn.execute(select(journal_entries.c.kind, journal_entries.c.bap_id)
                                    .where(journal_entries.c.order_id == order.id))).one()
    assert tuple(entry) == ("completion", None)
    assert (await services.ledger.check()).balanced
    assert await count(services, outbox) == 0  # not one callback in the whole visit


async def worker_name(services: Services, worker_id: str) -> str:
    async with services.db.connect() as conn:
        worker = await worker_repo.get_worker(conn, worker_id)
    assert worker is not None
    return str(worker["name"])


async def test_cancel_and_reschedule_with_consent_tell_the_citizen(services: Services, desk: AssistedDesk) -> None:
    with pytest.raises(Refusal, match="too late to move") as too_late:  # the terms close 2 h before the slot
        await desk.reschedule((await desk.book(booking(), actor="staff:op-1")).id, NOW + timedelta(days=1),
                              actor="staff:op-2")
    assert too_late.value.message_hi
    moved = await desk.book(booking(slot_start=datetime(2026, 12, 10, 6, 30, tzinfo=UTC)), actor="staff:op-1")
    later = datetime(2026, 12, 11, 6, 30, tzinfo=UTC)  # the day after, 12:00 IST
    rescheduled = await desk.reschedule(moved.id, later, actor="staff:op-2")
    assert rescheduled.slot is not None and rescheduled.slot.start == later
    [sms] = await sms_of(services, "order_rescheduled")
    assert "11 Dec 12:00-13:00" in sms["text"]
    with pytest.raises(FieldErrors) as past:
        await desk.reschedule(moved.id, NOW - timedelta(minutes=5), actor="staff:op-2")
    assert set(problems(past)) == {"slot"}

    cancelled = await desk.cancel(moved.id, "012", actor="staff:op-2")
    assert cancelled.fulfillment_state is FulfillmentState.CANCELLED
    assert cancelled.progress.cancellation is not None and cancelled.progress.cancellation["fee"] == "0.00"
    assert [sms["text"] for sms in await sms_of(services, "order_cancelled")] == [
        f"सेवा मित्र: आपकी बुकिंग {moved.id} रद्द कर दी गई है। हेल्पलाइन 155330"]
    assert await count(services, journal_entries) == 0  # nothing was paid, nothing is owed

    async with services.unit_of_work() as uow:
        await uow.orders.add(confirmed_order("SM-APP1", "T-APP1", "APP-1"))
        await uow.commit()
    with pytest.raises(Refusal, match=r"booked in the app bap\.example"):
        await desk.cancel("SM-APP1", "012", actor="staff:op-2")


async def test_an_order_every_worker_declines_is_cancelled_and_the_citizen_told(
    services: Services, desk: AssistedDesk
) -> None:
    order = await desk.book(booking(), actor="staff:op-1")
    for _ in range(50):
        async with services.unit_of_work() as uow:
            current: Order | None = await uow.orders.get(order.id)
        if current is not None and current.status is OrderStatus.CANCELLED:
            break
        offer = await run_matching_until_offer_or_end(services, order.id)
        if offer is not None:
            await services.fulfillment.offers.decline(offer["worker_id"], offer["id"])
    else:
        raise AssertionError("the order was never cancelled")
    assert [sms["phone"] for sms in await sms_of(services, "order_cancelled")] == [CALLER]
    assert await count(services, outbox) == 0


async def test_a_complaint_for_the_caller_goes_to_the_desk_and_by_sms(services: Services, desk: AssistedDesk) -> None:
    order = await desk.book(booking(), actor="staff:op-1")
    complaint = await desk.complain(order.id, Kind.NO_SHOW, {"short_desc": "कर्मी नहीं आया", "long_desc": None},
                                    CallerDetails("रमा देवी", None), actor="staff:op-1")
    assert complaint["status"] == "PROCESSING" and complaint["channel"] == "helpline"
    [sms] = await sms_of(services, "complaint_registered")
    assert sms["phone"] == CALLER and complaint["id"] in sms["text"]
    async with services.db.connect() as conn:
        assert (await conn.execute(select(complaints.c.filed_by))).scalar_one() == "staff:op-1"
    history = await desk.caller(CALLER)
    assert [row["id"] for row in history.complaints] == [complaint["id"]]
    with pytest.raises(FieldErrors) as wrong:
        await desk.complain(order.id, Kind.OTHER, {"short_desc": "late"}, CallerDetails(None, "12345"), actor="x")
    assert set(problems(wrong)) == {"caller_phone"}
