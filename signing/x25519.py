"""X25519 keys and the ONDC `/on_subscribe` challenge (shared secret as an AES-256-ECB key, PKCS#7 padding).

`cryptography` refuses two PKCS#8 variants that ONDC tools emit: Go's version-1 key without a public key
(`MC4CAQEw…`) and Java's OneAsymmetricKey with the public key embedded (`MFECAQEw…`), so private keys
are read with a minimal DER parser of our own.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from signing.keys import KeyFormatError, b64decode_strict

__all__ = [
    "ChallengeError",
    "decrypt_challenge",
    "encrypt_challenge",
    "encryption_public_key_b64",
    "generate_encryption_keypair",
    "load_encryption_private_key",
    "load_encryption_public_key",
    "shared_key",
]

_X25519_OID = bytes.fromhex("06032b656e")  # 1.3.101.110
_ED25519_OID = bytes.fromhex("06032b6570")  # 1.3.101.112
_SEQUENCE, _INTEGER, _BIT_STRING, _OCTET_STRING = 0x30, 0x02, 0x03, 0x04
_ATTRIBUTES, _PUBLIC_KEY_IMPLICIT, _PUBLIC_KEY_EXPLICIT = 0xA0, 0x81, 0xA1


class ChallengeError(ValueError):
    """A challenge that does not decrypt with these keys; the message says what went wrong."""


def _read_tlv(data: bytes, offset: int, what: str) -> tuple[int, bytes, int]:
    """One DER element at `offset`: (tag, value, offset after it)."""
    if offset + 2 > len(data):
        raise KeyFormatError(f"{what}: truncated DER")
    tag, length = data[offset], data[offset + 1]
    offset += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 2 or offset + count > len(data):
            raise KeyFormatError(f"{what}: unsupported DER length")
        length = int.from_bytes(data[offset : offset + count], "big")
        offset += count
    if offset + length > len(data):
        raise KeyFormatError(f"{what}: truncated DER")
    return tag, data[offset : offset + length], offset + length


def _expect(data: bytes, offset: int, tag: int, what: str) -> tuple[bytes, int]:
    found, value, end = _read_tlv(data, offset, what)
    if found != tag:
        raise KeyFormatError(f"{what}: expected DER tag 0x{tag:02x} at byte {offset}, found 0x{found:02x}")
    return value, end


def _check_algorithm(algorithm: bytes, what: str) -> None:
    oid = _read_tlv(algorithm, 0, what)
    encoded = algorithm[: oid[2]]
    if encoded == _ED25519_OID:
        raise KeyFormatError(f"{what} is an Ed25519 (signing) key, not an X25519 (encryption) key")
    if encoded != _X25519_OID:
        raise KeyFormatError(f"{what} is not an X25519 key (algorithm OID is not 1.3.101.110)")


def _private_scalar(der: bytes) -> tuple[bytes, bytes | None]:
    """The 32-byte private scalar of a PKCS#8 v1/v2 X25519 key, and its embedded public key if any."""
    what = "encryption private key"
    body, end = _expect(der, 0, _SEQUENCE, what)
    if end != len(der):
        raise KeyFormatError(f"{what}: trailing bytes after the DER structure")
    version, offset = _expect(body, 0, _INTEGER, what)
    if version not in (b"\x00", b"\x01"):
        raise KeyFormatError(f"{what}: unsupported PKCS#8 version")
    algorithm, offset = _expect(body, offset, _SEQUENCE, what)
    _check_algorithm(algorithm, what)
    wrapped, offset = _expect(body, offset, _OCTET_STRING, what)
    scalar, inner_end = _expect(wrapped, 0, _OCTET_STRING, what)
    if inner_end != len(wrapped) or len(scalar) != 32:
        raise KeyFormatError(f"{what}: the private key is not 32 bytes")
    public: bytes | None = None
    while offset < len(body):
        tag, value, offset = _read_tlv(body, offset, what)
        if tag == _PUBLIC_KEY_IMPLICIT:
            public = value
        elif tag == _PUBLIC_KEY_EXPLICIT:
            public = _expect(value, 0, _BIT_STRING, what)[0]
        elif tag != _ATTRIBUTES:
            raise KeyFormatError(f"{what}: unexpected DER tag 0x{tag:02x}")
    if public is not None and (len(public) != 33 or public[0] != 0):
        raise KeyFormatError(f"{what}: the embedded public key is not 32 bytes")
    return scalar, None if public is None else public[1:]


def load_encryption_private_key(private_key_b64: str) -> X25519PrivateKey:
    """Load base64 PKCS#8 DER (v1 or v2, as Python, Go and Java write it) or a raw 32-byte key."""
    raw = b64decode_strict(private_key_b64, "encryption private key")
    if len(raw) == 32:
        return X25519PrivateKey.from_private_bytes(raw)
    scalar, embedded_public = _private_scalar(raw)
    key = X25519PrivateKey.from_private_bytes(scalar)
    if embedded_public is not None and key.public_key().public_bytes_raw() != embedded_public:
        raise KeyFormatError("encryption private key: the embedded public key does not belong to it")
    return key


def load_encryption_public_key(public_key_b64: str) -> X25519PublicKey:
    """Load base64 SubjectPublicKeyInfo DER (`MCow…`) or a raw 32-byte X25519 public key."""
    what = "encryption public key"
    raw = b64decode_strict(public_key_b64, what)
    if len(raw) == 32:
        return X25519PublicKey.from_public_bytes(raw)
    body, end = _expect(raw, 0, _SEQUENCE, what)
    if end != len(raw):
        raise KeyFormatError(f"{what}: trailing bytes after the DER structure")
    algorithm, offset = _expect(body, 0, _SEQUENCE, what)
    _check_algorithm(algorithm, what)
    bits, offset = _expect(body, offset, _BIT_STRING, what)
    if offset != len(body) or len(bits) != 33 or bits[0] != 0:
        raise KeyFormatError(f"{what}: the key is not 32 bytes")
    return X25519PublicKey.from_public_bytes(bits[1:])


def _private(key: X25519PrivateKey | str) -> X25519PrivateKey:
    return load_encryption_private_key(key) if isinstance(key, str) else key


def _public(key: X25519PublicKey | str) -> X25519PublicKey:
    return load_encryption_public_key(key) if isinstance(key, str) else key


def shared_key(private: X25519PrivateKey | str, peer_public: X25519PublicKey | str) -> bytes:
    """The 32-byte X25519 shared secret; keys may be objects or base64 strings."""
    return _private(private).exchange(_public(peer_public))


def encryption_public_key_b64(private_key_b64: str) -> str:
    """The base64 SPKI public key (`MCow…`) registered for a base64 PKCS#8 private key."""
    public = load_encryption_private_key(private_key_b64).public_key()
    return base64.b64encode(public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).decode()


def generate_encryption_keypair() -> tuple[str, str]:
    """A new keypair as (base64 PKCS#8 DER private key, base64 SPKI DER public key)."""
    key = X25519PrivateKey.generate()
    private = key.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    public = key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(private).decode(), base64.b64encode(public).decode()


def _cipher(our_private_b64: str, peer_public_b64: str) -> Cipher[modes.ECB]:
    return Cipher(algorithms.AES(shared_key(our_private_b64, peer_public_b64)), modes.ECB())


def encrypt_challenge(plaintext: str, our_private_b64: str, peer_public_b64: str) -> str:
    """Encrypt as the registry does (used by tests and the demo registry)."""
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = _cipher(our_private_b64, peer_public_b64).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt_challenge(ciphertext_b64: str, our_private_b64: str, registry_public_b64: str) -> str:
    """Decrypt the registry's `/on_subscribe` challenge to the plaintext we must answer with."""
    try:
        ciphertext = base64.b64decode(ciphertext_b64, validate=True)
    except (binascii.Error, ValueError):
        raise ChallengeError("challenge is not valid base64") from None
    if not ciphertext or len(ciphertext) % 16:
        raise ChallengeError(f"challenge must be a non-empty multiple of 16 bytes, got {len(ciphertext)}")
    decryptor = _cipher(our_private_b64, registry_public_b64).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode()
    except (ValueError, UnicodeDecodeError):
        raise ChallengeError(
            "challenge does not decrypt with our encryption key and the registry's public key "
            "(wrong key pair or corrupted challenge)"
        ) from None
