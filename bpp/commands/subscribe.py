"""`subscribe`: the ONDC registry `/subscribe` request for this BPP, printed or sent."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bpp.settings import ConfigError, Settings, load_settings
from signing import KeyFormatError, encryption_public_key_b64, signing_public_key_b64

SELLER_OPS_NO = 2  # ONDC registry operation: subscribe as a seller app (non-MSN)
SEND_TIMEOUT_SECONDS = 15.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "subscribe",
        help="print (or --send) the ONDC /subscribe request for this BPP",
        description=(
            "Build the ONDC registry /subscribe payload (ops_no 2, seller app) from the settings: entity "
            "details, our public keys derived from the configured private keys, and one network participant "
            "per served domain. Printed as JSON; --send POSTs it to {registry_url}/subscribe and prints the "
            "registry's answer."
        ),
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="YAML configuration (default: SEVAMITRA_CONFIG or ./registry_config.yaml)",
    )
    parser.add_argument("--send", action="store_true", help="POST the payload to {registry_url}/subscribe")
    parser.add_argument(
        "--valid-days", type=int, default=365, metavar="N", help="key validity in days (default 365)"
    )
    parser.set_defaults(func=subscribe)


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_subscribe_payload(
    settings: Settings, request_id: str, now: datetime, valid_days: int
) -> dict[str, Any]:
    """The /subscribe body; raises ConfigError when a private key is missing or unreadable."""
    if settings.signing_private_key is None or settings.encryption_private_key is None:
        raise ConfigError(
            "signing_private_key and encryption_private_key must be set (SEVAMITRA_SIGNING_PRIVATE_KEY, "
            "SEVAMITRA_ENCRYPTION_PRIVATE_KEY); create them with `keys generate`"
        )
    try:
        signing_public = signing_public_key_b64(settings.signing_private_key.get_secret_value())
        encryption_public = encryption_public_key_b64(settings.encryption_private_key.get_secret_value())
    except KeyFormatError as exc:
        raise ConfigError(str(exc)) from None
    mobile = settings.contact_mobile
    entity = {
        "gst": {
            "legal_entity_name": settings.legal_entity_name,
            "business_address": settings.business_address,
            "city_code": settings.cities,
            "gst_no": settings.gst_no,
        },
        "pan": {
            "name_as_per_pan": settings.legal_entity_name,
            "pan_no": settings.pan_no,
            "date_of_incorporation": settings.date_of_incorporation,
        },
        "name_of_authorised_signatory": settings.authorised_signatory_name,
        "address_of_authorised_signatory": settings.authorised_signatory_address,
        "email_id": settings.support_email,
        "mobile_no": int(mobile) if mobile and mobile.isdigit() else mobile,
        "country": "IND",
        "subscriber_id": settings.subscriber_id,
        "unique_key_id": settings.unique_key_id,
        "callback_url": "/",
        "key_pair": {
            "signing_public_key": signing_public,
            "encryption_public_key": encryption_public,
            "valid_from": _timestamp(now),
            "valid_until": _timestamp(now + timedelta(days=valid_days)),
        },
    }
    participants = [
        {
            "subscriber_url": settings.subscriber_path or "/",
            "domain": domain,
            "type": "sellerApp",
            "msn": False,
            "city_code": settings.cities,
        }
        for domain in settings.domains
    ]
    return {
        "context": {"operation": {"ops_no": SELLER_OPS_NO}},
        "message": {
            "request_id": request_id,
            "timestamp": _timestamp(now),
            "entity": entity,
            "network_participant": participants,
        },
    }


def subscribe(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config)
        if args.send and settings.registry_url is None:
            raise ConfigError(
                "registry_url is not set (SEVAMITRA_REGISTRY_URL or registry_url in the config)"
            )
        payload = build_subscribe_payload(settings, str(uuid.uuid4()), datetime.now(UTC), args.valid_days)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(payload, indent=2, ensure_ascii=False))
    if not args.send:
        return 0
    url = f"{settings.registry_url}/subscribe"
    try:
        response = httpx.post(url, json=payload, timeout=SEND_TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        print(f"error: cannot reach {url}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"registry answered HTTP {response.status_code}: {response.text}")
    return 0 if response.is_success else 1
