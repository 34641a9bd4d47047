"""Inbound SMS of workers in SMS mode (bpp/worker_sms): one row per gateway message id, so a message the gateway
delivers again is taken once."""

from sqlalchemy import Column, String, Table

from bpp.storage.metadata import metadata
from bpp.storage.types import ID, UTCDateTime

INBOUND_ID_LENGTH = 128

worker_sms_inbound = Table(
    "worker_sms_inbound",
    metadata,
    Column("message_id", String(INBOUND_ID_LENGTH), primary_key=True),  # the gateway's id of the message
    Column("phone", String(10), nullable=False),  # ten digits, as normalise_phone reads the sender
    Column("worker_id", ID),  # None: the number is no worker's
    Column("outcome", String(24), nullable=False),  # the answer template sent, or unknown_sender
    Column("received_at", UTCDateTime(), nullable=False),
)
