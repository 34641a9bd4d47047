"""`/on_subscribe` and `/ondc-site-verification.html` over real HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bpp.network.onboarding import router
from bpp.platform.settings import Settings
from signing import encrypt_challenge, generate_encryption_keypair

ServeApp = Callable[[Any], AbstractContextManager[str]]  # the `serve_app` fixture of conftest.py


CHALLENGE = "x25519_aes_ecb_cryptkey_py"


@pytest.fixture
def settings(vectors: dict[str, Any]) -> Settings:
    return Settings(
        registry_encryption_public_key=vectors[CHALLENGE]["peer_public_key_spki_der_b64"],
        site_verification_request_id=vectors["site_verification_issue_example"]["request_id"],
    )


@pytest.fixture
def base_url(settings: Settings, serve_app: ServeApp, vectors: dict[str, Any]) -> Iterator[str]:
    """The router in an app holding our settings and keys, as `bpp.wiring.app.publish_parts` puts them."""
    app = FastAPI()
    app.include_router(router)
    app.state.settings = settings
    app.state.keys = SimpleNamespace(
        signing_private_key=vectors["site_verification_issue_example"]["signing_private_key_b64"],
        encryption_private_key=vectors[CHALLENGE]["private_key_pkcs8_der_b64"],
    )
    with serve_app(app) as url:
        yield url


def test_the_registry_challenge_is_answered(base_url: str, vectors: dict[str, Any]) -> None:
    body = {"subscriber_id": "sevamitra.example.org", "challenge": vectors[CHALLENGE]["ciphertext_b64"]}
    response = httpx.post(f"{base_url}/on_subscribe", json=body)
    assert response.status_code == 200
    assert response.json() == {"answer": "BCA53D77-A9F5-4C6B-829E-B5A93CC9BF43"}


def test_the_default_registry_key_is_preprod(vectors: dict[str, Any]) -> None:
    assert Settings().registry_encryption_public_key == vectors["ondc_registry_encryption_public_keys"]["preprod"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"subscriber_id": "x"}',
        b'{"subscriber_id": "x", "challenge": 7}',
        b'{"subscriber_id": "x", "challenge": "not base64!"}',
        b'{"subscriber_id": "x", "challenge": "AAAA"}',
    ],
)
def test_bad_challenges_are_400_with_a_message(base_url: str, body: bytes) -> None:
    response = httpx.post(f"{base_url}/on_subscribe", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_challenge_for_another_key_is_400(base_url: str, vectors: dict[str, Any]) -> None:
    stranger, _ = generate_encryption_keypair()
    challenge = encrypt_challenge("x", stranger, vectors[CHALLENGE]["peer_public_key_spki_der_b64"])
    response = httpx.post(f"{base_url}/on_subscribe", json={"subscriber_id": "x", "challenge": challenge})
    assert response.status_code == 400
    assert "wrong key pair" in response.json()["error"]


def test_site_verification_page_carries_our_signature(base_url: str, vectors: dict[str, Any]) -> None:
    response = httpx.get(f"{base_url}/ondc-site-verification.html")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    signed = vectors["site_verification_issue_example"]["expected_signature_b64"]
    assert f"<meta name='ondc-site-verification' content='{signed}' />" in response.text


def test_site_verification_without_a_request_id_is_404(base_url: str, settings: Settings) -> None:
    settings.site_verification_request_id = None
    response = httpx.get(f"{base_url}/ondc-site-verification.html")
    assert response.status_code == 404
    assert "site_verification_request_id" in response.text


def test_a_misconfigured_registry_key_is_503_not_500(
    base_url: str, settings: Settings, vectors: dict[str, Any]
) -> None:
    settings.registry_encryption_public_key = "AAAA"
    body = {"subscriber_id": "x", "challenge": vectors[CHALLENGE]["ciphertext_b64"]}
    response = httpx.post(f"{base_url}/on_subscribe", json=body)
    assert response.status_code == 503
    assert "registry_encryption_public_key" in response.json()["error"]
