"""The durable callback outbox: an on_* reply is a row written in the same transaction as its state."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.network.protocol import InboundRequest, OrderAddress
from bpp.platform.settings import Settings
from bpp.storage.gateway_tables import messages, outbox
from catalog.formats import timestamp
from schemas.fields import parse_iso_duration

MIN_REPLY_WINDOW = timedelta(seconds=30)
# An error reply carries no `message`, except where the SRV bundle requires one (on_rating).
MESSAGE_ALWAYS = frozenset({"rating"})


class Outbox:
    """Builds callback contexts and stores callbacks for the dispatcher.

    Storing a callback does not wake the dispatcher: the row is invisible to it until the caller's transaction
    commits, so the wake-up belongs after the commit (`UnitOfWork.after_commit`, or the caller's own).
    """

    def __init__(self, settings: Settings, clock: Callable[[], datetime]) -> None:
        self._settings = settings
        self._clock = clock

    def callback_context(
        self, base: Mapping[str, Any], action: str, message_id: str, ttl: str = "PT30S"
    ) -> dict[str, Any]:
        """The context of one of our callbacks: the request's ids echoed, our identity, now."""
        return {
            "domain": base["domain"],
            "location": base.get("location")
            or {"city": {"code": base["city"]}, "country": {"code": "IND"}},
            "action": action,
            "version": self._settings.core_version,
            "bap_id": base["bap_id"],
            "bap_uri": base["bap_uri"],
            "bpp_id": self._settings.subscriber_id,
            "bpp_uri": self._settings.subscriber_url,
            "transaction_id": base["transaction_id"],
            "message_id": message_id,
            "timestamp": timestamp(self._clock()),
            "ttl": ttl,
        }

    def reply_payload(
        self, request: InboundRequest, message: Mapping[str, Any] | None, error: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The on_<action> body answering `request`."""
        ctx = request.context
        payload: dict[str, Any] = {
            "context": self.callback_context(ctx, "on_" + request.action, request.message_id, ctx.get("ttl", "PT30S"))
        }
        if message is not None or request.action in MESSAGE_ALWAYS:
            payload["message"] = dict(message or {})
        if error is not None:
            payload["error"] = dict(error)
        return payload

    def reply_deadline(self, request: InboundRequest) -> datetime:
        """Retry a reply until the request's timestamp + ttl (at least a short window from now)."""
        ctx = request.context
        try:
            sent = datetime.fromisoformat(str(ctx["timestamp"]).replace("Z", "+00:00"))
            deadline = sent + parse_iso_duration(str(ctx.get("ttl") or "PT30S"))
        except (KeyError, ValueError):
            deadline = request.received_at
        return max(deadline, self._clock() + MIN_REPLY_WINDOW)

    async def reply(
        self,
        conn: AsyncConnection,
        request: InboundRequest,
        message: Mapping[str, Any] | None,
        error: Mapping[str, Any] | None = None,
    ) -> None:
        """Store the on_<action> answer to `request`, in the caller's transaction."""
        payload = self.reply_payload(request, message, error)
        await self.enqueue(conn, payload, request.bap_uri, self.reply_deadline(request))
        if request.message_row_id is not None:
            await conn.execute(
                update(messages)
                .where(messages.c.id == request.message_row_id)
                .values(processed_at=self._clock(), claimed_until=None)
            )

    async def unsolicited(
        self, conn: AsyncConnection, address: OrderAddress, action: str, message: Mapping[str, Any]
    ) -> str:
        """Store a callback we push on our own (on_status, on_update, on_cancel); returns its message_id."""
        base = {
            "domain": address.domain,
            "city": address.city,
            "bap_id": address.bap_id,
            "bap_uri": address.bap_uri,
            "transaction_id": address.transaction_id,
        }
        message_id = str(uuid.uuid4())
        payload = {"context": self.callback_context(base, action, message_id), "message": dict(message)}
        deadline = self._clock() + timedelta(seconds=self._settings.unsolicited_callback_deadline_seconds)
        await self.enqueue(conn, payload, address.bap_uri, deadline)
        return message_id

    async def enqueue(self, conn: AsyncConnection, payload: dict[str, Any], bap_uri: str, deadline: datetime) -> None:
        """Store a callback whose context the caller built itself (IGM speaks its own context shape)."""
        ctx = payload["context"]
        now = self._clock()
        await conn.execute(
            outbox.insert().values(
                action=ctx["action"],
                bap_id=ctx["bap_id"],
                target_url=callback_url(bap_uri, ctx["action"]),
                transaction_id=ctx["transaction_id"],
                message_id=ctx["message_id"],
                payload=orjson.dumps(payload),
                created_at=now,
                deadline=deadline,
                next_attempt_at=now,
                attempts=0,
                status="pending",
            )
        )


def callback_url(bap_uri: str, action: str) -> str:
    """`bap_uri` + `/on_<action>`, without a doubled slash."""
    return bap_uri.rstrip("/") + "/" + action

