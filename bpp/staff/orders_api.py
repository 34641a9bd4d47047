"""Orders for staff: the newest orders by district, channel (`helpline`, `ondc:<bap_id>`, or every one of a kind:
`ondc`, `kiosk`, `department`), service, status, day, or a customer's mobile or an order's id; and how many each
channel brought in a period and what they were worth (one order's page and actions: `order_page_api.py`).

Admins see every district, a district officer her own; helpline operators see a caller's orders at the desk.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from bpp.notify import normalise_phone
from bpp.orders.repo import OrderRepo
from bpp.orders.summary import order_summary
from bpp.platform.auth import Principal, require_staff
from bpp.platform.http_errors import FieldErrors, FieldProblem
from catalog.formats import money
from catalog.schedule import IST
from catalog.taxonomy import CATEGORIES
from schemas.enums import OrderStatus
from schemas.refusal import NOT_ALLOWED, Refusal

router = APIRouter(prefix="/staff/api/orders", tags=["staff: orders"])
Managers = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
DEFAULT_PERIOD = timedelta(days=30)
# a channel's name, or every channel of a kind (`ondc`: every buyer app); fulfillment.order.channel_kind
ChannelFilter = Annotated[
    str | None, Query(max_length=260, pattern=r"^(helpline|(ondc|kiosk|department)(:\S+)?)$",
                      description="helpline, ondc, ondc:<bap_id>, kiosk, kiosk:<id>, department or department:<id>"),
]
EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)


def _district(staff: Principal) -> str | None:
    return staff.district if staff.role == "district_officer" else None


def _districts(staff: Principal, district: str | None) -> str | None:
    """The district to list: an officer's own (another is refused), any or all for an admin."""
    if staff.role != "district_officer":
        return district
    if district not in (None, staff.district):
        raise Refusal(NOT_ALLOWED, "You see only your own district's orders.",
                      message_hi="आप केवल अपने ज़िले के ऑर्डर देख सकती/सकते हैं।")
    return staff.district


def _created(date_from: date | None, date_to: date | None) -> tuple[datetime, datetime] | None:
    """[first day's midnight, the day after the last's) in India's time, or None when no day is given."""
    if date_from is None and date_to is None:
        return None
    if date_from is not None and date_to is not None and date_to < date_from:
        raise FieldErrors([FieldProblem("date_to", "The last day comes before the first; swap them.",
                                        "आख़िरी दिन पहले दिन से पहले है; दोनों बदलें।")])
    # the first and last representable days have no midnight in India's time on the other side of UTC
    start = _midnight(date_from) if date_from is not None and date_from > date.min else EARLIEST
    end = _midnight(date_to + timedelta(days=1)) if date_to is not None and date_to < date.max else LATEST
    return start, end


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), IST).astimezone(UTC)


@router.get("")
async def list_orders(
    request: Request, staff: Managers, channel: ChannelFilter = None, status: OrderStatus | None = None,
    district: Annotated[str | None, Query(pattern=r"^std:\d{3,5}$", description="a city code, e.g. std:0522")] = None,
    service: Annotated[str | None, Query(max_length=32, description="a service category code")] = None,
    date_from: Annotated[date | None, Query(description="created on or after this day (India's time)")] = None,
    date_to: Annotated[date | None, Query(description="created on or before this day (India's time)")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=128,
                                   description="a customer's mobile number, or an order, buyer-app order or "
                                               "transaction id")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """The newest orders matching every filter given, each marked `late` when its worker is overdue at the door."""
    if service is not None and service not in CATEGORIES:
        raise FieldErrors([FieldProblem("service", "Choose a service category from the list.",
                                        "सूची से सेवा की श्रेणी चुनें।")])
    text = q.strip() if q else ""
    phone = normalise_phone(text) if text else None
    state = request.app.state
    async with state.db.connect() as conn:
        found = await OrderRepo(conn).listing(
            channel=channel, city=_districts(staff, district), status=status, category=service,
            created=_created(date_from, date_to), customer_phone=phone,
            reference=text if text and phone is None else None, limit=limit,
        )
    now = state.clock()
    return [
        {**order_summary(order, state.catalog.snapshot), "category_id": order.service.category_id,
         "customer_phone": str(order.details.customer.get("phone") or ""), "late": order.is_late(now)}
        for order in found
    ]


@router.get("/channels")
async def channel_report(
    request: Request, staff: Managers, start: datetime | None = None, end: datetime | None = None
) -> list[dict[str, Any]]:
    """Per channel, the orders created in [start, end) (default: the last 30 days): how many, how many completed
    or cancelled, and the value of the completed ones."""
    if (start is not None and start.tzinfo is None) or (end is not None and end.tzinfo is None):
        raise FieldErrors([FieldProblem("start", "Give start and end with a time zone, e.g. 2026-12-01T00:00:00Z.",
                                        "start और end समय-क्षेत्र सहित दें, जैसे 2026-12-01T00:00:00Z।")])
    end = end or datetime.now(UTC) + timedelta(minutes=1)
    start = start or max(end, EARLIEST + DEFAULT_PERIOD) - DEFAULT_PERIOD  # an `end` in year 1 is no 500
    async with request.app.state.db.connect() as conn:
        figures = await OrderRepo(conn).channel_figures(start, end, city=_district(staff))
    return [
        {"channel": row.channel, "orders": row.orders, "completed": row.completed, "cancelled": row.cancelled,
         "completed_value": money(row.completed_value)}
        for row in figures
    ]
