"""Web Push to the worker app: the devices each worker allowed to wake, and one encrypted message to one device.

The message is encrypted for the device (aes128gcm, RFC 8291) and the request signed with our VAPID key (RFC 8292)
by pywebpush; we only keep the subscriptions and read the push service's answer. A device whose subscription is gone
(404 or 410) is forgotten at once: the browser made a new one, or the worker uninstalled the app.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import urlsplit

import aiohttp
from py_vapid import Vapid  # type: ignore[import-untyped]
from pywebpush import WebPusher  # type: ignore[import-untyped]
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bpp.platform.vapid import VapidKeys
from bpp.storage.db import Database
from bpp.storage.push_tables import push_subscriptions as subscriptions

log = logging.getLogger(__name__)

VAPID_LIFETIME_SECONDS: Final = 12 * 3600  # the longest a push service must accept (RFC 8292 §2)
GONE: Final = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class PushSubscription:
    """A device's push endpoint and its keys, as the browser's PushSubscription gives them (base64url)."""

    endpoint: str
    p256dh: str
    auth: str


class PushSubscriptions:
    """The push subscriptions of each worker's devices (several per worker; one endpoint belongs to one worker)."""

    def __init__(self, db: Database, clock: Callable[[], datetime]) -> None:
        self._db = db
        self._clock = clock

    async def add(self, worker_id: str, device: PushSubscription) -> None:
        """Keep (or renew) the device for `worker_id`; a device last used by another worker moves to her."""
        values = {"worker_id": worker_id, "p256dh": device.p256dh, "auth": device.auth}
        async with self._db.begin() as conn:
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            await conn.execute(
                insert(subscriptions)
                .values(endpoint=device.endpoint, created_at=self._clock(), **values)
                .on_conflict_do_update(index_elements=["endpoint"], set_=values)
            )

    async def remove(self, worker_id: str, endpoint: str) -> bool:
        """Forget her device (she turned notifications off); False when it was not hers."""
        async with self._db.begin() as conn:
            mine = (subscriptions.c.worker_id == worker_id, subscriptions.c.endpoint == endpoint)
            result = await conn.execute(delete(subscriptions).where(*mine))
        return result.rowcount == 1

    async def of_worker(self, worker_id: str) -> list[PushSubscription]:
        query = select(subscriptions.c.endpoint, subscriptions.c.p256dh, subscriptions.c.auth).where(
            subscriptions.c.worker_id == worker_id
        )
        async with self._db.connect() as conn:
            return [PushSubscription(*row) for row in (await conn.execute(query)).all()]

    async def forget(self, endpoint: str) -> None:
        """The push service says the subscription no longer exists."""
        async with self._db.begin() as conn:
            await conn.execute(delete(subscriptions).where(subscriptions.c.endpoint == endpoint))


class Delivery(enum.Enum):
    DELIVERED = "delivered"
    GONE = "gone"  # the subscription is deleted: never send to it again
    FAILED = "failed"  # worth another try (the push service is busy or unreachable)
    REFUSED = "refused"  # the push service will not take it (a bad request or key): another try would not help


class WebPush:
    """Sends one message to one device through its push service (open between `start` and `stop`)."""

    def __init__(self, keys: VapidKeys, subscriptions: PushSubscriptions, *, timeout_seconds: float = 10.0) -> None:
        self.public_key = keys.public_key  # what the app subscribes with
        self._subject = keys.subject
        self._vapid = Vapid.from_string(keys.private_key)
        self._subscriptions = subscriptions
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self._timeout)

    async def stop(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def send(self, device: PushSubscription, payload: bytes, *, ttl_seconds: int) -> Delivery:
        """One try; a message the device cannot get within `ttl_seconds` is dropped by the push service."""
        assert self._session is not None, "WebPush.start() first"
        endpoint = urlsplit(device.endpoint)
        claims = {
            "sub": self._subject,
            "aud": f"{endpoint.scheme}://{endpoint.netloc}",
            "exp": int(time.time()) + VAPID_LIFETIME_SECONDS,
        }
        headers = {**self._vapid.sign(claims), "Urgency": "high"}  # high: delivered to a phone saving battery
        info = {"endpoint": device.endpoint, "keys": {"p256dh": device.p256dh, "auth": device.auth}}
        try:
            response = await WebPusher(info, aiohttp_session=self._session).send_async(
                payload, headers, ttl=max(ttl_seconds, 1), content_encoding="aes128gcm"
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("web push to %s failed: %s", endpoint.netloc, exc)
            return Delivery.FAILED
        if response.status in GONE:
            await self._subscriptions.forget(device.endpoint)
            return Delivery.GONE
        if response.status >= 300:
            log.warning("web push to %s: HTTP %s", endpoint.netloc, response.status)
            return Delivery.FAILED if response.status == 429 or response.status >= 500 else Delivery.REFUSED
        return Delivery.DELIVERED
