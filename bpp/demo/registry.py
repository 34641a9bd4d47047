"""A stand-in for the ONDC registry, for the demo and the tests: `/lookup` and a token-guarded `/subscribe`.

The real registry proves key ownership with an encrypted `/on_subscribe` challenge (which our own
`/on_subscribe` answers). This stand-in skips that step, so `/subscribe` could otherwise let any local process
replace any record (ours included) with its own keys: it accepts a record only from loopback *and* with the
random token this registry made at start (header `X-Demo-Registry-Token`). `serve --demo` writes the token to
`var/demo-registry-token` (readable by its user only), where `simulate`, run from the same folder, reads it;
the tests hand it to their buyer apps directly.
"""

from __future__ import annotations

import hmac
import os
import secrets
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path
from typing import Any, Final

import orjson
from fastapi import APIRouter, HTTPException, Request

router = APIRouter(tags=["demo registry"])
TOKEN_HEADER: Final = "X-Demo-Registry-Token"
TOKEN_FILE: Final = Path("var") / "demo-registry-token"  # beside the demo's default database, ./var/sevamitra.db


class DemoRegistry:
    """Subscriber records by (subscriber_id, unique_key_id), and the token `/subscribe` requires."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], dict[str, Any]] = {}
        self.subscribe_token = secrets.token_urlsafe(32)

    def publish_token(self, path: Path = TOKEN_FILE) -> None:
        """Write the `/subscribe` token where this user's `simulate` finds it; nobody else may read it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(descriptor, 0o600)  # a file left by an earlier run keeps its old mode otherwise
        with os.fdopen(descriptor, "w") as token_file:
            token_file.write(self.subscribe_token)

    def add(self, subscriber_id: str, unique_key_id: str, signing_public_key: str, encr_public_key: str,
            subscriber_url: str, type_: str) -> None:
        now = datetime.now(UTC)
        self._records[(subscriber_id, unique_key_id)] = {
            "subscriber_id": subscriber_id,
            "ukId": unique_key_id,
            "unique_key_id": unique_key_id,
            "subscriber_url": subscriber_url,
            "type": type_,
            "signing_public_key": signing_public_key,
            "encr_public_key": encr_public_key,
            "status": "SUBSCRIBED",
            "valid_from": now.isoformat(),
            "valid_until": (now + timedelta(days=365)).isoformat(),
        }

    def find(self, subscriber_id: str | None, unique_key_id: str | None) -> list[dict[str, Any]]:
        return [
            record for (sub, ukid), record in self._records.items()
            if (subscriber_id is None or sub == subscriber_id) and (unique_key_id is None or ukid == unique_key_id)
        ]


def read_published_token(path: Path = TOKEN_FILE) -> str | None:
    """The token a `serve --demo` started from this folder published, if there is one."""
    try:
        return path.read_text().strip() or None
    except OSError:
        return None


def _registry(request: Request) -> DemoRegistry:
    return request.app.state.demo_registry


async def _json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object; 400 naming the problem otherwise."""
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise HTTPException(400, f"the body is not JSON ({exc}); send a JSON object") from None
    if not isinstance(body, dict):
        raise HTTPException(400, "the body must be a JSON object")
    return body


def _text_or_none(value: Any, name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise HTTPException(400, f"{name} must be a string")


@router.post("/lookup")
async def lookup(request: Request) -> list[dict[str, Any]]:
    """Subscriber records matching `subscriber_id` and `ukId` (both optional)."""
    query = await _json_object(request)
    return _registry(request).find(_text_or_none(query.get("subscriber_id"), "subscriber_id"),
                                   _text_or_none(query.get("ukId") or query.get("unique_key_id"), "ukId"))


@router.post("/subscribe")
async def subscribe(request: Request) -> dict[str, Any]:
    """Record a subscriber from an ONDC `/subscribe` payload (this machine, with the registry's token only)."""
    client = request.client.host if request.client else ""
    token = request.headers.get(TOKEN_HEADER, "")
    if not client or not ip_address(client).is_loopback or not hmac.compare_digest(
        token.encode(), _registry(request).subscribe_token.encode()
    ):
        raise HTTPException(403, f"the demo registry accepts /subscribe only from this machine with the token "
                                 f"in {TOKEN_FILE} (header {TOKEN_HEADER}); run `simulate` from the folder "
                                 "`serve --demo` runs in")
    body = await _json_object(request)
    try:
        entity = body["message"]["entity"]
        participant = body["message"]["network_participant"][0]
        values = (entity["subscriber_id"], entity["unique_key_id"], entity["key_pair"]["signing_public_key"],
                  entity["key_pair"]["encryption_public_key"], participant["subscriber_url"],
                  participant.get("type", "buyerApp"))
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise HTTPException(400, f"not an ONDC /subscribe payload: missing {exc}") from None
    if not all(isinstance(value, str) for value in values):
        raise HTTPException(400, "not an ONDC /subscribe payload: ids, keys, subscriber_url and type are strings")
    _registry(request).add(*values)
    return {"message": {"ack": {"status": "ACK"}}, "error": None}
