"""An engagement as the ONDC `order` (docs/engagements.md section 5): fulfillment `F1` holds the schedule, the term
and the engagement's state; each visit in play (today's and tomorrow's) is a fulfillment `F1-V<yyyymmdd>` of its
own, whose state only moves forward; the quote is the first month's visits with GST. And a buyer's change as
`update` carries it (section 6): F1's tag group `engagement_update`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, time, timedelta
from typing import Any, Final

from bpp.engagements.service import ChangeAction, EngagementChange, OndcOrder
from catalog.engagement_wire import ENGAGEMENT_TAG, SCHEDULE_LABEL, frequency, tag_group, tag_values
from catalog.formats import money, timestamp
from catalog.fragments import holidays
from catalog.model import FULFILLMENT_ID, FULFILLMENT_TYPE
from catalog.ordering import end_stop
from catalog.quote import QUOTE_TTL
from catalog.schedule import format_days
from fulfillment.engagement import Engagement, EngagementState, MonthBill
from fulfillment.engagement_visits import Visit, VisitState
from schemas.enums import FulfillmentStateCode, OrderStatus
from schemas.errors import INVALID_REQUEST
from schemas.objects import Fulfillment
from schemas.refusal import Refusal

UPDATE_TAG: Final = "engagement_update"
_UPDATE_FIELD: Final = "message.order.fulfillments[0].tags"
_VISIT_STATE: Final = {
    VisitState.PLANNED: FulfillmentStateCode.PENDING,
    VisitState.DONE: FulfillmentStateCode.COMPLETED,
    VisitState.MISSED: FulfillmentStateCode.CANCELLED,
    VisitState.CALLED_OFF: FulfillmentStateCode.CANCELLED,
}


def declined(engagement: Engagement) -> bool:
    return engagement.state is EngagementState.ENDED and engagement.last_day < engagement.start


def order_status(engagement: Engagement) -> OrderStatus:
    if declined(engagement):
        return OrderStatus.CANCELLED
    if engagement.state is EngagementState.ENDED:
        return OrderStatus.COMPLETED
    if engagement.state is EngagementState.REQUESTED:
        return OrderStatus.ACCEPTED
    return OrderStatus.IN_PROGRESS


def quote(bill: MonthBill, item_id: str) -> dict[str, Any]:
    """The Beckn quote of a month: its visits line (count and one visit's price) and the tax on them."""
    return {"price": {"currency": "INR", "value": money(bill.price.total)}, "breakup": bill.price.breakup(item_id),
            "ttl": QUOTE_TTL}


def schedule_time(engagement: Engagement, today: date) -> dict[str, Any]:
    """F1's end-stop `time`: the schedule in force from `today` (or the start) with its visits of the coming week,
    the term's first and last visit as `range`, and the paused days as `holidays`."""
    since = max(today, engagement.start)
    schedule = engagement.schedule_on(since)
    term = engagement.visits(engagement.start, engagement.last_day)
    week = engagement.visits(since, since + timedelta(days=6))
    paused = [day for day in schedule.dates(engagement.start, engagement.last_day) if engagement.paused_on(day)]
    result: dict[str, Any] = {
        "label": SCHEDULE_LABEL,
        "days": format_days(schedule.weekdays),
        "duration": f"PT{schedule.minutes}M",
        "schedule": {
            "frequency": frequency(schedule),
            "times": [timestamp(visit.start) for visit in week] or [timestamp(schedule.window(since)[0])],
            "holidays": holidays(paused),
        },
    }
    if term:
        result["range"] = {"start": timestamp(term[0].start), "end": timestamp(term[-1].end)}
    return result


def engagement_tag(engagement: Engagement) -> dict[str, Any]:
    """F1's `engagement` tag group: where the engagement stands and its terms as booked."""
    terms = engagement.terms
    return tag_group(ENGAGEMENT_TAG, (
        ("state", engagement.state.value),
        ("start", engagement.start.isoformat()),
        ("last_day", engagement.last_day.isoformat()),
        ("months", str(engagement.months)),
        ("notice_days", str(terms.notice_days)),
        ("billing", terms.billing.value),
        ("employment_basis", terms.basis.value),
    ))


def schedule_fulfillment(engagement: Engagement, state: FulfillmentStateCode | None, today: date,
                         stop_extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """F1: the customer's place with the schedule, in `state` (Serviceable in on_select, none in on_init, as a
    one-off order's)."""
    stop = end_stop(engagement.details.end_location, schedule_time(engagement, today), **(stop_extra or {}))
    fulfillment: dict[str, Any] = {"id": FULFILLMENT_ID, "type": FULFILLMENT_TYPE, "tracking": False}
    if state is not None:
        fulfillment["state"] = {"descriptor": {"code": state}}
    return {**fulfillment, "stops": [stop], "tags": [engagement_tag(engagement)]}


def visit_fulfillment_id(day: date) -> str:
    return f"{FULFILLMENT_ID}-V{day.strftime('%Y%m%d')}"


def visit_fulfillment(engagement: Engagement, visit: Visit, contact: Mapping[str, Any]) -> dict[str, Any]:
    """One visit in play: the customer's place and the visit's window, its own state."""
    window = {"label": "confirmed", "range": {"start": timestamp(visit.start), "end": timestamp(visit.end)}}
    return {"id": visit_fulfillment_id(visit.day), "type": FULFILLMENT_TYPE,
            "state": {"descriptor": {"code": _VISIT_STATE[visit.state]}}, "tracking": False,
            "stops": [end_stop(engagement.details.end_location, window, contact=dict(contact))]}


def fulfillment_state(engagement: Engagement) -> FulfillmentStateCode:
    """F1 stays Pending while the engagement runs (its visits carry their own states)."""
    if declined(engagement):
        return FulfillmentStateCode.CANCELLED
    if engagement.state is EngagementState.ENDED:
        return FulfillmentStateCode.COMPLETED
    return FulfillmentStateCode.PENDING


def customer_stop_extra(engagement: Engagement) -> dict[str, Any]:
    customer = engagement.details.customer
    extra: dict[str, Any] = {"contact": {key: customer[key] for key in ("phone", "email") if customer.get(key)}}
    if customer.get("name"):
        extra["person"] = {"name": customer["name"]}
    return extra


def order_message(engagement: Engagement, order: OndcOrder, bill: MonthBill, visits: Sequence[Visit], *,
                  location_id: str, cancellation_terms: list[dict[str, Any]], today: date,
                  updated_at_text: str) -> dict[str, Any]:
    """The `order` of on_confirm, on_status and on_update: F1, the visits in play, the month's quote, the payment."""
    extra = customer_stop_extra(engagement)
    fulfillments = [schedule_fulfillment(engagement, fulfillment_state(engagement), today, extra),
                    *(visit_fulfillment(engagement, visit, extra["contact"]) for visit in visits)]
    for fulfillment in fulfillments:
        fulfillment["rateable"] = False  # the order tables want it stated; rating an engagement is not built
    service = engagement.service
    message: dict[str, Any] = {
        "id": order.buyer_order_id,
        "status": order_status(engagement),
        "provider": {"id": service.provider_id, "locations": [{"id": location_id}]},
        "items": [{
            "id": service.item_id,
            "fulfillment_ids": [fulfillment["id"] for fulfillment in fulfillments],
            "location_ids": [location_id],
            "category_ids": [service.category_id],
            "quantity": {"selected": {"count": bill.price.visits}},
        }],
        "billing": dict(engagement.details.billing),
        "fulfillments": fulfillments,
        "quote": quote(bill, service.item_id),
        "payments": [dict(order.payment)],
        "created_at": order.buyer_created_at,
        "updated_at": updated_at_text,
    }
    if cancellation_terms:
        message["cancellation_terms"] = cancellation_terms
    return message


def wanted_change(fulfillments: Sequence[Fulfillment] | None) -> EngagementChange:
    """The change an `update` asks for: F1's `engagement_update` tags (`action`, `from`, `time`)."""
    values = next((found for fulfillment in fulfillments or ()
                   if (found := tag_values(fulfillment.tags, UPDATE_TAG)) is not None), None)
    if values is None:
        raise Refusal(INVALID_REQUEST.code, f"Send the change as F1's tag group {UPDATE_TAG!r} (action, from, time)",
                      field=_UPDATE_FIELD)
    try:
        action = ChangeAction(values.get("action") or "")
        first = date.fromisoformat(day) if (day := values.get("from")) else None
        start = time.fromisoformat(clock) if (clock := values.get("time")) else None
    except ValueError:
        choices = ", ".join(action.value for action in ChangeAction)
        raise Refusal(INVALID_REQUEST.code, f"{UPDATE_TAG}: action is one of {choices}, from a date YYYY-MM-DD, "
                      "time HH:MM", field=_UPDATE_FIELD) from None
    return EngagementChange(action, first, start)
