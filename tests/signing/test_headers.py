"""Beckn signature headers against the published vectors, and every way verification must refuse."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature

from signing import (
    SignatureError,
    SignatureFailure,
    blake2b_512_digest_b64,
    build_authorization_header,
    generate_signing_keypair,
    load_signing_public_key,
    parse_signature_header,
    signing_string,
    verify_authorization_header,
)

BAP = "bap_auth_header_official"
BG = "bg_x_gateway_authorization_official_keys"
RI = "ri_python_readme_keypair_and_header"
GO = "go_sdk_deterministic_inputs"


def _verify(vector: dict[str, Any], header: str, body: bytes | None = None) -> None:
    verify_authorization_header(
        header,
        vector["body_utf8"].encode() if body is None else body,
        vector["signing_public_key_b64"],
        now=vector["created"] + 1,
    )


def _refusal(vector: dict[str, Any], header: str, body: bytes | None = None) -> SignatureError:
    with pytest.raises(SignatureError) as caught:
        _verify(vector, header, body)
    return caught.value


def test_blake2b_512_of_the_quick_brown_fox(vectors: dict[str, Any]) -> None:
    vector = vectors["blake2b_512_quick_brown_fox"]
    digest = blake2b_512_digest_b64(vector["message_utf8"].encode())
    assert digest == vector["expected_base64"]
    assert base64.b64decode(digest).hex() == vector["expected_hex"]


def test_official_bap_header_is_reproduced_byte_for_byte(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    body = vector["body_utf8"].encode()
    assert blake2b_512_digest_b64(body) == vector["expected_digest_b64"]
    assert (
        signing_string(vector["created"], vector["expires"], vector["expected_digest_b64"])
        == vector["expected_signing_string"]
    )
    header = build_authorization_header(
        body,
        vector["signing_private_key_b64"],
        "example-bap.com",
        "bap1234",
        vector["created"],
        vector["expires"],
    )
    assert header == vector["expected_authorization_header"]
    params = verify_authorization_header(header, body, vector["signing_public_key_b64"], now=vector["created"] + 10)
    assert (params.subscriber_id, params.unique_key_id, params.algorithm) == (
        "example-bap.com",
        "bap1234",
        "ed25519",
    )
    assert (params.created, params.expires) == (vector["created"], vector["expires"])
    assert params.signature_b64 == vector["expected_signature_b64"]


def test_gateway_header_uses_the_derived_signature(vectors: dict[str, Any]) -> None:
    vector = vectors[BG]
    body = vector["body_utf8"].encode()
    assert blake2b_512_digest_b64(body) == vector["expected_digest_b64"]
    assert (
        signing_string(vector["created"], vector["expires"], blake2b_512_digest_b64(body))
        == vector["derived_signing_string"]
    )
    header = build_authorization_header(
        body,
        vector["signing_private_key_b64"],
        "example-bg.com",
        "dfb974ea-9113-4089-9a2d-77552b50624e",
        vector["created"],
        vector["expires"],
    )
    assert header == vector["derived_x_gateway_authorization_header"]
    assert parse_signature_header(header).signature_b64 == vector["derived_signature_b64"]
    _verify(vector, header)


def test_gateway_published_broken_signature_does_not_verify(vectors: dict[str, Any]) -> None:
    vector = vectors[BG]
    # the published signature is the private key, and expires equals created
    with pytest.raises(SignatureError) as caught:
        verify_authorization_header(
            vector["published_header_BROKEN"],
            vector["body_utf8"].encode(),
            vector["signing_public_key_b64"],
            now=vector["created"],
        )
    assert caught.value.reason is SignatureFailure.SIGNATURE
    assert _refusal(vector, vector["published_header_BROKEN"]).reason is SignatureFailure.WINDOW
    fixed_window = vector["published_header_BROKEN"].replace(
        f'expires="{vector["created"]}"', f'expires="{vector["expires"]}"'
    )
    assert _refusal(vector, fixed_window).reason is SignatureFailure.SIGNATURE


def test_reference_implementation_signs_the_minified_body(vectors: dict[str, Any]) -> None:
    vector = vectors[RI]
    pretty = vector["request_body_raw_text_file"].encode()
    minified = json.dumps(json.loads(pretty), separators=(",", ":")).encode()
    header = build_authorization_header(
        minified,
        vector["signing_private_key_b64"],
        "buyer-app.ondc.org",
        "207",
        vector["created"],
        vector["expires"],
    )
    assert header == vector["expected_authorization_header"]
    assert parse_signature_header(header).signature_b64 == vector["derived_signature_minified_body"]
    _verify(vector, header, minified)
    # the raw pretty-printed file is different bytes, hence a different digest and signature
    assert blake2b_512_digest_b64(pretty) == vector["derived_digest_raw_pretty_file"]
    pretty_header = build_authorization_header(
        pretty,
        vector["signing_private_key_b64"],
        "buyer-app.ondc.org",
        "207",
        vector["created"],
        vector["expires"],
    )
    assert parse_signature_header(pretty_header).signature_b64 == vector["derived_signature_raw_pretty_file"]
    assert _refusal(vector, header, pretty).reason is SignatureFailure.SIGNATURE


def test_go_sdk_inputs_give_the_derived_header(vectors: dict[str, Any]) -> None:
    vector = vectors[GO]
    body = vector["body_utf8"].encode()
    private = base64.b64encode(bytes.fromhex(vector["seed_hex"])).decode()
    assert blake2b_512_digest_b64(body) == vector["derived_digest_b64"]
    assert (
        signing_string(vector["created"], vector["expires"], vector["derived_digest_b64"])
        == vector["derived_signing_string"]
    )
    for key in (private, vector["derived_private_key_64_b64"]):
        header = build_authorization_header(
            body, key, vector["subscriber_id"], vector["unique_key_id"], vector["created"], vector["expires"]
        )
        assert header == vector["derived_authorization_header"]
    verify_authorization_header(header, body, vector["derived_public_key_b64"], now=vector["created"])


def test_doc_typo_unspaced_signing_string_does_not_verify(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    unspaced = vector["expected_signing_string"].replace(": ", ":")
    assert unspaced.startswith("(created):1641287875\n(expires):1641291475\ndigest:BLAKE-512=")
    signature = base64.b64decode(vector["expected_signature_b64"])
    key = load_signing_public_key(vector["signing_public_key_b64"])
    with pytest.raises(InvalidSignature):
        key.verify(signature, unspaced.encode())
    key.verify(signature, vector["expected_signing_string"].encode())


def test_doc_typo_unspaced_headers_list_is_a_digest_failure(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    header = vector["expected_authorization_header"].replace(
        'headers="(created) (expires) digest"', 'headers=" (created)(expires)digest"'
    )
    refusal = _refusal(vector, header)
    assert refusal.reason is SignatureFailure.DIGEST
    assert "(created) (expires) digest" in refusal.detail


def test_doc_typo_other_unique_key_id_still_verifies(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    header = vector["expected_authorization_header"].replace("bap1234", "ae3ea24b-cfec-495e-81f8-044aaef164ac")
    _verify(vector, header)


def test_a_changed_body_is_a_signature_failure(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    body = vector["body_utf8"].encode().replace(b"Kochi", b"Kochy")
    refusal = _refusal(vector, vector["expected_authorization_header"], body)
    assert refusal.reason is SignatureFailure.SIGNATURE
    assert refusal.detail == "signature does not match this body and key (body changed or wrong key)"
    trailing_newline = vector["body_utf8"].encode() + b"\n"
    assert _refusal(vector, vector["expected_authorization_header"], trailing_newline).reason is (
        SignatureFailure.SIGNATURE
    )


def test_another_key_is_a_signature_failure(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    _, other_public = generate_signing_keypair()
    with pytest.raises(SignatureError) as caught:
        verify_authorization_header(
            vector["expected_authorization_header"],
            vector["body_utf8"].encode(),
            other_public,
            now=vector["created"],
        )
    assert caught.value.reason is SignatureFailure.SIGNATURE


def test_edited_created_breaks_the_signature(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    header = vector["expected_authorization_header"].replace('created="1641287875"', 'created="1641287876"')
    assert _refusal(vector, header).reason is SignatureFailure.SIGNATURE


@pytest.mark.parametrize(
    ("now_offset", "expected_words"),
    [
        (3600 + 1, "header expired at 1641291475, now is 1641291476"),
        (-6, "in the future"),
    ],
)
def test_window(vectors: dict[str, Any], now_offset: int, expected_words: str) -> None:
    vector = vectors[BAP]
    with pytest.raises(SignatureError) as caught:
        verify_authorization_header(
            vector["expected_authorization_header"],
            vector["body_utf8"].encode(),
            vector["signing_public_key_b64"],
            now=vector["created"] + now_offset,
        )
    assert caught.value.reason is SignatureFailure.WINDOW
    assert expected_words in caught.value.detail


def test_window_edges_and_default_clock(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    body = vector["body_utf8"].encode()
    header = vector["expected_authorization_header"]
    public = vector["signing_public_key_b64"]
    verify_authorization_header(header, body, public, now=vector["created"] - 5)  # 5 s skew allowed
    verify_authorization_header(header, body, public, now=vector["expires"])  # still valid at expires
    with pytest.raises(SignatureError) as caught:  # the real clock: expired in 2022
        verify_authorization_header(header, body, public)
    assert caught.value.reason is SignatureFailure.WINDOW


def test_expires_before_created_is_a_window_failure(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    private, public = vector["signing_private_key_b64"], vector["signing_public_key_b64"]
    body = b"{}"
    header = build_authorization_header(body, private, "s", "k", created=100, expires=99)
    with pytest.raises(SignatureError) as caught:
        verify_authorization_header(header, body, public, now=99)
    assert caught.value.reason is SignatureFailure.WINDOW
    assert "before created" in caught.value.detail


@pytest.mark.parametrize(
    "header",
    [
        "",
        "Bearer abc",
        'keyId="a|b|ed25519",algorithm="ed25519"',
        'Signature keyId="a|b|ed25519",algorithm="ed25519",created="1",expires="2",headers="x"',
        'Signature keyId="a|ed25519",algorithm="ed25519",created="1",expires="2",headers="x",signature="s"',
        'Signature keyId="a|b|ed25519",algorithm="ed25519",created="soon",expires="2",headers="x",signature="s"',
        'Signature keyId="a|b|ed25519",algorithm=ed25519,created="1",expires="2",headers="x",signature="s"',
        'Signature keyId="a|b|ed25519",keyId="a|b|ed25519",algorithm="ed25519",created="1",expires="2",'
        'headers="x",signature="s"',
    ],
)
def test_malformed_headers_are_format_failures(header: str) -> None:
    with pytest.raises(SignatureError) as caught:
        parse_signature_header(header)
    assert caught.value.reason is SignatureFailure.FORMAT


def test_other_algorithms_are_refused(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    header = vector["expected_authorization_header"]
    rsa = header.replace('algorithm="ed25519"', 'algorithm="rsa-sha256"').replace("|ed25519", "|rsa-sha256")
    assert _refusal(vector, rsa).reason is SignatureFailure.ALGORITHM
    mismatch = header.replace('algorithm="ed25519"', 'algorithm="hs2019"')
    assert _refusal(vector, mismatch).reason is SignatureFailure.ALGORITHM


def test_bad_signature_encoding_is_a_signature_failure(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    header = vector["expected_authorization_header"]
    not_base64 = header.replace(vector["expected_signature_b64"], "not base64!")
    assert _refusal(vector, not_base64).reason is SignatureFailure.SIGNATURE
    too_short = header.replace(vector["expected_signature_b64"], base64.b64encode(b"short").decode())
    assert _refusal(vector, too_short).reason is SignatureFailure.SIGNATURE


def test_an_unusable_public_key_is_an_unknown_key_failure(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    with pytest.raises(SignatureError) as caught:
        verify_authorization_header(
            vector["expected_authorization_header"],
            vector["body_utf8"].encode(),
            "AAAA",
            now=vector["created"],
        )
    assert caught.value.reason is SignatureFailure.UNKNOWN_KEY


def test_parse_tolerates_spaces_and_any_parameter_order(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    header = vector["expected_authorization_header"]
    spaced = header.replace('",', '", ')
    assert spaced != header
    assert parse_signature_header(spaced) == parse_signature_header(header)
    _verify(vector, spaced)
    pairs = header.removeprefix("Signature ").removesuffix('"').split('",')
    reordered = "Signature " + ", ".join(f'{pair}"' for pair in reversed(pairs))
    assert reordered.startswith('Signature signature="')
    assert parse_signature_header(reordered) == parse_signature_header(header)


def test_subscriber_ids_may_hold_dots_and_colons(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    body = vector["body_utf8"].encode()
    header = build_authorization_header(
        body, vector["signing_private_key_b64"], "bap.example.org:8443/ondc", "k-1", created=10, expires=20
    )
    params = verify_authorization_header(header, body, vector["signing_public_key_b64"], now=15)
    assert (params.subscriber_id, params.unique_key_id) == ("bap.example.org:8443/ondc", "k-1")
    with pytest.raises(ValueError, match=r"\|"):
        build_authorization_header(body, vector["signing_private_key_b64"], "a|b", "k")


def test_default_created_and_expires_use_the_clock_and_ttl(vectors: dict[str, Any]) -> None:
    vector = vectors[BAP]
    header = build_authorization_header(b"{}", vector["signing_private_key_b64"], "s", "k", ttl_seconds=60)
    params = verify_authorization_header(header, b"{}", vector["signing_public_key_b64"])
    assert params.expires - params.created == 60
