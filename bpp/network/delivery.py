"""Sending one signed callback and judging the answer: only a 2xx with an ACK body is a delivery."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import aiohttp
import orjson

from signing import build_authorization_header

# An ACK or NACK is a few hundred bytes; reading (and logging) more would only keep whatever else a peer sends.
MAX_ANSWER_BYTES = 2048


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What happened to one attempt."""

    outcome: str  # ACK | NACK | http_error | network_error
    http_status: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.outcome == "ACK"


def judge(status: int, body: bytes) -> DeliveryResult:
    """Classify an HTTP answer: a NACK inside a 2xx is a failure, as is anything but 2xx."""
    try:
        answer = orjson.loads(body) if body else {}
        ack = (answer.get("message") or {}).get("ack") or {}
        ack_status = ack.get("status")
        error = answer.get("error")
    except (orjson.JSONDecodeError, AttributeError):
        ack_status, error = None, None
    if 200 <= status < 300 and ack_status == "ACK":
        return DeliveryResult("ACK", status, None)
    if ack_status == "NACK":
        return DeliveryResult("NACK", status, f"NACK: {orjson.dumps(error).decode() if error else 'no error given'}")
    return DeliveryResult("http_error", status, f"HTTP {status}: {body[:200].decode(errors='replace')}")


class AttemptLog(Protocol):
    """Where each delivery attempt is recorded (the transaction log, `bpp/network/gateway/txlog.py`)."""

    def record_attempt(self, row: dict[str, Any]) -> None: ...


class CallbackSender:
    """Signs callbacks with our key and POSTs them; every attempt goes to the transaction log.

    aiohttp rather than httpx: with dozens of callbacks in flight httpx's pool bookkeeping cost more CPU
    than the rest of the search path together (measured with py-spy under bench/ack_throughput.py).
    """

    def __init__(
        self,
        txlog: AttemptLog,
        subscriber_id: str,
        unique_key_id: str,
        signing_private_key_b64: str,
        timeout_seconds: float,
    ) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._txlog = txlog
        self._subscriber_id = subscriber_id
        self._unique_key_id = unique_key_id
        self._key = signing_private_key_b64
        self._timeout = timeout_seconds

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=200, limit_per_host=64),
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(
        self,
        target_url: str,
        payload: bytes,
        *,
        action: str,
        transaction_id: str,
        message_id: str,
        attempt: int,
        outbox_id: int | None = None,
    ) -> DeliveryResult:
        header = build_authorization_header(payload, self._key, self._subscriber_id, self._unique_key_id)
        headers = {"Authorization": header, "Content-Type": "application/json"}
        started_at = datetime.now(UTC)
        started = time.perf_counter()
        response_body: bytes | None = None
        try:
            # no redirects: a callback goes to the registered address, not wherever its answer points
            async with self._open().post(target_url, data=payload, headers=headers, allow_redirects=False) as response:
                response_body = await _read_at_most(response, MAX_ANSWER_BYTES)
                result = judge(response.status, response_body)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            result = DeliveryResult("network_error", None, f"{type(exc).__name__}: {exc}")
        self._txlog.record_attempt({
            "outbox_id": outbox_id,
            "action": action,
            "transaction_id": transaction_id,
            "message_id": message_id,
            "target_url": target_url,
            "attempt": attempt,
            "started_at": started_at,
            "duration_ms": (time.perf_counter() - started) * 1000,
            "request_headers": {"authorization": header},
            "http_status": result.http_status,
            "response_body": response_body,
            "outcome": result.outcome,
            "error": result.error,
        })
        return result


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """The first `limit` bytes of an answer; the rest is never read (the connection is closed, not reused)."""
    body = bytearray()
    async for chunk in response.content.iter_chunked(limit):
        body += chunk
        if len(body) >= limit:
            break
    return bytes(body[:limit])


def backoff_seconds(attempts: int, cap: float) -> float:
    """Capped exponential backoff: 0.5 s, 1 s, 2 s, … up to `cap`."""
    return min(cap, 0.5 * 2.0 ** min(max(0, attempts - 1), 62))  # the exponent is bounded: 2.0**1024 overflows
