"""What a handler receives: one accepted inbound Beckn message."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from fulfillment.order import Order

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class InboundRequest(Generic[ModelT]):
    """An inbound message that passed signature, schema, context and de-duplication checks.

    Handlers read `model`, the request as the pipeline validated it (`InboundRequest[ConfirmRequest]`).
    `context` and `message` are the same body as parsed JSON: the outbox echoes the context, and the few
    fragments stored or echoed exactly as the buyer app sent them are taken from `message`.
    """

    action: str
    context: dict[str, Any]
    message: dict[str, Any]
    raw: bytes
    received_at: datetime
    model: ModelT
    message_row_id: int | None = None  # transaction-log row; None on the search fast path

    @property
    def bap_id(self) -> str:
        return str(self.context["bap_id"])

    @property
    def bap_uri(self) -> str:
        return str(self.context["bap_uri"])

    @property
    def transaction_id(self) -> str:
        return str(self.context["transaction_id"])

    @property
    def message_id(self) -> str:
        return str(self.context["message_id"])


@dataclass(frozen=True, slots=True)
class OrderAddress:
    """Where unsolicited callbacks of an order go (on_status, on_update, on_cancel)."""

    bap_id: str
    bap_uri: str
    transaction_id: str
    domain: str
    city: str
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_order(cls, order: Order) -> OrderAddress | None:
        """Where the unsolicited callbacks of `order` go: the buyer app and transaction it came through; None for
        an order of an assisted channel (helpline, kiosk, department), which no buyer app follows."""
        channel, buyer_app = order.channel, order.channel.buyer_app
        if buyer_app is None:
            return None
        return cls(buyer_app.bap_id, buyer_app.bap_uri, order.transaction_id, channel.domain, channel.city)
