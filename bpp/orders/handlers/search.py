"""search -> on_search: answered from the in-memory catalogue snapshot and the worker coverage map.

No database access on this path.  The buyer app's finder fee (BAP_Terms) is remembered in Redis
for a day under `sm:finder-fee:<bap_id>:<transaction_id>` so select/init/confirm can echo it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Final

import orjson

from catalog.finder_fee import FinderFee
from catalog.search_intent import parse_intent

if TYPE_CHECKING:
    from bpp.network.protocol import InboundRequest
    from bpp.wiring.services import Services

log = logging.getLogger(__name__)
FINDER_FEE_TTL_SECONDS: Final = 86_400


def finder_fee_key(bap_id: str, transaction_id: str) -> str:
    return f"sm:finder-fee:{bap_id}:{transaction_id}"


async def remembered_finder_fee(services: Services, bap_id: str, transaction_id: str) -> FinderFee | None:
    """The finder fee the buyer app announced in its search of this transaction, if any."""
    raw = await services.redis.get(finder_fee_key(bap_id, transaction_id))
    return FinderFee.from_json(orjson.loads(raw)) if raw else None


async def handle(services: Services, request: InboundRequest) -> dict[str, Any] | None:
    """The on_search `message`, or None when nothing can be offered (then nothing is sent)."""
    try:
        intent = parse_intent(request.message.get("intent") or {})
    except ValueError as exc:
        log.info("search %s: unreadable intent (%s); not answering", request.message_id, exc)
        return None
    context = request.context
    answer = services.catalog.snapshot.search(
        intent,
        domain=str(context.get("domain")),
        city=str(((context.get("location") or {}).get("city") or {}).get("code")),
        now=services.clock(),
        coverage=services.fulfillment.coverage.categories_near,
    )
    if answer is not None and intent.finder_fee is not None:
        key = finder_fee_key(request.bap_id, request.transaction_id)
        await services.redis.set(key, orjson.dumps(intent.finder_fee.as_json()), ex=FINDER_FEE_TTL_SECONDS)
    return answer
