"""The action → handler tables the inbox runs, and their binding to each area's dependencies.

The handlers live by area (orders, complaints) and each takes its area's narrow dependencies
(`OrderDeps`, `ComplaintDeps`); `bind_handlers` gives the inbox one `handler(request)` per action.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Any, Final, TypeVar

from bpp.complaints.deps import ComplaintDeps
from bpp.complaints.handlers import issue, issue_status
from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from bpp.orders.handlers import (
    cancel,
    confirm,
    init,
    rating,
    search,
    select,
    status,
    support,
    track,
    update,
)

DepsT = TypeVar("DepsT")
Handler = Callable[[DepsT, InboundRequest[Any]], Awaitable[object]]
BoundHandler = Callable[[InboundRequest[Any]], Awaitable[object]]

# Literal tables, not a lookup by module name: a handler that fails to import stops the server at start-up
# instead of being answered to buyer apps as "feature not supported".
ORDER_HANDLERS: Final[Mapping[str, Handler[OrderDeps]]] = {
    "search": search.handle,
    "select": select.handle,
    "init": init.handle,
    "confirm": confirm.handle,
    "status": status.handle,
    "track": track.handle,
    "cancel": cancel.handle,
    "update": update.handle,
    "rating": rating.handle,
    "support": support.handle,
}
COMPLAINT_HANDLERS: Final[Mapping[str, Handler[ComplaintDeps]]] = {
    "issue": issue.handle,
    "issue_status": issue_status.handle,
}


def bind_handlers(orders: OrderDeps, complaints: ComplaintDeps) -> dict[str, BoundHandler]:
    """Every action's handler with its area's dependencies bound, as the inbox calls it."""
    bound: dict[str, BoundHandler] = {action: partial(handle, orders) for action, handle in ORDER_HANDLERS.items()}
    bound.update({action: partial(handle, complaints) for action, handle in COMPLAINT_HANDLERS.items()})
    return bound
