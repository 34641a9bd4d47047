"""The action → handler table: every routed action has its handler, found without a lookup by module name."""

import inspect

from bpp.network.gateway.endpoint import ACTIONS
from bpp.wiring.handlers import COMPLAINT_HANDLERS, ORDER_HANDLERS


def test_every_routed_action_has_exactly_one_handler() -> None:
    assert not set(ORDER_HANDLERS) & set(COMPLAINT_HANDLERS)
    handlers = {**ORDER_HANDLERS, **COMPLAINT_HANDLERS}
    assert sorted(handlers) == sorted(ACTIONS)
    for action, handler in handlers.items():
        assert inspect.iscoroutinefunction(handler)
        area = "complaints" if action.startswith("issue") else "orders"
        assert handler.__module__ == f"bpp.{area}.handlers.{action}"  # the table names each action's own module
