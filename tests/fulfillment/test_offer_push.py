"""Offers pushed to a worker's phone (Web Push), end to end over loopback HTTP: the worker app subscribes a device,
an order is matched to her, and a push-service stub receives the push, checks its VAPID signature (ES256 by our
public key, RFC 8292) and decrypts its aes128gcm body with the device's private keys (RFC 8291). A busy push service
is tried again, a gone subscription is forgotten, and a worker without a device gets the SMS alert instead."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType
from typing import Any

import httpx
import pytest
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from harness import RunningServer
from sqlalchemy import select
from worker_client import KM, logged_in, offer_for

from bpp.platform.vapid import new_vapid_private_key
from bpp.storage.push_tables import push_subscriptions
from bpp.workforce.offers import OpenOffer
from catalog.taxonomy import CATEGORIES

VAPID_KEY = new_vapid_private_key()
pytestmark = pytest.mark.settings(vapid_private_key=VAPID_KEY, offer_timeout_seconds=30)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


@dataclass
class Device:
    """A browser's push subscription: its P-256 key pair and authentication secret, as the browser keeps them."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def public(self) -> bytes:
        return self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)

    def subscription(self) -> dict[str, Any]:
        """What PushSubscription.toJSON() gives the app."""
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(self.public), "auth": b64url(self.auth)}}

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 (keys) over RFC 8188 (aes128gcm): the header, then one record, as the browser decrypts."""
        salt, record_size, id_length = body[:16], struct.unpack("!I", body[16:20])[0], body[20]
        server_public, ciphertext = body[21:21 + id_length], body[21 + id_length:]
        assert id_length == 65 and len(ciphertext) <= record_size
        shared = self.key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(),
                                                                                           server_public))
        ikm = hkdf(self.auth, shared, b"WebPush: info\x00" + self.public + server_public, 32)
        cek = hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
        content, delimiter = padded.rstrip(b"\x00")[:-1], padded.rstrip(b"\x00")[-1:]
        assert delimiter == b"\x02", "a single record ends with the last-record delimiter"
        return content


def verified_vapid(authorization: str, audience: str) -> tuple[str, dict[str, Any]]:
    """Check `vapid t=<JWT>, k=<key>` as a push service does: the JWT's ES256 signature by k, its audience and
    expiry; returns k and the claims."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = fields["t"], fields["k"]
    header_b64, claims_b64, signature_b64 = token.split(".")
    assert json.loads(unb64url(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(signature_b64)
    assert len(signature) == 64, "JWS ES256 is r || s"
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID JWT is not signed by the key it names") from None
    claims = json.loads(unb64url(claims_b64))
    assert claims["aud"] == audience
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, "RFC 8292: no more than 24 hours ahead"
    assert claims["sub"].startswith("mailto:")
    return key, claims


@dataclass
class Received:
    device: str
    headers: dict[str, str]  # names in lower case
    body: bytes


class PushServiceStub:
    """A push service on loopback: records each push and answers each device as told (201 unless a status is
    queued for it)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, list[int]] = {}
        self.arrived = asyncio.Event()
        self.origin = ""

    async def _push(self, request: web.Request) -> web.Response:
        device = request.match_info["device"]
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.received.append(Received(device, headers, await request.read()))
        self.arrived.set()
        queued = self.answers.get(device)
        return web.Response(status=queued.pop(0) if queued else 201)

    def device(self, name: str) -> Device:
        return Device(f"{self.origin}/push/{name}")

    async def pushes_to(self, name: str, count: int = 1, timeout: float = 10.0) -> list[Received]:
        async with asyncio.timeout(timeout):
            while len(mine := [push for push in self.received if push.device == name]) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return mine


@pytest.fixture
async def push_service() -> AsyncIterator[PushServiceStub]:
    stub = PushServiceStub()
    app = web.Application()
    app.router.add_post("/push/{device}", stub._push)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    stub.origin = f"http://127.0.0.1:{port}"
    yield stub
    await runner.cleanup()


async def devices_of(server: RunningServer, worker_id: str) -> list[str]:
    query = select(push_subscriptions.c.endpoint).where(push_subscriptions.c.worker_id == worker_id)
    async with server.services.db.connect() as conn:
        return sorted((await conn.execute(query)).scalars())


async def test_an_offer_reaches_her_phone_signed_and_encrypted(server: RunningServer, fx: ModuleType,
                                                              push_service: PushServiceStub) -> None:
    services = server.services
    worker_id = await fx.add_worker(services, "W-push", *fx.HAZRATGANJ, online=False)
    phone = push_service.device("phone")
    async with await logged_in(server, worker_id, fx.PIN) as app:
        server_key = (await app.get("/worker/api/push/key")).json()["public_key"]
        assert (await app.post("/worker/api/push/subscriptions", json=phone.subscription())).status_code == 204
        assert await devices_of(server, worker_id) == [phone.endpoint]
        await app.post("/worker/api/online", json={"lat": fx.HAZRATGANJ[0] + 0.5 * KM, "lng": fx.HAZRATGANJ[1]})
        order_id = await fx.add_order(services, *fx.HAZRATGANJ)
        offer = await offer_for(app, order_id)

        [push] = await push_service.pushes_to("phone")
    key, _ = verified_vapid(push.headers["authorization"], push_service.origin)
    assert key == server_key  # signed with the key the app subscribed with
    assert push.headers["content-encoding"] == "aes128gcm"
    assert 0 < int(push.headers["ttl"]) <= 30  # useless once the offer expired
    assert push.headers["urgency"] == "high"
    message = json.loads(phone.decrypt(push.body))
    category = CATEGORIES[fx.CATEGORY]
    assert message == {
        "type": "offer",
        "offer_id": offer["id"],
        "order_id": order_id,
        "service": {"en": category.name_en, "hi": category.name_hi or category.name_en},  # as the app names it
        "distance_km": 0.5,
        "fee": "299.00",
        "expires_at": message["expires_at"],
    }
    assert datetime.fromisoformat(message["expires_at"]) == datetime.fromisoformat(offer["expires_at"])


async def test_a_busy_push_service_is_tried_again_and_a_gone_device_forgotten(
    server: RunningServer, fx: ModuleType, push_service: PushServiceStub
) -> None:
    services = server.services
    worker_id = await fx.add_worker(services, "W-push2", *fx.HAZRATGANJ, online=False)
    phone, old_tablet = push_service.device("phone2"), push_service.device("tablet2")
    push_service.answers = {"phone2": [503], "tablet2": [410]}
    async with await logged_in(server, worker_id, fx.PIN) as app:
        for device in (phone, old_tablet):
            assert (await app.post("/worker/api/push/subscriptions", json=device.subscription())).status_code == 204
        await app.post("/worker/api/online", json={"lat": fx.HAZRATGANJ[0], "lng": fx.HAZRATGANJ[1]})
        order_id = await fx.add_order(services, *fx.HAZRATGANJ)
        await offer_for(app, order_id)
        first, second = await push_service.pushes_to("phone2", count=2)
        await push_service.pushes_to("tablet2")
    assert json.loads(phone.decrypt(second.body))["order_id"] == order_id
    assert first.body != second.body  # each try is encrypted afresh
    assert await devices_of(server, worker_id) == [phone.endpoint]
    await asyncio.sleep(1.5)  # no retry after 410
    assert len([push for push in push_service.received if push.device == "tablet2"]) == 1


async def test_without_a_device_the_offer_goes_to_the_sms_alert(server: RunningServer, fx: ModuleType,
                                                               push_service: PushServiceStub) -> None:
    services = server.services
    alerted: list[OpenOffer] = []
    told = asyncio.Event()

    async def sms(offer: OpenOffer) -> None:
        alerted.append(offer)
        told.set()

    services.fulfillment.offer_alerts.sms = sms
    worker_id = await fx.add_worker(services, "W-sms", *fx.HAZRATGANJ)
    order_id = await fx.add_order(services, *fx.HAZRATGANJ)
    async with asyncio.timeout(10):
        await told.wait()
    assert [(offer.order_id, offer.worker_id) for offer in alerted] == [(order_id, worker_id)]
    assert push_service.received == []


async def test_she_subscribes_and_unsubscribes_only_her_own_devices(server: RunningServer, fx: ModuleType,
                                                                   push_service: PushServiceStub) -> None:
    services = server.services
    asha = await fx.add_worker(services, "W-asha", *fx.HAZRATGANJ, online=False)
    rani = await fx.add_worker(services, "W-rani", *fx.HAZRATGANJ, online=False)
    shared = push_service.device("shared")
    async with await logged_in(server, asha, fx.PIN) as asha_app, await logged_in(server, rani, fx.PIN) as rani_app:
        bad_key = shared.subscription()
        bad_key["keys"]["p256dh"] = b64url(b"\x04" + bytes(64))  # the right length, not on the curve
        assert (await asha_app.post("/worker/api/push/subscriptions", json=bad_key)).status_code == 422
        no_service = shared.subscription() | {"endpoint": "ftp://127.0.0.1/push"}
        assert (await asha_app.post("/worker/api/push/subscriptions", json=no_service)).status_code == 422

        assert (await asha_app.post("/worker/api/push/subscriptions", json=shared.subscription())).status_code == 204
        removed = await rani_app.post("/worker/api/push/subscriptions/remove", json={"endpoint": shared.endpoint})
        assert removed.status_code == 204 and await devices_of(server, asha) == [shared.endpoint]

        # the phone passed to Rani: it wakes for her offers now, not Asha's
        assert (await rani_app.post("/worker/api/push/subscriptions", json=shared.subscription())).status_code == 204
        assert await devices_of(server, asha) == [] and await devices_of(server, rani) == [shared.endpoint]
        removed = await rani_app.post("/worker/api/push/subscriptions/remove", json={"endpoint": shared.endpoint})
        assert removed.status_code == 204 and await devices_of(server, rani) == []
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        assert (await anonymous.get("/worker/api/push/key")).status_code == 401
