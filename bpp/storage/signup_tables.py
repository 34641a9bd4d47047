"""Worker sign-up (bpp/signup): the applications people send themselves and the OTPs that prove their phones."""

from sqlalchemy import JSON, Column, Date, Float, Index, Integer, String, Table, Text

from bpp.storage.metadata import metadata
from bpp.storage.types import ID, UTCDateTime

worker_applications = Table(
    "worker_applications",
    metadata,
    # W-…: the id of the worker she becomes, so her documents and audit trail (worker_documents, worker_audit,
    # keyed by it from her first upload) are her worker record's from the start
    Column("id", ID, primary_key=True),
    Column("phone", String(16), nullable=False, unique=True),  # ten digits, proven by an OTP
    Column("status", String(16), nullable=False),  # draft | submitted | approved | rejected (fulfillment.signup)
    Column("name", String(128), nullable=False),
    Column("trades", JSON, nullable=False),  # catalogue category ids
    Column("qualification", String(16), nullable=False),  # iti | diploma | degree | experience
    Column("pincode", String(6), nullable=False),
    Column("place_district", String(64), nullable=False),  # India Post's name of the pincode's district
    Column("district", String(16), nullable=False),  # the Seva Mitra unit's city code, e.g. std:0522
    Column("home_lat", Float, nullable=False),
    Column("home_lng", Float, nullable=False),
    Column("pin_hash", String(256), nullable=False),  # the worker app PIN, argon2 like every worker's
    Column("language", String(2), nullable=False),  # hi | en: her SMS and her page
    Column("reason", Text),  # why staff turned it down (or the adverse police report): she reads it
    Column("police_reference", String(64)),
    Column("police_requested_on", Date),
    Column("police_result", String(16)),  # cleared | adverse
    Column("police_result_reference", String(64)),
    Column("police_result_on", Date),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("submitted_at", UTCDateTime()),
    Column("updated_at", UTCDateTime(), nullable=False),
    Index("ix_worker_applications_queue", "district", "status", "submitted_at"),
)

signup_otps = Table(
    "signup_otps",
    metadata,
    Column("phone", String(16), primary_key=True),
    Column("code_hash", String(256)),  # argon2 of the code; None once used or spent by wrong tries
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("wrong_tries", Integer, nullable=False),
    Column("locked_until", UTCDateTime()),
)
