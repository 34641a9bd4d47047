"""The `/ondc-site-verification.html` page the registry reads while onboarding a subscriber."""

from __future__ import annotations

import base64
import html

from signing.keys import load_signing_private_key

__all__ = ["sign_site_verification", "site_verification_html"]


def sign_site_verification(request_id: str, private_key_b64: str) -> str:
    """Base64 ed25519 signature of the raw UTF-8 request_id (no hashing, as the registry checks it)."""
    return base64.b64encode(load_signing_private_key(private_key_b64).sign(request_id.encode())).decode()


def site_verification_html(signed: str) -> str:
    """The HTML page carrying the signed request_id in its `ondc-site-verification` meta tag."""
    return (
        "<!DOCTYPE html>\n<html>\n  <head>\n"
        f"    <meta name='ondc-site-verification' content='{html.escape(signed, quote=True)}' />\n"
        "  </head>\n  <body>\n    ONDC Site Verification Page\n  </body>\n</html>\n"
    )
