"""Logins for staff and workers: argon2 secrets, signed bearer tokens, role checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from typing import Any, Literal

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request, status
from redis.asyncio import Redis

STAFF_ROLES = ("admin", "district_officer", "helpline_operator")
_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a staff member (with role and district) or a worker."""

    kind: Literal["staff", "worker"]
    id: str
    role: str
    district: str | None = None

    def can_manage_district(self, district: str) -> bool:
        """Admins manage every district; a district officer only her own."""
        return self.role == "admin" or (self.role == "district_officer" and self.district == district)


def hash_secret(secret: str) -> str:
    """An argon2 hash of a password or PIN."""
    return _hasher.hash(secret)


def verify_secret(secret_hash: str, secret: str) -> bool:
    """True when `secret` matches `secret_hash`; never raises on a bad hash."""
    try:
        return _hasher.verify(secret_hash, secret)
    except (VerificationError, InvalidHashError):
        return False


class TokenSigner:
    """HMAC-SHA256 bearer tokens: base64url(payload).base64url(mac), with an expiry."""

    def __init__(self, secret: bytes, ttl_seconds: int) -> None:
        self._secret = secret
        self._ttl = ttl_seconds

    def issue(self, principal: Principal) -> str:
        payload = {**asdict(principal), "exp": int(time.time()) + self._ttl}
        body = base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=")
        return (body + b"." + self._mac(body)).decode()

    def read(self, token: str) -> Principal | None:
        try:
            body, mac = token.encode().split(b".", 1)
        except ValueError:
            return None
        if not hmac.compare_digest(mac, self._mac(body)):
            return None
        payload = orjson.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
        if payload.pop("exp", 0) < time.time():
            return None
        return Principal(**payload)

    def _mac(self, body: bytes) -> bytes:
        digest = hmac.new(self._secret, body, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=")


def issue_token(request: Request, principal: Principal) -> str:
    """A login token for `principal`, signed with this deployment's session secret."""
    signer: TokenSigner = request.app.state.services.tokens
    return signer.issue(principal)


def _principal_from(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    signer: TokenSigner = request.app.state.services.tokens
    principal = signer.read(token.strip()) if scheme.lower() == "bearer" else None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail={"en": "Please log in again.", "hi": "कृपया फिर से लॉग इन करें।"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def require_staff(*roles: str) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """A dependency admitting staff with one of `roles` (any staff role when none are given)."""

    async def dependency(request: Request) -> Principal:
        principal = _principal_from(request)
        if principal.kind != "staff" or (roles and principal.role not in roles):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail={
                    "en": "Your role does not allow this. Ask an administrator.",
                    "hi": "आपकी भूमिका में यह अनुमति नहीं है। व्यवस्थापक से संपर्क करें।",
                },
            )
        return principal

    return dependency


async def require_worker(request: Request) -> Principal:
    """A dependency admitting a logged-in worker."""
    principal = _principal_from(request)
    if principal.kind != "worker":
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail={"en": "Only workers can use this.", "hi": "यह केवल कर्मियों के लिए है।"},
        )
    return principal


class LoginThrottle:
    """Counts failed logins per account in Redis; after `limit` failures the account waits `lock_seconds`."""

    def __init__(self, redis: Redis, kind: str, limit: int = 5, lock_seconds: int = 900) -> None:
        self._redis = redis
        self._kind = kind
        self._limit = limit
        self._lock_seconds = lock_seconds

    def _key(self, account: str) -> str:
        return f"sm:loginfail:{self._kind}:{account}"

    async def check(self, account: str) -> None:
        """Refuse with 429 while the account is locked."""
        if int(await self._redis.get(self._key(account)) or 0) >= self._limit:
            minutes = self._lock_seconds // 60
            raise HTTPException(429, detail={
                "en": f"Too many wrong attempts. Wait {minutes} minutes or call the helpline 155330.",
                "hi": f"कई बार गलत प्रयास। {minutes} मिनट रुकें या हेल्पलाइन 155330 पर कॉल करें।",
            })

    async def failed(self, account: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(self._key(account))
            pipe.expire(self._key(account), self._lock_seconds)
            await pipe.execute()

    async def succeeded(self, account: str) -> None:
        await self._redis.delete(self._key(account))
