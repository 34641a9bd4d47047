"""The HTTP face of the pipeline: POST {subscriber_path}/{action} answered in front of the web framework.

A plain ASGI middleware, outermost in the app, takes the Beckn requests before FastAPI's routing, dependency and
exception layers: they do nothing for a request the pipeline answers itself, and on the ACK path they cost more
CPU than our own steps but the signature check (py-spy under bench/ack_throughput.py). Everything else passes on.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence

from starlette.types import ASGIApp, Receive, Scope, Send

from bpp.network.gateway.exchange import Exchange, Nack
from bpp.network.gateway.pipeline import DEFAULT_STEPS, Gateway, Step
from bpp.ops.logs import log_context
from bpp.ops.metrics import INBOUND_SECONDS, PIPELINE_STEP_SECONDS
from schemas import errors
from schemas.ack import ack_body, nack_body

log = logging.getLogger(__name__)

ACTIONS = (
    "search", "select", "init", "confirm", "status", "track", "cancel", "update", "rating", "support",
    "issue", "issue_status",
)
_ACK = ack_body()
_JSON = (b"content-type", b"application/json")


class BecknDoor:
    """ASGI middleware: runs `steps` for POSTs to the Beckn endpoints and answers ACK, or a NACK with the ONDC
    error; any other request goes on to `app`."""

    def __init__(self, app: ASGIApp, subscriber_path: str, steps: Sequence[tuple[str, Step]] = DEFAULT_STEPS) -> None:
        self.app = app
        self._actions = {f"{subscriber_path}/{action}": action for action in ACTIONS}
        # label lookups done once, not per request: the ACK path is measured in microseconds
        self._steps = tuple((PIPELINE_STEP_SECONDS.labels(name), step) for name, step in steps)
        self._acked = {action: INBOUND_SECONDS.labels(action, "ACK") for action in ACTIONS}
        self._nacked = {action: INBOUND_SECONDS.labels(action, "NACK") for action in ACTIONS}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        action = self._actions.get(scope["path"]) if scope["type"] == "http" else None
        if action is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await _answer(send, 405, b'{"detail":"Method Not Allowed"}', [(b"allow", b"POST")])
            return
        started = time.perf_counter()
        status, body, extra = await self._accept(scope["app"].state.gateway, action, scope, receive, started)
        (self._acked if status == 200 else self._nacked)[action].observe(time.perf_counter() - started)
        await _answer(send, status, body, extra)

    async def _accept(
        self, gateway: Gateway, action: str, scope: Scope, receive: Receive, started: float
    ) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        source = scope["client"][0] if scope.get("client") else ""
        if not gateway.source_limiter.allow(source):
            # not logged: the limit is what keeps a flood of unsigned requests from filling the log
            limit = gateway.settings.source_rate_limit_per_minute
            return _nack(Nack(429, errors.RATE_LIMITED, f"more than {limit} requests a minute from {source}; retry "
                              "in the next minute"))
        headers = _headers(scope)
        exchange: Exchange | None = None
        try:
            raw = await _read_body(headers, receive, gateway.settings.max_body_bytes)
            exchange = Exchange(action=action, raw=raw, headers=headers, started=started)
            for histogram, step in self._steps:
                step_started = time.perf_counter()
                await step(gateway, exchange)
                histogram.observe(time.perf_counter() - step_started)
        except Nack as nack:
            gateway.txlog.record_rejected(action, exchange, headers, nack)
            return _nack(nack)
        except Exception:
            with log_context(**_ids(action, exchange)):
                log.exception("inbound %s failed unexpectedly", action)
            failure = Nack(503, errors.INTERNAL_ERROR, "internal error while accepting the message; retry shortly")
            gateway.txlog.record_rejected(action, exchange, headers, failure)
            return _nack(failure)
        return 200, _ACK, []


def _headers(scope: Scope) -> dict[str, str]:
    """The request headers by lower-case name; of a repeated header the first counts (as in Starlette)."""
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in reversed(scope["headers"])}


async def _read_body(headers: Mapping[str, str], receive: Receive, limit: int) -> bytes:
    declared = headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Nack(413, errors.PAYLOAD_TOO_LARGE, f"body over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away: nothing to answer
            raise Nack(400, errors.INVALID_REQUEST, "the request body ended early")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise Nack(413, errors.PAYLOAD_TOO_LARGE, f"body over the {limit}-byte limit")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _nack(nack: Nack) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    body = nack_body(nack.error.code, nack.message, nack.path, nack.error.type)
    extra = [(b"www-authenticate", nack.www_authenticate.encode())] if nack.www_authenticate else []
    return nack.http_status, body, extra


async def _answer(send: Send, status: int, body: bytes, extra: list[tuple[bytes, bytes]]) -> None:
    headers = [_JSON, (b"content-length", str(len(body)).encode()), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _ids(action: str, exchange: Exchange | None) -> dict[str, str | None]:
    """The Beckn ids of a request for its log lines, as far as it was parsed."""
    context = ((exchange.data or {}).get("context") or {}) if exchange is not None else {}
    return {"transaction_id": context.get("transaction_id"), "message_id": context.get("message_id"),
            "action": action}
