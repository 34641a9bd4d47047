"""Registry lookups of signing keys: in-process cache, then Redis, then one HTTP call per key at a time."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

import httpx
import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ["RegisteredKey", "RegistryClient", "RegistryError", "RegistryUnavailable", "UnknownSubscriber"]

logger = logging.getLogger(__name__)

CACHE_KEY_PREFIX = "sm:regkey:"
NEGATIVE_MARKER = "__none__"


class RegistryError(Exception):
    """A lookup that gave no key; the message says why in words an operator can act on."""


class UnknownSubscriber(RegistryError):
    """The registry has no usable record for this subscriber id and unique key id."""


class RegistryUnavailable(RegistryError):
    """The registry could not be asked or gave an unusable answer (timeout, connection, HTTP status, JSON)."""


@dataclass(frozen=True, slots=True)
class RegisteredKey:
    """What one registry record vouches for: a signing key, and the subscriber_url its owner takes callbacks at."""

    public_key: str
    subscriber_url: str  # "" when the record names none


@dataclass(frozen=True, slots=True)
class _Entry:
    """A cached answer: the record's key, or None for a known-unknown subscriber, and when it goes stale."""

    found: RegisteredKey | None
    expires_at: float


class RegistryClient:
    """Looks up signing keys; concurrent lookups of one key share a single in-flight request."""

    def __init__(
        self,
        url: str,
        redis: Redis,
        http: httpx.AsyncClient,
        cache_ttl_seconds: int = 3600,
        negative_ttl_seconds: int = 30,
        timeout_seconds: float = 2.0,
        *,
        memory_ttl_seconds: float = 30.0,
        memory_max_entries: int = 10_000,
    ) -> None:
        self._url = url.rstrip("/")
        self._redis = redis
        self._http = http
        self._cache_ttl = float(cache_ttl_seconds)
        self._negative_ttl = float(negative_ttl_seconds)
        self._timeout = timeout_seconds
        self._memory_ttl = memory_ttl_seconds
        self._memory_max = memory_max_entries
        self._memory: dict[str, _Entry] = {}
        self._inflight: dict[str, asyncio.Task[RegisteredKey | None]] = {}

    async def lookup_key_record(self, subscriber_id: str, unique_key_id: str) -> RegisteredKey:
        """The key and subscriber_url of `subscriber_id|unique_key_id`, from one record; a RegistryError if none."""
        key = f"{subscriber_id}|{unique_key_id}"
        entry = self._memory.get(key)
        if entry is not None and entry.expires_at > time.monotonic():
            found = entry.found
        else:
            task = self._inflight.get(key)
            if task is None:
                task = asyncio.create_task(self._load(subscriber_id, unique_key_id, key))
                self._inflight[key] = task
                task.add_done_callback(partial(self._finished, key))
            found = await asyncio.shield(task)
        if found is None:
            raise UnknownSubscriber(f"registry {self._url} has no subscribed record for {key}")
        return found

    def _finished(self, key: str, task: asyncio.Task[RegisteredKey | None]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # mark retrieved: every waiter may have been cancelled

    async def _load(self, subscriber_id: str, unique_key_id: str, key: str) -> RegisteredKey | None:
        entry = await self._from_redis(key)
        if entry is None:
            found, ttl = await self._fetch(subscriber_id, unique_key_id, key)
            await self._to_redis(key, found, ttl)
            entry = _Entry(found, time.monotonic() + ttl)
        self._remember(key, entry)
        return entry.found

    async def _from_redis(self, key: str) -> _Entry | None:
        redis_key = CACHE_KEY_PREFIX + key
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(redis_key)
                pipe.pttl(redis_key)
                raw, pttl = await pipe.execute()
        except RedisError as exc:
            logger.warning("registry cache read failed, asking the registry: %s", exc)
            return None
        if raw is None:
            return None
        ttl = time.monotonic() + (pttl / 1000 if pttl > 0 else self._cache_ttl)
        if raw in (NEGATIVE_MARKER, NEGATIVE_MARKER.encode()):
            return _Entry(None, ttl)
        try:
            cached = orjson.loads(raw)
            return _Entry(RegisteredKey(cached["signing_public_key"], cached["subscriber_url"]), ttl)
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return None  # written by an older version (the bare key): ask the registry again

    async def _to_redis(self, key: str, found: RegisteredKey | None, ttl: float) -> None:
        value = (orjson.dumps({"signing_public_key": found.public_key, "subscriber_url": found.subscriber_url})
                 if found is not None else NEGATIVE_MARKER)
        try:
            await self._redis.set(CACHE_KEY_PREFIX + key, value, px=max(1, int(ttl * 1000)))
        except RedisError as exc:
            logger.warning("registry cache write failed: %s", exc)

    def _remember(self, key: str, entry: _Entry) -> None:
        """Keep an entry in process for at most memory_ttl and never past its Redis expiry."""
        expires_at = min(entry.expires_at, time.monotonic() + self._memory_ttl)
        self._memory.pop(key, None)
        if len(self._memory) >= self._memory_max:
            del self._memory[next(iter(self._memory))]
        self._memory[key] = _Entry(entry.found, expires_at)

    async def _fetch(self, subscriber_id: str, unique_key_id: str, key: str) -> tuple[RegisteredKey | None, float]:
        """Ask the registry: (the record's key or None, how long to cache the answer)."""
        body = orjson.dumps({"subscriber_id": subscriber_id, "ukId": unique_key_id})
        headers = {"Content-Type": "application/json"}
        url = self._url + "/lookup"
        try:
            async with asyncio.timeout(self._timeout):
                response = await self._http.post(url, content=body, headers=headers, timeout=self._timeout)
        except TimeoutError:
            raise RegistryUnavailable(
                f"registry {url} did not answer the lookup of {key} within {self._timeout:g} s"
            ) from None
        except httpx.HTTPError as exc:
            raise RegistryUnavailable(
                f"registry {url} unreachable for the lookup of {key}: {type(exc).__name__}: {exc}"
            ) from None
        if not response.is_success:
            raise RegistryUnavailable(f"registry {url} answered HTTP {response.status_code} to the lookup of {key}")
        try:
            records = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            raise RegistryUnavailable(f"registry {url} answered the lookup of {key} with invalid JSON") from None
        if not isinstance(records, list):
            raise RegistryUnavailable(
                f"registry {url} answered the lookup of {key} with a JSON {type(records).__name__}, "
                "expected an array of subscriber records"
            )
        return self._pick(records, subscriber_id, unique_key_id)

    def _pick(
        self, records: list[Any], subscriber_id: str, unique_key_id: str
    ) -> tuple[RegisteredKey | None, float]:
        """The matching subscribed, unexpired record's key and cache time, or (None, negative ttl)."""
        now = time.time()
        for record in records:
            if not isinstance(record, dict) or record.get("subscriber_id") != subscriber_id:
                continue
            if unique_key_id not in (record.get("ukId"), record.get("unique_key_id")):
                continue
            public_key = record.get("signing_public_key")
            status = record.get("status")
            valid_until = _epoch_seconds(record.get("valid_until"))
            if not isinstance(public_key, str) or not public_key:
                continue
            if status is not None and str(status).upper() != "SUBSCRIBED":
                continue
            if valid_until is not None and valid_until <= now:
                continue
            ttl = self._cache_ttl if valid_until is None else min(self._cache_ttl, valid_until - now)
            subscriber_url = record.get("subscriber_url")
            return RegisteredKey(public_key, subscriber_url if isinstance(subscriber_url, str) else ""), ttl
        return None, self._negative_ttl


def _epoch_seconds(value: object) -> float | None:
    """An ISO 8601 `valid_until` as unix seconds; None when absent, unreadable or without a zone."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.timestamp() if moment.tzinfo is not None else None
