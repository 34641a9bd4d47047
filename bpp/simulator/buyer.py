"""A buyer app (BAP) that speaks real ONDC over HTTP: signs requests, serves /on_*, checks every callback."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bpp.demo.registry import TOKEN_HEADER
from schemas.ack import ack_body, nack_body
from schemas.attributes import validate_attributes
from schemas.outgoing import OUTGOING_ACTIONS, validate_outgoing
from signing import (
    build_authorization_header,
    generate_encryption_keypair,
    generate_signing_keypair,
    parse_signature_header,
    verify_authorization_header,
)

CALLBACK_ACTIONS = (
    "on_search", "on_select", "on_init", "on_confirm", "on_status", "on_track", "on_cancel", "on_update",
    "on_rating", "on_support", "on_issue", "on_issue_status",
)


@dataclass
class Callback:
    """One callback as received, with what our checks found."""

    action: str
    body: dict[str, Any]
    raw: bytes
    received_at: float
    signature_ok: bool
    schema_errors: list[str]  # the SRV bundle schema
    attribute_errors: list[str]  # the SRV attribute tables (required attributes, conditions in prose)

    @property
    def context(self) -> dict[str, Any]:
        return self.body.get("context") or {}

    @property
    def message(self) -> dict[str, Any]:
        return self.body.get("message") or {}

    @property
    def error(self) -> dict[str, Any] | None:
        return self.body.get("error")


@dataclass
class SentRequest:
    """A request we posted and the BPP's synchronous answer."""

    action: str
    body: dict[str, Any]
    status: int
    answer: dict[str, Any]
    sent_at: float

    @property
    def acked(self) -> bool:
        return self.status == 200 and (self.answer.get("message") or {}).get("ack", {}).get("status") == "ACK"

    @property
    def message_id(self) -> str:
        return str(self.body["context"]["message_id"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def timestamp() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


@dataclass
class BuyerApp:
    """Our own keys, a callback server on loopback, and a registry that knows both us and the BPP."""

    registry_url: str
    registry_token: str | None = None  # the demo registry's /subscribe token (bpp/demo/registry.py)
    subscriber_id: str = field(default_factory=lambda: f"sim-buyer-{uuid.uuid4().hex[:8]}.sevamitra.local")
    unique_key_id: str = "sim-key-1"
    domain: str = "ONDC:SRV11"
    city: str = "std:0522"
    host: str = "127.0.0.1"
    port: int = field(default_factory=free_port)
    ack_callbacks: bool = True
    callbacks: list[Callback] = field(default_factory=list)
    _signing_private: str = ""
    _signing_public: str = ""
    _encryption_public: str = ""
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None
    _arrived: asyncio.Condition | None = None
    _http: httpx.AsyncClient | None = None
    _bpp_keys: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._signing_private, self._signing_public = generate_signing_keypair()
        _, self._encryption_public = generate_encryption_keypair()

    @property
    def bap_uri(self) -> str:
        return f"http://{self.host}:{self.port}/ondc"

    async def start(self) -> None:
        """Serve callbacks and register our keys with the registry."""
        self._arrived = asyncio.Condition()
        self._http = httpx.AsyncClient(timeout=10)
        app = Starlette(routes=[Route(f"/ondc/{action}", self._receive, methods=["POST"])
                                for action in CALLBACK_ACTIONS])
        config = uvicorn.Config(app, host=self.host, port=self.port, log_level="warning", access_log=False,
                                lifespan="off")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            await asyncio.sleep(0.01)
        await self.subscribe()

    async def subscribe(self) -> None:
        now = datetime.now(UTC)
        payload = {
            "context": {"operation": {"ops_no": 1}},
            "message": {
                "request_id": str(uuid.uuid4()),
                "timestamp": timestamp(),
                "entity": {
                    "subscriber_id": self.subscriber_id,
                    "unique_key_id": self.unique_key_id,
                    "callback_url": "/",
                    "key_pair": {
                        "signing_public_key": self._signing_public,
                        "encryption_public_key": self._encryption_public,
                        "valid_from": now.isoformat(),
                        "valid_until": now.replace(year=now.year + 1).isoformat(),
                    },
                },
                "network_participant": [{"subscriber_url": self.bap_uri, "domain": self.domain, "type": "buyerApp",
                                         "msn": False, "city_code": [self.city]}],
            },
        }
        assert self._http is not None
        headers = {TOKEN_HEADER: self.registry_token} if self.registry_token else {}
        answer = await self._http.post(f"{self.registry_url}/subscribe", json=payload, headers=headers)
        answer.raise_for_status()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._http is not None:
            await self._http.aclose()

    async def _bpp_key(self, header: str) -> str:
        params = parse_signature_header(header)
        key = f"{params.subscriber_id}|{params.unique_key_id}"
        if key not in self._bpp_keys:
            assert self._http is not None
            answer = await self._http.post(f"{self.registry_url}/lookup",
                                           json={"subscriber_id": params.subscriber_id, "ukId": params.unique_key_id})
            records = answer.json()
            if not records:
                raise LookupError(f"registry has no key for {key}")
            self._bpp_keys[key] = records[0]["signing_public_key"]
        return self._bpp_keys[key]

    async def _receive(self, request: Request) -> Response:
        raw = await request.body()
        action = request.url.path.rsplit("/", 1)[-1]
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return Response(nack_body("20006", "callback body is not JSON"), 400, media_type="application/json")
        signature_ok = True
        try:
            header = request.headers.get("authorization", "")
            verify_authorization_header(header, raw, await self._bpp_key(header))
        except Exception:
            signature_ok = False
        checked = action in OUTGOING_ACTIONS
        schema_errors = validate_outgoing(action, body) if checked else []
        attribute_errors = validate_attributes(action, body) if checked else []
        callback = Callback(action, body, raw, time.monotonic(), signature_ok, schema_errors, attribute_errors)
        assert self._arrived is not None
        async with self._arrived:
            self.callbacks.append(callback)
            self._arrived.notify_all()
        if not signature_ok:
            return Response(nack_body("20001", "cannot verify the signature of this callback"), 401,
                            media_type="application/json")
        if not self.ack_callbacks:
            return Response(nack_body("23001", "buyer app is refusing callbacks"), 503, media_type="application/json")
        return Response(ack_body(), media_type="application/json")

    def context(self, action: str, transaction_id: str, bpp_id: str | None, bpp_uri: str | None,
                domain: str | None = None) -> dict[str, Any]:
        context: dict[str, Any] = {
            "domain": domain or self.domain,
            "location": {"city": {"code": self.city}, "country": {"code": "IND"}},
            "action": action,
            "version": "2.0.0",
            "bap_id": self.subscriber_id,
            "bap_uri": self.bap_uri,
            "transaction_id": transaction_id,
            "message_id": str(uuid.uuid4()),
            "timestamp": timestamp(),
            "ttl": "PT30S",
        }
        if bpp_id:
            context["bpp_id"] = bpp_id
            context["bpp_uri"] = bpp_uri
        return context

    def sign(self, raw: bytes) -> str:
        return build_authorization_header(raw, self._signing_private, self.subscriber_id, self.unique_key_id)

    async def post(self, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> SentRequest:
        """Sign `body` and POST it to `url` (the BPP's endpoint for the body's action)."""
        raw = orjson.dumps(body)
        all_headers = {"Authorization": self.sign(raw), "Content-Type": "application/json", **(headers or {})}
        assert self._http is not None
        sent_at = time.monotonic()
        answer = await self._http.post(url, content=raw, headers=all_headers)
        try:
            parsed = answer.json()
        except ValueError:
            parsed = {"raw": answer.text}
        return SentRequest(body["context"]["action"], body, answer.status_code, parsed, sent_at)

    async def wait_for(
        self, action: str, predicate: Callable[[Callback], bool] = lambda _: True, timeout: float = 10.0
    ) -> Callback:
        """The first callback of `action` matching `predicate`, waiting up to `timeout` seconds."""
        assert self._arrived is not None

        def found() -> Callback | None:
            return next((c for c in self.callbacks if c.action == action and predicate(c)), None)

        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: found() is not None), timeout)
        result = found()
        assert result is not None
        return result

    def replies_to(self, sent: SentRequest) -> Callable[[Callback], bool]:
        """A predicate for the callback answering `sent` (same transaction and message id)."""
        return lambda c: (c.context.get("message_id") == sent.message_id
                          and c.context.get("transaction_id") == sent.body["context"]["transaction_id"])
