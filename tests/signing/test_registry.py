"""RegistryClient against a real loopback registry stub and an in-process Redis."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import fakeredis.aioredis
import httpx
import orjson
import pytest
from redis.asyncio import Redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from signing import (
    RegistryClient,
    RegistryError,
    RegistryUnavailable,
    UnknownSubscriber,
)

ServeApp = Callable[[Any], AbstractContextManager[str]]  # the `serve_app` fixture of conftest.py


SUB, UKID, KEY = "bap.example.org", "key-1", "awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="


@dataclass
class StubRegistry:
    """A registry whose answers the test sets; it counts and keeps every request."""

    records: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    raw: bytes | None = None
    delay: float = 0.05
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return len(self.requests)

    async def lookup(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append((request.url.path, dict(request.headers), body))
        await asyncio.sleep(self.delay)
        content = self.raw if self.raw is not None else orjson.dumps(self.records)
        return Response(content, status_code=self.status, media_type="application/json")

    def app(self) -> Starlette:
        methods = ["POST"]
        return Starlette(routes=[Route("/lookup", self.lookup, methods=methods)])


def _record(**overrides: Any) -> dict[str, Any]:
    record = {
        "subscriber_id": SUB,
        "ukId": UKID,
        "signing_public_key": KEY,
        "encr_public_key": "MCowBQYDK2VuAyEAa9Wbpvd9SsrpOZFcynyt/TO3x0Yrqyys4NUGIvyxX2Q=",
        "valid_until": "2099-12-31T23:59:59.000Z",
        "status": "SUBSCRIBED",
    }
    record.update(overrides)
    return record


@pytest.fixture(scope="module")
def _served(serve_app: ServeApp) -> Iterator[tuple[StubRegistry, str]]:
    stub = StubRegistry()
    with serve_app(stub.app()) as base_url:
        yield stub, base_url


@pytest.fixture
def stub(_served: tuple[StubRegistry, str]) -> StubRegistry:
    """The module's stub registry, reset to know one subscribed record."""
    stub = _served[0]
    fresh = StubRegistry(records=[_record()])
    stub.records, stub.status, stub.raw, stub.delay, stub.requests = (
        fresh.records,
        fresh.status,
        fresh.raw,
        fresh.delay,
        fresh.requests,
    )
    return stub


@pytest.fixture
def registry_url(stub: StubRegistry, _served: tuple[StubRegistry, str]) -> str:
    return _served[1]


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = fakeredis.aioredis.FakeRedis()
    yield client
    await client.aclose()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def client(registry_url: str, redis: Redis, http: httpx.AsyncClient) -> RegistryClient:
    return RegistryClient(registry_url, redis, http)


async def test_lookup_posts_both_ids_and_returns_the_key(client: RegistryClient, stub: StubRegistry) -> None:
    assert (await client.lookup_key_record(SUB, UKID)).public_key == KEY
    path, headers, body = stub.requests[0]
    assert path == "/lookup"
    assert headers["content-type"] == "application/json"
    assert orjson.loads(body) == {"subscriber_id": SUB, "ukId": UKID}


async def test_answers_are_cached_in_process_and_in_redis(
    client: RegistryClient, stub: StubRegistry, registry_url: str, redis: Redis, http: httpx.AsyncClient
) -> None:
    assert (await client.lookup_key_record(SUB, UKID)).public_key == KEY
    assert (await client.lookup_key_record(SUB, UKID)).public_key == KEY
    assert stub.calls == 1
    assert orjson.loads(await redis.get(f"sm:regkey:{SUB}|{UKID}"))["signing_public_key"] == KEY
    assert 3590 < await redis.ttl(f"sm:regkey:{SUB}|{UKID}") <= 3600
    other_process = RegistryClient(registry_url, redis, http)
    assert (await other_process.lookup_key_record(SUB, UKID)).public_key == KEY
    assert stub.calls == 1


async def test_cache_never_outlives_the_record(
    stub: StubRegistry, registry_url: str, redis: Redis, http: httpx.AsyncClient
) -> None:
    soon = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + 120))
    stub.records = [_record(valid_until=soon)]
    await RegistryClient(registry_url, redis, http).lookup_key_record(SUB, UKID)
    assert 100 < await redis.ttl(f"sm:regkey:{SUB}|{UKID}") <= 120


async def test_unknown_subscribers_are_negatively_cached(
    stub: StubRegistry, registry_url: str, redis: Redis, http: httpx.AsyncClient
) -> None:
    stub.records = []
    client = RegistryClient(registry_url, redis, http, negative_ttl_seconds=1)
    for _ in range(3):
        with pytest.raises(UnknownSubscriber, match=f"no subscribed record for {SUB}\\|{UKID}"):
            await client.lookup_key_record(SUB, UKID)
    assert stub.calls == 1
    assert await redis.get(f"sm:regkey:{SUB}|{UKID}") == b"__none__"
    assert 0 < await redis.pttl(f"sm:regkey:{SUB}|{UKID}") <= 1000
    stub.records = [_record()]
    await asyncio.sleep(1.1)
    assert (await client.lookup_key_record(SUB, UKID)).public_key == KEY
    assert stub.calls == 2


@pytest.mark.parametrize(
    "records",
    [
        [_record(subscriber_id="other.example.org")],
        [_record(ukId="key-2")],
        [_record(status="UNSUBSCRIBED")],
        [_record(valid_until="2020-01-01T00:00:00.000Z")],
        [_record(signing_public_key=None)],
        ["not a record"],
    ],
)
async def test_records_that_do_not_match_are_unknown(
    client: RegistryClient, stub: StubRegistry, records: list[Any]
) -> None:
    stub.records = records
    with pytest.raises(UnknownSubscriber):
        await client.lookup_key_record(SUB, UKID)


async def test_the_matching_record_is_picked(client: RegistryClient, stub: StubRegistry) -> None:
    ukid_field_record = _record(signing_public_key="right")
    del ukid_field_record["ukId"]
    ukid_field_record["unique_key_id"] = UKID
    stub.records = [_record(ukId="old", signing_public_key="wrong"), ukid_field_record]
    assert (await client.lookup_key_record(SUB, UKID)).public_key == "right"


@pytest.mark.parametrize("known", [True, False])
async def test_concurrent_lookups_share_one_request(client: RegistryClient, stub: StubRegistry, known: bool) -> None:
    stub.delay = 0.2
    stub.records = [_record()] if known else []
    results = await asyncio.gather(*(client.lookup_key_record(SUB, UKID) for _ in range(50)), return_exceptions=True)
    assert stub.calls == 1
    if known:
        assert [result.public_key for result in results] == [KEY] * 50
    else:
        assert all(isinstance(result, UnknownSubscriber) for result in results)


async def test_a_cancelled_caller_does_not_cancel_the_shared_request(
    client: RegistryClient, stub: StubRegistry
) -> None:
    stub.delay = 0.2
    first = asyncio.create_task(client.lookup_key_record(SUB, UKID))
    second = asyncio.create_task(client.lookup_key_record(SUB, UKID))
    await asyncio.sleep(0.05)
    first.cancel()
    assert (await second).public_key == KEY
    assert stub.calls == 1


async def test_a_slow_registry_times_out_and_is_not_cached(
    stub: StubRegistry, registry_url: str, redis: Redis, http: httpx.AsyncClient
) -> None:
    stub.delay = 0.6
    client = RegistryClient(registry_url, redis, http, timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable, match=r"did not answer .* within 0.2 s"):
        await client.lookup_key_record(SUB, UKID)
    assert time.monotonic() - started < 1.0
    assert await redis.get(f"sm:regkey:{SUB}|{UKID}") is None
    stub.delay = 0.0
    assert (await client.lookup_key_record(SUB, UKID)).public_key == KEY


async def test_an_unreachable_registry_is_unavailable(redis: Redis, http: httpx.AsyncClient) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    client = RegistryClient(f"http://127.0.0.1:{closed_port}", redis, http)
    with pytest.raises(RegistryUnavailable, match="unreachable"):
        await client.lookup_key_record(SUB, UKID)


@pytest.mark.parametrize(
    ("status", "raw", "words"),
    [
        (503, None, "answered HTTP 503"),
        (200, b"<html>busy</html>", "invalid JSON"),
        (200, b'{"error": "no"}', "JSON dict, expected an array"),
    ],
)
async def test_bad_answers_are_unavailable(
    client: RegistryClient, stub: StubRegistry, status: int, raw: bytes | None, words: str
) -> None:
    stub.status, stub.raw = status, raw
    with pytest.raises(RegistryUnavailable, match=words) as caught:
        await client.lookup_key_record(SUB, UKID)
    assert isinstance(caught.value, RegistryError)


async def test_a_broken_redis_falls_back_to_the_registry(registry_url: str, http: httpx.AsyncClient) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    broken = Redis(host="127.0.0.1", port=closed_port, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    try:
        assert (await RegistryClient(registry_url, broken, http).lookup_key_record(SUB, UKID)).public_key == KEY
    finally:
        await broken.aclose()
