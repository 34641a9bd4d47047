"""Staff accounts (workers log in through the workers table)."""

from sqlalchemy import Column, String, Table

from bpp.storage.metadata import metadata
from bpp.storage.types import ID, UTCDateTime

staff_users = Table(
    "staff_users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(128), nullable=False),
    Column("password_hash", String(256), nullable=False),
    Column("role", String(32), nullable=False),  # admin | district_officer | helpline_operator
    Column("district", String(16)),  # a district officer's city code, e.g. std:0522
    Column("created_at", UTCDateTime(), nullable=False),
)
