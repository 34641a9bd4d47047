"""The catalogue at run time: the in-memory snapshot search answers from, and every staff change.

Every change is one transaction (entity + audit row), then the shared version `sm:catalog:version` is
bumped (bpp/platform/shared_version.py), so every process reloads its snapshot.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, TypeVar

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.catalogue.images import category_image_url
from bpp.catalogue.repo import CatalogRepo, Draft
from bpp.platform.settings import Settings
from bpp.platform.shared_version import SharedVersion
from bpp.storage.db import Database
from catalog.codec import item_to_json, provider_to_json
from catalog.formats import price_value
from catalog.model import Provider, ServiceItem
from catalog.ordering import OrderRequest
from catalog.payment_terms import SettlementAccount
from catalog.quote import quote_for
from catalog.snapshot import CatalogSnapshot
from schemas.errors import (
    BUSINESS_ERROR,
    CHANGE_IN_QUOTE,
    ITEM_NOT_FOUND,
    ORDER_VALIDATION_FAILURE,
    PROVIDER_NOT_FOUND,
    QUOTE_UNAVAILABLE,
)
from schemas.refusal import NOT_FOUND, Refusal


def settlement_account(settings: Settings) -> SettlementAccount:
    """Where buyer apps that collect the money (PRE-FULFILLMENT) settle it."""
    return SettlementAccount(
        settings.settlement_beneficiary_name,
        settings.settlement_upi_address,
        settings.settlement_bank_account_number,
        settings.settlement_ifsc_code,
    )


class QuoteChanged(Refusal):
    """The item's price changed since select: error 40008 carrying the new quote (the draft is updated)."""

    def __init__(self, quote: dict[str, Any]) -> None:
        super().__init__(
            CHANGE_IN_QUOTE.code,
            "The price of this service changed since select; review the new quote and init/confirm again",
            field="message.order.quote",
        )
        self.quote = quote


class CatalogService:
    """Owns the snapshot and performs audited catalogue changes."""

    def __init__(self, db: Database, redis: Redis, clock: Callable[[], datetime], settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings  # for the public URLs of category images
        self.snapshot = CatalogSnapshot((), ())
        self._version = SharedVersion(redis, "catalog", self._load)

    async def start(self) -> None:
        await self._version.start()

    async def stop(self) -> None:
        await self._version.stop()

    # --- snapshot -------------------------------------------------------------------------
    async def reload(self) -> None:
        """Rebuild the snapshot from the database (published items only)."""
        await self._version.reload()

    async def _load(self, version: int) -> None:
        async with self._db.connect() as conn:
            repo = CatalogRepo(conn)
            providers = await repo.providers()
            items = await repo.items(published_only=True)
        self.snapshot = CatalogSnapshot(
            providers, items, version=version, category_image=partial(category_image_url, self._settings)
        )

    async def changed(self) -> None:
        """Tell every process (this one first) that the catalogue changed."""
        await self._version.bump()

    # --- ordering -------------------------------------------------------------------------
    @staticmethod
    async def orderable(
        conn: AsyncConnection, provider_id: str, item_id: str, *, engagement: bool = False
    ) -> tuple[Provider, ServiceItem]:
        """The provider and the current published item, read from the database (not the snapshot): a one-off item,
        or with `engagement` an engagement item (each is booked its own way, docs/engagements.md)."""
        repo = CatalogRepo(conn)
        provider = await repo.provider(provider_id)
        if provider is None:
            raise Refusal(
                PROVIDER_NOT_FOUND.code,
                f"Provider {provider_id} not found; search again for current providers",
                field="message.order.provider.id",
            )
        item = await repo.item(item_id)
        if (item is None or not item.published or (item.engagement is not None) != engagement
                or item.provider_id != provider.id):
            raise Refusal(
                ITEM_NOT_FOUND.code,
                f"Item {item_id} not found or no longer offered; search again for current items",
                field="message.order.items[0].id",
            )
        return provider, item

    async def agreed_draft(
        self, conn: AsyncConnection, bap_id: str, transaction_id: str, order: OrderRequest,
        *, engagement_quote: Callable[[ServiceItem], dict[str, Any]] | None = None,
    ) -> tuple[Provider, ServiceItem, Draft]:
        """The select draft, checked against the request and the current catalogue.

        A request for another item or slot, or a different price, is refused (31002); a catalogue
        price change since select raises QuoteChanged with the new quote, which becomes the draft,
        so the buyer app can accept it by sending init/confirm again.  A change that leaves the
        quote as it was (a new description, say) only moves the draft to the new item version.
        An engagement's draft passes `engagement_quote`, which prices the first month of what was asked.
        """
        repo = CatalogRepo(conn)
        draft = await repo.draft(bap_id, transaction_id)
        if draft is None:
            raise Refusal(QUOTE_UNAVAILABLE.code, "No quote for this transaction; send select first")
        if (order.provider_id, order.item_id) != (draft.provider_id, draft.item_id):
            raise Refusal(
                ORDER_VALIDATION_FAILURE.code,
                f"Item {order.item_id} is not the one quoted ({draft.item_id}); send select again to change it",
                field="message.order.items[0].id",
            )
        if order.slot is not None and order.slot != (draft.slot_start, draft.slot_end):
            raise Refusal(
                ORDER_VALIDATION_FAILURE.code,
                "The time differs from the quoted one; send select again with the new time",
                field="message.order.fulfillments[0].stops[0].time.range",
            )
        provider, item = await self.orderable(conn, order.provider_id, order.item_id,
                                              engagement=engagement_quote is not None)
        if item.version != draft.item_version:
            quote = engagement_quote(item) if engagement_quote is not None else quote_for(item).to_beckn()
            price_changed = _amounts(quote) != _amounts(draft.quote)
            draft = replace(draft, item_version=item.version, quote=quote)
            await repo.save_draft(draft, self._clock())
            if price_changed:
                raise QuoteChanged(quote)
        sent_total = order.quoted_total
        if sent_total is not None and not _same_amount(str(sent_total), draft.quote["price"]["value"]):
            raise Refusal(
                ORDER_VALIDATION_FAILURE.code,
                f"Quoted total is {draft.quote['price']['value']}, not {sent_total}; use the quote from on_init",
                field="message.order.quote.price.value",
            )
        return provider, item, draft

    # --- audited changes ------------------------------------------------------------------
    async def save_provider(self, provider: Provider, *, actor: str) -> Provider:
        """Create or replace a provider (version bumped on replace)."""
        now = self._clock()
        async with self._db.begin() as conn:
            repo = CatalogRepo(conn)
            before = await repo.provider(provider.id)
            saved = await _save_versioned(
                repo, "provider", provider, before, repo.add_provider, repo.replace_provider, provider_to_json,
                actor=actor, action=None, now=now,
            )
        await self.changed()
        return saved

    async def save_item(self, item: ServiceItem, *, actor: str, action: str | None = None) -> ServiceItem:
        """Create `item` or replace the stored one with it (version = stored + 1)."""
        saved = await self._save_items([item], actor=actor, action=action)
        await self.changed()
        return saved[0]

    async def set_published(self, item_id: str, published: bool, *, actor: str) -> ServiceItem:
        async with self._db.connect() as conn:
            current = await CatalogRepo(conn).item(item_id)
        if current is None:
            raise _no_item(item_id)
        return await self.save_item(
            replace(current, published=published), actor=actor, action="publish" if published else "unpublish"
        )

    async def import_items(self, items: Iterable[ServiceItem], *, actor: str) -> list[ServiceItem]:
        """Save several items in one transaction (CSV import), audited as `import`."""
        saved = await self._save_items(list(items), actor=actor, action="import")
        if saved:
            await self.changed()
        return saved

    async def _save_items(self, items: list[ServiceItem], *, actor: str, action: str | None) -> list[ServiceItem]:
        now = self._clock()
        saved: list[ServiceItem] = []
        async with self._db.begin() as conn:
            repo = CatalogRepo(conn)
            for item in items:
                if await repo.provider(item.provider_id) is None:
                    raise _unknown_provider(item.provider_id)
                before = await repo.item(item.id)
                saved.append(await _save_versioned(
                    repo, "item", item, before, repo.add_item, repo.replace_item, item_to_json,
                    actor=actor, action=action, now=now,
                ))
        return saved


Versioned = TypeVar("Versioned", Provider, ServiceItem)


async def _save_versioned(
    repo: CatalogRepo,
    entity: str,
    new: Versioned,
    before: Versioned | None,
    add: Callable[[Versioned, datetime], Awaitable[None]],
    replace_stored: Callable[[Versioned, Versioned, datetime], Awaitable[None]],
    to_json: Callable[[Versioned], dict[str, Any]],
    *,
    actor: str,
    action: str | None,
    now: datetime,
) -> Versioned:
    """Store `new` as version 1, or as the stored version + 1, and audit who changed what from what."""
    after = replace(new, version=1 if before is None else before.version + 1)
    if before is None:
        await add(after, now)
    else:
        await replace_stored(before, after, now)
    await repo.audit(
        entity=entity,
        entity_id=after.id,
        action=action or ("create" if before is None else "update"),
        version=after.version,
        actor=actor,
        at=now,
        before=to_json(before) if before else None,
        after=to_json(after),
    )
    return after


def _amounts(quote: dict[str, Any]) -> list[Decimal]:
    """The total and every breakup amount of a Beckn quote (titles may change, amounts may not)."""
    lines = [quote["price"], *(line["price"] for line in quote["breakup"])]
    return [price_value(price) for price in lines]


def _same_amount(left: str, right: str) -> bool:
    try:
        return Decimal(left) == Decimal(right)
    except InvalidOperation:
        return False


def _no_item(item_id: str) -> Refusal:
    return Refusal(
        NOT_FOUND,
        f"No item {item_id}; check the id in the catalogue list.",
        "id",
        f"{item_id} नाम की कोई सेवा नहीं है; सूची में id जाँचें।",
    )


def _unknown_provider(provider_id: str) -> Refusal:
    return Refusal(
        BUSINESS_ERROR.code,
        f"No provider {provider_id}; create the district provider first.",
        "provider_id",
        f"{provider_id} नाम का कोई प्रदाता नहीं है; पहले ज़िला प्रदाता बनाएँ।",
    )
