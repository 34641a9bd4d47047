"""Business handlers, one module per Beckn action, each with `async def handle(services, request)`."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any

Handler = Callable[..., Awaitable[Any]]


@cache
def handler_for(action: str) -> Handler:
    """The `handle` function of `bpp.handlers.<action>`."""
    module = importlib.import_module(f"bpp.handlers.{action}")
    return module.handle
