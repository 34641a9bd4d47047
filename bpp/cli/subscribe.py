"""`subscribe`: the ONDC registry `/subscribe` request for this BPP, printed or sent."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bpp.cli.common import add_config_option, settings_from
from bpp.platform.keys import KeyMaterial
from bpp.platform.settings import ConfigError, Settings
from bpp.wiring.services import load_key_material
from catalog.formats import timestamp

SELLER_OPS_NO = 2  # ONDC registry operation: subscribe as a seller app (non-MSN)
SEND_TIMEOUT_SECONDS = 15.0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "subscribe",
        help="print (or --send) the ONDC /subscribe request for this BPP",
        description=(
            "Build the ONDC registry /subscribe payload (ops_no 2, seller app) from the settings: entity "
            "details, the public keys of our configured private keys (environment or key_file), and one "
            "network participant per served domain. It is printed as JSON; --send also POSTs it to "
            "{registry_url}/subscribe and prints the registry's answer (exit 1 unless HTTP 2xx)."
        ),
    )
    add_config_option(parser)
    parser.add_argument("--send", action="store_true", help="POST the payload to {registry_url}/subscribe")
    parser.add_argument(
        "--valid-days",
        type=int,
        default=365,
        metavar="N",
        help="validity of the key pair in days (default 365)",
    )
    parser.set_defaults(func=subscribe)


def build_subscribe_payload(
    settings: Settings, keys: KeyMaterial, request_id: str, now: datetime, valid_days: int
) -> dict[str, Any]:
    """The /subscribe body: operation, then request_id, timestamp, entity and network participants."""
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
            "signing_public_key": keys.signing_public_key,
            "encryption_public_key": keys.encryption_public_key,
            "valid_from": timestamp(now),
            "valid_until": timestamp(now + timedelta(days=valid_days)),
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
            "timestamp": timestamp(now),
            "entity": entity,
            "network_participant": participants,
        },
    }


def subscribe(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.send and settings.registry_url is None:
        raise ConfigError(
            "setting registry_url (SEVAMITRA_REGISTRY_URL): not set; --send needs the registry to POST to"
        )
    payload = build_subscribe_payload(
        settings, load_key_material(settings), str(uuid.uuid4()), datetime.now(UTC), args.valid_days
    )
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
