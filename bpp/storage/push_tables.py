"""The worker app's Web Push subscriptions: one row per device (browser) a worker allowed to wake for offers."""

from sqlalchemy import Column, Index, String, Table

from bpp.storage.gateway_tables import BigId
from bpp.storage.metadata import metadata
from bpp.storage.types import ID, UTCDateTime

push_subscriptions = Table(
    "push_subscriptions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("worker_id", ID, nullable=False),
    # the push service's URL for this device; a device that signs in as another worker moves to her
    Column("endpoint", String(1024), nullable=False, unique=True),
    Column("p256dh", String(128), nullable=False),  # the device's P-256 public key (base64url), RFC 8291
    Column("auth", String(64), nullable=False),  # the device's authentication secret (base64url)
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_push_subscriptions_worker", "worker_id"),
)
