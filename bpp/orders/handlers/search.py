"""search -> on_search: answered from the in-memory catalogue snapshot and the worker coverage map.

No database access on this path, and no second validation: the intent is read from the model the gateway
pipeline already built. The buyer app's finder fee (BAP_Terms) is remembered in Redis for a day under
`sm:finder-fee:<bap_id>:<transaction_id>` so select/init/confirm can echo it.
"""

from __future__ import annotations

from typing import Any, Final

import orjson

from bpp.network.protocol import InboundRequest
from bpp.orders.deps import OrderDeps
from catalog.finder_fee import FinderFee
from catalog.wire_in import search_intent
from schemas.beckn import SearchRequest

FINDER_FEE_TTL_SECONDS: Final = 86_400


def finder_fee_key(bap_id: str, transaction_id: str) -> str:
    return f"sm:finder-fee:{bap_id}:{transaction_id}"


async def remembered_finder_fee(deps: OrderDeps, bap_id: str, transaction_id: str) -> FinderFee | None:
    """The finder fee the buyer app announced in its search of this transaction, if any."""
    raw = await deps.redis.get(finder_fee_key(bap_id, transaction_id))
    return FinderFee.from_json(orjson.loads(raw)) if raw else None


async def handle(deps: OrderDeps, request: InboundRequest[SearchRequest]) -> dict[str, Any] | None:
    """The on_search `message`, or None when nothing can be offered (then nothing is sent)."""
    intent = search_intent(request.model.message.intent)
    context = request.model.context
    answer = deps.catalog.snapshot.search(
        intent,
        domain=context.domain,
        city=context.location.city.code,
        now=deps.clock(),
        coverage=deps.fulfillment.coverage.categories_near,
    )
    if answer is not None and intent.finder_fee is not None:
        key = finder_fee_key(request.bap_id, request.transaction_id)
        await deps.redis.set(key, orjson.dumps(intent.finder_fee.as_json()), ex=FINDER_FEE_TTL_SECONDS)
    return answer
