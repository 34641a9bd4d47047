"""Orders for staff, by channel: the newest orders of a channel (`helpline`, `ondc:<bap_id>`, or every one of a kind:
`ondc`, `kiosk`, `department`), and how many each channel brought in a period and what they were worth.

Admins see every district, a district officer her own; helpline operators see a caller's orders at the desk.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from bpp.orders.repo import OrderRepo
from bpp.orders.summary import order_summary
from bpp.platform.auth import Principal, require_staff
from bpp.platform.http_errors import FieldErrors, FieldProblem
from catalog.formats import money
from schemas.enums import OrderStatus

router = APIRouter(prefix="/staff/api/orders", tags=["staff: orders"])
Managers = Annotated[Principal, Depends(require_staff("admin", "district_officer"))]
DEFAULT_PERIOD = timedelta(days=30)
# a channel's name, or every channel of a kind (`ondc`: every buyer app); fulfillment.order.channel_kind
ChannelFilter = Annotated[
    str | None, Query(max_length=260, pattern=r"^(helpline|(ondc|kiosk|department)(:\S+)?)$",
                      description="helpline, ondc, ondc:<bap_id>, kiosk, kiosk:<id>, department or department:<id>"),
]
EARLIEST = datetime.min.replace(tzinfo=UTC)


def _district(staff: Principal) -> str | None:
    return staff.district if staff.role == "district_officer" else None


@router.get("")
async def list_orders(
    request: Request, staff: Managers, channel: ChannelFilter = None, status: OrderStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """The newest orders, of one channel (or kind of channel) and status when given."""
    async with request.app.state.db.connect() as conn:
        found = await OrderRepo(conn).listing(channel=channel, city=_district(staff), status=status, limit=limit)
    return [order_summary(order, request.app.state.catalog.snapshot) for order in found]


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
