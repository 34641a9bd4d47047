"""The engagements' side of the ledger: a worker's earnings per engagement, read from her visits' credits.

The entries are built in `fulfillment/engagement_money.py` and posted through `LedgerRepo` like every other; the sums
are read from the postings whenever asked, so they always agree with `ledger check`.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.money.repo import paise_sum, rupees
from bpp.storage.ledger_tables import journal_entries, ledger_postings
from fulfillment.engagement_money import VISIT_KIND, engagement_of_key
from fulfillment.ledger import wallet


async def engagement_earnings(conn: AsyncConnection, worker_id: str) -> list[tuple[str, int, Decimal]]:
    """(engagement id, visits credited, amount credited to her wallet) for each engagement she did visits of, by id."""
    query = (
        select(journal_entries.c.event_key, paise_sum(ledger_postings.c.amount).label("paise"))
        .join(ledger_postings, ledger_postings.c.entry_id == journal_entries.c.id)
        .where(journal_entries.c.kind == VISIT_KIND, journal_entries.c.worker_id == worker_id,
               ledger_postings.c.account_code == wallet(worker_id).code)
        .group_by(journal_entries.c.event_key)
    )
    visits: dict[str, int] = {}
    paise: dict[str, int] = {}
    for row in await conn.execute(query):
        engagement_id = engagement_of_key(row.event_key)
        visits[engagement_id] = visits.get(engagement_id, 0) + 1
        paise[engagement_id] = paise.get(engagement_id, 0) - int(row.paise)  # a credit to her wallet
    return [(engagement_id, visits[engagement_id], rupees(paise[engagement_id])) for engagement_id in sorted(visits)]


async def billed_visits(conn: AsyncConnection, event_key: str) -> int | None:
    """How many visits the bill posted under `event_key` charged (None: not billed), so a refund gives back what was
    billed even if the month's plan changed since (a pause)."""
    detail = (await conn.execute(
        select(journal_entries.c.detail).where(journal_entries.c.event_key == event_key))).scalar_one_or_none()
    return None if detail is None else int(detail["visits"])
