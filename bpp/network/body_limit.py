"""A request body limit for every route: 413 before a route (or its JSON parser) ever sees an oversized body.

Without it the staff and worker APIs read whatever they are sent: a 10 MB array posted to a login form grew the
process by 80 MB. The Beckn endpoints never reach it: `gateway/endpoint.py` answers them in front of it, streaming
the body against the same limit and answering with a Beckn NACK.
"""

from __future__ import annotations

import re

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """ASGI middleware: refuse a body over `max_bytes` (declared or streamed) with 413 and a message saying why."""

    def __init__(self, app: ASGIApp, max_bytes: int, own_limit: re.Pattern[str] | None = None) -> None:
        self.app = app
        self._max = max_bytes
        self._own_limit = own_limit  # paths of routes that stream their body against a limit of their own

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (self._own_limit is not None and self._own_limit.fullmatch(scope["path"])):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self._max):
            await self._refuse(send)
            return
        # read the body here, never more than the limit, and hand it on: routes parse it whole anyway
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay(message, receive), send)  # the client left; let the route see it
                return
            body += message.get("body", b"")
            if len(body) > self._max:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay({"type": "http.request", "body": bytes(body), "more_body": False}, receive),
                       send)

    async def _refuse(self, send: Send) -> None:
        content = orjson.dumps({"detail": f"request body is larger than the {self._max}-byte limit; send a "
                                          "smaller one (split a large catalogue CSV into several files)"})
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(content)).encode())]})
        await send({"type": "http.response.body", "body": content})


def _replay(first: Message, receive: Receive) -> Receive:
    """A `receive` that gives `first` once, then whatever the client sends next (e.g. its disconnect)."""
    pending = [first]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
