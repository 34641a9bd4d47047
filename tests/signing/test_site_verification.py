"""Site verification: ed25519 over the raw request_id, in the page the registry reads."""

from __future__ import annotations

import base64
from typing import Any

from signing import load_signing_public_key, sign_site_verification, site_verification_html


def test_issue_example_signature_is_reproduced(vectors: dict[str, Any]) -> None:
    vector = vectors["site_verification_issue_example"]
    signed = sign_site_verification(vector["request_id"], vector["signing_private_key_b64"])
    assert signed == vector["expected_signature_b64"]
    public = load_signing_public_key(vector["signing_public_key_b64"])
    public.verify(base64.b64decode(signed), vector["request_id"].encode())


def test_node_reference_request_id(vectors: dict[str, Any]) -> None:
    vector = vectors["node_onsubscribe_site_verification"]
    signed = sign_site_verification(vector["request_id"], vector["signing_private_key_b64"])
    assert signed == vector["derived_signed_request_id_b64"]


def test_page_carries_the_meta_tag(vectors: dict[str, Any]) -> None:
    signed = vectors["site_verification_issue_example"]["expected_signature_b64"]
    page = site_verification_html(signed)
    assert f"<meta name='ondc-site-verification' content='{signed}' />" in page
    assert page.startswith("<!DOCTYPE html>")
