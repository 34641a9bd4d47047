"""The action → handler table the inbox runs; the handlers themselves live by area (orders, complaints)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final

from bpp.complaints.handlers import issue, issue_status
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

Handler = Callable[..., Awaitable[Any]]

# A literal table, not a lookup by module name: a handler that fails to import stops the server at start-up
# instead of being answered to buyer apps as "feature not supported".
HANDLERS: Final[Mapping[str, Handler]] = {
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
    "issue": issue.handle,
    "issue_status": issue_status.handle,
}
