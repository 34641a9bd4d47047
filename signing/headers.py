"""Beckn HTTP signatures: BLAKE2b-512 body digest signed with ed25519, as in the `Authorization` header."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import time
from dataclasses import dataclass
from enum import StrEnum

from nacl.exceptions import BadSignatureError

from signing.keys import KeyFormatError, fast_signer, fast_verifier

__all__ = [
    "SignatureError",
    "SignatureFailure",
    "SignatureParams",
    "blake2b_512_digest_b64",
    "build_authorization_header",
    "parse_signature_header",
    "signing_string",
    "verify_authorization_header",
]

ALGORITHM = "ed25519"
SIGNED_HEADERS = "(created) (expires) digest"
_SIGNED_HEADER_TOKENS = ("(created)", "(expires)", "digest")

# one `name="value"` pair; a list of them separated by commas with optional spaces
_PARAM = r'([A-Za-z]+)="([^"]*)"'
_PARAM_RE = re.compile(_PARAM)
_PARAMS_RE = re.compile(rf"\s*{_PARAM}(?:\s*,\s*{_PARAM})*\s*,?\s*")
_SCHEME_RE = re.compile(r"\s*Signature\s+", re.IGNORECASE)
_TIMESTAMP_RE = re.compile(r"\d{1,12}")
_REQUIRED = ("keyId", "algorithm", "created", "expires", "headers", "signature")
_BODY_MISMATCH = "signature does not match this body and key (body changed or wrong key)"


class SignatureFailure(StrEnum):
    """Why a signature header was refused; the value is what the CLI and logs print."""

    FORMAT = "format"
    ALGORITHM = "algorithm"
    WINDOW = "window"
    DIGEST = "digest"
    SIGNATURE = "signature"
    UNKNOWN_KEY = "unknown_key"


class SignatureError(Exception):
    """A refused signature: `reason` for the NACK and metrics, `detail` for people."""

    def __init__(self, reason: SignatureFailure, detail: str) -> None:
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class SignatureParams:
    """The parameters of a parsed `Signature` header."""

    subscriber_id: str
    unique_key_id: str
    algorithm: str
    created: int
    expires: int
    headers: str
    signature_b64: str

    @property
    def key_id(self) -> str:
        return f"{self.subscriber_id}|{self.unique_key_id}|{self.algorithm}"


def blake2b_512_digest_b64(body: bytes) -> str:
    """Base64 of the BLAKE2b-512 hash of the exact body bytes."""
    return base64.b64encode(hashlib.blake2b(body).digest()).decode()


def signing_string(created: int, expires: int, digest_b64: str) -> str:
    """The exact text that is signed: spaced `name: value` lines joined by `\\n`, no trailing newline."""
    return f"(created): {created}\n(expires): {expires}\ndigest: BLAKE-512={digest_b64}"


def build_authorization_header(
    body: bytes,
    private_key_b64: str,
    subscriber_id: str,
    unique_key_id: str,
    created: int | None = None,
    expires: int | None = None,
    ttl_seconds: int = 300,
) -> str:
    """Sign `body` and return the `Authorization` header value; `created` defaults to now."""
    for name, value in (("subscriber_id", subscriber_id), ("unique_key_id", unique_key_id)):
        if not value or "|" in value or '"' in value:
            raise ValueError(f"{name} must be non-empty and contain neither '|' nor '\"': {value!r}")
    if created is None:
        created = int(time.time())
    if expires is None:
        expires = created + ttl_seconds
    message = signing_string(created, expires, blake2b_512_digest_b64(body)).encode()
    signature = base64.b64encode(fast_signer(private_key_b64).sign(message).signature).decode()
    return (
        f'Signature keyId="{subscriber_id}|{unique_key_id}|{ALGORITHM}",algorithm="{ALGORITHM}",'
        f'created="{created}",expires="{expires}",headers="{SIGNED_HEADERS}",signature="{signature}"'
    )


def parse_signature_header(header: str) -> SignatureParams:
    """Parse a `Signature` header; SignatureError(FORMAT) if malformed, ALGORITHM if keyId disagrees."""
    scheme = _SCHEME_RE.match(header)
    if scheme is None:
        raise SignatureError(SignatureFailure.FORMAT, "not a Signature header (expected 'Signature keyId=...')")
    rest = header[scheme.end() :]
    if _PARAMS_RE.fullmatch(rest) is None:
        raise SignatureError(SignatureFailure.FORMAT, 'expected comma-separated name="value" parameters')
    params: dict[str, str] = {}
    for name, value in _PARAM_RE.findall(rest):
        if name in params:
            raise SignatureError(SignatureFailure.FORMAT, f"parameter {name} appears twice")
        params[name] = value
    missing = [name for name in _REQUIRED if name not in params]
    if missing:
        raise SignatureError(SignatureFailure.FORMAT, f"missing parameter(s): {', '.join(missing)}")
    key_parts = params["keyId"].split("|")
    if len(key_parts) != 3 or not key_parts[0] or not key_parts[1]:
        raise SignatureError(
            SignatureFailure.FORMAT,
            f'keyId must be "subscriber_id|unique_key_id|ed25519", got "{params["keyId"]}"',
        )
    if key_parts[2] != params["algorithm"]:
        raise SignatureError(
            SignatureFailure.ALGORITHM,
            f'keyId names algorithm "{key_parts[2]}" but algorithm is "{params["algorithm"]}"',
        )
    for name in ("created", "expires"):
        if _TIMESTAMP_RE.fullmatch(params[name]) is None:
            raise SignatureError(
                SignatureFailure.FORMAT, f'{name} must be a unix time in seconds, got "{params[name]}"'
            )
    return SignatureParams(
        subscriber_id=key_parts[0],
        unique_key_id=key_parts[1],
        algorithm=params["algorithm"],
        created=int(params["created"]),
        expires=int(params["expires"]),
        headers=params["headers"],
        signature_b64=params["signature"],
    )


def verify_authorization_header(
    header: str,
    body: bytes,
    public_key_b64: str,
    now: float | None = None,
    future_skew_seconds: int = 5,
) -> SignatureParams:
    """Check a signature header against the raw body and the signer's key; raise SignatureError if refused."""
    params = parse_signature_header(header)
    verify_signature(params, body, public_key_b64, now, future_skew_seconds)
    return params


def verify_signature(
    params: SignatureParams,
    body: bytes,
    public_key_b64: str,
    now: float | None = None,
    future_skew_seconds: int = 5,
    max_lifetime_seconds: int | None = None,
) -> None:
    """Check an already parsed header against the raw body and the signer's key; raise SignatureError if refused.

    `max_lifetime_seconds` bounds `expires - created`: a captured request can be replayed for as long as its
    signature lives, so a receiver keeps its de-duplication marks that long and must be able to bound it.
    """
    if params.algorithm != ALGORITHM:
        raise SignatureError(SignatureFailure.ALGORITHM, f'algorithm must be "{ALGORITHM}", got "{params.algorithm}"')
    if tuple(params.headers.split()) != _SIGNED_HEADER_TOKENS:
        raise SignatureError(
            SignatureFailure.DIGEST,
            f'headers must be "{SIGNED_HEADERS}" so the body digest is signed, got "{params.headers}"',
        )
    _check_window(params, time.time() if now is None else now, future_skew_seconds)
    if max_lifetime_seconds is not None and params.expires - params.created > max_lifetime_seconds:
        raise SignatureError(
            SignatureFailure.WINDOW,
            f"signature lives {params.expires - params.created} s (expires - created); at most "
            f"{max_lifetime_seconds} s is accepted, sign with a shorter expires",
        )
    try:
        signature = base64.b64decode(params.signature_b64, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(SignatureFailure.SIGNATURE, "signature is not valid base64") from None
    if len(signature) != 64:
        raise SignatureError(SignatureFailure.SIGNATURE, f"an ed25519 signature is 64 bytes, got {len(signature)}")
    try:
        public_key = fast_verifier(public_key_b64)
    except KeyFormatError as exc:
        raise SignatureError(SignatureFailure.UNKNOWN_KEY, f"key of {params.key_id} is unusable: {exc}") from None
    message = signing_string(params.created, params.expires, blake2b_512_digest_b64(body)).encode()
    try:
        public_key.verify(message, signature)
    except BadSignatureError:
        raise SignatureError(SignatureFailure.SIGNATURE, _BODY_MISMATCH) from None


def _check_window(params: SignatureParams, now: float, future_skew_seconds: int) -> None:
    if params.expires < params.created:
        raise SignatureError(SignatureFailure.WINDOW, f"expires {params.expires} is before created {params.created}")
    if params.created > now + future_skew_seconds:
        raise SignatureError(
            SignatureFailure.WINDOW,
            f"created {params.created} is {params.created - now:.0f} s in the future "
            f"(allowed skew {future_skew_seconds} s), now is {now:.0f}",
        )
    if now > params.expires:
        raise SignatureError(SignatureFailure.WINDOW, f"header expired at {params.expires}, now is {now:.0f}")
