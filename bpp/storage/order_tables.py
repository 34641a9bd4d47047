"""Orders: what a buyer app confirmed, at the price it was quoted, and everything that happened to it."""

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text, UniqueConstraint

from bpp.storage.gateway_tables import BigId
from bpp.storage.metadata import metadata
from bpp.storage.types import ID, Money, UTCDateTime

orders = Table(
    "orders",
    metadata,
    Column("id", ID, primary_key=True),
    Column("bap_id", String(255), nullable=False),
    Column("bap_uri", String(1024), nullable=False),
    Column("transaction_id", String(128), nullable=False),
    Column("domain", String(32), nullable=False),
    Column("city", String(16), nullable=False),
    Column("provider_id", ID, nullable=False),
    Column("item_id", ID, nullable=False),
    Column("item_version", Integer, nullable=False),
    Column("category_id", String(32), nullable=False),
    Column("quote", JSON, nullable=False),  # the locked quote exactly as sent in on_init/on_confirm
    Column("total", Money, nullable=False),
    Column("currency", String(3), nullable=False, default="INR"),
    Column("slot_start", UTCDateTime()),
    Column("slot_end", UTCDateTime()),
    Column("customer", JSON, nullable=False),  # name, phone, email
    Column("end_location", JSON, nullable=False),  # gps, address, area_code
    Column("billing", JSON, nullable=False),
    Column("payment", JSON, nullable=False),  # type, collected_by, status, params, tags
    Column("status", String(16), nullable=False),  # Created|Accepted|In-progress|Completed|Cancelled
    Column("fulfillment_state", String(16), nullable=False),  # Pending|In-Transit|At-Location|...
    Column("worker_id", ID),
    Column("worker_assigned_gps", String(64)),
    Column("otp_hash", String(256)),
    Column("otp_attempts", Integer, nullable=False, default=0),
    Column("cancellation", JSON),  # who, reason_id, fee, at
    Column("terms", JSON),  # cancellation_terms and reschedule_terms exactly as confirmed
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False, default=1),  # optimistic lock: bump on every change
    UniqueConstraint("bap_id", "transaction_id", name="uq_orders_transaction"),
    Index("ix_orders_status", "status"),
    Index("ix_orders_worker", "worker_id"),
    Index("ix_orders_city", "city", "created_at"),
)

order_events = Table(
    "order_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("order_id", ID, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(128), nullable=False),  # buyer-app id, worker:<id>, staff:<id>, system
    Column("detail", JSON, nullable=False),
    Column("note", Text),
    Index("ix_order_events_order", "order_id", "at"),
)
