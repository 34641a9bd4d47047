"""Engagements: long-term bookings of scheduled visits by one steady worker, what happened to them, and their visits.

An engagement's timeline (the schedule from a day on, pauses, the last day) is stored as JSON beside the columns
queries filter on; its visits are rows of their own, stored ahead for the days to come, so a worker's calendar is
one indexed range read of `engagement_visits` (and of `orders` for her one-off jobs).
"""

from sqlalchemy import JSON, Boolean, Column, Date, Index, Integer, String, Table

from bpp.storage.gateway_tables import BigId
from bpp.storage.metadata import metadata
from bpp.storage.types import ID, Money, UTCDateTime

engagements = Table(
    "engagements",
    metadata,
    Column("id", ID, primary_key=True),
    Column("channel", String(260), nullable=False),  # as orders.channel: ondc:<bap_id>, helpline, kiosk:<id>, …
    Column("bap_id", String(255)),  # the buyer app of an ONDC engagement; null for the assisted channels
    Column("bap_uri", String(1024)),
    Column("domain", String(32), nullable=False),
    Column("city", String(16), nullable=False),
    Column("provider_id", ID, nullable=False),
    Column("item_id", ID, nullable=False),
    Column("item_version", Integer, nullable=False),
    Column("category_id", String(32), nullable=False),
    Column("title", String(200), nullable=False),  # the item's name: the visits line of every bill
    Column("terms", JSON, nullable=False),  # the item's engagement terms as booked (catalog.codec) and visit minutes
    Column("rate", Money, nullable=False),  # one visit's pre-tax price, locked for the term
    Column("tax_percent", Money, nullable=False),  # a percentage with two places, like money
    Column("start_day", Date, nullable=False),  # Indian dates
    Column("months", Integer, nullable=False),
    Column("last_day", Date, nullable=False),  # the term's, or the notice's once given
    Column("place_gps", String(64), nullable=False),
    Column("customer", JSON, nullable=False),  # name, phone, email
    Column("end_location", JSON, nullable=False),  # gps, address, area_code
    Column("billing", JSON, nullable=False),
    Column("state", String(16), nullable=False),  # requested|active|paused|ending|ended
    Column("worker_id", ID),  # the steady worker
    Column("schedules", JSON, nullable=False),  # [{first, days, time, minutes}], ordered by first
    Column("pauses", JSON, nullable=False),  # [{first, resume}], resume null while open
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("version", Integer, nullable=False),  # optimistic lock: bumped on every change
    Index("ix_engagements_worker", "worker_id", "state"),
    Index("ix_engagements_state", "state", "last_day"),
    Index("ix_engagements_channel", "channel", "created_at"),
)

engagement_events = Table(
    "engagement_events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("engagement_id", ID, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("actor", String(128), nullable=False),  # buyer-app id or channel, worker:<id>, staff:<id>, system
    Column("detail", JSON, nullable=False),
    Index("ix_engagement_events_engagement", "engagement_id", "at"),
)

engagement_visits = Table(
    "engagement_visits",
    metadata,
    Column("engagement_id", ID, primary_key=True),
    Column("day", Date, primary_key=True),  # the Indian date the visit starts on: one visit a day
    Column("start_at", UTCDateTime(), nullable=False),
    Column("end_at", UTCDateTime(), nullable=False),
    Column("worker_id", ID),  # the steady worker, or a substitute for this visit only
    Column("substitute", Boolean, nullable=False),
    Column("state", String(16), nullable=False),  # planned|done|missed|called-off
    Column("completed_at", UTCDateTime()),
    Column("started_at", UTCDateTime()),  # the customer's OTP started it
    Column("otp_hash", String(256)),  # the OTP issued and not used yet
    Column("otp_issued_at", UTCDateTime()),
    Column("otp_wrong_tries", Integer, nullable=False, server_default="0"),
    Index("ix_engagement_visits_worker", "worker_id", "start_at"),
)

engagement_orders = Table(
    "engagement_orders",
    metadata,
    # the ONDC order an engagement was booked as: status and update find the engagement by the transaction
    Column("engagement_id", ID, primary_key=True),
    Column("bap_id", String(255), nullable=False),
    Column("transaction_id", String(255), nullable=False),
    Column("buyer_order_id", String(255), nullable=False),  # the buyer app's order.id, echoed in every callback
    Column("buyer_created_at", String(64), nullable=False),  # as sent in confirm (RFC 3339)
    Column("payment", JSON, nullable=False),  # the first month's payment as agreed in confirm
    Index("ux_engagement_orders_transaction", "bap_id", "transaction_id", unique=True),
    Index("ux_engagement_orders_buyer_order", "bap_id", "buyer_order_id", unique=True),
)
