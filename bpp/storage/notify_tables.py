"""Tables of the notifier: the durable SMS queue (bpp/notify)."""

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from bpp.storage.metadata import metadata
from bpp.storage.types import UTCDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")
SMS_KEY_LENGTH = 200

sms_messages = Table(
    "sms_messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    # the event that asked for the SMS (e.g. "order_booked:SM-…"): unique, so a repeated event queues nothing
    Column("idempotency_key", String(SMS_KEY_LENGTH), nullable=False, unique=True),
    Column("phone", String(10), nullable=False),  # ten digits, without +91
    Column("template", String(40), nullable=False),
    Column("language", String(2), nullable=False),  # hi | en
    Column("text", Text, nullable=False),  # rendered when queued: a later template change alters no queued SMS
    Column("dlt_template_id", String(40)),  # None on the log backend without configured ids
    Column("status", String(8), nullable=False),  # queued | sent | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("last_error", Text),
    Column("gateway_ref", String(128)),  # the gateway's id of the message, for its delivery reports
    Column("created_at", UTCDateTime(), nullable=False),
    Column("sent_at", UTCDateTime()),
    Index("ix_sms_messages_due", "status", "next_attempt_at"),
    Index("ix_sms_messages_phone", "phone", "created_at"),
)
