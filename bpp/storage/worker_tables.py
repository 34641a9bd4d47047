"""Workers, their verification audit trail and calendar, offers and durable matching jobs."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    false,
)

from bpp.storage.gateway_tables import BigId
from bpp.storage.metadata import metadata
from bpp.storage.types import ID, UTCDateTime

workers = Table(
    "workers",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(128), nullable=False),
    Column("phone", String(16), nullable=False, unique=True),
    Column("pin_hash", String(256), nullable=False),
    Column("skills", JSON, nullable=False),  # catalogue category ids
    Column("languages", JSON, nullable=False),
    Column("documents", JSON, nullable=False),  # [{kind, number, checked}]
    Column("district", String(16), nullable=False),  # city code, e.g. std:0522
    Column("home_lat", Float, nullable=False),
    Column("home_lng", Float, nullable=False),
    Column("last_lat", Float),
    Column("last_lng", Float),
    Column("last_seen_at", UTCDateTime()),
    # registered | documents_checked | police_verification_pending | verified | rejected
    Column("verification", String(32), nullable=False),
    Column("standing", String(16), nullable=False),  # active | suspended | banned
    Column("standing_reason", Text),
    Column("online", Boolean, nullable=False, default=False),
    Column("current_order_id", ID),  # the order she holds (offered or assigned); the claim's truth
    Column("rating_count", Integer, nullable=False, default=0),
    Column("rating_sum", Numeric(12, 2), nullable=False, default=0),
    Column("demo", Boolean, nullable=False, default=False),
    Column("sms_mode", Boolean, nullable=False, default=False, server_default=false()),  # offers and steps by SMS
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_workers_district", "district"),
)

worker_audit = Table(
    "worker_audit",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("worker_id", ID, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("actor", String(128), nullable=False),  # staff:<id>, worker:<id>, system
    Column("action", String(32), nullable=False),
    Column("before", String(64)),
    Column("after", String(64)),
    Column("reason", Text),
    Index("ix_worker_audit_worker", "worker_id", "at"),
)

worker_bookings = Table(
    "worker_bookings",
    metadata,
    Column("order_id", ID, primary_key=True),
    Column("worker_id", ID, nullable=False),
    Column("slot_start", UTCDateTime(), nullable=False),
    Column("slot_end", UTCDateTime(), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Index("ix_worker_bookings_worker", "worker_id", "slot_start"),
)

offers = Table(
    "offers",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("order_id", ID, nullable=False),
    Column("worker_id", ID, nullable=False),
    Column("distance_km", Float, nullable=False),
    Column("sent_at", UTCDateTime(), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
    Column("outcome", String(16), nullable=False),  # pending | accepted | declined | expired | withdrawn
    Column("decided_at", UTCDateTime()),
    Index("ix_offers_worker", "worker_id", "outcome"),
    Index("ix_offers_order", "order_id"),
)

matching_jobs = Table(
    "matching_jobs",
    metadata,
    Column("order_id", ID, primary_key=True),
    Column("status", String(16), nullable=False),  # pending | assigned | failed | closed
    Column("due_at", UTCDateTime(), nullable=False),
    Column("claimed_until", UTCDateTime()),
    Column("claimed_by", String(64)),
    Column("excluded", JSON, nullable=False),  # workers who declined or let an offer expire
    # A booking of several visits a day (a department's work order): its visits of one day go to distinct workers,
    # and those who took its visits before are asked first (bpp/workforce/matching.py)
    Column("crew", String(32)),
    Column("crew_day", String(10)),  # ISO date
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_matching_jobs_due", "status", "due_at"),
    Index("ix_matching_jobs_crew", "crew", "crew_day"),
)

matching_radii = Table(
    "matching_radii",
    metadata,
    Column("category_id", String(32), primary_key=True),
    Column("radius_km", Float, nullable=False),
)

worker_documents = Table(
    "worker_documents",
    metadata,
    Column("id", ID, primary_key=True),
    Column("worker_id", ID, nullable=False),
    Column("kind", String(32), nullable=False),  # id_proof | police_certificate (fulfillment.workers)
    Column("file_name", String(255), nullable=False),  # as uploaded, shown to staff
    Column("media_type", String(64), nullable=False),  # found from the content, not the name
    Column("size_bytes", Integer, nullable=False),
    # the file lives outside the database (settings.documents_dir), named by this checksum
    Column("sha256", String(64), nullable=False),
    Column("uploaded_at", UTCDateTime(), nullable=False),
    Column("uploaded_by", String(128), nullable=False),  # staff:<id>
    Index("ix_worker_documents_worker", "worker_id", "kind", "uploaded_at"),
)

# A job step the worker app may send more than once (it queues steps while the phone is offline): her key for it,
# the step, and the answer it got, kept a while so a repeat gets that answer and changes nothing (step_receipts.py)
worker_step_receipts = Table(
    "worker_step_receipts",
    metadata,
    Column("worker_id", ID, primary_key=True),
    Column("key", String(64), primary_key=True),  # the request's Idempotency-Key
    Column("action", String(16), nullable=False),  # travelling | arrived | start | complete
    Column("order_id", ID, nullable=False),
    Column("answer", JSON),  # null while no try of the key was accepted (a counted wrong OTP)
    Column("created_at", UTCDateTime(), nullable=False),
)
