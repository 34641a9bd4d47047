"""receipts of the worker app's job steps

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 10:00:00.000000

The worker app queues job steps (set off, arrived, start with the OTP, complete with the cash) while the phone is
offline and sends them when the network returns, each with an Idempotency-Key; the answer a key got is kept with it
so a repeat of the step gets that answer and changes nothing (bpp/workforce/step_receipts.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bpp.storage.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "worker_step_receipts",
        sa.Column("worker_id", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=True),
        sa.Column("created_at", bpp.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("worker_step_receipts")
