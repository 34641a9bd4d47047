"""workers in SMS mode

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 17:45:00.000000

A worker without a smartphone takes her offers and steps by SMS (issue 17.4, bpp/worker_sms): workers.sms_mode,
and worker_sms_inbound, one row per message the gateway delivered, so a message delivered again is taken once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("workers", sa.Column("sms_mode", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "worker_sms_inbound",
        sa.Column("message_id", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=10), nullable=False),
        sa.Column("worker_id", sa.String(length=64), nullable=True),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("received_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )


def downgrade() -> None:
    op.drop_table("worker_sms_inbound")
    with op.batch_alter_table("workers") as batch:
        batch.drop_column("sms_mode")
