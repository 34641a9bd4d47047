"""Service-provider agencies (bpp/agencies): the firms' applications, which become agencies once approved, and the
workers each agency added."""

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text

from bpp.storage.metadata import metadata
from bpp.storage.types import ID, UTCDateTime

agencies = Table(
    "agencies",
    metadata,
    Column("id", ID, primary_key=True),  # AG-…
    Column("phone", String(16), nullable=False, unique=True),  # the contact person's, proven by an OTP
    Column("status", String(16), nullable=False),  # submitted | approved | rejected (fulfillment.signup)
    Column("name", String(128), nullable=False),
    Column("registration_number", String(64), nullable=False),
    Column("gstin", String(15), nullable=False, unique=True),
    Column("pan", String(10), nullable=False),
    Column("address", Text, nullable=False),
    Column("district", String(16), nullable=False),  # the Seva Mitra unit's city code, e.g. std:0522
    Column("contact_name", String(128), nullable=False),
    Column("password_hash", String(256), nullable=False),  # becomes its staff login's once approved
    Column("language", String(2), nullable=False),  # hi | en
    Column("reason", Text),  # why staff turned it down: the applicant reads it
    Column("staff_user_id", ID, ForeignKey("staff_users.id"), unique=True),  # its login (role agency), once approved
    Column("created_at", UTCDateTime(), nullable=False),
    Column("submitted_at", UTCDateTime(), nullable=False),
    Column("decided_at", UTCDateTime()),
    Column("decided_by", String(128)),
    Index("ix_agencies_queue", "district", "status", "submitted_at"),
)

agency_workers = Table(
    "agency_workers",
    metadata,
    # the worker application's id, which is the id of the worker she becomes (bpp/signup)
    Column("worker_id", ID, ForeignKey("worker_applications.id"), primary_key=True),
    Column("agency_id", ID, ForeignKey("agencies.id"), nullable=False),
    Column("added_at", UTCDateTime(), nullable=False),
    Index("ix_agency_workers_agency", "agency_id"),
)
