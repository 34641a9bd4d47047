"""A stand-in for the ONDC registry, for the demo and the tests: `/lookup` and a loopback-only `/subscribe`.

The real registry proves key ownership with an encrypted `/on_subscribe` challenge (which our own
`/on_subscribe` answers); this stand-in skips that step and therefore accepts `/subscribe` only from loopback.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from typing import Any

from fastapi import APIRouter, HTTPException, Request

router = APIRouter(tags=["demo registry"])


class DemoRegistry:
    """Subscriber records by (subscriber_id, unique_key_id)."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str], dict[str, Any]] = {}

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


def _registry(request: Request) -> DemoRegistry:
    return request.app.state.demo_registry


@router.post("/lookup")
async def lookup(request: Request) -> list[dict[str, Any]]:
    """Subscriber records matching `subscriber_id` and `ukId` (both optional)."""
    query = await request.json()
    return _registry(request).find(query.get("subscriber_id"), query.get("ukId") or query.get("unique_key_id"))


@router.post("/subscribe")
async def subscribe(request: Request) -> dict[str, Any]:
    """Record a subscriber from an ONDC `/subscribe` payload (loopback callers only)."""
    client = request.client.host if request.client else ""
    if not client or not ip_address(client).is_loopback:
        raise HTTPException(403, "the demo registry accepts /subscribe from this machine only")
    body = await request.json()
    try:
        entity = body["message"]["entity"]
        participant = body["message"]["network_participant"][0]
        _registry(request).add(
            entity["subscriber_id"], entity["unique_key_id"], entity["key_pair"]["signing_public_key"],
            entity["key_pair"]["encryption_public_key"], participant["subscriber_url"],
            participant.get("type", "buyerApp"),
        )
    except (KeyError, IndexError, TypeError) as exc:
        raise HTTPException(400, f"not an ONDC /subscribe payload: missing {exc}") from None
    return {"message": {"ack": {"status": "ACK"}}, "error": None}
