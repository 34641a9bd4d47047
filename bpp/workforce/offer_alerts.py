"""An offer reaches a worker whose app is closed: by Web Push to each of her devices, else by SMS.

The one place that decides how a worker hears of an offer outside the open app (the open app hears at once through
`offer_feed`). The matcher only queues the offer here (an offer listener: it never waits for a push service);
senders in the background send it, retrying a busy or unreachable push service until the offer expires. A worker
with no device subscribed (she turned notifications off, or her phone cannot take them) or whose every device
failed gets the `sms` alert instead, when one is set. Queued alerts live in this process only: one lost in a
restart still reaches her app through its stream or poll.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import orjson

from bpp.platform.background import BackgroundLoop
from bpp.workforce.offers import Offers, OpenOffer
from bpp.workforce.push import Delivery, PushSubscription, PushSubscriptions, WebPush
from catalog.taxonomy import CATEGORIES

log = logging.getLogger(__name__)

SmsAlert = Callable[[OpenOffer], Awaitable[None]]
SENDERS: Final = 4  # alerts sent at once by this process
QUEUE_LIMIT: Final = 10_000  # beyond this the alert is dropped (her app's stream and poll still show the offer)
PUSH_TRIES: Final = 3
FIRST_RETRY_SECONDS: Final = 1.0  # doubled for each further try


def offer_message(offer: OpenOffer) -> dict[str, Any]:
    """What the notification shows: the service, the distance and the fee (and what opens the offer)."""
    category = CATEGORIES.get(offer.category_id)
    name_en = category.name_en if category else offer.category_id
    return {
        "type": "offer",
        "offer_id": offer.id,
        "order_id": offer.order_id,
        "service": {"en": name_en, "hi": (category.name_hi if category else None) or name_en},
        "distance_km": round(offer.distance_km, 1),
        "fee": str(offer.total.quantize(Decimal("0.01"))),
        "expires_at": offer.expires_at.isoformat(),
    }


class OfferAlerts:
    """Tells each worker of each offer made for her, by push or SMS, from a queue of this process."""

    def __init__(
        self,
        offers: Offers,
        subscriptions: PushSubscriptions,
        push: WebPush | None,
        clock: Callable[[], datetime],
        *,
        first_retry_seconds: float = FIRST_RETRY_SECONDS,
    ) -> None:
        self.subscriptions = subscriptions
        self.push_key = push.public_key if push is not None else None  # None: no VAPID key, push is off
        self.sms: SmsAlert | None = None  # the SMS fallback (bpp/notify), set by the composition root
        self._offers = offers
        self._push = push
        self._clock = clock
        self._first_retry = first_retry_seconds
        self._queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue(QUEUE_LIMIT)
        self._senders = [BackgroundLoop(f"offer-alerts-{n}", self._send_next) for n in range(SENDERS)]

    def offer_made(self, order_id: str, worker_id: str) -> None:
        """An offer listener of the matching loop: queue the alert and return at once."""
        try:
            self._queue.put_nowait((order_id, worker_id))
        except asyncio.QueueFull:
            log.warning("offer alerts: queue full, no alert for worker %s of order %s", worker_id, order_id)

    async def start(self) -> None:
        if self._push is not None:
            await self._push.start()
        for sender in self._senders:
            sender.start()

    async def stop(self) -> None:
        for sender in self._senders:
            await sender.stop()
        if self._push is not None:
            await self._push.stop()

    async def alert(self, order_id: str, worker_id: str) -> None:
        """Push to her devices; SMS if none took it. Nothing once the offer is answered, withdrawn or expired."""
        offer = next((o for o in await self._offers.open_offers(worker_id) if o.order_id == order_id), None)
        if offer is None:
            return
        if await self._pushed(offer):
            return
        if self.sms is not None:
            await self.sms(offer)

    async def _send_next(self) -> None:
        order_id, worker_id = await self._queue.get()
        await self.alert(order_id, worker_id)

    async def _pushed(self, offer: OpenOffer) -> bool:
        if self._push is None:
            return False
        devices = await self.subscriptions.of_worker(offer.worker_id)
        payload = orjson.dumps(offer_message(offer))
        return any(await asyncio.gather(*(self._to_device(self._push, device, offer, payload) for device in devices)))

    async def _to_device(self, push: WebPush, device: PushSubscription, offer: OpenOffer, payload: bytes) -> bool:
        wait = self._first_retry
        for attempt in range(PUSH_TRIES):
            seconds_left = int((offer.expires_at - self._clock()).total_seconds())
            if seconds_left <= 0:
                return False
            delivery = await push.send(device, payload, ttl_seconds=seconds_left)
            if delivery is not Delivery.FAILED:
                return delivery is Delivery.DELIVERED
            if attempt + 1 < PUSH_TRIES:
                await asyncio.sleep(wait)
                wait *= 2
        return False
