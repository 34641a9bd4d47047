"""Ed25519 signing keys as ONDC exchanges them: base64 of a 32-byte seed or a 64-byte seed+public key."""

from __future__ import annotations

import base64
import binascii
from functools import lru_cache

import nacl.signing
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = [
    "KeyFormatError",
    "generate_signing_keypair",
    "load_signing_private_key",
    "load_signing_public_key",
    "signing_public_key_b64",
]


class KeyFormatError(ValueError):
    """A key is not valid base64 or does not have the expected shape; the message says which."""


def b64decode_strict(value: str, what: str) -> bytes:
    """Decode standard base64, raising KeyFormatError that names `what` on bad input."""
    try:
        return base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError(f"{what} is not valid base64: {exc}") from None


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@lru_cache(maxsize=64)
def load_signing_private_key(private_key_b64: str) -> Ed25519PrivateKey:
    """Load a base64 32-byte seed or 64-byte seed+public; the public half must match the seed."""
    raw = b64decode_strict(private_key_b64, "signing private key")
    if len(raw) not in (32, 64):
        raise KeyFormatError(
            f"signing private key must be 32 bytes (seed) or 64 bytes (seed+public), got {len(raw)} bytes"
        )
    key = Ed25519PrivateKey.from_private_bytes(raw[:32])
    if len(raw) == 64 and _raw_public(key.public_key()) != raw[32:]:
        raise KeyFormatError("signing private key: the last 32 bytes are not the public key of the seed")
    return key


@lru_cache(maxsize=4096)
def load_signing_public_key(public_key_b64: str) -> Ed25519PublicKey:
    """Load a base64 raw 32-byte public key; cached because every inbound request verifies with one."""
    raw = b64decode_strict(public_key_b64, "signing public key")
    if len(raw) != 32:
        raise KeyFormatError(f"signing public key must be 32 bytes, got {len(raw)} bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def signing_public_key_b64(private_key_b64: str) -> str:
    """The base64 public key registered for a base64 private key."""
    return base64.b64encode(_raw_public(load_signing_private_key(private_key_b64).public_key())).decode()


def generate_signing_keypair() -> tuple[str, str]:
    """A new keypair as (base64 64-byte seed+public, base64 32-byte public)."""
    key = Ed25519PrivateKey.generate()
    public = _raw_public(key.public_key())
    return base64.b64encode(key.private_bytes_raw() + public).decode(), base64.b64encode(public).decode()


@lru_cache(maxsize=64)
def fast_signer(private_key_b64: str) -> nacl.signing.SigningKey:
    """libsodium's signer for a key `load_signing_private_key` accepts (about twice OpenSSL's speed here)."""
    return nacl.signing.SigningKey(load_signing_private_key(private_key_b64).private_bytes_raw())


@lru_cache(maxsize=4096)
def fast_verifier(public_key_b64: str) -> nacl.signing.VerifyKey:
    """libsodium's verifier for a key `load_signing_public_key` accepts; verification is the hot path."""
    return nacl.signing.VerifyKey(_raw_public(load_signing_public_key(public_key_b64)))
