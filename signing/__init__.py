"""Beckn/ONDC signing: ed25519 + BLAKE2b-512 headers, X25519 challenges, site verification, registry keys."""

from signing.headers import (
    SignatureError,
    SignatureFailure,
    SignatureParams,
    blake2b_512_digest_b64,
    build_authorization_header,
    parse_signature_header,
    signing_string,
    verify_authorization_header,
    verify_signature,
)
from signing.keys import (
    KeyFormatError,
    generate_signing_keypair,
    load_signing_private_key,
    load_signing_public_key,
    signing_public_key_b64,
)
from signing.registry import RegisteredKey, RegistryClient, RegistryError, RegistryUnavailable, UnknownSubscriber
from signing.site_verification import sign_site_verification, site_verification_html
from signing.x25519 import (
    ChallengeError,
    decrypt_challenge,
    encrypt_challenge,
    encryption_public_key_b64,
    generate_encryption_keypair,
    load_encryption_private_key,
    load_encryption_public_key,
    shared_key,
)

__all__ = [
    "ChallengeError",
    "KeyFormatError",
    "RegisteredKey",
    "RegistryClient",
    "RegistryError",
    "RegistryUnavailable",
    "SignatureError",
    "SignatureFailure",
    "SignatureParams",
    "UnknownSubscriber",
    "blake2b_512_digest_b64",
    "build_authorization_header",
    "decrypt_challenge",
    "encrypt_challenge",
    "encryption_public_key_b64",
    "generate_encryption_keypair",
    "generate_signing_keypair",
    "load_encryption_private_key",
    "load_encryption_public_key",
    "load_signing_private_key",
    "load_signing_public_key",
    "parse_signature_header",
    "shared_key",
    "sign_site_verification",
    "signing_public_key_b64",
    "signing_string",
    "site_verification_html",
    "verify_authorization_header",
    "verify_signature",
]
