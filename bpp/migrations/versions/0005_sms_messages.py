"""the durable SMS queue of the notifier

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 10:00:00.000000

SMS to citizens (booking, worker and OTP, cancellation, reschedule, complaint) are queued in the transaction
of the event they report and sent by a background sender with retries (bpp/notify).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sms_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("dlt_template_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("gateway_ref", sa.String(length=128), nullable=True),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_sms_messages_idempotency_key")),
    )
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.create_index("ix_sms_messages_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_sms_messages_phone", ["phone", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_messages_phone")
        batch_op.drop_index("ix_sms_messages_due")
    op.drop_table("sms_messages")
