"""The inbound pipeline: a list of named steps every Beckn request passes, stopping at the first NACK."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bpp.network.gateway.exchange import Exchange, Nack
from schemas import errors
from schemas.beckn import SchemaError, parse_request
from schemas.errors import ErrorCode
from signing import (
    RegisteredKey,
    RegistryUnavailable,
    SignatureError,
    SignatureParams,
    UnknownSubscriber,
    parse_signature_header,
    verify_signature,
)

if TYPE_CHECKING:
    from bpp.network.gateway.admission import Admitter, SourceLimiter
    from bpp.network.gateway.txlog import TransactionLog
    from bpp.platform.settings import Settings
    from signing import RegistryClient

SEARCH = "search"
IGM_ACTIONS = frozenset({"issue", "issue_status"})
IGM_VERSION = "1.0.0"  # ONDC IGM (complaints) speaks its own version; see docs/complaints.md


@dataclass(frozen=True, slots=True)
class Gateway:
    """What the steps need: our settings, the registry, admission, the log, and where accepted messages go."""

    settings: Settings
    registry: RegistryClient
    admitter: Admitter
    source_limiter: SourceLimiter
    txlog: TransactionLog
    store_in_inbox: Callable[[Exchange], Awaitable[None]]  # stored before the ACK, processed after it
    answer_search: Callable[[Exchange], Awaitable[None]]  # this process's search path, or the search stream


Step = Callable[[Gateway, Exchange], Awaitable[None]]


def _auth_challenge(gateway: Gateway) -> str:
    return f'Signature realm="{gateway.settings.subscriber_id}",headers="(created) (expires) digest"'


async def _verified(
    gateway: Gateway, exchange: Exchange, header: str, error: ErrorCode, label: str
) -> tuple[SignatureParams, RegisteredKey]:
    """Check one signature header (parsed once) against the registry record of its keyId."""
    settings = gateway.settings
    try:
        params = parse_signature_header(header)
        record = await gateway.registry.lookup_key_record(params.subscriber_id, params.unique_key_id)
        verify_signature(params, exchange.raw, record.public_key, future_skew_seconds=settings.future_skew_seconds,
                         max_lifetime_seconds=settings.max_signature_lifetime_seconds)
    except SignatureError as exc:
        raise Nack(401, error, f"{label} invalid ({exc.reason.value}): {exc.detail}", None,
                   _auth_challenge(gateway)) from None
    except UnknownSubscriber as exc:
        raise Nack(401, error, f"{label} signer unknown to the registry: {exc}", None,
                   _auth_challenge(gateway)) from None
    except RegistryUnavailable as exc:
        raise Nack(503, errors.INTERNAL_ERROR, f"registry lookup failed, retry later: {exc}") from None
    return params, record


async def verify_signatures(gateway: Gateway, exchange: Exchange) -> None:
    """Authorization (the buyer app) and, when present, X-Gateway-Authorization (the gateway)."""
    header = exchange.headers.get("authorization")
    if not header:
        raise Nack(
            401,
            errors.INVALID_SIGNATURE,
            "Authorization header missing; sign the body as the Beckn signing spec says",
            None,
            _auth_challenge(gateway),
        )
    exchange.signer, record = await _verified(gateway, exchange, header, errors.INVALID_SIGNATURE, "Authorization")
    exchange.signer_subscriber_url = record.subscriber_url
    gateway_header = exchange.headers.get("x-gateway-authorization")
    if gateway_header:
        await _verified(
            gateway, exchange, gateway_header, errors.GATEWAY_INVALID_SIGNATURE, "X-Gateway-Authorization"
        )


async def parse_and_validate(gateway: Gateway, exchange: Exchange) -> None:
    """orjson + pydantic; the first problem is reported with its JSON path."""
    try:
        exchange.model, exchange.data = parse_request(exchange.action, exchange.raw)
    except SchemaError as exc:
        raise Nack(400, errors.INVALID_REQUEST, exc.message, exc.path or None) from None


async def check_context(gateway: Gateway, exchange: Exchange) -> None:
    """Action, domain, city, version, addressee, signer and freshness, read from the validated context.

    The model already parsed timestamp and ttl and folded IGM 1.0's flat `city`/`core_version` into the Beckn 1.1
    shape; the raw shape only decides which field name an error points at.
    """
    settings = gateway.settings
    assert exchange.model is not None and exchange.data is not None and exchange.signer is not None
    context = exchange.model.context
    flat_igm = exchange.action in IGM_ACTIONS and "location" not in exchange.data["context"]
    if context.action != exchange.action:
        raise Nack(400, errors.INVALID_REQUEST, f"context.action is {context.action!r} but was posted to "
                   f"/{exchange.action}", "context.action")
    if context.domain not in settings.domains:
        raise Nack(400, errors.DOMAIN_NOT_SERVED, f"domain {context.domain!r} is not served here; we serve "
                   f"{', '.join(settings.domains)}", "context.domain")
    expected_version = IGM_VERSION if exchange.action in IGM_ACTIONS else settings.core_version
    if context.version != expected_version:
        field = "core_version" if flat_igm else "version"
        raise Nack(400, errors.VERSION_NOT_SUPPORTED, f"{field} {context.version!r} not supported for "
                   f"{exchange.action}; use {expected_version}", f"context.{field}")
    city = context.location.city.code
    if city not in settings.cities and city != "*":
        raise Nack(400, errors.CITY_NOT_SERVED, f"city {city!r} is not served here; we serve "
                   f"{', '.join(settings.cities)}", "context.city" if flat_igm else "context.location.city.code")
    if exchange.action != SEARCH and context.bpp_id != settings.subscriber_id:
        raise Nack(400, errors.WRONG_BPP, f"context.bpp_id must be {settings.subscriber_id!r}; this message is "
                   "for another seller app", "context.bpp_id")
    if context.bap_id != exchange.signer.subscriber_id:
        raise Nack(401, errors.INVALID_SIGNATURE, f"context.bap_id {context.bap_id!r} is not the signer "
                   f"{exchange.signer.subscriber_id!r}", "context.bap_id", _auth_challenge(gateway))
    if not (context.bap_uri.startswith("https://") or settings.allow_http_callbacks):
        raise Nack(400, errors.INVALID_REQUEST, "context.bap_uri must be an https URL", "context.bap_uri")
    if not lies_under(context.bap_uri, exchange.signer_subscriber_url):
        raise Nack(400, errors.CALLBACK_NOT_REGISTERED, f"context.bap_uri {context.bap_uri!r} is not the "
                   f"subscriber_url registered for {exchange.signer.key_id!r} "
                   f"({exchange.signer_subscriber_url or 'none'}) nor under it; send callbacks to your registered "
                   "address or update your registry entry", "context.bap_uri")
    max_ttl = settings.max_ttl(exchange.action)
    if context.ttl > max_ttl:
        raise Nack(400, errors.LIFETIME_NOT_ACCEPTED, f"context.ttl {exchange.data['context']['ttl']} is longer "
                   f"than the {max_ttl.total_seconds():.0f} s this seller app accepts for {exchange.action}; send "
                   f"at most PT{max_ttl.total_seconds():.0f}S", "context.ttl")
    # checked before timestamp + ttl is computed: a timestamp in year 9999 would overflow it
    if context.timestamp > exchange.received_at + timedelta(seconds=settings.future_skew_seconds):
        raise Nack(400, errors.LIFETIME_NOT_ACCEPTED, f"context.timestamp {exchange.data['context']['timestamp']} "
                   f"is in the future (allowed clock skew {settings.future_skew_seconds} s); send the current UTC "
                   "time", "context.timestamp")
    if context.expires_at < exchange.received_at:
        raise Nack(400, errors.STALE_REQUEST, f"stale request: timestamp {exchange.data['context']['timestamp']} "
                   f"+ ttl {exchange.data['context'].get('ttl')} has passed", "context.timestamp")


@lru_cache(maxsize=4096)  # a buyer app sends the same bap_uri every time: parse it once
def lies_under(url: str, root: str) -> bool:
    """True when `url` is `root` or a path below it: same scheme and host (port included), on a segment boundary.

    Callbacks go to bap_uri; without this a signed request could aim them at any host (cloud metadata, the
    private network, our own Redis) and read the answers back from the transaction log.
    """
    try:
        target, base = urlsplit(url), urlsplit(root)
    except ValueError:
        return False
    if not base.netloc or (target.scheme.lower(), target.netloc.lower()) != (base.scheme.lower(), base.netloc.lower()):
        return False
    prefix = base.path.rstrip("/")
    return target.path.rstrip("/") == prefix or target.path.startswith(prefix + "/")


async def limit_and_deduplicate(gateway: Gateway, exchange: Exchange) -> None:
    """The per-subscriber rate window and the (bap_id, action, message_id) mark, in one step."""
    assert exchange.data is not None and exchange.signer is not None
    context = exchange.data["context"]
    exchange.seen_key = f"{context['bap_id']}|{exchange.action}|{context['message_id']}"
    admission = await gateway.admitter.admit(exchange.signer.subscriber_id, exchange.seen_key)
    if admission.requests_this_window > gateway.settings.rate_limit_per_minute:
        if admission.first_time:
            await gateway.admitter.forget(exchange.seen_key)  # the retry asked for must not be taken for a repeat
        raise Nack(429, errors.RATE_LIMITED, f"rate limit of {gateway.settings.rate_limit_per_minute} requests a "
                   "minute exceeded; retry in the next minute")
    exchange.duplicate = not admission.first_time


async def record_and_hand_off(gateway: Gateway, exchange: Exchange) -> None:
    """Search goes to the in-memory fast path; everything else is stored in the inbox before the ACK."""
    if exchange.duplicate and exchange.action == SEARCH:
        gateway.txlog.record_inbound(exchange, "ACK", note="duplicate: acknowledged, not processed again")
        return
    # Any other repeat still goes to the inbox, whose unique key decides: the Redis mark alone could be left by a
    # process killed between marking and storing, and the retry the buyer app sends would then be lost.
    try:
        if exchange.action == SEARCH:
            await gateway.answer_search(exchange)
        else:
            await gateway.store_in_inbox(exchange)
    except Exception:
        # not stored, so NACKed with "retry": without its mark gone the retry would be ACKed as a repeat and lost
        await gateway.admitter.forget(exchange.seen_key)
        raise
    if exchange.action == SEARCH:
        gateway.txlog.record_inbound(exchange, "ACK")


DEFAULT_STEPS: Sequence[tuple[str, Step]] = (
    ("verify_signatures", verify_signatures),
    ("parse_and_validate", parse_and_validate),
    ("check_context", check_context),
    ("limit_and_deduplicate", limit_and_deduplicate),
    ("record_and_hand_off", record_and_hand_off),
)
