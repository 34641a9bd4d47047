"""The inbound pipeline: a list of named steps every Beckn request passes, stopping at the first NACK."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from schemas import errors
from schemas.beckn import SchemaError, parse_request
from schemas.errors import ErrorCode
from schemas.fields import parse_iso_duration
from signing import (
    RegistryUnavailable,
    SignatureError,
    SignatureParams,
    UnknownSubscriber,
    parse_signature_header,
    verify_authorization_header,
)

if TYPE_CHECKING:
    from bpp.services import Services

SEARCH = "search"
IGM_ACTIONS = frozenset({"issue", "issue_status"})
IGM_VERSION = "1.0.0"  # ONDC IGM (complaints) speaks its own version; see docs/complaints.md


class Nack(Exception):
    """Stop the pipeline and answer with a NACK carrying an ONDC error code."""

    def __init__(
        self,
        http_status: int,
        error: ErrorCode,
        message: str,
        path: str | None = None,
        www_authenticate: str | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.error = error
        self.message = message
        self.path = path
        self.www_authenticate = www_authenticate


@dataclass(slots=True)
class Exchange:
    """One inbound request as it moves through the steps."""

    action: str
    raw: bytes
    headers: Mapping[str, str]
    started: float = field(default_factory=time.perf_counter)
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    signer: SignatureParams | None = None
    data: dict[str, Any] | None = None
    model: Any = None
    duplicate: bool = False
    message_row_id: int | None = None


Step = Callable[["Services", Exchange], Awaitable[None]]


def _auth_challenge(services: Services) -> str:
    return f'Signature realm="{services.settings.subscriber_id}",headers="(created) (expires) digest"'


async def _verified(
    services: Services, exchange: Exchange, header: str, error: ErrorCode, label: str
) -> SignatureParams:
    """Check one signature header against the registry key of its keyId."""
    challenge = _auth_challenge(services)
    try:
        params = parse_signature_header(header)
        public_key = await services.registry.lookup_signing_key(params.subscriber_id, params.unique_key_id)
        verify_authorization_header(
            header, exchange.raw, public_key, future_skew_seconds=services.settings.future_skew_seconds
        )
    except SignatureError as exc:
        raise Nack(401, error, f"{label} invalid ({exc.reason.value}): {exc.detail}", None, challenge) from None
    except UnknownSubscriber as exc:
        raise Nack(401, error, f"{label} signer unknown to the registry: {exc}", None, challenge) from None
    except RegistryUnavailable as exc:
        raise Nack(
            503, errors.INTERNAL_ERROR, f"registry lookup failed, retry later: {exc}", None, challenge
        ) from None
    return params


async def verify_signatures(services: Services, exchange: Exchange) -> None:
    """Authorization (the buyer app) and, when present, X-Gateway-Authorization (the gateway)."""
    header = exchange.headers.get("authorization")
    if not header:
        raise Nack(
            401,
            errors.INVALID_SIGNATURE,
            "Authorization header missing; sign the body as the Beckn signing spec says",
            None,
            _auth_challenge(services),
        )
    exchange.signer = await _verified(services, exchange, header, errors.INVALID_SIGNATURE, "Authorization")
    gateway_header = exchange.headers.get("x-gateway-authorization")
    if gateway_header:
        await _verified(
            services, exchange, gateway_header, errors.GATEWAY_INVALID_SIGNATURE, "X-Gateway-Authorization"
        )


async def parse_and_validate(services: Services, exchange: Exchange) -> None:
    """orjson + pydantic; the first problem is reported with its JSON path."""
    try:
        exchange.model, exchange.data = parse_request(exchange.action, exchange.raw)
    except SchemaError as exc:
        raise Nack(400, errors.INVALID_REQUEST, exc.message, exc.path or None) from None


def _context_field(context: Mapping[str, Any], name: str) -> str:
    value = context.get(name)
    return value if isinstance(value, str) else ""


async def check_context(services: Services, exchange: Exchange) -> None:
    """Action, domain, city, version, addressee, signer and freshness of the message."""
    settings = services.settings
    assert exchange.data is not None and exchange.signer is not None
    context = exchange.data["context"]
    action = _context_field(context, "action")
    if action != exchange.action:
        raise Nack(400, errors.INVALID_REQUEST, f"context.action is {action!r} but was posted to /{exchange.action}",
                   "context.action")
    domain = _context_field(context, "domain")
    if domain not in settings.domains:
        raise Nack(400, errors.DOMAIN_NOT_SERVED, f"domain {domain!r} is not served here; we serve "
                   f"{', '.join(settings.domains)}", "context.domain")
    is_igm = exchange.action in IGM_ACTIONS
    expected_version = IGM_VERSION if is_igm else settings.core_version
    version_field = "core_version" if is_igm and "core_version" in context else "version"
    version = _context_field(context, version_field)
    if version != expected_version:
        raise Nack(400, errors.VERSION_NOT_SUPPORTED, f"{version_field} {version!r} not supported for "
                   f"{exchange.action}; use {expected_version}", f"context.{version_field}")
    city, city_path = _city(context)
    if city not in settings.cities and city != "*":
        raise Nack(400, errors.CITY_NOT_SERVED, f"city {city!r} is not served here; we serve "
                   f"{', '.join(settings.cities)}", city_path)
    if exchange.action != SEARCH and _context_field(context, "bpp_id") != settings.subscriber_id:
        raise Nack(400, errors.WRONG_BPP, f"context.bpp_id must be {settings.subscriber_id!r}; this message is "
                   "for another seller app", "context.bpp_id")
    if _context_field(context, "bap_id") != exchange.signer.subscriber_id:
        raise Nack(401, errors.INVALID_SIGNATURE, f"context.bap_id {context.get('bap_id')!r} is not the signer "
                   f"{exchange.signer.subscriber_id!r}", "context.bap_id", _auth_challenge(services))
    bap_uri = _context_field(context, "bap_uri")
    if not (bap_uri.startswith("https://") or (settings.allow_http_callbacks and bap_uri.startswith("http://"))):
        raise Nack(400, errors.INVALID_REQUEST, "context.bap_uri must be an https URL", "context.bap_uri")
    _check_fresh(exchange, context)


def _city(context: Mapping[str, Any]) -> tuple[object, str]:
    """The city code and where it sits: `location.city.code` (Beckn 1.1) or a flat `city` (IGM 1.0)."""
    if "location" not in context and "city" in context:
        return context["city"], "context.city"
    return ((context.get("location") or {}).get("city") or {}).get("code"), "context.location.city.code"


def _check_fresh(exchange: Exchange, context: Mapping[str, Any]) -> None:
    try:
        sent = datetime.fromisoformat(_context_field(context, "timestamp").replace("Z", "+00:00"))
        ttl = parse_iso_duration(_context_field(context, "ttl") or "PT30S")
    except ValueError as exc:
        raise Nack(400, errors.INVALID_REQUEST, f"context timestamp/ttl unreadable: {exc}", "context.timestamp") \
            from None
    if sent.tzinfo is None:
        raise Nack(400, errors.INVALID_REQUEST, "context.timestamp needs a time zone (RFC 3339)", "context.timestamp")
    if sent + ttl < exchange.received_at:
        raise Nack(400, errors.STALE_REQUEST, f"stale request: timestamp {context['timestamp']} + ttl "
                   f"{context.get('ttl')} has passed", "context.timestamp")


async def limit_and_deduplicate(services: Services, exchange: Exchange) -> None:
    """The per-subscriber rate window and the (bap_id, action, message_id) mark, in one step."""
    assert exchange.data is not None and exchange.signer is not None
    context = exchange.data["context"]
    admission = await services.admitter.admit(
        exchange.signer.subscriber_id, f"{context['bap_id']}|{exchange.action}|{context['message_id']}"
    )
    if admission.requests_this_window > services.settings.rate_limit_per_minute:
        raise Nack(429, errors.RATE_LIMITED, f"rate limit of {services.settings.rate_limit_per_minute} requests a "
                   "minute exceeded; retry in the next minute")
    exchange.duplicate = not admission.first_time


async def record_and_hand_off(services: Services, exchange: Exchange) -> None:
    """Search goes to the in-memory fast path; everything else is stored in the inbox before the ACK."""
    if exchange.duplicate:
        services.txlog.record_inbound(exchange, "ACK", note="duplicate: acknowledged, not processed again")
        return
    if exchange.action == SEARCH:
        services.txlog.record_inbound(exchange, "ACK")
        services.search_path.submit(exchange)
        return
    await services.inbox.accept(exchange)


DEFAULT_STEPS: Sequence[tuple[str, Step]] = (
    ("verify_signatures", verify_signatures),
    ("parse_and_validate", parse_and_validate),
    ("check_context", check_context),
    ("limit_and_deduplicate", limit_and_deduplicate),
    ("record_and_hand_off", record_and_hand_off),
)
