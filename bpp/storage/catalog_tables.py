"""The catalogue: district providers, fixed-fee items, their audit trail, and quote drafts.

Items and providers are stored as their JSON form (`catalog.codec`) plus the columns queries
filter on; the JSON is what the domain reads back, so one codec serves storage, audit and API.
"""

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table

from bpp.storage.gateway_tables import BigId
from bpp.storage.metadata import metadata
from bpp.storage.types import ID, Money, UTCDateTime

catalog_providers = Table(
    "catalog_providers",
    metadata,
    Column("id", ID, primary_key=True),
    Column("city", String(16), nullable=False, unique=True),
    Column("data", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)

catalog_items = Table(
    "catalog_items",
    metadata,
    Column("id", ID, primary_key=True),
    Column("provider_id", ID, nullable=False),
    Column("category_id", String(32), nullable=False),
    Column("fee", Money, nullable=False),
    Column("published", Boolean, nullable=False),
    Column("data", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_catalog_items_provider", "provider_id"),
)

catalog_audit = Table(
    "catalog_audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("entity", String(16), nullable=False),  # provider | item
    Column("entity_id", ID, nullable=False),
    Column("action", String(16), nullable=False),  # create | update | publish | unpublish | import
    Column("version", Integer, nullable=False),
    Column("actor", String(128), nullable=False),  # staff:<id> or system
    Column("at", UTCDateTime(), nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index("ix_catalog_audit_entity", "entity", "entity_id", "at"),
)

order_drafts = Table(
    "order_drafts",
    metadata,
    Column("bap_id", String(255), primary_key=True),
    Column("transaction_id", String(128), primary_key=True),
    Column("provider_id", ID, nullable=False),
    Column("item_id", ID, nullable=False),
    Column("item_version", Integer, nullable=False),
    Column("quote", JSON, nullable=False),
    Column("slot_start", UTCDateTime()),
    Column("slot_end", UTCDateTime()),
    Column("finder_fee", JSON),
    Column("init", JSON),  # what on_init agreed: billing, end location, customer, payment
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)
