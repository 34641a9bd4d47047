"""SQL repository of the catalogue: providers, items, their audit trail, and quote drafts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bpp.storage.catalog_tables import catalog_audit, catalog_items, catalog_providers, order_drafts
from catalog.codec import item_from_json, item_to_json, provider_from_json, provider_to_json
from catalog.model import Provider, ServiceItem
from schemas.refusal import Refusal


class StaleVersion(Refusal):
    """Someone else changed the entity since it was read: staff reload it and apply their change again."""

    def __init__(self, entity_id: str) -> None:
        super().__init__(
            "changed_meanwhile",
            "Someone changed this entry just now; reload it and apply your change again.",
            message_hi="अभी किसी और ने इसे बदला है; दोबारा खोलें और बदलाव फिर करें।",
        )
        self.entity_id = entity_id


@dataclass(frozen=True, slots=True)
class Draft:
    """What on_select quoted (and on_init agreed) for one (bap_id, transaction_id)."""

    bap_id: str
    transaction_id: str
    provider_id: str
    item_id: str
    item_version: int
    quote: dict[str, Any]
    slot_start: datetime | None
    slot_end: datetime | None
    finder_fee: dict[str, Any] | None
    init: dict[str, Any] | None


class CatalogRepo:
    """Reads and writes inside the caller's connection/transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    # --- providers ------------------------------------------------------------------------
    async def providers(self) -> list[Provider]:
        rows = await self.conn.execute(select(catalog_providers.c.data).order_by(catalog_providers.c.id))
        return [provider_from_json(row.data) for row in rows]

    async def provider(self, provider_id: str) -> Provider | None:
        row = (
            await self.conn.execute(
                select(catalog_providers.c.data).where(catalog_providers.c.id == provider_id)
            )
        ).first()
        return provider_from_json(row.data) if row else None

    async def add_provider(self, provider: Provider, at: datetime) -> None:
        await self.conn.execute(
            insert(catalog_providers).values(
                id=provider.id,
                city=provider.city,
                data=provider_to_json(provider),
                version=provider.version,
                updated_at=at,
            )
        )

    async def replace_provider(self, before: Provider, after: Provider, at: datetime) -> None:
        result = await self.conn.execute(
            update(catalog_providers)
            .where(catalog_providers.c.id == before.id, catalog_providers.c.version == before.version)
            .values(city=after.city, data=provider_to_json(after), version=after.version, updated_at=at)
        )
        if result.rowcount != 1:
            raise StaleVersion(before.id)

    # --- items ----------------------------------------------------------------------------
    async def items(
        self, provider_id: str | None = None, *, published_only: bool = False
    ) -> list[ServiceItem]:
        query = select(catalog_items.c.data).order_by(catalog_items.c.id)
        if provider_id is not None:
            query = query.where(catalog_items.c.provider_id == provider_id)
        if published_only:
            query = query.where(catalog_items.c.published.is_(True))
        return [item_from_json(row.data) for row in await self.conn.execute(query)]

    async def item(self, item_id: str) -> ServiceItem | None:
        row = (
            await self.conn.execute(select(catalog_items.c.data).where(catalog_items.c.id == item_id))
        ).first()
        return item_from_json(row.data) if row else None

    async def add_item(self, item: ServiceItem, at: datetime) -> None:
        await self.conn.execute(
            insert(catalog_items).values(**self._item_columns(item), id=item.id, updated_at=at)
        )

    async def replace_item(self, before: ServiceItem, after: ServiceItem, at: datetime) -> None:
        result = await self.conn.execute(
            update(catalog_items)
            .where(catalog_items.c.id == before.id, catalog_items.c.version == before.version)
            .values(**self._item_columns(after), updated_at=at)
        )
        if result.rowcount != 1:
            raise StaleVersion(before.id)

    @staticmethod
    def _item_columns(item: ServiceItem) -> dict[str, Any]:
        return {
            "provider_id": item.provider_id,
            "category_id": item.category_id,
            "fee": item.fee,
            "published": item.published,
            "data": item_to_json(item),
            "version": item.version,
        }

    # --- audit ----------------------------------------------------------------------------
    async def audit(
        self,
        *,
        entity: str,
        entity_id: str,
        action: str,
        version: int,
        actor: str,
        at: datetime,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
    ) -> None:
        await self.conn.execute(
            insert(catalog_audit).values(
                entity=entity,
                entity_id=entity_id,
                action=action,
                version=version,
                actor=actor,
                at=at,
                before=dict(before) if before is not None else None,
                after=dict(after) if after is not None else None,
            )
        )

    async def audit_trail(self, entity: str, entity_id: str) -> list[dict[str, Any]]:
        rows = await self.conn.execute(
            select(catalog_audit)
            .where(catalog_audit.c.entity == entity, catalog_audit.c.entity_id == entity_id)
            .order_by(catalog_audit.c.id)
        )
        return [dict(row._mapping) for row in rows]

    # --- drafts ---------------------------------------------------------------------------
    async def draft(self, bap_id: str, transaction_id: str) -> Draft | None:
        row = (
            await self.conn.execute(
                select(order_drafts).where(
                    order_drafts.c.bap_id == bap_id, order_drafts.c.transaction_id == transaction_id
                )
            )
        ).first()
        if row is None:
            return None
        data = row._mapping
        return Draft(**{name: data[name] for name in Draft.__dataclass_fields__})

    async def save_draft(self, draft: Draft, at: datetime) -> None:
        """Insert or replace the draft of (bap_id, transaction_id)."""
        values = {name: getattr(draft, name) for name in Draft.__dataclass_fields__}
        key = (order_drafts.c.bap_id == draft.bap_id, order_drafts.c.transaction_id == draft.transaction_id)
        result = await self.conn.execute(update(order_drafts).where(*key).values(**values, updated_at=at))
        if result.rowcount == 0:
            await self.conn.execute(insert(order_drafts).values(**values, created_at=at, updated_at=at))
