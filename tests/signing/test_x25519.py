"""X25519 keys in every published encoding, shared secrets and the `/on_subscribe` challenge."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from signing import (
    ChallengeError,
    KeyFormatError,
    decrypt_challenge,
    encrypt_challenge,
    encryption_public_key_b64,
    generate_encryption_keypair,
    load_encryption_private_key,
    load_encryption_public_key,
    shared_key,
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_readme_challenge_decrypts(vectors: dict[str, Any]) -> None:
    vector = vectors["x25519_aes_ecb_readme_encrypt_decrypt"]
    private, public = vector["private_key_pkcs8_der_b64"], vector["public_key_spki_der_b64"]
    assert _b64(shared_key(private, public)) == vector["derived_shared_key_b64"]
    plaintext = decrypt_challenge(vector["ciphertext_b64"], private, public)
    assert plaintext == vector["derived_plaintext"] == vector["readme_claimed_plaintext"]
    assert plaintext != vector["code_plaintext_in_encrypt"]
    assert encrypt_challenge(plaintext, private, public) == vector["ciphertext_b64"]


def test_cryptkey_challenge_decrypts_with_the_preprod_registry_key(vectors: dict[str, Any]) -> None:
    vector = vectors["x25519_aes_ecb_cryptkey_py"]
    private, peer = vector["private_key_pkcs8_der_b64"], vector["peer_public_key_spki_der_b64"]
    assert peer == vectors["ondc_registry_encryption_public_keys"]["preprod"]
    assert _b64(shared_key(private, peer)) == vector["derived_shared_key_b64"]
    assert decrypt_challenge(vector["ciphertext_b64"], private, peer) == vector["derived_plaintext"]


def test_go_version_1_keys_derive_the_same_shared_key(vectors: dict[str, Any]) -> None:
    vector = vectors["x25519_shared_key_docs_pairs"]
    assert vector["np1_private_pkcs8_b64"].startswith("MC4CAQEw")
    one = shared_key(vector["np1_private_pkcs8_b64"], vector["np1_uses_public_spki_b64"])
    two = shared_key(vector["np2_private_pkcs8_b64"], vector["np2_uses_public_spki_b64"])
    assert _b64(one) == _b64(two) == vector["derived_shared_key_b64"]


def test_java_pkcs8_v2_key_with_embedded_public_key(vectors: dict[str, Any]) -> None:
    vector = vectors["java_onsubscribe_readme_keys"]
    assert vector["enc_private_key_b64"].startswith("MFECAQEw")
    assert encryption_public_key_b64(vector["enc_private_key_b64"]) == vector["enc_public_key_b64"]


def test_java_key_whose_embedded_public_key_differs_is_refused(vectors: dict[str, Any]) -> None:
    der = bytearray(base64.b64decode(vectors["java_onsubscribe_readme_keys"]["enc_private_key_b64"]))
    der[-1] ^= 1
    with pytest.raises(KeyFormatError, match="embedded public key does not belong"):
        load_encryption_private_key(_b64(bytes(der)))


def test_node_keys_and_site_file_registry_key(vectors: dict[str, Any]) -> None:
    vector = vectors["node_onsubscribe_site_verification"]
    private = vector["encryption_private_key_pkcs8_b64"]
    assert encryption_public_key_b64(private) == vector["derived_encryption_public_key_spki_b64"]
    derived = shared_key(private, vector["ondc_public_key_in_file"])
    assert _b64(derived) == vector["derived_shared_key_with_file_ondc_key_b64"]


def test_raw_32_byte_keys_are_accepted(vectors: dict[str, Any]) -> None:
    vector = vectors["x25519_aes_ecb_cryptkey_py"]
    private = load_encryption_private_key(vector["private_key_pkcs8_der_b64"])
    peer = load_encryption_public_key(vector["peer_public_key_spki_der_b64"])
    raw_private = _b64(private.private_bytes_raw())
    raw_peer = _b64(peer.public_bytes_raw())
    assert _b64(shared_key(raw_private, raw_peer)) == vector["derived_shared_key_b64"]
    assert _b64(shared_key(private, peer)) == vector["derived_shared_key_b64"]


def test_generated_keypairs_agree() -> None:
    ours_private, ours_public = generate_encryption_keypair()
    theirs_private, theirs_public = generate_encryption_keypair()
    assert ours_private.startswith("MC4CAQAw") and ours_public.startswith("MCow")
    assert encryption_public_key_b64(ours_private) == ours_public
    assert shared_key(ours_private, theirs_public) == shared_key(theirs_private, ours_public)
    challenge = encrypt_challenge("7f1c-answer", theirs_private, ours_public)
    assert decrypt_challenge(challenge, ours_private, theirs_public) == "7f1c-answer"


def test_an_ed25519_key_is_refused_with_a_clear_message() -> None:
    der = Ed25519PrivateKey.generate().private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption())
    with pytest.raises(KeyFormatError, match=r"Ed25519 .* not an X25519"):
        load_encryption_private_key(_b64(der))


@pytest.mark.parametrize(
    "value",
    ["not base64!", _b64(b"\x30\x05\x02\x01\x00"), _b64(b"\x04\x02ab"), _b64(b"x" * 31)],
)
def test_malformed_private_keys_raise_key_format_error(value: str) -> None:
    with pytest.raises(KeyFormatError):
        load_encryption_private_key(value)


def test_malformed_public_key_raises_key_format_error(vectors: dict[str, Any]) -> None:
    spki = base64.b64decode(vectors["x25519_aes_ecb_cryptkey_py"]["peer_public_key_spki_der_b64"])
    with pytest.raises(KeyFormatError):
        load_encryption_public_key(_b64(spki[:-1]))


@pytest.mark.parametrize("ciphertext", ["not base64!", _b64(b"short"), _b64(bytes(32))])
def test_challenges_that_do_not_decrypt_raise_challenge_error(vectors: dict[str, Any], ciphertext: str) -> None:
    vector = vectors["x25519_aes_ecb_cryptkey_py"]
    with pytest.raises(ChallengeError):
        decrypt_challenge(ciphertext, vector["private_key_pkcs8_der_b64"], vector["peer_public_key_spki_der_b64"])


def test_a_challenge_for_another_key_pair_is_refused(vectors: dict[str, Any]) -> None:
    vector = vectors["x25519_aes_ecb_cryptkey_py"]
    other_private, _ = generate_encryption_keypair()
    with pytest.raises(ChallengeError, match="wrong key pair"):
        decrypt_challenge(vector["ciphertext_b64"], other_private, vector["peer_public_key_spki_der_b64"])
