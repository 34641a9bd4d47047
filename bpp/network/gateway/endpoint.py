"""The HTTP face of the pipeline: one POST route per Beckn action under the subscriber path."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

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


def _nack_response(nack: Nack) -> Response:
    body = nack_body(nack.error.code, nack.message, nack.path, nack.error.type)
    headers = {"WWW-Authenticate": nack.www_authenticate} if nack.www_authenticate else None
    return Response(body, status_code=nack.http_status, media_type="application/json", headers=headers)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise Nack(413, errors.PAYLOAD_TOO_LARGE, f"body over the {limit}-byte limit")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Nack(413, errors.PAYLOAD_TOO_LARGE, f"body over the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def beckn_route(path: str, action: str, steps: Sequence[tuple[str, Step]] = DEFAULT_STEPS) -> Route:
    """A Starlette route running `steps` for `action`; answers ACK, or a NACK with the ONDC error."""
    # label lookups done once per route, not per request: the ACK path is measured in microseconds
    timed_steps = tuple((PIPELINE_STEP_SECONDS.labels(name), step) for name, step in steps)
    acked, nacked = INBOUND_SECONDS.labels(action, "ACK"), INBOUND_SECONDS.labels(action, "NACK")

    async def endpoint(request: Request) -> Response:
        gateway: Gateway = request.app.state.gateway
        started = time.perf_counter()
        source = request.client.host if request.client else ""
        if not gateway.source_limiter.allow(source):
            # not logged: the limit is what keeps a flood of unsigned requests from filling the log
            limit = gateway.settings.source_rate_limit_per_minute
            nacked.observe(time.perf_counter() - started)
            return _nack_response(Nack(429, errors.RATE_LIMITED, f"more than {limit} requests a minute from "
                                       f"{source}; retry in the next minute"))
        exchange: Exchange | None = None
        try:
            raw = await _read_body(request, gateway.settings.max_body_bytes)
            exchange = Exchange(action=action, raw=raw, headers=request.headers, started=started)
            for histogram, step in timed_steps:
                step_started = time.perf_counter()
                await step(gateway, exchange)
                histogram.observe(time.perf_counter() - step_started)
        except Nack as nack:
            gateway.txlog.record_rejected(action, exchange, request.headers, nack)
            nacked.observe(time.perf_counter() - started)
            return _nack_response(nack)
        except Exception:
            with log_context(**_ids(exchange)):
                log.exception("inbound %s failed unexpectedly", action)
            failure = Nack(503, errors.INTERNAL_ERROR, "internal error while accepting the message; retry shortly")
            gateway.txlog.record_rejected(action, exchange, request.headers, failure)
            nacked.observe(time.perf_counter() - started)
            return _nack_response(failure)
        acked.observe(time.perf_counter() - started)
        return Response(_ACK, media_type="application/json")

    return Route(f"{path}/{action}", endpoint, methods=["POST"], name=f"beckn_{action}")


def _ids(exchange: Exchange | None) -> dict[str, str | None]:
    """The Beckn ids of a request for its log lines, as far as it was parsed."""
    context = (exchange.data or {}).get("context") or {} if exchange is not None else {}
    return {"transaction_id": context.get("transaction_id"), "message_id": context.get("message_id"),
            "action": exchange.action if exchange is not None else None}


def beckn_routes(subscriber_path: str) -> list[Route]:
    """The routes of every action we serve."""
    return [beckn_route(subscriber_path, action) for action in ACTIONS]
