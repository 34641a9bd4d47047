"""Tables of the network gateway: the transaction log (also the inbox) and the callback outbox."""

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bpp.storage.metadata import metadata
from bpp.storage.types import UTCDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")

messages = Table(
    "messages",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("direction", String(3), nullable=False),  # in | out
    Column("action", String(32), nullable=False),
    Column("bap_id", String(255), nullable=False),
    Column("transaction_id", String(128), nullable=False),
    Column("message_id", String(128), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("headers", JSON, nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("ack_status", String(4), nullable=False),  # ACK | NACK
    Column("error_code", String(16)),
    Column("error_message", Text),
    Column("duration_ms", Float),
    # inbox: an ACKed inbound message is processed exactly once, even across a crash
    Column("processed_at", UTCDateTime()),
    Column("claimed_until", UTCDateTime()),
    Column("process_error", Text),
    Index("ix_messages_transaction", "transaction_id", "received_at"),
    Index("ix_messages_unprocessed", "direction", "processed_at"),
)

inbound_keys = Table(
    "inbound_keys",
    metadata,
    Column("bap_id", String(255), primary_key=True),
    Column("action", String(32), primary_key=True),
    Column("message_id", String(128), primary_key=True),
    Column("received_at", UTCDateTime(), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("action", String(32), nullable=False),
    Column("bap_id", String(255), nullable=False),
    Column("target_url", String(1024), nullable=False),
    Column("transaction_id", String(128), nullable=False),
    Column("message_id", String(128), nullable=False),
    Column("payload", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("deadline", UTCDateTime(), nullable=False),
    Column("next_attempt_at", UTCDateTime(), nullable=False),
    Column("claimed_until", UTCDateTime()),
    Column("attempts", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False, default="pending"),  # pending|delivered|expired
    Column("last_error", Text),
    Column("delivered_at", UTCDateTime()),
    UniqueConstraint("bap_id", "action", "message_id", name="uq_outbox_callback"),
    Index("ix_outbox_due", "status", "next_attempt_at"),
    Index("ix_outbox_transaction", "transaction_id"),
)

delivery_attempts = Table(
    "delivery_attempts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("outbox_id", BigId, nullable=True),
    Column("action", String(32), nullable=False),
    Column("transaction_id", String(128), nullable=False),
    Column("message_id", String(128), nullable=False),
    Column("target_url", String(1024), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("started_at", UTCDateTime(), nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("request_headers", JSON, nullable=False),
    Column("http_status", Integer),
    Column("response_body", LargeBinary),
    Column("outcome", String(16), nullable=False),  # ACK | NACK | http_error | network_error
    Column("error", Text),
    Index("ix_delivery_attempts_transaction", "transaction_id", "started_at"),
)
