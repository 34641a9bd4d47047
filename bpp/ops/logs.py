"""One JSON object per log line (python-json-logger), carrying the Beckn ids of the message being worked on.

`log_context(transaction_id=..., message_id=..., order_id=..., step=...)` puts ids in a context variable;
every line logged inside it, in that task and the tasks it starts, carries them, so one order can be
followed through the ACK, its handler and its callbacks with `grep <transaction_id>` or a log query.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Final, Literal

from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["json", "text"]
TRACED_FIELDS: Final = ("transaction_id", "message_id", "order_id", "action", "step")
_context: ContextVar[dict[str, str]] = ContextVar("sevamitra_log_context", default={})  # noqa: B039 - never mutated


@contextlib.contextmanager
def log_context(**ids: str | None) -> Iterator[None]:
    """Add `ids` (those not None) to every line logged inside the block."""
    token = _context.set({**_context.get(), **{key: value for key, value in ids.items() if value is not None}})
    try:
        yield
    finally:
        _context.reset(token)


class _ContextIds(logging.Filter):
    """Copies the ids of the current context onto each record (as attributes the formatter picks up)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            setattr(record, key, value)
        return True


def configure_logging(log_format: LogFormat) -> None:
    """INFO for our modules, the HTTP client's per-request lines only at WARNING; JSON lines or plain text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_ContextIds())
    if log_format == "json":
        handler.setFormatter(JsonFormatter(
            "{asctime}{levelname}{name}{message}", style="{", rename_fields={"levelname": "level", "name": "logger"},
        ))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    logging.getLogger("httpx").setLevel(logging.WARNING)
