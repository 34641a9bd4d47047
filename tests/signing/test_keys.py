"""Ed25519 key loading: 32-byte seeds, 64-byte seed+public, and clear errors for anything else."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from signing import (
    KeyFormatError,
    generate_signing_keypair,
    load_signing_private_key,
    load_signing_public_key,
    signing_public_key_b64,
)


def test_seed_and_seed_plus_public_give_the_same_key(vectors: dict[str, Any]) -> None:
    vector = vectors["go_sdk_deterministic_inputs"]
    seed_b64 = base64.b64encode(bytes.fromhex(vector["seed_hex"])).decode()
    assert signing_public_key_b64(seed_b64) == vector["derived_public_key_b64"]
    assert signing_public_key_b64(vector["derived_private_key_64_b64"]) == vector["derived_public_key_b64"]


@pytest.mark.parametrize(
    ("name", "private", "public"),
    [
        ("bap_auth_header_official", "signing_private_key_b64", "signing_public_key_b64"),
        ("bg_x_gateway_authorization_official_keys", "signing_private_key_b64", "signing_public_key_b64"),
        ("ri_python_readme_keypair_and_header", "signing_private_key_b64", "signing_public_key_b64"),
        ("java_onsubscribe_readme_keys", "sign_private_key_b64", "sign_public_key_b64"),
        ("node_onsubscribe_site_verification", "signing_private_key_b64", "derived_signing_public_key_b64"),
        ("site_verification_issue_example", "signing_private_key_b64", "signing_public_key_b64"),
    ],
)
def test_published_keypairs_match(vectors: dict[str, Any], name: str, private: str, public: str) -> None:
    assert signing_public_key_b64(vectors[name][private]) == vectors[name][public]


def test_a_64_byte_key_whose_public_half_differs_is_refused(vectors: dict[str, Any]) -> None:
    raw = base64.b64decode(vectors["bap_auth_header_official"]["signing_private_key_b64"])
    other_public = base64.b64decode(vectors["bg_x_gateway_authorization_official_keys"]["signing_public_key_b64"])
    with pytest.raises(KeyFormatError, match="not the public key of the seed"):
        load_signing_private_key(base64.b64encode(raw[:32] + other_public).decode())


@pytest.mark.parametrize(
    ("value", "words"),
    [("not base64!", "not valid base64"), (base64.b64encode(b"x" * 48).decode(), "got 48 bytes")],
)
def test_bad_private_keys_are_explained(value: str, words: str) -> None:
    with pytest.raises(KeyFormatError, match=words):
        load_signing_private_key(value)


def test_bad_public_keys_are_explained() -> None:
    with pytest.raises(KeyFormatError, match="must be 32 bytes, got 3"):
        load_signing_public_key("AAAA")


def test_generated_keypairs_load_and_are_cached() -> None:
    private, public = generate_signing_keypair()
    assert len(base64.b64decode(private)) == 64
    assert signing_public_key_b64(private) == public
    assert load_signing_public_key(public) is load_signing_public_key(public)
    assert generate_signing_keypair()[0] != private
