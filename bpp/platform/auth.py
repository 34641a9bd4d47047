"""Logins for staff and workers: argon2 secrets, signed bearer tokens, role checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Final, Literal

import orjson
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import HTTPException, Request, status
from redis.asyncio import Redis

OFFICE_ROLES = ("admin", "district_officer", "helpline_operator")  # Seva Mitra's own staff
KIOSK_OPERATOR: Final = "kiosk_operator"  # a kiosk's one login (bpp/kiosks): only the routes that name it
# A government department's officers (bpp/departments), each acting for one department account: only the routes that
# name their role. The requesting officer asks for workers; the approving officer approves before any is booked.
DEPARTMENT_REQUESTER: Final = "department_requester"
DEPARTMENT_APPROVER: Final = "department_approver"
DEPARTMENT_ROLES: Final = (DEPARTMENT_REQUESTER, DEPARTMENT_APPROVER)
# A service-provider agency's one login (bpp/agencies): its own workers, jobs, ratings and payouts only.
AGENCY: Final = "agency"
STAFF_ROLES = (*OFFICE_ROLES, KIOSK_OPERATOR, *DEPARTMENT_ROLES, AGENCY)
MAX_LOGIN_NOTICES: Final = 20
LOGIN_NOTICE_SECONDS: Final = 30 * 86400  # a notice waits this long for the owner's next login
_hasher = PasswordHasher()
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a staff member (with role and district), a worker, or a worker applicant (`id` is the phone
    her OTP proved: bpp/signup)."""

    kind: Literal["staff", "worker", "applicant"]
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


@cache
def _unknown_account_hash() -> str:
    """A hash checked for unknown accounts so they cost as much as known ones (a match still fails the login)."""
    return _hasher.hash("no such account")


def verify_login_secret(secret_hash: str | None, secret: str) -> bool:
    """`verify_secret` for a login, with the same argon2 work whether or not the account exists.

    Answering unknown names without hashing would tell a guesser, by timing alone, which names exist.
    """
    return verify_secret(secret_hash or _unknown_account_hash(), secret) and secret_hash is not None


def login_source(request: Request) -> str:
    """The address a login came from (the peer of the connection), the unit lock-outs are counted in."""
    return request.client.host if request.client else "unknown"


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
    signer: TokenSigner = request.app.state.tokens
    return signer.issue(principal)


def _principal_from(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    signer: TokenSigner = request.app.state.tokens
    principal = signer.read(token.strip()) if scheme.lower() == "bearer" else None
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail={"en": "Please log in again.", "hi": "कृपया फिर से लॉग इन करें।"},
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


def require_staff(*roles: str) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    """A dependency admitting staff with one of `roles` (any of Seva Mitra's own staff when none are given: a kiosk
    operator, who is not, only where a route names her role)."""
    admitted = roles or OFFICE_ROLES

    async def dependency(request: Request) -> Principal:
        principal = _principal_from(request)
        if principal.kind != "staff" or principal.role not in admitted:
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


async def require_applicant(request: Request) -> Principal:
    """A dependency admitting a worker applicant who proved her phone (with an OTP, or her PIN once she applied)."""
    principal = _principal_from(request)
    if principal.kind != "applicant":
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail={"en": "Verify your phone number first.", "hi": "पहले अपना फ़ोन नंबर सत्यापित करें।"},
        )
    return principal


# Logins are counted per account *and* source address, before the secret is checked: a guesser gets `limit`
# tries per window however many requests it sends at once, and a stranger's guesses lock only the stranger's
# address out, not the owner. The owner is told at her next login.
class LoginThrottle:
    """Counts login attempts per (account, source) in Redis; over `limit` in `lock_seconds` the pair is refused."""

    def __init__(self, redis: Redis, kind: str, limit: int = 5, lock_seconds: int = 900) -> None:
        self._redis = redis
        self._kind = kind
        self._limit = limit
        self._lock_seconds = lock_seconds

    def _attempts_key(self, account: str, source: str) -> str:
        return f"sm:loginattempts:{self._kind}:{account}:{source}"

    def _notices_key(self, account: str) -> str:
        return f"sm:loginnotices:{self._kind}:{account}"

    async def attempt(self, account: str, source: str) -> int:
        """Count this attempt (atomically, before any secret is checked); 429 once the pair is over the limit."""
        key = self._attempts_key(account, source)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(key, 0, ex=self._lock_seconds, nx=True)  # the window starts at the first attempt
            pipe.incr(key)
            _, attempts = await pipe.execute()
        if attempts <= self._limit:
            return int(attempts)
        minutes = self._lock_seconds // 60
        raise HTTPException(429, detail={
            "en": f"Too many wrong attempts. Wait {minutes} minutes or call the helpline 155330.",
            "hi": f"कई बार गलत प्रयास। {minutes} मिनट रुकें या हेल्पलाइन 155330 पर कॉल करें।",
        })

    async def failed(self, account: str, source: str, attempts: int) -> None:
        """A wrong secret for an existing account: when it used up the window, the owner is told at her next login.

        Only existing accounts get notices, so guessing made-up names stores nothing that lasts.
        """
        if attempts < self._limit:
            return
        minutes = self._lock_seconds // 60
        at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        log.warning("%s login %s locked for %s after %d attempts", self._kind, account, source, self._limit)
        notice = {
            "en": f"At {at} someone at address {source} tried to log in to your account {self._limit} times with a "
            f"wrong secret; that address was paused for {minutes} minutes. If it was not you, tell an administrator.",
            "hi": f"{at} पर पते {source} से किसी ने आपके खाते में {self._limit} बार गलत पासवर्ड/पिन से लॉग इन करने "
            f"की कोशिश की; उस पते को {minutes} मिनट के लिए रोका गया। अगर यह आप नहीं थे, तो व्यवस्थापक को बताएँ।",
        }
        key = self._notices_key(account)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.rpush(key, orjson.dumps(notice))
            pipe.ltrim(key, -MAX_LOGIN_NOTICES, -1)
            pipe.expire(key, LOGIN_NOTICE_SECONDS)
            await pipe.execute()

    async def succeeded(self, account: str, source: str) -> list[dict[str, str]]:
        """Forget this source's attempts; the notices of lock-outs since the last login, for the owner to read."""
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._attempts_key(account, source))
            pipe.lrange(self._notices_key(account), 0, -1)
            pipe.delete(self._notices_key(account))
            _, notices, _ = await pipe.execute()
        return [orjson.loads(notice) for notice in notices]
