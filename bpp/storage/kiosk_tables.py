"""Kiosks (Jan Seva Kendra counters) that book for walk-in citizens, each run by one staff account."""

from sqlalchemy import Column, ForeignKey, Index, String, Table

from bpp.storage.metadata import metadata
from bpp.storage.types import ID, Money, UTCDateTime

kiosks = Table(
    "kiosks",
    metadata,
    Column("id", String(32), primary_key=True),  # e.g. JSK-LKO-0001; its orders' channel is kiosk:<id>
    Column("name", String(128), nullable=False),
    Column("district", String(16), nullable=False),  # the city code of the district it books in, e.g. std:0522
    Column("operator_name", String(128), nullable=False),
    Column("operator_phone", String(10), nullable=False),
    Column("commission", Money),  # per completed booking; None: the setting kiosk_commission_per_booking
    Column("staff_user_id", ID, ForeignKey("staff_users.id"), nullable=False, unique=True),  # its one login
    Column("created_at", UTCDateTime(), nullable=False),
    Index("ix_kiosks_district", "district"),
)
