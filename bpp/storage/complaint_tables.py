"""Complaints (IGM issues) with their action trail, and ratings with per-subject aggregates."""

from sqlalchemy import JSON, Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint

from bpp.storage.gateway_tables import BigId
from bpp.storage.metadata import metadata
from bpp.storage.types import ID, Money, UTCDateTime

complaints = Table(
    "complaints",
    metadata,
    Column("id", ID, primary_key=True),  # our id; buyer-app issues keep their own id in issue_id
    Column("issue_id", String(128), nullable=False),  # the IGM issue id (ours when staff filed it)
    Column("bap_id", String(255)),  # null when the helpline filed it for a caller
    Column("bap_uri", String(1024)),
    Column("transaction_id", String(128)),
    Column("domain", String(32), nullable=False),
    Column("city", String(16), nullable=False),  # the district that answers for it
    Column("order_id", ID, nullable=False),
    Column("channel", String(260), nullable=False),  # the order's channel (ondc:<bap_id>, helpline, ...)
    Column("worker_id", ID),
    Column("igm_category", String(32), nullable=False),
    Column("igm_sub_category", String(32)),
    Column("kind", String(16), nullable=False),  # fulfillment.complaints.Kind
    Column("status", String(16), nullable=False),  # OPEN | PROCESSING | RESOLVED | CLOSED
    Column("issue_type", String(16), nullable=False),  # ISSUE | GRIEVANCE (escalated)
    Column("complainant", JSON, nullable=False),  # {person: {name}, contact: {phone, email}}
    Column("description", JSON, nullable=False),  # {short_desc, long_desc, images}
    Column("filed_by", String(128), nullable=False),  # bap_id or staff:<id>
    Column("created_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("respond_by", UTCDateTime(), nullable=False),
    Column("resolve_by", UTCDateTime(), nullable=False),
    Column("responded_at", UTCDateTime()),
    Column("resolved_at", UTCDateTime()),
    Column("upheld", Boolean),
    Column("resolution", JSON),  # {short_desc, long_desc, action_triggered, refund_amount}
    Column("refund_amount", Money),
    Column("sanction", String(16)),  # none | suspend | ban
    Column("version", Integer, nullable=False, default=1),
    UniqueConstraint("bap_id", "issue_id", name="uq_complaints_issue"),
    Index("ix_complaints_status", "status", "resolve_by"),
    Index("ix_complaints_city", "city", "created_at"),
    Index("ix_complaints_worker", "worker_id", "kind"),
    Index("ix_complaints_order", "order_id"),
    Index("ix_complaints_channel", "channel", "created_at"),
)

complaint_actions = Table(
    "complaint_actions",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("complaint_id", ID, nullable=False),
    Column("at", UTCDateTime(), nullable=False),
    Column("side", String(16), nullable=False),  # respondent | complainant
    Column("action", String(32), nullable=False),  # PROCESSING | NEED-MORE-INFO | RESOLVED | OPEN | CLOSE | ...
    Column("short_desc", Text, nullable=False),
    Column("actor", String(128), nullable=False),  # staff:<id>, system, or the buyer app id
    Index("ix_complaint_actions_complaint", "complaint_id", "at"),
)

ratings = Table(
    "ratings",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("order_id", ID, nullable=False),
    Column("subject", String(16), nullable=False),  # worker | provider
    Column("subject_id", ID, nullable=False),
    Column("rating_category", String(32), nullable=False),  # as sent: Fulfillment | Agent | Provider
    Column("value", Integer, nullable=False),  # 1..5
    Column("bap_id", String(255), nullable=False),
    Column("rated_at", UTCDateTime(), nullable=False),
    UniqueConstraint("order_id", "subject", "subject_id", name="uq_ratings_order_subject"),
    Index("ix_ratings_subject", "subject", "subject_id"),
)

rating_aggregates = Table(
    "rating_aggregates",
    metadata,
    Column("subject", String(16), primary_key=True),
    Column("subject_id", ID, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
)
