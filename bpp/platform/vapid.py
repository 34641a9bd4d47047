"""Our VAPID key (RFC 8292): the P-256 key that signs each Web Push request, so push services know the sender.

The private key is kept as base64url of its 32-byte scalar (what `sevamitra-bpp keys vapid` writes); browsers take the
public key as base64url of the uncompressed point when the worker app subscribes (`applicationServerKey`).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SCALAR_BYTES = 32


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True, slots=True)
class VapidKeys:
    """The private key (base64url scalar), its public key (base64url uncompressed point) and the contact (`sub`)."""

    private_key: str
    public_key: str
    subject: str

    @classmethod
    def of(cls, private_key: str, subject: str) -> VapidKeys:
        """Raises ValueError when `private_key` is not a base64url P-256 scalar."""
        return cls(private_key.strip(), vapid_public_key(private_key), subject)


def vapid_public_key(private_key: str) -> str:
    """The public key of a base64url P-256 scalar (ValueError when it is none)."""
    try:
        scalar = b64url_decode(private_key.strip())
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None
    if len(scalar) != SCALAR_BYTES:
        raise ValueError(f"a P-256 private key is {SCALAR_BYTES} bytes, not {len(scalar)}")
    key = ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1())
    return b64url(key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def new_vapid_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(SCALAR_BYTES, "big"))
